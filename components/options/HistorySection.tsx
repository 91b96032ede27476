/**
 * The history Tattler keeps in IndexedDB: how long, how much space it takes, clearing it (after
 * a confirmation that says what will go, and an outcome that says what went), and exporting the
 * changes as JSON or CSV (lib/history-export.ts).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { changesToCsv, changesToJson, exportFileName } from '../../lib/history-export';
import { acquireLease, releaseLease } from '../../lib/lease';
import type { Settings } from '../../lib/settings';
import { useLiveQuery } from '../common/use-live-query';
import { assignErrors, parseError } from './errors';
import { afterRender, focusFirstInvalid, NumberField, useResetOnChange } from './fields';
import type { OptionsIo } from './io';
import type { Commit } from './store';

interface Counts {
  changes: number;
  polls: number;
  jobs: number;
  clusters: number;
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return 'unknown';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

const describeCounts = (c: Counts) =>
  `${c.changes} change${c.changes === 1 ? '' : 's'}, ${c.polls} poll run${c.polls === 1 ? '' : 's'}, ${c.jobs} job snapshot${c.jobs === 1 ? '' : 's'} and ${c.clusters} cluster${c.clusters === 1 ? '' : 's'}`;

export function HistorySection({
  io,
  settings,
  commit,
}: {
  io: OptionsIo;
  settings: Settings;
  commit: Commit;
}) {
  const counts = useLiveQuery<Counts>(
    async () => ({
      changes: await io.db.changes.count(),
      polls: await io.db.polls.count(),
      jobs: await io.db.jobs.count(),
      clusters: await io.db.clusters.count(),
    }),
    [io],
  ).value;
  const [estimate, setEstimate] = useState<{ usage?: number; quota?: number } | undefined>();
  const [retention, setRetention] = useState(String(settings.retentionDays));
  const [retentionErrors, setRetentionErrors] = useState<string[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [outcome, setOutcome] = useState<{ text: string; error?: boolean } | undefined>();
  const confirmRef = useRef<HTMLButtonElement>(null);
  const outcomeRef = useRef<HTMLParagraphElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useResetOnChange([settings.retentionDays], () => setRetention(String(settings.retentionDays)));
  useEffect(() => {
    void io.estimate?.().then(setEstimate, () => setEstimate(undefined));
  }, [io, counts?.changes, counts?.polls]);

  const saveRetention = (e: Event) => {
    e.preventDefault();
    const n = retention.trim() === '' ? retention : Number(retention);
    void commit({ ...settings, retentionDays: n }).then((r) => {
      const assigned = assignErrors(r.errors.map(parseError), (k) => k === 'retentionDays');
      setRetentionErrors([...(assigned.byField.retentionDays ?? []), ...assigned.other]);
      if (!r.ok) focusFirstInvalid(formRef.current);
      else
        setOutcome({
          text: `Changes older than ${r.settings?.retentionDays} days are dropped at the next pass.`,
        });
    });
  };

  const clear = async () => {
    const db = io.db;
    // The pass lease keeps a running pass from writing back what is being cleared.
    const owner = `options-${Math.random().toString(36).slice(2)}`;
    if (!(await acquireLease(db, owner, (io.now ?? Date.now)(), 60_000)).ok) {
      setConfirming(false);
      setOutcome({
        text: 'A pass is running right now, so nothing was cleared. Try again in a few seconds.',
        error: true,
      });
      afterRender(() => outcomeRef.current?.focus());
      return;
    }
    let cleared: Counts;
    try {
      cleared = await db.transaction('rw', [db.changes, db.polls, db.jobs, db.clusters], async () => {
        const c: Counts = {
          changes: await db.changes.count(),
          polls: await db.polls.count(),
          jobs: await db.jobs.count(),
          clusters: await db.clusters.count(),
        };
        await Promise.all([db.changes.clear(), db.polls.clear(), db.jobs.clear(), db.clusters.clear()]);
        return c;
      });
    } finally {
      await releaseLease(db, owner);
    }
    setConfirming(false);
    setOutcome({
      text: `Cleared ${describeCounts(cleared)}. The next pass starts over: it records what exists now as the baseline.`,
    });
    afterRender(() => outcomeRef.current?.focus());
  };

  const exportAs = async (kind: 'json' | 'csv') => {
    const [changes, clusters] = await Promise.all([io.db.changes.toArray(), io.db.clusters.toArray()]);
    const names = new Map(clusters.map((c) => [c.id, c.name]));
    const text = kind === 'json' ? changesToJson(changes, names) : changesToCsv(changes, names);
    io.download(
      exportFileName(kind, (io.now ?? Date.now)()),
      kind === 'json' ? 'application/json' : 'text/csv',
      text,
    );
    setOutcome({
      text: `Exported ${changes.length} change${changes.length === 1 ? '' : 's'} as ${kind.toUpperCase()}.`,
    });
  };

  const assignedMessages = retentionErrors.length ? retentionErrors : undefined;
  return (
    <section aria-labelledby="history-h" class="card">
      <h2 id="history-h">History</h2>
      <form ref={formRef} class="row align-end" onSubmit={saveRetention} noValidate>
        <NumberField
          form="history"
          name="retentionDays"
          label="Keep changes for"
          unit="days"
          value={retention}
          onInput={setRetention}
          errors={assignedMessages}
        />
        <button type="submit">Save retention</button>
      </form>
      <dl class="facts">
        <dt>Stored</dt>
        <dd>{counts ? describeCounts(counts) : 'counting…'}</dd>
        <dt>Space used by Tattler</dt>
        <dd>
          {estimate
            ? `${formatBytes(estimate.usage)}${estimate.quota ? ` of ${formatBytes(estimate.quota)} available` : ''}`
            : 'unknown'}
        </dd>
      </dl>
      <div class="row">
        <button type="button" onClick={() => void exportAs('json')}>
          Export changes as JSON
        </button>
        <button type="button" onClick={() => void exportAs('csv')}>
          Export changes as CSV
        </button>
        {!confirming && (
          <button
            type="button"
            class="danger"
            onClick={() => {
              setConfirming(true);
              setOutcome(undefined);
              afterRender(() => confirmRef.current?.focus());
            }}
          >
            Clear history…
          </button>
        )}
      </div>
      {confirming && (
        <fieldset class="confirm">
          <legend class="visually-hidden">Clear history?</legend>
          <p>
            Delete {counts ? describeCounts(counts) : 'the whole history'}? This cannot be undone; settings
            stay as they are.
          </p>
          <div class="row">
            <button type="button" class="danger" ref={confirmRef} onClick={() => void clear()}>
              Yes, clear history
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </fieldset>
      )}
      {outcome && (
        <p
          ref={outcomeRef}
          tabIndex={-1}
          role={outcome.error ? 'alert' : 'status'}
          class={`outcome ${outcome.error ? 'error' : 'ok'}`}
        >
          {outcome.text}
        </p>
      )}
    </section>
  );
}

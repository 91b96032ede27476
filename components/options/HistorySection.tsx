/**
 * The history Tattler keeps in IndexedDB: how long, how much space it takes, clearing it (after
 * a confirmation that says what will go, and an outcome that says what went), and exporting the
 * changes as JSON or CSV. The reads and commands are lib/history.ts's, passed in as `io.history`.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { HistoryCounts } from '../../lib/history';
import { identityRulesOf } from '../../lib/identity/clusters';
import type { Settings } from '../../lib/settings';
import { useLive } from '../common/use-live';
import { assignErrors, parseError } from './errors';
import { afterRender, focusFirstInvalid, NumberField, useResetOnChange } from './fields';
import type { OptionsIo } from './io';
import type { Commit } from './store';

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

const describeCounts = (c: HistoryCounts) =>
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
  const counts = useLive(() => io.history.counts(), [io]).value;
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
    const outcome = await io.history.clear((io.now ?? Date.now)());
    if (!outcome.ok) {
      setConfirming(false);
      setOutcome({
        text: 'A pass is running right now, so nothing was cleared. Try again in a few seconds.',
        error: true,
      });
      afterRender(() => outcomeRef.current?.focus());
      return;
    }
    setConfirming(false);
    setOutcome({
      text: `Cleared ${describeCounts(outcome.cleared)}. The next pass starts over: it records what exists now as the baseline.`,
    });
    afterRender(() => outcomeRef.current?.focus());
  };

  const exportAs = async (kind: 'json' | 'csv') => {
    const file = await io.history.exportChanges(kind, (io.now ?? Date.now)(), identityRulesOf(settings));
    io.download(file.fileName, file.mime, file.text);
    setOutcome({
      text: `Exported ${file.changes} change${file.changes === 1 ? '' : 's'} as ${kind.toUpperCase()}.`,
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

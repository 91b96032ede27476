/**
 * The sources: each with its state (from the latest poll runs: discovery failures with their
 * message, clusters needing a login with a link to log in, host access not granted), and Edit,
 * Test and Remove. Adding or editing opens the source form in place; focus follows: to the form
 * when it opens, to the saved source after saving, to the outcome after removing.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Coverage } from '../../lib/history';
import { safeHttpUrl } from '../../lib/links';
import { originPatternsFor } from '../../lib/permissions';
import type { SecretNotice } from '../../lib/secrets';
import type { Settings, SourceSettings } from '../../lib/settings';
import { useLive } from '../common/use-live';
import { draftOf, emptyDraft, type SourceDraft } from './draft';
import { afterRender } from './fields';
import type { OptionsIo } from './io';
import { runSourceTest } from './run-test';
import { SourceForm } from './SourceForm';
import type { SavedSource } from './save-source';
import { healthOf, type SourceHealth } from './status';
import type { OptionsStore } from './store';
import { TestResult, type TestState } from './TestResult';
import { typeSpec } from './types';

type Editing = { kind: 'new'; draft: SourceDraft } | { kind: 'edit'; id: string };

const focusSoon = (selector: string) =>
  afterRender(() => document.querySelector<HTMLElement>(selector)?.focus());

export const sourceHeadingId = (id: string) => `source-${id}-h`;

function plural(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** What the sources' state is made of: each target's latest poll run, and the clusters. */
export type HealthData = Coverage;

/** Live: the latest poll run of every target, and the clusters, as one value. */
export function useHealthData(io: OptionsIo): HealthData | undefined {
  return useLive(() => io.history.coverage(), [io]).value;
}

export function SourcesList({
  io,
  settings,
  store,
  health,
  openDraft,
  onDraftTaken,
}: {
  io: OptionsIo;
  settings: Settings;
  store: OptionsStore;
  health: HealthData | undefined;
  /** A draft to open in the form (the first-run banner's Rancher URL). */
  openDraft?: SourceDraft;
  onDraftTaken?(): void;
}) {
  const [editing, setEditing] = useState<Editing | undefined>();
  const [message, setMessage] = useState<{ text: string; warning: boolean } | undefined>();
  // Where each stored token goes (never the token), and the sources whose token must be entered again.
  const [tokens, setTokens] = useState<ReadonlyMap<string, string>>(new Map());
  const [notices, setNotices] = useState<ReadonlyMap<string, SecretNotice>>(new Map());
  const [secretsRevision, setSecretsRevision] = useState(0);
  const messageRef = useRef<HTMLDivElement>(null);

  // Read again after a settings change (a token may have been dropped) or a save (secretsRevision).
  useEffect(() => {
    let live = true;
    void Promise.all([io.secrets.list(), io.secrets.notices()])
      .then(([stored, asked]) => {
        if (!live) return;
        setTokens(new Map(stored.map((s) => [s.sourceId, s.origin])));
        setNotices(new Map(asked.map((n) => [n.sourceId, n])));
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [io, settings, secretsRevision]);

  useEffect(() => {
    if (!openDraft) return;
    setEditing({ kind: 'new', draft: openDraft });
    onDraftTaken?.();
    focusSoon('#src-title');
  }, [openDraft, onDraftTaken]);

  const open = (next: Editing) => {
    setEditing(next);
    setMessage(undefined);
    focusSoon('#src-title');
  };
  const close = (focus: string) => {
    setEditing(undefined);
    focusSoon(focus);
  };
  const onSaved = (saved: SavedSource) => {
    setSecretsRevision((n) => n + 1);
    setEditing(undefined);
    setMessage({ text: saved.message, warning: saved.warning });
    focusSoon(`#${sourceHeadingId(saved.id)}`);
  };

  const remove = (source: SourceSettings) => {
    const next = { ...settings, sources: settings.sources.filter((s) => s.id !== source.id) };
    void store.commit(next).then((result) => {
      if (!result.ok) {
        setMessage({ text: `Could not remove “${source.name}”: ${result.errors.join('; ')}`, warning: true });
      } else {
        const released = result.released.length ? ` Gave back access to ${result.released.join(', ')}.` : '';
        setMessage({
          text: `Removed “${source.name}”. Its clusters are no longer polled; the changes already recorded stay until they age out.${released}`,
          warning: false,
        });
      }
      afterRender(() => messageRef.current?.focus());
    });
  };

  const form = (initial: SourceDraft, focusOnCancel: string) => (
    <SourceForm
      io={io}
      settings={settings}
      initial={initial}
      {...(initial.editing !== undefined && tokens.has(initial.editing)
        ? { storedToken: { origin: tokens.get(initial.editing) as string } }
        : {})}
      commit={store.commit}
      onSaved={onSaved}
      onCancel={() => close(focusOnCancel)}
    />
  );

  return (
    <section aria-labelledby="sources-h" class="card">
      <h2 id="sources-h">Sources</h2>
      <p class="muted">
        Where Tattler finds your clusters and jobs. It reads with your browser session, GET only, every{' '}
        {settings.pollIntervalSec} s.
      </p>
      {message && (
        <div
          ref={messageRef}
          tabIndex={-1}
          role="status"
          class={`outcome ${message.warning ? 'error' : 'ok'}`}
        >
          {message.text}
        </div>
      )}
      {settings.sources.length === 0 && !editing && <p>No sources yet.</p>}
      <ul class="sources">
        {settings.sources.map((s) =>
          editing?.kind === 'edit' && editing.id === s.id ? (
            <li key={s.id} class="source editing">
              {form(draftOf(s), `#edit-${s.id}`)}
            </li>
          ) : (
            <SourceItem
              key={s.id}
              io={io}
              settings={settings}
              source={s}
              health={health ? healthOf(s.id, health.runs, health.clusters) : undefined}
              {...(notices.has(s.id) ? { notice: notices.get(s.id) as SecretNotice } : {})}
              missing={originPatternsFor({ ...settings, sources: [s], pages: {} }).filter((p) =>
                store.missing.has(p),
              )}
              onGrant={(patterns) => void store.grant(patterns)}
              onEdit={() => open({ kind: 'edit', id: s.id })}
              onRemove={() => remove(s)}
            />
          ),
        )}
      </ul>
      {editing?.kind === 'new' ? (
        form(editing.draft, '#add-source')
      ) : (
        <button
          type="button"
          id="add-source"
          class="primary"
          onClick={() => open({ kind: 'new', draft: emptyDraft() })}
        >
          Add a source
        </button>
      )}
    </section>
  );
}

function SourceItem({
  io,
  settings,
  source,
  health,
  notice,
  missing,
  onGrant,
  onEdit,
  onRemove,
}: {
  io: OptionsIo;
  settings: Settings;
  source: SourceSettings;
  health: SourceHealth | undefined;
  /** Why this source's token must be entered again. */
  notice?: SecretNotice;
  missing: string[];
  onGrant(patterns: string[]): void;
  onEdit(): void;
  onRemove(): void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [test, setTest] = useState<TestState>({ phase: 'idle' });
  const confirmRef = useRef<HTMLButtonElement>(null);
  const where = source.baseUrl ?? source.clusters.map((c) => c.apiBase).join(', ');

  return (
    <li class="source">
      <div class="source-head">
        <h3 id={sourceHeadingId(source.id)} tabIndex={-1}>
          {source.name}
        </h3>
        <span class="tag">{typeSpec(source.type).label}</span>
        {!source.enabled && <span class="tag off">not watched</span>}
      </div>
      <p class="muted mono small">{where}</p>
      {notice && (
        <p class="outcome error">
          <strong>Token needed:</strong> {notice.message} Use Edit to enter it.
        </p>
      )}
      {source.enabled && <Status health={health} missing={missing} onGrant={onGrant} />}
      <div class="row">
        <button
          type="button"
          id={`edit-${source.id}`}
          onClick={onEdit}
          aria-describedby={sourceHeadingId(source.id)}
        >
          Edit
        </button>
        <button
          type="button"
          disabled={test.phase === 'running'}
          aria-describedby={sourceHeadingId(source.id)}
          onClick={() => void runSourceTest(io, settings, source, setTest)}
        >
          Test
        </button>
        {!confirming && (
          <button
            type="button"
            class="danger"
            aria-describedby={sourceHeadingId(source.id)}
            onClick={() => {
              setConfirming(true);
              afterRender(() => confirmRef.current?.focus());
            }}
          >
            Remove
          </button>
        )}
      </div>
      {confirming && (
        <fieldset class="confirm">
          <legend class="visually-hidden">Remove {source.name}?</legend>
          <p>
            Remove “{source.name}”? Its clusters stop being polled; changes already recorded stay until they
            age out.
          </p>
          <div class="row">
            <button type="button" class="danger" ref={confirmRef} onClick={onRemove}>
              Remove “{source.name}”
            </button>
            <button
              type="button"
              onClick={() => {
                setConfirming(false);
                afterRender(() => document.getElementById(`edit-${source.id}`)?.focus());
              }}
            >
              Keep it
            </button>
          </div>
        </fieldset>
      )}
      <TestResult id={`test-${source.id}`} state={test} />
    </li>
  );
}

export function LoginLink({ url }: { url: string }) {
  const safe = safeHttpUrl(url);
  if (!safe) return <code>{url}</code>;
  return (
    <a href={safe} target="_blank" rel="noopener noreferrer">
      Log in at {safe}
    </a>
  );
}

function Status({
  health,
  missing,
  onGrant,
}: {
  health: SourceHealth | undefined;
  missing: string[];
  onGrant(patterns: string[]): void;
}) {
  const lines = [];
  if (missing.length) {
    lines.push(
      <li key="perm" class="bad">
        Tattler may not read {missing.join(', ')} yet.{' '}
        <button type="button" onClick={() => onGrant(missing)}>
          Grant access
        </button>
      </li>,
    );
  }
  if (!health) return lines.length ? <ul class="status">{lines}</ul> : null;
  const d = health.discovery;
  if (d && d.status !== 'ok') {
    lines.push(
      <li key="disc" class="bad">
        Discovery failed: {(d.message ?? d.status).replace(/^discovery: /, '')}
      </li>,
    );
  }
  for (const login of health.logins) {
    lines.push(
      <li key={`login-${login.url}`} class="bad">
        {login.clusters.length
          ? `${plural(login.clusters.length, 'cluster')} need a login (${login.clusters.join(', ')}). `
          : 'Needs a login. '}
        <LoginLink url={login.url} />
      </li>,
    );
  }
  for (const f of health.failures.slice(0, 3)) {
    lines.push(
      <li key={`fail-${f.cluster}`} class="bad">
        {f.cluster}: {f.message}
      </li>,
    );
  }
  if (health.failures.length > 3)
    lines.push(<li key="more">… and {health.failures.length - 3} more clusters failing.</li>);
  if (health.polled > 0) {
    lines.unshift(
      <li key="sum" class={health.counts.ok === health.polled ? 'good' : undefined}>
        {plural(health.polled, 'cluster')}: {health.counts.ok} answered at the last poll
        {health.lastAt ? ` (${new Date(health.lastAt).toLocaleTimeString()})` : ''}.
      </li>,
    );
  } else if (!d) {
    lines.push(<li key="none">Not polled yet.</li>);
  }
  return <ul class="status">{lines}</ul>;
}

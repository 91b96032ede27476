/**
 * The popup header: filter, window, "changed only", the state of polling (last pass, clusters
 * ok / failing / needing login, login links) and "Poll now".
 */
import type { RowSort } from '../../lib/heat/types';
import { WINDOWS, type WindowId } from '../../lib/heat/windows';
import { safeHttpUrl } from '../../lib/links';
import { relativeTime } from '../../lib/time-text';
import type { PollState } from './poll-state';

export interface ToolbarProps {
  text: string;
  onText(text: string): void;
  windowId: WindowId;
  onWindow(id: WindowId): void;
  changedOnly: boolean;
  onChangedOnly(on: boolean): void;
  sort: RowSort;
  onSort(sort: RowSort): void;
  /** Absent before any cluster is known: no filters to offer yet. */
  filters: boolean;
}

export function Toolbar(props: ToolbarProps) {
  if (!props.filters) return null;
  return (
    <div class="filters">
      <input
        type="search"
        class="filter"
        aria-label="Filter jobs (name, namespace, kind, or who changed them)"
        placeholder="Filter jobs or people…"
        value={props.text}
        onInput={(e) => props.onText(e.currentTarget.value)}
      />
      <label class="field">
        <span>Window</span>
        <select value={props.windowId} onChange={(e) => props.onWindow(e.currentTarget.value as WindowId)}>
          {WINDOWS.map((w) => (
            <option key={w.id} value={w.id}>
              {w.label}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>Rows</span>
        <select value={props.sort} onChange={(e) => props.onSort(e.currentTarget.value as RowSort)}>
          <option value="recent">latest change first</option>
          <option value="name">by name</option>
        </select>
      </label>
      <label class="field">
        <input
          type="checkbox"
          checked={props.changedOnly}
          onChange={(e) => props.onChangedOnly(e.currentTarget.checked)}
        />
        <span>Changed only</span>
      </label>
    </div>
  );
}

export interface PollBarProps {
  state: PollState;
  now: number;
  busy: boolean;
  error?: string;
  onPollNow(): void;
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

export function PollBar({ state, now, busy, error, onPollNow }: PollBarProps) {
  const problems = state.failures.length;
  return (
    <div class="pollbar">
      <span class="pass">
        {state.lastPassAt !== undefined ? (
          <>Last pass {relativeTime(state.lastPassAt, now)}</>
        ) : (
          <>No pass yet</>
        )}
      </span>
      <span class="count ok">{state.ok} ok</span>
      {state.failing > 0 && <span class="count failing">{state.failing} failing</span>}
      {state.auth > 0 && <span class="count auth">{state.auth} need login</span>}
      {state.pending > 0 && <span class="count">{state.pending} not polled yet</span>}
      {/* Login URLs come from clusters' answers: only http(s) ones become links. */}
      {state.logins.map((l) => {
        const href = safeHttpUrl(l.url);
        return (
          href && (
            <a key={l.url} class="login" href={href} target="_blank" rel="noopener noreferrer">
              Log in to {hostOf(href)}
            </a>
          )
        );
      })}
      {state.storageError && (
        <span class="storage-error" role="alert">
          {state.storageError}: the changes of the last pass are not recorded yet; nothing is lost, the next
          pass tries again.
        </span>
      )}
      {problems > 0 && (
        <details class="failures">
          <summary>Why?</summary>
          <ul>
            {state.failures.map((f) => (
              <li key={f.target}>
                <strong>{f.name}</strong>: {f.status}
                {f.message ? ` — ${f.message}` : ''}
              </li>
            ))}
          </ul>
        </details>
      )}
      <span class="spacer" />
      <span role="status" class="pass-status">
        {busy ? 'Polling…' : (error ?? '')}
      </span>
      <button type="button" class="poll-now" onClick={onPollNow} disabled={busy} aria-busy={busy}>
        {busy ? 'Polling…' : 'Poll now'}
      </button>
    </div>
  );
}

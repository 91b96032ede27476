/**
 * A cell's detail: its changes in the window, newest first — who (and what kind of actor),
 * when (relative and exact), field by field before → after, versions skipped, a warning when
 * the actor may belong to an earlier change — and the links out. Also says why a cell is blind,
 * absent or degraded. Every remote value is rendered as text.
 *
 * Shown as a preview on hover/focus; pinned (a non-modal dialog that takes focus) on click or
 * Enter. Escape closes it; the caller returns focus to the cell.
 */

import type { JSX, TargetedKeyboardEvent } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { HeatCell } from '../../lib/heat';
import type { Change, FieldValue } from '../../lib/model';
import type { Settings } from '../../lib/settings';
import { FieldDeltaView } from '../common/FieldDeltaView';
import { clockTime, exactTime, relativeTime } from '../common/time';
import { ACTOR_KIND_LABEL, BLIND_LABEL, columnName, windowPhrase } from './labels';
import { consoleLink, userJobsLink } from './links';

export interface CellDetailProps {
  cell: HeatCell;
  now: number;
  windowMs: number;
  settings: Pick<Settings, 'sources'>;
  pinned: boolean;
  side: 'left' | 'right';
  onClose(): void;
  onMouseEnter?(): void;
  onMouseLeave?(): void;
}

const TYPE_LABEL: Record<Change['type'], string> = {
  created: 'created',
  updated: 'updated',
  deleted: 'deleted',
  status: 'status',
};

/** Field values as text: lists joined, absent and null said in words. */
export function valueText(v: FieldValue | undefined): string {
  if (v === undefined) return '(none)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length ? v.join(', ') : '(empty list)';
  return String(v);
}

function When({ change, now }: { change: Change; now: number }) {
  const iso = new Date(change.at).toISOString();
  return (
    <p class="ch-when">
      <time dateTime={iso} title={exactTime(change.at)}>
        {relativeTime(change.at, now)}
      </time>
      {' · '}
      {exactTime(change.at)}
      {change.reportedAt === undefined && (
        <span class="dim">
          {' '}
          (seen between polls at {clockTime(change.windowStart)} and {clockTime(change.windowEnd)})
        </span>
      )}
    </p>
  );
}

function ChangeItem({
  change,
  cell,
  now,
  settings,
}: { change: Change; cell: HeatCell; now: number } & Pick<CellDetailProps, 'settings'>) {
  const actor = change.actor;
  const open = consoleLink(change);
  const jobs = userJobsLink(change, cell.column.cluster, settings);
  const versions =
    change.fromVersion !== undefined || change.toVersion !== undefined
      ? `version ${change.fromVersion ?? '?'} → ${change.toVersion ?? '?'}`
      : '';
  return (
    <li class="change">
      <p class="ch-head">
        <span class={`ch-type t-${change.type}`}>{TYPE_LABEL[change.type]}</span>{' '}
        {actor ? (
          <>
            <strong class="actor">{actor.name}</strong>{' '}
            <span class="dim">
              ({ACTOR_KIND_LABEL[actor.kind]}
              {actor.via ? `, from ${actor.via}` : ''})
            </span>
          </>
        ) : (
          <span class="dim">actor not reported</span>
        )}
      </p>
      <When change={change} now={now} />
      {change.actorStale && (
        <p class="warn" role="note">
          <span aria-hidden="true">⚠ </span>
          {actor ? actor.name : 'The actor'} may belong to an earlier change: the reported time lies before
          this change's window.
        </p>
      )}
      {(change.skipped ?? 0) > 0 && (
        <p class="skipped">
          {change.skipped} version{change.skipped === 1 ? '' : 's'} skipped between polls (came and went
          unseen)
          {versions ? ` · ${versions}` : ''}
        </p>
      )}
      {!change.skipped && versions && <p class="dim">{versions}</p>}
      {change.fields.length > 0 && (
        <ul class="fields">
          {change.fields.map((f) => (
            <li key={f.path}>
              <code class="path">{f.path}</code> <FieldDeltaView change={f} format={valueText} />
            </li>
          ))}
        </ul>
      )}
      {change.changeCause && <p class="cause">{change.changeCause}</p>}
      {(open || jobs) && (
        <p class="links">
          {open && (
            <a href={open} target="_blank" rel="noopener noreferrer">
              Open in console
            </a>
          )}
          {jobs && actor && (
            <a href={jobs} target="_blank" rel="noopener noreferrer">
              Open {actor.name}'s jobs
            </a>
          )}
        </p>
      )}
    </li>
  );
}

/** Why the cell looks the way it does, beyond its changes. */
function CellState({ cell }: { cell: HeatCell }) {
  const lines: JSX.Element[] = [];
  const blind = cell.blind;
  if (blind) {
    const login = blind.loginUrl;
    lines.push(
      <p key="blind" class="warn">
        <span aria-hidden="true">{blind.recovered ? '' : '? '}</span>
        {blind.recovered
          ? 'Polls of this cluster failed for a while in the window, and a later poll saw it again (what changed meanwhile is in that poll): '
          : 'Could not see this cluster in the window: '}
        {BLIND_LABEL[blind.reason]}
        {blind.message ? ` — ${blind.message}` : ''}.{' '}
        {login && (
          <a href={login} target="_blank" rel="noopener noreferrer">
            Log in
          </a>
        )}
      </p>,
    );
  }
  if (cell.absent)
    lines.push(<p key="absent">Not running in this cluster{cell.deleted ? ' (deleted)' : ''}.</p>);
  if (cell.degraded)
    lines.push(
      <p key="degraded" class="degraded-note">
        ! Degraded.
      </p>,
    );
  if (cell.column.gone)
    lines.push(
      <p key="gone" class="dim">
        This cluster is gone: discovery no longer lists it.
      </p>,
    );
  return <>{lines}</>;
}

export function CellDetail(props: CellDetailProps) {
  const { cell, now, pinned } = props;
  const ref = useRef<HTMLElement>(null);
  const title = `${cell.row.name} in ${columnName(cell.column)}`;

  // Pinned: the dialog takes focus so a screen reader reads it and Tab reaches its links.
  useEffect(() => {
    if (pinned) ref.current?.focus();
  }, [pinned]);

  const onKeyDown = (e: TargetedKeyboardEvent<HTMLElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      props.onClose();
    }
  };

  const shown = cell.changes;
  return (
    <section
      ref={ref}
      class={`detail side-${props.side}${pinned ? ' pinned' : ''}`}
      role={pinned ? 'dialog' : 'region'}
      aria-label={`Changes of ${title}`}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      onMouseEnter={props.onMouseEnter}
      onMouseLeave={props.onMouseLeave}
    >
      <header class="detail-head">
        <h2>
          {cell.row.name} <span class="dim">in</span> {columnName(cell.column)}
        </h2>
        {pinned && (
          <button type="button" class="close" aria-label="Close details" onClick={props.onClose}>
            ×
          </button>
        )}
      </header>
      <p class="dim where">
        {[
          cell.row.kind,
          cell.row.namespace,
          cell.column.group && `group ${cell.column.group}`,
          `from ${cell.column.source}`,
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
      <CellState cell={cell} />
      {shown.length === 0 ? (
        <p>No changes in {windowPhrase(props.windowMs)}.</p>
      ) : (
        <ol
          class="changes"
          aria-label={`${shown.length} change${shown.length === 1 ? '' : 's'}, newest first`}
        >
          {shown.map((c) => (
            <ChangeItem key={c.id} change={c} cell={cell} now={now} settings={props.settings} />
          ))}
        </ol>
      )}
    </section>
  );
}

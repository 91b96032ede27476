/**
 * A cell's detail: its changes in the window, newest first, each as the popover on alert pages
 * shows it (components/common/ChangeItem.tsx). Also says why a cell is blind, absent or
 * degraded. Every remote value is rendered as text.
 *
 * Shown as a preview on hover/focus; pinned (a non-modal dialog that takes focus) on click or
 * Enter. Escape closes it; the caller returns focus to the cell.
 */

import type { JSX, TargetedKeyboardEvent } from 'preact';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { changeViewOf } from '../../lib/change-view';
import type { HeatCell } from '../../lib/heat/types';
import { safeHttpUrl } from '../../lib/links';
import type { Change } from '../../lib/model';
import type { Settings } from '../../lib/settings';
import { windowPhrase } from '../../lib/time-text';
import { ChangeItem } from '../common/ChangeItem';
import { BLIND_LABEL, columnName } from './labels';

export interface CellDetailProps {
  cell: HeatCell;
  /** The cell's changes in the window, newest first; undefined while they are being read. */
  changes: readonly Change[] | undefined;
  now: number;
  windowMs: number;
  settings: Pick<Settings, 'sources'>;
  pinned: boolean;
  side: 'left' | 'right';
  onClose(): void;
  onMouseEnter?(): void;
  onMouseLeave?(): void;
}

/** The kinds of a service cell's jobs that run or changed in its column: "Deployment, Job". */
const jobKinds = (cell: HeatCell): string =>
  [...new Set((cell.parts ?? []).map((p) => p.rowKey.slice(0, p.rowKey.indexOf(':'))))].sort().join(', ');

/** Why the cell looks the way it does, beyond its changes. */
function CellState({ cell }: { cell: HeatCell }) {
  const lines: JSX.Element[] = [];
  const blind = cell.blind;
  if (blind) {
    // The login URL came from a cluster's answer: only an http(s) URL becomes a link.
    const login = safeHttpUrl(blind.loginUrl);
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

  // Each change is presented with its own source's cluster (its links), in a column of several.
  const shown = useMemo(() => {
    const clusterOf = (id: string) => cell.column.members.find((m) => m.cluster.id === id)?.cluster;
    return props.changes?.map((c) =>
      changeViewOf(c, clusterOf(c.clusterId) ?? cell.column.cluster, props.settings, clusterOf),
    );
  }, [props.changes, cell.column, props.settings]);
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
          ...((cell.row.jobs?.length ?? 0) > 1
            ? ['service', `${cell.row.jobs?.length} jobs: ${jobKinds(cell)}`]
            : [cell.row.kind, cell.row.namespace]),
          cell.column.group && `group ${cell.column.group}`,
          `from ${cell.column.source}`,
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
      <CellState cell={cell} />
      {shown === undefined ? (
        <p role="status">Reading its changes…</p>
      ) : shown.length === 0 ? (
        <p>No changes in {windowPhrase(props.windowMs)}.</p>
      ) : (
        <ol
          class="changes"
          aria-label={`${shown.length} change${shown.length === 1 ? '' : 's'}, newest first`}
        >
          {shown.map((c) => (
            <ChangeItem
              key={c.id}
              change={c}
              now={now}
              // A service's cell lists several jobs' changes: each says whose it is.
              context={
                (cell.parts?.length ?? 0) > 1 ? (
                  <span class="dim">
                    {c.kind} {c.name}
                    {c.namespace ? ` in ${c.namespace}` : ''}
                  </span>
                ) : undefined
              }
            />
          ))}
        </ol>
      )}
    </section>
  );
}

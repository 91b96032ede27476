/**
 * The heat grid: services as rows (each expandable into its jobs), clusters as columns, virtualized both ways (only the rows and
 * columns on screen are in the DOM), sticky headers, and the WAI-ARIA grid pattern — one
 * roving tab stop, arrow/Home/End/PageUp/PageDown moves, Enter opens a cell's detail. The row
 * header is part of the roving focus (ArrowLeft from the first cell): a service of several
 * jobs has a button there (aria-expanded) that Enter or Space toggles, ArrowRight expands and
 * ArrowLeft collapses, as in a treegrid; ArrowLeft on a job's header goes to its service.
 *
 * Positions are in view coordinates: `row` indexes `rows` (the filtered list), `col` indexes
 * `index.columns`.
 */

import type { VirtualItem } from '@tanstack/virtual-core';
import type { TargetedFocusEvent, TargetedKeyboardEvent, TargetedMouseEvent } from 'preact';
import { useCallback, useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { MARKS } from '../../lib/heat/scale';
import type { HeatColumn, HeatIndex, HeatRow } from '../../lib/heat/types';
import { memo } from '../common/memo';
import { type GridPos, HEADER_COL, nextPosition } from './keys';
import {
  BLIND_LABEL,
  cellLabel,
  columnLabel,
  columnName,
  coverageText,
  rowLabel,
  serviceJobsText,
} from './labels';
import { rangeWithPinned, useVirtualizer } from './use-virtualizer';

export const ROW_H = 26;
export const COL_W = 26;
export const ROWHEAD_W = 230;
export const GROUP_H = 16;
export const HEAD_H = 132;

export interface HeatGridProps {
  index: HeatIndex;
  /** Row indices into index.rows, in display order. */
  rows: readonly number[];
  now: number;
  active: GridPos;
  onActiveChange(pos: GridPos): void;
  /** Enter, Space or a click on a cell: open (pin) its detail. */
  onOpen(pos: GridPos, anchor: HTMLElement): void;
  /** Hover or focus: show the detail without taking focus; undefined to hide. */
  onPreview(pos: GridPos | undefined, anchor?: HTMLElement): void;
  /** Escape in the grid. */
  onEscape(): void;
  /** Bump to move DOM focus to the active cell (after the detail closes). */
  focusToken: number;
  /** Service rows (by row key) shown with their jobs. */
  expanded: ReadonlySet<string>;
  /** Expand (true) or collapse a service row. */
  onToggle(rowKey: string, open: boolean): void;
}

const rowSize = () => ROW_H;
const colSize = () => COL_W;

const posOf = (el: EventTarget | null): { pos: GridPos; el: HTMLElement } | undefined => {
  const cell = (el as HTMLElement | null)?.closest?.('[data-pos]') as HTMLElement | null;
  const raw = cell?.dataset.pos;
  if (!cell || !raw) return undefined;
  const [row, col] = raw.split(':').map(Number);
  return { pos: { row: row as number, col: col as number }, el: cell };
};

function ColumnHeader({ col, left }: { col: HeatColumn; left: number }) {
  const blindNow = col.blind && !col.blind.recovered;
  const cls = ['colhead', col.gone && 'gone', blindNow && 'blind', col.churn && 'churn']
    .filter(Boolean)
    .join(' ');
  const tip = [
    col.name,
    coverageText(col) || `from ${col.source}`,
    col.group && `group ${col.group}`,
    col.blind &&
      `could not see: ${BLIND_LABEL[col.blind.reason]}${col.blind.message ? ` — ${col.blind.message}` : ''}`,
    col.gone && 'gone (no longer listed)',
    col.pace,
  ]
    .filter(Boolean)
    .join('\n');
  return (
    // biome-ignore lint/a11y/useSemanticElements lint/a11y/useFocusableInteractive: virtualized cells are absolutely positioned divs (table layout cannot be); in a grid only cells take focus (roving tabindex)
    <div
      role="columnheader"
      aria-colindex={col.index + 2}
      aria-label={columnLabel(col)}
      class={cls}
      title={tip}
      style={{ left: `${left}px`, width: `${COL_W}px` }}
    >
      <span class="colname">{columnName(col)}</span>
      <span class={`colcount lv${col.churn && !blindNow ? col.level : 0}`} aria-hidden="true">
        {blindNow ? MARKS.blind : col.changes > 0 ? (col.changes > 99 ? '99+' : col.changes) : ''}
      </span>
    </div>
  );
}

/** Short kind names: the row header has room for about forty characters. */
const KIND_SHORT: Record<string, string> = {
  Deployment: 'deploy',
  StatefulSet: 'sts',
  DaemonSet: 'ds',
  CronJob: 'cron',
};

/** "57/85 · ledger:1.4.2 · dmitri": the rollout's numbers first, the image without its registry path. */
export function rolloutBrief(rollout: NonNullable<HeatRow['rollout']>): string {
  const value = rollout.value.slice(rollout.value.lastIndexOf('/') + 1);
  const reach =
    rollout.of === undefined ? `${rollout.clusters} clusters` : `${rollout.clusters}/${rollout.of}`;
  const who = rollout.actor
    ? ` · ${rollout.actor.name}${rollout.actors > 1 ? ` +${rollout.actors - 1}` : ''}`
    : '';
  return `${reach} · ${value}${who}`;
}

/** The line under a row's name: its rollout, or what it is and how much changed. */
function rowSub(row: HeatRow, rows: readonly HeatRow[]): string {
  if (row.rollout) return rolloutBrief(row.rollout);
  const what =
    (row.jobs?.length ?? 0) > 1
      ? serviceJobsText(row, rows)
      : [row.namespace, KIND_SHORT[row.kind] ?? row.kind].filter(Boolean).join(' · ');
  return (
    what +
    (row.changes > 0
      ? ` · ${row.changes} change${row.changes === 1 ? '' : 's'}, ${row.changedClusters} cluster${row.changedClusters === 1 ? '' : 's'}`
      : '')
  );
}

interface RowHeaderProps {
  row: HeatRow;
  rows: readonly HeatRow[];
  pos: number;
  /** The header holds the roving focus. */
  active: boolean;
  expanded: boolean;
}

function RowHeader({ row, rows, pos, active, expanded }: RowHeaderProps) {
  const expandable = (row.jobs?.length ?? 0) > 1;
  const label = rowLabel(row, rows);
  // The jobs it stands for, by row key (a service's own key is no job's).
  const keys = row.jobs ? row.jobs.map((j) => rows[j]?.rowKey ?? '') : [row.rowKey];
  const tip = [...keys, row.rollout?.summary ?? ''].filter(Boolean).join('\n');
  const inner = (
    <>
      <span class="jobname">
        {expandable && (
          <span class="expander" aria-hidden="true">
            {expanded ? '▾' : '▸'}
          </span>
        )}
        {row.name}
      </span>
      <span class={row.rollout ? 'jobsub rollout' : 'jobsub'}>{rowSub(row, rows)}</span>
    </>
  );
  const cls = `rowhead lv${row.level}${row.type === 'job' ? ' member' : ''}`;
  if (expandable)
    return (
      // biome-ignore lint/a11y/useSemanticElements lint/a11y/useFocusableInteractive: virtualized cells are absolutely positioned divs (table layout cannot be); the button inside takes the focus
      <div role="rowheader" aria-colindex={1} class={cls} title={tip}>
        <button
          type="button"
          class="rowtoggle"
          aria-expanded={expanded}
          aria-label={label}
          tabIndex={active ? 0 : -1}
          data-pos={`${pos}:${HEADER_COL}`}
        >
          {inner}
        </button>
      </div>
    );
  return (
    // biome-ignore lint/a11y/useSemanticElements: virtualized cells are absolutely positioned divs (table layout cannot be); in a grid the header takes the roving focus like a cell
    <div
      role="rowheader"
      aria-colindex={1}
      aria-label={label}
      class={cls}
      title={tip}
      tabIndex={active ? 0 : -1}
      data-pos={`${pos}:${HEADER_COL}`}
    >
      {inner}
    </div>
  );
}

interface GridCellProps {
  index: HeatIndex;
  r: number;
  c: number;
  pos: number;
  left: number;
  active: boolean;
  now: number;
}

/**
 * One cell, memoized on primitives: a horizontal scroll re-renders every row, but only the
 * cells that come into view compute their state and label.
 */
const GridCell = memo<GridCellProps>(function GridCell({
  index,
  r,
  c,
  pos,
  left,
  active,
  now,
}: GridCellProps) {
  const cell = index.cell(r, c);
  let cls = `cell lv${cell.level}`;
  if (cell.absent) cls += ' absent';
  if (cell.blind) cls += cell.blind.recovered ? ' gap' : ' blind';
  if (cell.degraded) cls += ' degraded';
  if (cell.column.gone) cls += ' gone';
  return (
    // biome-ignore lint/a11y/useSemanticElements: virtualized cells are absolutely positioned divs (table layout cannot be); in a grid only cells take focus (roving tabindex)
    <div
      role="gridcell"
      aria-colindex={c + 2}
      aria-label={cellLabel(cell, now)}
      tabIndex={active ? 0 : -1}
      data-pos={`${pos}:${c}`}
      class={cls}
      style={{ left: `${left}px` }}
    >
      {cell.glyph}
    </div>
  );
});

interface GridRowProps {
  index: HeatIndex;
  /** Index into index.rows, and position in the view. */
  r: number;
  pos: number;
  top: number;
  width: number;
  vCols: readonly VirtualItem[];
  /** The active cell's column when it is in this row (HEADER_COL: its header), else undefined. */
  activeCol: number | undefined;
  expanded: boolean;
  now: number;
}

/**
 * One row, memoized: scrolling down renders only the rows that come into view, and a focus
 * move re-renders only the rows it leaves and enters. (`vCols` keeps its identity while the
 * column range does not change.)
 */
const GridRow = memo<GridRowProps>(function GridRow({
  index,
  r,
  pos,
  top,
  width,
  vCols,
  activeCol,
  expanded,
  now,
}: GridRowProps) {
  const row = index.rows[r] as HeatRow;
  return (
    // biome-ignore lint/a11y/useSemanticElements lint/a11y/useFocusableInteractive: virtualized cells are absolutely positioned divs (table layout cannot be); in a grid only cells take focus (roving tabindex)
    <div
      role="row"
      aria-rowindex={pos + 2}
      class="grid-row"
      style={{ top: `${top}px`, height: `${ROW_H}px`, width: `${width}px` }}
    >
      <RowHeader
        row={row}
        rows={index.rows}
        pos={pos}
        active={activeCol === HEADER_COL}
        expanded={expanded}
      />
      {vCols.map((vc) => (
        <GridCell
          key={vc.key}
          index={index}
          r={r}
          c={vc.index}
          pos={pos}
          left={vc.start}
          active={vc.index === activeCol}
          now={now}
        />
      ))}
    </div>
  );
});

export function HeatGrid(props: HeatGridProps) {
  const { index, rows, now, active } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const focusPending = useRef(false);
  const columns = index.columns;

  const rowKey = useCallback((i: number) => index.rows[rows[i] as number]?.rowKey ?? i, [index, rows]);
  const colKey = useCallback((i: number) => columns[i]?.id ?? i, [columns]);
  const rowRange = useMemo(() => rangeWithPinned(active.row), [active.row]);
  const colRange = useMemo(() => rangeWithPinned(active.col), [active.col]);

  const rowV = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: rowSize,
    getItemKey: rowKey,
    rangeExtractor: rowRange,
    paddingStart: HEAD_H,
    scrollPaddingStart: HEAD_H,
    overscan: 3,
  });
  const colV = useVirtualizer({
    horizontal: true,
    count: columns.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: colSize,
    getItemKey: colKey,
    rangeExtractor: colRange,
    paddingStart: ROWHEAD_W,
    scrollPaddingStart: ROWHEAD_W,
    overscan: 2,
  });

  const moveTo = (pos: GridPos) => {
    props.onActiveChange(pos);
    rowV.scrollToIndex(pos.row);
    // The row header is sticky: it needs no horizontal scroll.
    if (pos.col !== HEADER_COL) colV.scrollToIndex(pos.col);
    focusPending.current = true;
  };

  // Focus follows the active cell once it is rendered (it always is: the range pins it).
  // Runs when the position or the token changes.
  useLayoutEffect(() => {
    if (!focusPending.current) return;
    focusPending.current = false;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-pos="${active.row}:${active.col}"]`);
    // The virtualizer scrolled it into view, minding the sticky headers; the browser must not.
    el?.focus({ preventScroll: true });
  }, [active.row, active.col, props.focusToken]);

  // Keyed rows move in the DOM when a pass reorders them, and a moved element loses focus.
  // While focus belongs in the grid, a render that dropped it to <body> puts it back.
  const focusInside = useRef(false);
  useLayoutEffect(() => {
    if (!focusInside.current) return;
    const current = document.activeElement;
    if (current && current !== document.body && current !== document.documentElement) return;
    scrollRef.current
      ?.querySelector<HTMLElement>(`[data-pos="${active.row}:${active.col}"]`)
      ?.focus({ preventScroll: true });
  });

  // A token bump asks for focus even when the position did not change.
  const lastToken = useRef(props.focusToken);
  if (lastToken.current !== props.focusToken) {
    lastToken.current = props.focusToken;
    focusPending.current = true;
  }

  /** Keys on a row header: expand and collapse a service, or go to a job's service. */
  const onHeaderKey = (pos: GridPos, key: string): boolean => {
    const row = index.rows[rows[pos.row] as number];
    if (!row) return false;
    const expandable = (row.jobs?.length ?? 0) > 1;
    const open = props.expanded.has(row.rowKey);
    if (expandable && (key === 'Enter' || key === ' ')) {
      props.onToggle(row.rowKey, !open);
      return true;
    }
    if (expandable && key === 'ArrowRight' && !open) {
      props.onToggle(row.rowKey, true);
      return true;
    }
    if (key === 'ArrowLeft') {
      if (expandable && open) props.onToggle(row.rowKey, false);
      else if (row.service !== undefined) {
        const at = rows.indexOf(row.service);
        if (at >= 0) moveTo({ row: at, col: HEADER_COL });
      }
      return true;
    }
    return key === 'Enter' || key === ' ';
  };

  const onKeyDown = (e: TargetedKeyboardEvent<HTMLDivElement>) => {
    const hit = posOf(e.target);
    if (!hit) return;
    if (hit.pos.col === HEADER_COL && onHeaderKey(hit.pos, e.key)) {
      e.preventDefault();
      return;
    }
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      props.onOpen(hit.pos, hit.el);
      return;
    }
    if (e.key === 'Escape') {
      props.onEscape();
      return;
    }
    const visible = (scrollRef.current?.clientHeight || 600) - HEAD_H;
    const next = nextPosition(
      hit.pos,
      e.key,
      { rows: rows.length, cols: columns.length, pageRows: Math.max(1, Math.floor(visible / ROW_H) - 1) },
      e.ctrlKey || e.metaKey,
    );
    if (!next) return;
    e.preventDefault();
    moveTo(next);
  };

  const onClick = (e: TargetedMouseEvent<HTMLDivElement>) => {
    const hit = posOf(e.target);
    if (!hit) return;
    props.onActiveChange(hit.pos);
    if (hit.pos.col === HEADER_COL) {
      const row = index.rows[rows[hit.pos.row] as number];
      if (row && (row.jobs?.length ?? 0) > 1) props.onToggle(row.rowKey, !props.expanded.has(row.rowKey));
      return;
    }
    props.onOpen(hit.pos, hit.el);
  };

  const onFocusOut = (e: TargetedFocusEvent<HTMLDivElement>) => {
    const next = e.relatedTarget as Node | null;
    // Focus went somewhere else on purpose (the detail, the filter); a removed node has no next.
    if (next && !scrollRef.current?.contains(next)) focusInside.current = false;
  };

  const onFocusIn = (e: TargetedFocusEvent<HTMLDivElement>) => {
    focusInside.current = true;
    const hit = posOf(e.target);
    if (!hit) return;
    if (hit.pos.row !== active.row || hit.pos.col !== active.col) props.onActiveChange(hit.pos);
    // A row header has no detail: it hides one that was showing.
    if (hit.pos.col === HEADER_COL) props.onPreview(undefined);
    else props.onPreview(hit.pos, hit.el);
  };

  const onMouseOver = (e: TargetedMouseEvent<HTMLDivElement>) => {
    const hit = posOf(e.target);
    if (hit && hit.pos.col !== HEADER_COL) props.onPreview(hit.pos, hit.el);
  };

  const vRows = rowV.getVirtualItems();
  const vCols = colV.getVirtualItems();
  const totalW = colV.getTotalSize();
  const totalH = rowV.getTotalSize();
  const firstCol = vCols[0]?.index ?? 0;
  const lastCol = vCols[vCols.length - 1]?.index ?? -1;

  return (
    // biome-ignore lint/a11y/useSemanticElements lint/a11y/useKeyWithMouseEvents: virtualized cells are absolutely positioned divs (table layout cannot be); in a grid only cells take focus (roving tabindex); focus is handled by onFocusCapture, as focus does not bubble
    <div
      ref={scrollRef}
      class="grid"
      role="grid"
      aria-label="Changes by service (rows) and cluster (columns)"
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length + 1}
      onKeyDown={onKeyDown}
      onClick={onClick}
      onFocusCapture={onFocusIn}
      onBlurCapture={onFocusOut}
      onMouseOver={onMouseOver}
      onMouseLeave={() => props.onPreview(undefined)}
    >
      <div class="grid-sizer" role="none" style={{ width: `${totalW}px`, height: `${totalH}px` }}>
        {/* biome-ignore lint/a11y/useSemanticElements lint/a11y/useFocusableInteractive: virtualized cells are absolutely positioned divs (table layout cannot be); in a grid only cells take focus (roving tabindex) */}
        <div
          class="grid-head"
          role="row"
          aria-rowindex={1}
          style={{ width: `${totalW}px`, height: `${HEAD_H}px` }}
        >
          {/* biome-ignore lint/a11y/useSemanticElements lint/a11y/useFocusableInteractive: virtualized cells are absolutely positioned divs (table layout cannot be); in a grid only cells take focus (roving tabindex) */}
          <div class="corner" role="columnheader" aria-colindex={1}>
            <span>Service</span>
            <span class="corner-sub">cluster →</span>
          </div>
          <div class="groups" aria-hidden="true">
            {index.groups
              .filter((g) => g.start <= lastCol && g.start + g.count - 1 >= firstCol)
              .map((g) => (
                <div
                  key={`${g.name}@${g.start}`}
                  class="group"
                  style={{ left: `${ROWHEAD_W + g.start * COL_W}px`, width: `${g.count * COL_W}px` }}
                >
                  <span class="group-name">{g.name || 'no group'}</span>
                </div>
              ))}
          </div>
          {vCols.map((vc) => (
            <ColumnHeader key={vc.key} col={columns[vc.index] as HeatColumn} left={vc.start} />
          ))}
        </div>
        {vRows.map((vr) => {
          const r = rows[vr.index] as number;
          return (
            <GridRow
              key={vr.key}
              index={index}
              r={r}
              pos={vr.index}
              top={vr.start}
              width={totalW}
              vCols={vCols}
              activeCol={vr.index === active.row ? active.col : undefined}
              expanded={props.expanded.has(index.rows[r]?.rowKey ?? '')}
              now={now}
            />
          );
        })}
      </div>
    </div>
  );
}

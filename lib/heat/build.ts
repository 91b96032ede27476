/**
 * The heat grid's model, pure: clusters + where each job runs + changes + poll runs + a window
 * + now → ordered columns (columns.ts), ordered rows (rows.ts, with rollouts from rollout.ts)
 * and a cell lookup (cells.ts). Building the index costs one pass over the jobs and one over
 * the changes; a cell is computed on demand.
 */
import type { Change } from '../model';
import { type CellLayout, cellAt, layCells } from './cells';
import { buildColumns, CHURN_MIN_CHANGES } from './columns';
import { detectRollout, ROLLOUT_MIN_CLUSTERS } from './rollout';
import { buildRows } from './rows';
import { type HeatLevel, levelForAge } from './scale';
import type { HeatColumn, HeatIndex, HeatInput, HeatRow } from './types';

/** Heat of each column and row (by its newest change), churn, how many clusters a row spans, rollouts. */
function rate(
  columns: HeatColumn[],
  rows: HeatRow[],
  layout: CellLayout,
  level: (at: number | undefined) => HeatLevel,
  presenceKnown: boolean,
): void {
  const { width, flags, byRow } = layout;
  for (const col of columns) {
    col.level = level(col.newestAt);
    col.churn = col.changes >= CHURN_MIN_CHANGES;
  }
  for (const row of rows) {
    row.level = level(row.newestAt);
    let n = 0;
    const base = row.index * width;
    const changed = byRow.get(row.index);
    for (let c = 0; c < width; c++) if (flags[base + c] !== 0 || changed?.has(c)) n++;
    row.clusters = n;
    if (changed && changed.size >= ROLLOUT_MIN_CLUSTERS) {
      const rollout = detectRollout(changed, presenceKnown ? n : undefined);
      if (rollout) row.rollout = rollout;
    }
  }
}

/** Lower-case text a filter matches against, per row, computed when first asked for. */
function searchTextOf(rows: readonly HeatRow[], byRow: CellLayout['byRow']): (row: number) => string {
  const searchCache = new Map<number, string>();
  const searchText = (r: number): string => {
    let text = searchCache.get(r);
    if (text === undefined) {
      const row = rows[r] as HeatRow;
      const actors = new Set<string>();
      for (const list of byRow.get(r)?.values() ?? [])
        for (const c of list) if (c.actor) actors.add(c.actor.name);
      text = [row.rowKey, ...actors, row.rollout?.summary ?? ''].join('\n').toLowerCase();
      searchCache.set(r, text);
    }
    return text;
  };
  return searchText;
}

/** Builds the index once per data change (or clock tick). */
export function buildHeatIndex(input: HeatInput): HeatIndex {
  const { now, windowMs } = input;
  const windowStart = now - windowMs;
  const { columns, groups, columnIndex, watchingSince } = buildColumns(input, windowStart);
  const inWindow: Change[] = [];
  for (const c of input.changes) if (c.at >= windowStart && columnIndex.has(c.clusterId)) inWindow.push(c);
  const { rows, rowIndex, jobs, presenceKnown } = buildRows(input, inWindow, columnIndex);
  const layout = layCells(rows, columns, rowIndex, columnIndex, jobs, inWindow);
  const level = (at: number | undefined): HeatLevel =>
    at === undefined ? 0 : levelForAge(Math.max(0, now - at), windowMs);
  rate(columns, rows, layout, level, presenceKnown);
  return {
    now,
    windowMs,
    windowStart,
    columns,
    groups,
    rows,
    changes: inWindow.length,
    presenceKnown,
    ...(watchingSince !== undefined ? { watchingSince } : {}),
    searchText: searchTextOf(rows, layout.byRow),
    rowIndexOf: (rowKey) => rowIndex.get(rowKey),
    columnIndexOf: (clusterId) => columnIndex.get(clusterId),
    cell(r, c) {
      const row = rows[r];
      const column = columns[c];
      if (!row || !column) throw new RangeError(`no cell ${r}:${c}`);
      return cellAt(layout, row, column, level, presenceKnown);
    },
  };
}

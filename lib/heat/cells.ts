/**
 * Cells, sparse: 2,000 jobs × 200 clusters is 400,000 cells, and only the few hundred on screen
 * are ever needed. One byte per cell says whether the job runs there and is degraded there; the
 * window's changes sit in a map keyed by cell, newest first; a cell is computed on demand.
 */
import { isDegradingChange } from '../change-view';
import type { Change, JobSnapshot } from '../model';
import { countGlyph, type HeatLevel, MARKS } from './scale';
import type { HeatCell, HeatColumn, HeatRow, JobPresence } from './types';

const PRESENT = 1;
const DEGRADED = 2;

const isDegradedPresence = (j: JobPresence | JobSnapshot): boolean =>
  'health' in j ? j.health?.state === 'degraded' : j.degraded === true;

/** What the cell shows: a count and its most telling mark, or a mark alone. Two characters at most. */
export function cellGlyph(
  cell: Pick<HeatCell, 'count' | 'created' | 'deleted' | 'degraded' | 'absent' | 'blind'>,
): string {
  const marks: string[] = [];
  if (cell.blind && !cell.blind.recovered) marks.push(MARKS.blind);
  if (cell.deleted) marks.push(MARKS.deleted);
  if (cell.created) marks.push(MARKS.created);
  if (cell.degraded) marks.push(MARKS.degraded);
  if (cell.count > 0) return countGlyph(cell.count) + (marks[0] ?? '');
  if (marks.length > 0) return marks.slice(0, 2).join('');
  return cell.absent ? MARKS.absent : '';
}

export interface CellLayout {
  width: number;
  /** PRESENT | DEGRADED per cell, row-major. */
  flags: Uint8Array;
  /** The window's changes per cell (row × width + column), newest first. */
  byCell: Map<number, Change[]>;
  /** The same lists by row, then by column: the rows' rollouts and search text read them. */
  byRow: Map<number, Map<number, Change[]>>;
}

/**
 * Places the jobs and the window's changes on the grid, and counts each row's and column's
 * changes (how many, in how many cells, the newest) as it goes.
 */
export function layCells(
  rows: HeatRow[],
  columns: HeatColumn[],
  rowIndex: ReadonlyMap<string, number>,
  columnIndex: ReadonlyMap<string, number>,
  jobs: ReadonlyArray<JobPresence | JobSnapshot>,
  inWindow: readonly Change[],
): CellLayout {
  // Where each job runs, and whether it is degraded there: one byte per cell.
  const width = columns.length;
  const flags = new Uint8Array(rows.length * width);
  for (const j of jobs) {
    const at = (rowIndex.get(j.rowKey) as number) * width + (columnIndex.get(j.clusterId) as number);
    flags[at] = PRESENT | (isDegradedPresence(j) ? DEGRADED : 0);
  }

  // Changes per cell (sparse), newest first.
  const byCell = new Map<number, Change[]>();
  for (const c of inWindow) {
    const at = (rowIndex.get(c.rowKey) as number) * width + (columnIndex.get(c.clusterId) as number);
    const list = byCell.get(at);
    if (list) list.push(c);
    else byCell.set(at, [c]);
  }
  const byRow = new Map<number, Map<number, Change[]>>();
  for (const [at, list] of byCell) {
    list.sort((a, b) => b.at - a.at);
    const r = Math.floor(at / width);
    const c = at - r * width;
    const row = rows[r] as HeatRow;
    const col = columns[c] as HeatColumn;
    const newest = (list[0] as Change).at;
    row.changes += list.length;
    row.changedClusters++;
    if (row.newestAt === undefined || newest > row.newestAt) row.newestAt = newest;
    col.changes += list.length;
    col.jobs++;
    if (col.newestAt === undefined || newest > col.newestAt) col.newestAt = newest;
    const m = byRow.get(r) ?? new Map<number, Change[]>();
    if (m.size === 0) byRow.set(r, m);
    m.set(c, list);
  }
  return { width, flags, byCell, byRow };
}

const EMPTY: readonly Change[] = [];

/** The cell at row `r`, column `c`: its changes, level, marks and glyph. */
export function cellAt(
  layout: CellLayout,
  row: HeatRow,
  column: HeatColumn,
  level: (at: number | undefined) => HeatLevel,
  presenceKnown: boolean,
): HeatCell {
  const at = row.index * layout.width + column.index;
  const flag = layout.flags[at] as number;
  const list = layout.byCell.get(at) ?? EMPTY;
  const newest = list[0];
  const cell: HeatCell = {
    row,
    column,
    changes: list,
    count: list.length,
    level: level(newest?.at),
    created: list.some((x) => x.type === 'created'),
    deleted: list.some((x) => x.type === 'deleted'),
    degraded: (flag & DEGRADED) !== 0 || list.some(isDegradingChange),
    absent: presenceKnown && (flag & PRESENT) === 0,
    glyph: '',
  };
  if (newest) cell.newest = newest;
  if (column.blind) cell.blind = column.blind;
  cell.glyph = cellGlyph(cell);
  return cell;
}

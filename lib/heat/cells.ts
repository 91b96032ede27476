/**
 * Cells, sparse: 2,000 jobs × 200 clusters is 400,000 cells, and only the few hundred on screen
 * are ever needed. One byte per cell says whether the job runs there and is degraded there; the
 * cells with changes in the window carry their aggregate (lib/aggregate.ts); a cell is computed
 * on demand.
 */
import type { CauseMark, CellAgg } from '../aggregate';
import { pairsSince } from '../identity/cause';
import { DEGRADED, type GridRecord, PRESENT, packedAgg } from '../store/grid';
import { countGlyph, type HeatLevel, MARKS } from './scale';
import type { Blindness, HeatCell, HeatColumn, HeatRow } from './types';

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

/** A cell with changes in the window. */
export interface ActiveCell {
  /** Its entry in the packed grid. */
  k: number;
  /** Its number in the store. */
  n: number;
  /** The cluster whose history it is. */
  clusterId: string;
  /** Changes in the window, and the newest one's time: over `also` too. */
  count: number;
  newest: number;
  /**
   * The same job's cells in the column's other clusters (one cluster seen through two sources
   * that list the same job): counted above, their aggregates merged when asked for.
   */
  also?: ActiveCell[];
}

/** The parts of an active cell: itself and its other clusters' cells. */
export const partsOf = (cell: ActiveCell): readonly ActiveCell[] =>
  cell.also ? [cell, ...cell.also] : [cell];

/** The cells with changes in the window, by position (row × width + column), made when asked for. */
export interface ActiveCells {
  has(at: number): boolean;
  get(at: number): ActiveCell | undefined;
}

export interface CellLayout {
  width: number;
  /** PRESENT | DEGRADED per cell, row-major (display order). */
  flags: Uint8Array;
  /** The cells with changes in the window, by row × width + column. */
  active: ActiveCells;
  /** A cell's aggregate, unpacked from the grid when first asked for. */
  aggOf(cell: ActiveCell): CellAgg;
  /** Who made a cell's last few changes. */
  actorsOf(cell: ActiveCell): readonly string[];
  /**
   * The column's clusters where the row's job runs or changed in the window, for a column of
   * several clusters (empty when none).
   */
  membersOf(row: number, column: HeatColumn): readonly string[];
}

/** Aggregates of one job in several clusters of one column, as one: its newest, its latest marks. */
function mergeAggs(aggs: readonly CellAgg[]): CellAgg {
  const [first, ...rest] = aggs as [CellAgg, ...CellAgg[]];
  if (rest.length === 0) return first;
  const latest = (pick: (a: CellAgg) => number | undefined) => {
    let at: number | undefined;
    for (const a of aggs) {
      const v = pick(a);
      if (v !== undefined && (at === undefined || v > at)) at = v;
    }
    return at;
  };
  const recent = aggs.flatMap((a) => a.recent).sort((a, b) => b.at - a.at);
  const times = aggs.flatMap((a) => a.times).sort((a, b) => a - b);
  const out: CellAgg = { ...first, times, recent: recent.slice(0, Math.max(first.recent.length, 1)) };
  const rollout = aggs.reduce<CellAgg['rollout']>(
    (best, a) => (a.rollout && (!best || a.rollout.at > best.at) ? a.rollout : best),
    undefined,
  );
  if (rollout) out.rollout = rollout;
  for (const key of ['createdAt', 'deletedAt', 'degradedAt'] as const) {
    const at = latest((a) => a[key]);
    if (at === undefined) delete out[key];
    else out[key] = at;
  }
  return out;
}

/** Unpacks aggregates on demand, once each. */
export function aggsOf(grid: GridRecord): (cell: ActiveCell) => CellAgg {
  const cache = new Map<number, CellAgg>();
  return (cell) => {
    let agg = cache.get(cell.k);
    if (!agg) {
      agg = cell.also ? mergeAggs(partsOf(cell).map((p) => packedAgg(grid, p.k))) : packedAgg(grid, cell.k);
      cache.set(cell.k, agg);
    }
    return agg;
  };
}

const inWindow = (at: number | undefined, start: number): boolean => at !== undefined && at >= start;

/** The cell at row `r`, column `c`: its count, level, marks and glyph. */
export function cellAt(
  layout: CellLayout,
  row: HeatRow,
  column: HeatColumn,
  level: (at: number | undefined) => HeatLevel,
  presenceKnown: boolean,
  windowStart: number,
): HeatCell {
  const at = row.index * layout.width + column.index;
  const flag = layout.flags[at] as number;
  const active = layout.active.get(at);
  const agg = active ? layout.aggOf(active) : undefined;
  // The grid keeps a cell's newest change in brief (its full history is read when the cell is opened).
  const newest = agg?.recent[0] && agg.recent[0].at >= windowStart ? agg.recent[0] : undefined;
  const cell: HeatCell = {
    row,
    column,
    count: active?.count ?? 0,
    level: level(newest?.at),
    created: inWindow(agg?.createdAt, windowStart),
    deleted: inWindow(agg?.deletedAt, windowStart),
    degraded: (flag & DEGRADED) !== 0 || inWindow(agg?.degradedAt, windowStart),
    absent: presenceKnown && (flag & PRESENT) === 0,
    clusterIds: column.members.length > 1 ? membersOrAll(layout, row, column) : [column.cluster.id],
    glyph: '',
  };
  if (active) cell.n = active.n;
  if (newest) cell.newest = newest;
  const blind = cellBlindness(layout, row, column);
  if (blind) cell.blind = blind;
  cell.glyph = cellGlyph(cell);
  return cell;
}

/**
 * A service row's cell: its jobs' cells in one column as one — the one place a service cell's
 * count is made. Counts are summed, less the pairs of one event among them: an Argo CD sync and
 * the Deployment change it caused are two records, one change (lib/identity/cause.ts
 * `pairsSince`, from the cells' cause marks; `causes` are the jobs' cells' marks in this column,
 * `since` the window's start). The newest change is the newest of any job's; marks (created, deleted, degraded)
 * if any job has them; absent only where no job runs; blind only where every job that runs there
 * was unseen (a job seen is an answer for it). Its detail reads each job's cell (`parts`).
 */
export function mergeCells(
  row: HeatRow,
  column: HeatColumn,
  cells: readonly HeatCell[],
  level: (at: number | undefined) => HeatLevel,
  causes: readonly { causes?: readonly CauseMark[] }[] = [],
  since = Number.NEGATIVE_INFINITY,
): HeatCell {
  let count = -pairsSince(causes, since);
  let newest: HeatCell['newest'];
  const clusterIds = new Set<string>();
  const parts: { rowKey: string; clusterIds: readonly string[] }[] = [];
  for (const c of cells) {
    count += c.count;
    if (c.newest && (!newest || c.newest.at > newest.at)) newest = c.newest;
    if (c.count > 0 || !c.absent) {
      parts.push({ rowKey: c.row.rowKey, clusterIds: c.clusterIds });
      for (const id of c.clusterIds) clusterIds.add(id);
    }
  }
  const where = cells.filter((c) => c.count > 0 || !c.absent);
  const merged: HeatCell = {
    row,
    column,
    count,
    level: level(newest?.at),
    created: cells.some((c) => c.created),
    deleted: cells.some((c) => c.deleted),
    degraded: cells.some((c) => c.degraded),
    absent: cells.every((c) => c.absent),
    clusterIds: clusterIds.size ? [...clusterIds] : column.members.map((m) => m.cluster.id),
    parts,
    glyph: '',
  };
  if (newest) merged.newest = newest;
  const seenBy = where.length ? where : cells;
  if (seenBy.length && seenBy.every((c) => c.blind)) merged.blind = seenBy[0]?.blind as Blindness;
  merged.glyph = cellGlyph(merged);
  return merged;
}

function membersOrAll(layout: CellLayout, row: HeatRow, column: HeatColumn): readonly string[] {
  const where = layout.membersOf(row.index, column);
  return where.length > 0 ? where : column.members.map((m) => m.cluster.id);
}

/**
 * A cell is blind where the sources that list its job could not see the cluster: a quiet cell
 * means nothing there. A job no member lists is blind only when every member was.
 */
function cellBlindness(layout: CellLayout, row: HeatRow, column: HeatColumn): HeatCell['blind'] {
  if (column.members.length < 2) return column.blind;
  const where = new Set(layout.membersOf(row.index, column));
  if (where.size === 0) return column.blind;
  const seeing = column.members.filter((m) => where.has(m.cluster.id));
  if (seeing.some((m) => !m.blind)) return undefined;
  return seeing[0]?.blind;
}

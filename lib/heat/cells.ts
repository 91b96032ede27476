/**
 * Cells, sparse: 2,000 jobs × 200 clusters is 400,000 cells, and only the few hundred on screen
 * are ever needed. One byte per cell says whether the job runs there and is degraded there; the
 * cells with changes in the window carry their aggregate (lib/aggregate.ts); a cell is computed
 * on demand.
 */
import type { CellAgg } from '../aggregate';
import { DEGRADED, type GridRecord, PRESENT, packedAgg } from '../store/grid';
import { countGlyph, type HeatLevel, MARKS } from './scale';
import type { HeatCell, HeatColumn, HeatRow } from './types';

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
  /** Changes in the window, and the newest one's time. */
  count: number;
  newest: number;
}

export interface CellLayout {
  width: number;
  /** PRESENT | DEGRADED per cell, row-major (display order). */
  flags: Uint8Array;
  /** The cells with changes in the window, by row × width + column. */
  active: Map<number, ActiveCell>;
  /** A cell's aggregate, unpacked from the grid when first asked for. */
  aggOf(cell: ActiveCell): CellAgg;
  /** Who made a cell's last few changes. */
  actorsOf(cell: ActiveCell): readonly string[];
}

/** Unpacks aggregates on demand, once each. */
export function aggsOf(grid: GridRecord): (cell: ActiveCell) => CellAgg {
  const cache = new Map<number, CellAgg>();
  return (cell) => {
    let agg = cache.get(cell.k);
    if (!agg) {
      agg = packedAgg(grid, cell.k);
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
    glyph: '',
  };
  if (active) cell.n = active.n;
  if (newest) cell.newest = newest;
  if (column.blind) cell.blind = column.blind;
  cell.glyph = cellGlyph(cell);
  return cell;
}

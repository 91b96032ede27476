/**
 * The heat grid's model, pure: clusters + the packed grid (where each job runs, each cell's
 * history in brief: lib/store/grid.ts) + poll runs + a window + now → ordered columns
 * (columns.ts), ordered rows (rows.ts, with rollouts from rollout.ts) and a cell lookup
 * (cells.ts). Building the index costs one pass over the grid's bytes and one over its cells
 * with history; a cell is computed on demand. Nothing here reads a change: the cell detail reads
 * a cell's changes when it opens.
 */
import type { RolloutMark } from '../aggregate';
import { pairsSince } from '../identity/cause';
import type { Actor } from '../model';
import {
  type GridRecord,
  packedActors,
  packedCauses,
  packedCountSince,
  packedNewest,
  packedRollout,
} from '../store/grid';
import {
  type ActiveCell,
  type ActiveCells,
  aggsOf,
  type CellLayout,
  cellAt,
  mergeCells,
  partsOf,
} from './cells';
import { buildColumns, CHURN_MIN_CHANGES } from './columns';
import { ROLLOUT_MIN_CLUSTERS, type RolloutSighting, rolloutOf } from './rollout';
import { buildRows } from './rows';
import { type HeatLevel, levelForAge } from './scale';
import { addServiceRows } from './services';
import type { HeatColumn, HeatIndex, HeatInput, HeatRow } from './types';

/**
 * The packed cells with changes in the window, in packed order, as columns of typed arrays:
 * entry i is packed cell `k[i]`, in packed row `r[i]` and cluster `c[i]`. A week's window over a
 * large fleet has tens of thousands; an ActiveCell object is made only for a cell someone looks at.
 */
interface Found {
  length: number;
  k: Uint32Array;
  r: Uint32Array;
  c: Uint32Array;
  count: Float64Array;
  newest: Float64Array;
}

function activeCells(grid: GridRecord | undefined, windowStart: number): Found {
  const size = grid?.cells.count ?? 0;
  const out: Found = {
    length: 0,
    k: new Uint32Array(size),
    r: new Uint32Array(size),
    c: new Uint32Array(size),
    count: new Float64Array(size),
    newest: new Float64Array(size),
  };
  if (!grid) return out;
  const width = grid.clusters.length;
  for (let k = 0; k < size; k++) {
    const newest = packedNewest(grid, k);
    if (newest === undefined || newest < windowStart) continue;
    const count = packedCountSince(grid, k, windowStart);
    if (count === 0) continue;
    const at = grid.cells.at[k] as number;
    const r = Math.floor(at / width);
    const i = out.length++;
    out.k[i] = k;
    out.r[i] = r;
    out.c[i] = at - r * width;
    out.count[i] = count;
    out.newest[i] = newest;
  }
  return out;
}

/**
 * Lays the grid's presence bytes and the active cells out in display order. `rowOf` and `colOf`
 * map the packed grid's rows and clusters to display rows and columns (-1: not shown).
 */
function layout(
  grid: GridRecord | undefined,
  found: Found,
  rows: readonly HeatRow[],
  rowOf: Int32Array,
  colOf: Int32Array,
  columns: readonly HeatColumn[],
): { cells: CellLayout; runsIn: Uint32Array; atOfCell: Int32Array } {
  const width = columns.length;
  const flags = new Uint8Array(rows.length * width);
  // How many columns each row runs in, counted as the bytes are laid out (no second walk).
  const runsIn = new Uint32Array(rows.length);
  if (grid) {
    const gw = grid.clusters.length;
    for (let r = 0; r < grid.rows.length; r++) {
      const row = rowOf[r] as number;
      if (row < 0) continue;
      const base = r * gw;
      for (let c = 0; c < gw; c++) {
        const col = colOf[c] as number;
        const flag = grid.flags[base + c] as number;
        // A column of several clusters: the job runs there if it runs in any, degraded if in any.
        if (col < 0 || flag === 0) continue;
        const at = row * width + col;
        if (flags[at] === 0) runsIn[row] = (runsIn[row] as number) + 1;
        flags[at] = (flags[at] as number) | flag;
      }
    }
  }
  // Where each packed cell with changes in the window is shown (-1: not shown), and the first
  // found entry at each position (-1: none); the same job changed in two clusters of one column
  // puts a second entry at a position (`more`).
  const atOfCell = new Int32Array(grid?.cells.count ?? 0).fill(-1);
  const first = new Int32Array(flags.length).fill(-1);
  const more = new Map<number, number[]>();
  for (let i = 0; i < found.length; i++) {
    const r = rowOf[found.r[i] as number] as number;
    const c = colOf[found.c[i] as number] as number;
    if (r < 0 || c < 0) continue;
    const at = r * width + c;
    atOfCell[found.k[i] as number] = at;
    if (first[at] === -1) first[at] = i;
    else more.set(at, [...(more.get(at) ?? []), i]);
  }
  const cellOf = (i: number): ActiveCell => {
    const k = found.k[i] as number;
    return {
      k,
      n: grid?.cells.n[k] as number,
      clusterId: grid?.clusters[found.c[i] as number] as string,
      count: found.count[i] as number,
      newest: found.newest[i] as number,
    };
  };
  const made = new Map<number, ActiveCell>();
  const active: ActiveCells = {
    has: (at) => (first[at] ?? -1) >= 0,
    get(at) {
      const i = first[at] ?? -1;
      if (i < 0) return undefined;
      let cell = made.get(at);
      if (cell) return cell;
      cell = cellOf(i);
      const also = more.get(at)?.map(cellOf);
      // The same job changed in two clusters of one column: one cell, counted over both.
      if (also)
        cell = {
          ...cell,
          count: also.reduce((sum, a) => sum + a.count, cell.count),
          newest: Math.max(cell.newest, ...also.map((a) => a.newest)),
          also,
        };
      made.set(at, cell);
      return cell;
    },
  };
  const none = () => {
    throw new Error('no grid');
  };
  // Per member: where a job runs, from the grid's own bytes, for columns of several clusters
  // (the lookups are built when such a cell is first asked about).
  let gridRow: Map<string, number> | undefined;
  let gridCol: Map<string, number> | undefined;
  const membersOf = (r: number, column: HeatColumn): string[] => {
    const row = rows[r];
    if (!row || column.members.length < 2) return [];
    gridRow ??= new Map(grid?.rows.map((rowKey, i) => [rowKey, i]));
    gridCol ??= new Map(grid?.clusters.map((id, i) => [id, i]));
    const cell = active.get(r * width + column.index);
    const changed = new Set(cell ? partsOf(cell).map((p) => p.clusterId) : []);
    const gr = gridRow.get(row.rowKey);
    const gw = grid?.clusters.length ?? 0;
    return column.members
      .map((m) => m.cluster.id)
      .filter((id) => {
        if (changed.has(id)) return true;
        const gc = gridCol?.get(id);
        return grid !== undefined && gr !== undefined && gc !== undefined && grid.flags[gr * gw + gc] !== 0;
      });
  };
  const cells: CellLayout = {
    width,
    flags,
    active,
    aggOf: grid ? aggsOf(grid) : none,
    actorsOf: grid ? (cell) => [...new Set(partsOf(cell).flatMap((p) => packedActors(grid, p.k)))] : none,
    membersOf,
  };
  return { cells, runsIn, atOfCell };
}

/** Counts, newest times, levels, churn, how many clusters a row spans, rollouts. */
function rate(
  grid: GridRecord | undefined,
  columns: HeatColumn[],
  rows: HeatRow[],
  cells: CellLayout,
  found: Found,
  runsIn: Uint32Array,
  atOfCell: Int32Array,
  level: (at: number | undefined) => HeatLevel,
  presenceKnown: boolean,
  windowStart: number,
): { sightings: Map<number, RolloutSighting[]>; changes: number } {
  const { width, flags } = cells;
  const sightings = new Map<number, RolloutSighting[]>();
  // Summed in typed arrays over the packed cells shown, and written to the rows and columns
  // once: a cell over several clusters of one column (its parts share a position) counts as one
  // changed cluster, its changes over all of them.
  const rowChanges = new Float64Array(rows.length);
  const rowCells = new Uint32Array(rows.length);
  const rowNewest = new Float64Array(rows.length).fill(Number.NEGATIVE_INFINITY);
  const colChanges = new Float64Array(columns.length);
  const colJobs = new Uint32Array(columns.length);
  const colNewest = new Float64Array(columns.length).fill(Number.NEGATIVE_INFINITY);
  const where = runsIn.slice();
  const counted = new Uint8Array(flags.length);
  let changes = 0;
  for (let i = 0; i < found.length; i++) {
    const at = atOfCell[found.k[i] as number] as number;
    if (at < 0) continue;
    const r = Math.floor(at / width);
    const c = at - r * width;
    const count = found.count[i] as number;
    const newest = found.newest[i] as number;
    changes += count;
    rowChanges[r] = (rowChanges[r] as number) + count;
    colChanges[c] = (colChanges[c] as number) + count;
    if (newest > (rowNewest[r] as number)) rowNewest[r] = newest;
    if (newest > (colNewest[c] as number)) colNewest[c] = newest;
    if (counted[at] === 1) continue;
    counted[at] = 1;
    rowCells[r] = (rowCells[r] as number) + 1;
    colJobs[c] = (colJobs[c] as number) + 1;
    // Where it changed but no longer runs counts among where it is.
    if (flags[at] === 0) where[r] = (where[r] as number) + 1;
  }
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as HeatRow;
    row.changes = rowChanges[r] as number;
    row.changedClusters = rowCells[r] as number;
    const newest = rowNewest[r] as number;
    if (newest !== Number.NEGATIVE_INFINITY) row.newestAt = newest;
  }
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c] as HeatColumn;
    col.changes += colChanges[c] as number;
    col.jobs += colJobs[c] as number;
    const newest = colNewest[c] as number;
    if (newest !== Number.NEGATIVE_INFINITY && (col.newestAt === undefined || newest > col.newestAt))
      col.newestAt = newest;
  }
  // Rollouts: only the few cells that hold a mark are looked at; a cell over several clusters
  // of one column shows its newest.
  const marks = new Map<number, RolloutMark>();
  if (grid)
    for (const k of grid.cells.rolloutCells) {
      const at = atOfCell[k] as number;
      if (at < 0) continue;
      const mark = packedRollout(grid, k);
      const there = marks.get(at);
      if (mark && (!there || mark.at > there.at)) marks.set(at, mark);
    }
  for (const [at, mark] of marks) {
    if (mark.at < windowStart) continue;
    const r = Math.floor(at / width);
    const actor: Actor | undefined = mark.actor
      ? { name: mark.actor, kind: mark.actorKind ?? 'unknown' }
      : undefined;
    const list = sightings.get(r) ?? [];
    list.push({
      column: at - r * width,
      field: mark.field,
      value: mark.value,
      at: mark.at,
      ...(actor ? { actor } : {}),
    });
    sightings.set(r, list);
  }
  for (const col of columns) {
    col.level = level(col.newestAt);
    col.churn = col.changes >= CHURN_MIN_CHANGES;
  }
  for (const row of rows) {
    row.level = level(row.newestAt);
    const n = where[row.index] as number;
    row.clusters = n;
    const seen = sightings.get(row.index);
    if (seen && new Set(seen.map((s) => s.column)).size >= ROLLOUT_MIN_CLUSTERS) {
      const rollout = rolloutOf(seen, presenceKnown ? n : undefined);
      if (rollout) row.rollout = rollout;
    }
  }
  return { sightings, changes };
}

/** Lower-case text a filter matches against, per row, computed when first asked for. */
function searchTextOf(rows: readonly HeatRow[], cells: CellLayout): (row: number) => string {
  const cache = new Map<number, string>();
  const textOf = (r: number): string => {
    let text = cache.get(r);
    if (text === undefined) {
      const row = rows[r] as HeatRow;
      if (row.jobs) {
        // A service: its name, and everything each of its jobs is matched by.
        text = [row.name.toLowerCase(), ...row.jobs.map(textOf)].join('\n');
        cache.set(r, text);
        return text;
      }
      const actors = new Set<string>();
      for (let c = 0; c < cells.width; c++) {
        const cell = cells.active.get(r * cells.width + c);
        if (!cell) continue;
        const agg = cells.aggOf(cell);
        for (const actor of cells.actorsOf(cell)) actors.add(actor);
        if (agg.rollout?.actor) actors.add(agg.rollout.actor);
      }
      text = [row.rowKey, ...actors, row.rollout?.summary ?? ''].join('\n').toLowerCase();
      cache.set(r, text);
    }
    return text;
  };
  return textOf;
}

/** Builds the index once per data change (or clock tick). */
export function buildHeatIndex(input: HeatInput): HeatIndex {
  const { now, windowMs, grid } = input;
  const windowStart = now - windowMs;
  const found = activeCells(grid, windowStart);
  const changedClusters = new Set<string>();
  if (grid)
    for (let i = 0; i < found.length; i++) changedClusters.add(grid.clusters[found.c[i] as number] as string);
  const { columns, groups, columnIndex, watchingSince } = buildColumns(input, windowStart, changedClusters);
  // Rows: jobs running in a column shown, and jobs that changed in one within the window.
  // The grid's rows come in display order, and stay in it.
  const rowKeys: string[] = [];
  const gridRows: number[] = [];
  const colOf = new Int32Array(grid?.clusters.length ?? 0).fill(-1);
  grid?.clusters.forEach((id, c) => {
    colOf[c] = columnIndex.get(id) ?? -1;
  });
  if (grid) {
    const gw = grid.clusters.length;
    const changed = new Uint8Array(grid.rows.length);
    for (let i = 0; i < found.length; i++)
      if ((colOf[found.c[i] as number] as number) >= 0) changed[found.r[i] as number] = 1;
    for (let r = 0; r < grid.rows.length; r++) {
      let shown = changed[r] === 1;
      for (let c = 0; !shown && c < gw; c++)
        shown = (colOf[c] as number) >= 0 && grid.flags[r * gw + c] !== 0;
      if (!shown) continue;
      rowKeys.push(grid.rows[r] as string);
      gridRows.push(r);
    }
  }
  const { rows, rowIndex } = buildRows(rowKeys, true);
  const rowOf = new Int32Array(grid?.rows.length ?? 0).fill(-1);
  gridRows.forEach((g, r) => {
    rowOf[g] = r;
  });
  const { cells, runsIn, atOfCell } = layout(grid, found, rows, rowOf, colOf, columns);
  const presenceKnown = grid !== undefined;
  const level = (at: number | undefined): HeatLevel =>
    at === undefined ? 0 : levelForAge(Math.max(0, now - at), windowMs);
  const rated = rate(grid, columns, rows, cells, found, runsIn, atOfCell, level, presenceKnown, windowStart);
  const { sightings } = rated;
  let changes = rated.changes;
  const jobRows = rows.length;
  const serviceRows = addServiceRows(
    rows,
    grid,
    input.serviceRules,
    sightings,
    level,
    presenceKnown,
    (r, into) => {
      const base = r * cells.width;
      for (let c = 0; c < cells.width; c++) {
        const active = cells.active.has(base + c);
        if (active) into[c] = (into[c] as number) | 3;
        else if (cells.flags[base + c] !== 0) into[c] = (into[c] as number) | 1;
      }
    },
    cells.width,
  );
  for (let r = jobRows; r < rows.length; r++) rowIndex.set((rows[r] as HeatRow).rowKey, r);
  // A service's own figure counts a sync and the change it caused once, as its cells do.
  const causesAt = (jobs: readonly number[], c: number) =>
    grid
      ? jobs.flatMap((j) => {
          const active = cells.active.get(j * cells.width + c);
          return active ? partsOf(active).map((p) => ({ causes: packedCauses(grid, p.k) })) : [];
        })
      : [];
  if (grid?.cells.causeCells?.length)
    for (let r = jobRows; r < rows.length; r++) {
      const service = rows[r] as HeatRow;
      if ((service.jobs?.length ?? 0) < 2) continue;
      for (let c = 0; c < cells.width; c++)
        service.changes -= pairsSince(causesAt(service.jobs as number[], c), windowStart);
    }
  // A column's figure and the grid's total count a pair once too: both halves of a pair are in
  // one cluster identity, one column. Only the cells that hold cause marks are looked at.
  if (grid?.cells.causeCells?.length) {
    const byColumn = new Map<number, { causes: ReturnType<typeof packedCauses> }[]>();
    for (const k of new Set(grid.cells.causeCells)) {
      const at = atOfCell[k] as number;
      if (at < 0) continue;
      const c = at % cells.width;
      const list = byColumn.get(c) ?? [];
      list.push({ causes: packedCauses(grid, k) });
      byColumn.set(c, list);
    }
    for (const [c, aggs] of byColumn) {
      const pairs = pairsSince(aggs, windowStart);
      const col = columns[c] as HeatColumn;
      col.changes -= pairs;
      col.churn = col.changes >= CHURN_MIN_CHANGES;
      changes -= pairs;
    }
  }
  const jobCell = (row: HeatRow, column: HeatColumn) =>
    cellAt(cells, row, column, level, presenceKnown, windowStart);
  return {
    now,
    windowMs,
    windowStart,
    columns,
    groups,
    rows,
    serviceRows,
    changes,
    presenceKnown,
    ...(watchingSince !== undefined ? { watchingSince } : {}),
    searchText: searchTextOf(rows, cells),
    rowIndexOf: (rowKey) => rowIndex.get(rowKey),
    columnIndexOf: (clusterId) => columnIndex.get(clusterId),
    cell(r, c) {
      const row = rows[r];
      const column = columns[c];
      if (!row || !column) throw new RangeError(`no cell ${r}:${c}`);
      if (!row.jobs) return jobCell(row, column);
      // Each job's cell, and the cause marks of its history in this column (every cluster of it).
      return mergeCells(
        row,
        column,
        row.jobs.map((j) => jobCell(rows[j] as HeatRow, column)),
        level,
        causesAt(row.jobs, c),
        windowStart,
      );
    },
  };
}

/**
 * The grid, packed into one record (`meta` key `grid`) that the popup reads in one go: which
 * clusters and jobs there are, where each job runs and whether it is degraded there (one byte per
 * cell), and the aggregate of every cell with history. Rebuilt from the cluster states at the end
 * of a pass that wrote anything, and after pruning or clearing; the popup ages heat from the times
 * it holds, so it stays right between passes without being rebuilt.
 */
import type { CellAgg } from '../aggregate';
import type { TattlerDb } from '../db';
import type { ClusterState } from './state';

export const PRESENT = 1;
export const DEGRADED = 2;

export interface GridRecord {
  builtAt: number;
  /** The clusters that have a state, by id (the popup orders its columns itself). */
  clusters: string[];
  /** Every job present in some cluster or with history in one, by row key. */
  rows: string[];
  /** rows.length × clusters.length, row-major: PRESENT | DEGRADED. */
  flags: Uint8Array;
  /** Cells with history: [row × clusters.length + column, cell number, aggregate]. */
  cells: Array<[number, number, CellAgg]>;
}

const GRID_KEY = 'grid';

/** The packed grid of these states. Pure. */
export function packGrid(states: readonly ClusterState[], builtAt: number): GridRecord {
  const clusters = states.map((s) => s.clusterId);
  const rowIndex = new Map<string, number>();
  const rows: string[] = [];
  const rowOf = (rowKey: string): number => {
    let i = rowIndex.get(rowKey);
    if (i === undefined) {
      i = rows.length;
      rows.push(rowKey);
      rowIndex.set(rowKey, i);
    }
    return i;
  };
  for (const s of states) {
    for (const rowKey of Object.keys(s.jobs)) rowOf(rowKey);
    for (const rowKey of Object.keys(s.cells)) rowOf(rowKey);
  }
  const width = clusters.length;
  const flags = new Uint8Array(rows.length * width);
  const cells: GridRecord['cells'] = [];
  states.forEach((s, column) => {
    for (const [rowKey, mark] of Object.entries(s.jobs)) {
      flags[(rowIndex.get(rowKey) as number) * width + column] = PRESENT | (mark.d ? DEGRADED : 0);
    }
    for (const [rowKey, cell] of Object.entries(s.cells)) {
      cells.push([(rowIndex.get(rowKey) as number) * width + column, cell.n, cell.agg]);
    }
  });
  return { builtAt, clusters, rows, flags, cells };
}

/** A small record written with each grid: pages watch it, not the (large) grid itself. */
export const GRID_STAMP_KEY = 'grid-at';

/** Stores a grid and its stamp. Call inside a transaction that includes `db.meta`. */
export async function saveGrid(db: TattlerDb, grid: GridRecord): Promise<void> {
  await db.meta.bulkPut([
    { key: GRID_KEY, value: grid },
    { key: GRID_STAMP_KEY, value: grid.builtAt },
  ]);
}

/** Rebuilds the grid record from every cluster's state. */
export async function rebuildGrid(db: TattlerDb, now: number): Promise<GridRecord> {
  return db.transaction('rw', [db.states, db.meta], async () => {
    const grid = packGrid(await db.states.toArray(), now);
    await saveGrid(db, grid);
    return grid;
  });
}

export async function readGrid(db: TattlerDb): Promise<GridRecord | undefined> {
  return (await db.meta.get(GRID_KEY))?.value as GridRecord | undefined;
}

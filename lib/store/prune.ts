/**
 * Retention: what is older than the retention window goes — changes, poll runs, and clusters
 * gone for that long (with their state and snapshots) — and every cell's aggregate drops what its
 * changes drop, and the grid is rebuilt, in the same transaction, so the grid's counts stay exact. The cut is at the start
 * of a UTC day, the grain of the aggregates' folded days.
 */
import { pruneAgg } from '../aggregate';
import type { TattlerDb } from '../db';
import { GRID_STAMP_KEY, packGrid, saveGrid } from './grid';

const DAY = 86_400_000;

export interface Pruned {
  changes: number;
  polls: number;
  clusters: number;
}

export const retentionCutoff = (now: number, retentionDays: number): number =>
  Math.floor((now - retentionDays * DAY) / DAY) * DAY;

export async function prune(db: TattlerDb, now: number, retentionDays: number): Promise<Pruned> {
  const cutoff = retentionCutoff(now, retentionDays);
  return db.transaction(
    'rw',
    [db.log, db.cells, db.states, db.snapshots, db.polls, db.clusters, db.meta],
    async () => {
      const retired = (await db.clusters
        .filter((c) => c.goneSince !== undefined && c.goneSince < cutoff)
        .primaryKeys()) as string[];
      for (const id of retired) {
        await db.snapshots.where('clusterId').equals(id).delete();
        await db.states.delete(id);
      }
      await db.clusters.bulkDelete(retired);

      const changes = await db.log.where('at').below(cutoff).delete();
      const orphans: number[] = [];
      for (const state of await db.states.toArray()) {
        let touched = false;
        for (const [rowKey, cell] of Object.entries(state.cells)) {
          const before = cell.agg.times.length;
          const kept = pruneAgg(cell.agg, cutoff);
          if (!kept) {
            orphans.push(cell.n);
            delete state.cells[rowKey];
          }
          touched ||= !kept || cell.agg.times.length !== before;
        }
        if (touched) await db.states.put(state);
      }
      // A cell with no history left names nothing; its job, if it still runs, gets a new one.
      const retiredCells = retired.length
        ? await db.cells.where('clusterId').anyOf(retired).primaryKeys()
        : [];
      await db.cells.bulkDelete([...orphans, ...(retiredCells as number[])]);
      // The popup reads the grid, not the states: it says what is left, at once.
      if (changes > 0 || retired.length > 0) await saveGrid(db, packGrid(await db.states.toArray(), now));
      return { changes, polls: await db.polls.where('to').below(cutoff).delete(), clusters: retired.length };
    },
  );
}

/** Everything the history holds, gone (settings stay). The caller holds the pass lease. */
export async function clearAll(db: TattlerDb): Promise<void> {
  await db.transaction(
    'rw',
    [db.log, db.cells, db.states, db.snapshots, db.polls, db.clusters, db.meta],
    () =>
      Promise.all([
        db.log.clear(),
        db.cells.clear(),
        db.states.clear(),
        db.snapshots.clear(),
        db.polls.clear(),
        db.clusters.clear(),
        db.meta.bulkDelete(['grid', GRID_STAMP_KEY]),
      ]),
  );
}

/** How many jobs are stored, over every cluster. */
export async function countJobs(db: TattlerDb): Promise<number> {
  let n = 0;
  await db.states.each((s) => {
    n += Object.keys(s.jobs).length;
  });
  return n;
}

/**
 * Writing the history from outside a pass: snapshots as the latest state of their jobs, and
 * changes with their cells and aggregates — for seeding a store (tests, benchmarks, a future
 * import). A pass writes through lib/watcher.ts, which does the same inside its own commit.
 */
import type { TattlerDb } from '../db';
import type { Change, JobSnapshot } from '../model';
import { packGrid, saveGrid } from './grid';
import { recordChanges } from './record';
import { type ClusterState, emptyState, rowKeyOfJob, storeSnapshots } from './state';

const byCluster = <T extends { clusterId: string }>(items: readonly T[]): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(item.clusterId, [...(out.get(item.clusterId) ?? []), item]);
  return out;
};

/**
 * The newest change any state holds. Seeded history may be set in another time (a test's fixed
 * clock, an import), and the grid leaves out cells older than its horizon before it was built:
 * built at the history's own newest time it keeps what any window over that history shows.
 */
function newestIn(states: readonly ClusterState[]): number | undefined {
  let newest: number | undefined;
  for (const s of states)
    for (const cell of Object.values(s.cells)) {
      const at = cell.agg.times[cell.agg.times.length - 1];
      if (at !== undefined && (newest === undefined || at > newest)) newest = at;
    }
  return newest;
}

async function withStates(
  db: TattlerDb,
  clusterIds: Iterable<string>,
  edit: (state: ClusterState) => Promise<void>,
): Promise<void> {
  await db.transaction('rw', [db.states, db.snapshots, db.cells, db.log, db.meta], async () => {
    for (const id of clusterIds) {
      const state = (await db.states.get(id)) ?? emptyState(id);
      await edit(state);
      await db.states.put(state);
    }
    const states = await db.states.toArray();
    await saveGrid(db, packGrid(states, newestIn(states) ?? Date.now()));
  });
}

/** Stores snapshots as their jobs' latest state (replacing what a job had), recording no change. */
export async function putJobs(db: TattlerDb, jobs: readonly JobSnapshot[]): Promise<void> {
  const groups = byCluster(jobs);
  await withStates(db, groups.keys(), (state) =>
    storeSnapshots(db, state, groups.get(state.clusterId) ?? [], []),
  );
}

/** Drops jobs (by job key) from the stored state, recording no change. */
export async function dropJobs(db: TattlerDb, clusterId: string, jobKeys: readonly string[]): Promise<void> {
  await withStates(db, [clusterId], (state) =>
    storeSnapshots(
      db,
      state,
      [],
      jobKeys.map((k) => rowKeyOfJob(clusterId, k)),
    ),
  );
}

/** Stores changes, each under its job's cell, with the cells' aggregates. */
export async function putChanges(db: TattlerDb, changes: readonly Change[]): Promise<void> {
  const groups = byCluster(changes.map((c) => ({ ...c })));
  await withStates(db, groups.keys(), (state) => recordChanges(db, state, groups.get(state.clusterId) ?? []));
}

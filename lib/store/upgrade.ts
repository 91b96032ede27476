/**
 * Schema version 2 → 3: a row per job becomes a state record (and snapshot buckets) per cluster;
 * a wide row per change becomes a compact log row under a numbered cell; each cell's aggregate is
 * built from its changes; the packed grid from the states. Nothing is dropped: every job's last
 * snapshot and every change carry over (test/db.test.ts fills version 2 and opens version 3).
 *
 * Runs inside Dexie's upgrade transaction, on the old and new tables by name, with its own
 * copies of the shapes it writes: a migration must not change when the code around it does.
 */
import type { Transaction } from 'dexie';
import { addChange, emptyAgg } from '../aggregate';
import type { Change, JobSnapshot } from '../model';
import { type Cell, cellOf, encodeChange, type StoredChange } from './changes';
import { type GridRecord, packGrid } from './grid';
import { bucketKey, bucketOf, type ClusterState, markOf, type SnapshotBucket } from './state';

/** What version 3 holds for the rows versions 1–2 kept. Pure. */
export interface V3Rows {
  states: ClusterState[];
  buckets: SnapshotBucket[];
  cells: Cell[];
  log: StoredChange[];
  grid: GridRecord;
}

/** Version 2's jobs and changes → version 3's rows (cells numbered from 1, by first change). */
export function convertV2(jobs: readonly JobSnapshot[], changes: readonly Change[]): V3Rows {
  const states = new Map<string, ClusterState>();
  const stateOf = (clusterId: string): ClusterState => {
    let s = states.get(clusterId);
    if (!s) {
      s = { clusterId, jobs: {}, cells: {} };
      states.set(clusterId, s);
    }
    return s;
  };
  const buckets = new Map<string, SnapshotBucket>();
  for (const job of jobs) {
    const state = stateOf(job.clusterId);
    state.jobs[job.rowKey] = markOf(job);
    const key = bucketKey(job.clusterId, bucketOf(job.rowKey));
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { key, clusterId: job.clusterId, jobs: {} };
      buckets.set(key, bucket);
    }
    bucket.jobs[job.rowKey] = job;
  }

  const ordered = [...changes].sort((a, b) => a.at - b.at);
  const cellNumbers = new Map<string, number>();
  const cells: Cell[] = [];
  const log: StoredChange[] = [];
  for (const change of ordered) {
    const cellKey = `${change.clusterId}\u0000${change.rowKey}`;
    let n = cellNumbers.get(cellKey);
    if (n === undefined) {
      n = cells.length + 1;
      cellNumbers.set(cellKey, n);
      cells.push({ n, ...cellOf(change) });
    }
    // Ids are kept as they were (lib/store/changes.ts keeps one of any form), so exports and
    // references to them stay valid.
    log.push(encodeChange(change, n));
    const state = stateOf(change.clusterId);
    let cell = state.cells[change.rowKey];
    if (!cell) {
      cell = { n, agg: emptyAgg() };
      state.cells[change.rowKey] = cell;
    }
    addChange(cell.agg, change);
  }
  const lastAt = ordered.length ? (ordered[ordered.length - 1] as Change).at : 0;
  const all = [...states.values()];
  return { states: all, buckets: [...buckets.values()], cells, log, grid: packGrid(all, lastAt) };
}

export async function upgradeToV3(tx: Transaction): Promise<void> {
  const jobs = (await tx.table('jobs').toArray()) as JobSnapshot[];
  const changes = (await tx.table('changes').toArray()) as Change[];
  const rows = convertV2(jobs, changes);
  await tx.table('cells').bulkAdd(rows.cells);
  await tx.table('log').bulkAdd(rows.log);
  await tx.table('snapshots').bulkPut(rows.buckets);
  await tx.table('states').bulkPut(rows.states);
  await tx.table('meta').bulkPut([
    { key: 'grid', value: rows.grid },
    { key: 'grid-at', value: rows.grid.builtAt },
  ]);
}

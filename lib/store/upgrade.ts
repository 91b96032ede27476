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
import { packGrid } from './grid';
import { bucketKey, bucketOf, type ClusterState, markOf, type SnapshotBucket } from './state';

export async function upgradeToV3(tx: Transaction): Promise<void> {
  const jobs = (await tx.table('jobs').toArray()) as JobSnapshot[];
  const changes = (await tx.table('changes').orderBy('at').toArray()) as Change[];

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

  // Cells are numbered in the order their first change happened.
  const cells = new Map<string, number>();
  const newCells: Cell[] = [];
  const rows: StoredChange[] = [];
  for (const change of changes) {
    const cellKey = `${change.clusterId}\u0000${change.rowKey}`;
    let n = cells.get(cellKey);
    if (n === undefined) {
      n = newCells.length + 1;
      cells.set(cellKey, n);
      newCells.push({ n, ...cellOf(change) });
    }
    // Ids are kept as they were (lib/store/changes.ts keeps one of any form), so exports and
    // references to them stay valid.
    rows.push(encodeChange(change, n));
    const state = stateOf(change.clusterId);
    const cell = (state.cells[change.rowKey] ??= { n, agg: emptyAgg() });
    addChange(cell.agg, change);
  }

  await tx.table('cells').bulkAdd(newCells);
  await tx.table('log').bulkAdd(rows);
  await tx.table('snapshots').bulkPut([...buckets.values()]);
  await tx.table('states').bulkPut([...states.values()]);
  const lastAt = changes.length ? (changes[changes.length - 1] as Change).at : 0;
  await tx.table('meta').bulkPut([
    { key: 'grid', value: packGrid([...states.values()], lastAt) },
    { key: 'grid-at', value: lastAt },
  ]);
}

/**
 * What Tattler keeps of each cluster between passes, shaped for the pass and for the popup:
 *
 *   states     one record per cluster: every job's version token (and instance, health,
 *              disappearance mark, snapshot bucket) — read once per pass to tell what moved —
 *              and every cell's aggregate (lib/aggregate.ts) — what the grid paints from
 *   snapshots  the jobs' full snapshots, in a few buckets per cluster: read only for the jobs
 *              that moved or vanished (the diff needs their "before"), written only when they did
 *
 * IndexedDB's cost is per record: a pass over 200 clusters × 250 jobs reads 200 state records
 * instead of 50,000 snapshots, and writes a bucket or two where something changed.
 */
import type { CellAgg } from '../aggregate';
import type { TattlerDb } from '../db';
import type { JobLinks, JobSnapshot } from '../model';

/** A job as the pass needs to know it to tell whether it moved. */
export interface JobMark {
  /** Version token. */
  t: string;
  /** Instance (uid). */
  i?: string;
  /** Degraded now. */
  d?: 1;
  /** Left out by a complete list, not yet confirmed gone: that poll's window. */
  m?: [number, number];
  /** The snapshot bucket it lives in. */
  b: number;
  /**
   * What it says of its service and manager (JobSnapshot.links), only when it says anything:
   * the grid groups rows into services by it without reading a snapshot.
   */
  l?: JobLinks;
}

/** One cell (this cluster × one job) with history: its number in `cells`, and its aggregate. */
export interface CellState {
  n: number;
  agg: CellAgg;
}

export interface ClusterState {
  clusterId: string;
  jobs: Record<string, JobMark>;
  cells: Record<string, CellState>;
}

export interface SnapshotBucket {
  /** `${clusterId}\u0000${bucket}` */
  key: string;
  clusterId: string;
  jobs: Record<string, JobSnapshot>;
}

/** Buckets per cluster: a job that moves rewrites ~1/16 of its cluster's snapshots. */
export const BUCKETS = 16;

/** FNV-1a: the same row key always lands in the same bucket. */
export function bucketOf(rowKey: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < rowKey.length; i++) {
    h ^= rowKey.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % BUCKETS;
}

export const bucketKey = (clusterId: string, bucket: number): string => `${clusterId}\u0000${bucket}`;

export const emptyState = (clusterId: string): ClusterState => ({ clusterId, jobs: {}, cells: {} });

/** A snapshot as it is stored: the history an adapter read with it is used once, never kept. */
function storedForm(snapshot: JobSnapshot): JobSnapshot {
  if (!snapshot.history) return snapshot;
  const { history: _, ...rest } = snapshot;
  return rest;
}

/** The mark a snapshot leaves in its cluster's state. */
export function markOf(snapshot: JobSnapshot): JobMark {
  const mark: JobMark = { t: snapshot.versionToken, b: bucketOf(snapshot.rowKey) };
  if (snapshot.instance !== undefined) mark.i = snapshot.instance;
  if (snapshot.health.state === 'degraded') mark.d = 1;
  if (snapshot.missing) mark.m = [snapshot.missing.windowStart, snapshot.missing.windowEnd];
  if (snapshot.links) mark.l = snapshot.links;
  return mark;
}

const sameLinks = (a: JobLinks | undefined, b: JobLinks | undefined): boolean =>
  a?.partOf === b?.partOf &&
  a?.name === b?.name &&
  a?.argoApp === b?.argoApp &&
  a?.deployId === b?.deployId &&
  (a?.manages ?? []).join('\n') === (b?.manages ?? []).join('\n');

/**
 * Brings the links of jobs that did not move up to date in their marks (rowKey → links, undefined:
 * none): a record stored before links were read gets them, without a new snapshot. Whether any
 * mark changed (the state must then be written).
 */
export function refreshLinks(state: ClusterState, links: Iterable<[string, JobLinks | undefined]>): boolean {
  let changed = false;
  for (const [rowKey, l] of links) {
    const mark = state.jobs[rowKey];
    if (!mark || sameLinks(mark.l, l)) continue;
    if (l) mark.l = l;
    else delete mark.l;
    changed = true;
  }
  return changed;
}

/** The row key part of a job key (`${clusterId}|${rowKey}`). */
export const rowKeyOfJob = (clusterId: string, jobKey: string): string => jobKey.slice(clusterId.length + 1);

/** The stored snapshots of some jobs of one cluster (by row key), reading only their buckets. */
export async function loadSnapshots(
  db: TattlerDb,
  state: ClusterState,
  rowKeys: Iterable<string>,
): Promise<Map<string, JobSnapshot>> {
  const wanted = new Map<number, string[]>();
  for (const rowKey of rowKeys) {
    const mark = state.jobs[rowKey];
    if (!mark) continue;
    const list = wanted.get(mark.b) ?? [];
    list.push(rowKey);
    wanted.set(mark.b, list);
  }
  const buckets = await db.snapshots.bulkGet([...wanted.keys()].map((b) => bucketKey(state.clusterId, b)));
  const out = new Map<string, JobSnapshot>();
  for (const bucket of buckets) {
    if (!bucket) continue;
    const b = Number(bucket.key.slice(bucket.key.lastIndexOf('\u0000') + 1));
    for (const rowKey of wanted.get(b) ?? []) {
      const snapshot = bucket.jobs[rowKey];
      if (snapshot) out.set(snapshot.key, snapshot);
    }
  }
  return out;
}

/**
 * Writes snapshots and drops jobs (by row key) in their buckets, and keeps the state's marks in
 * step. Call inside a transaction that includes `db.snapshots`; the caller writes the state.
 */
export async function storeSnapshots(
  db: TattlerDb,
  state: ClusterState,
  put: readonly JobSnapshot[],
  remove: readonly string[],
): Promise<void> {
  const touched = new Set<number>();
  for (const s of put) touched.add(bucketOf(s.rowKey));
  for (const rowKey of remove) touched.add(bucketOf(rowKey));
  if (touched.size === 0) return;
  const keys = [...touched].map((b) => bucketKey(state.clusterId, b));
  const found = await db.snapshots.bulkGet(keys);
  const buckets = new Map<number, SnapshotBucket>();
  [...touched].forEach((b, i) => {
    buckets.set(b, found[i] ?? { key: keys[i] as string, clusterId: state.clusterId, jobs: {} });
  });
  for (const rowKey of remove) {
    delete buckets.get(bucketOf(rowKey))?.jobs[rowKey];
    delete state.jobs[rowKey];
  }
  for (const s of put) {
    (buckets.get(bucketOf(s.rowKey)) as SnapshotBucket).jobs[s.rowKey] = storedForm(s);
    state.jobs[s.rowKey] = markOf(s);
  }
  const empty = [...buckets.values()].filter((b) => Object.keys(b.jobs).length === 0).map((b) => b.key);
  const full = [...buckets.values()].filter((b) => Object.keys(b.jobs).length > 0);
  if (empty.length) await db.snapshots.bulkDelete(empty);
  if (full.length) await db.snapshots.bulkPut(full);
}

/** Replaces every snapshot of a cluster (a baseline). */
export async function replaceSnapshots(
  db: TattlerDb,
  state: ClusterState,
  jobs: readonly JobSnapshot[],
): Promise<void> {
  await db.snapshots.where('clusterId').equals(state.clusterId).delete();
  state.jobs = {};
  const buckets = new Map<number, SnapshotBucket>();
  for (const s of jobs) {
    const b = bucketOf(s.rowKey);
    let bucket = buckets.get(b);
    if (!bucket) {
      bucket = { key: bucketKey(state.clusterId, b), clusterId: state.clusterId, jobs: {} };
      buckets.set(b, bucket);
    }
    bucket.jobs[s.rowKey] = storedForm(s);
    state.jobs[s.rowKey] = markOf(s);
  }
  if (buckets.size) await db.snapshots.bulkPut([...buckets.values()]);
}

/** Every stored snapshot of a cluster (tests, exports, the upgrade). */
export async function allSnapshots(db: TattlerDb, clusterId: string): Promise<JobSnapshot[]> {
  const buckets = await db.snapshots.where('clusterId').equals(clusterId).toArray();
  return buckets.flatMap((b) => Object.values(b.jobs));
}

/**
 * IndexedDB through Dexie: the history Tattler keeps. Schema versions are only ever appended;
 * test/db.test.ts fills the previous version and opens the current one.
 *
 * Tables
 *   clusters  every cluster ever discovered (gone ones keep `goneSince`)
 *   jobs      the latest snapshot of each job in each cluster (the diff's "previous")
 *   changes   every detected change; indexed by time and by row key + cluster for the grid
 *   polls     runs of consecutive polls with one outcome: the coverage the grid shows gaps in
 *   meta      small key/value records: the pass lease, when watching started
 */
import { Dexie, type EntityTable } from 'dexie';
import type { Change, Cluster, JobSnapshot, PollRun } from './model';

export interface MetaRecord {
  key: string;
  value: unknown;
}

export type TattlerDb = Dexie & {
  clusters: EntityTable<Cluster, 'id'>;
  jobs: EntityTable<JobSnapshot, 'key'>;
  changes: EntityTable<Change, 'id'>;
  polls: EntityTable<PollRun, 'id'>;
  meta: EntityTable<MetaRecord, 'key'>;
};

export const DB_NAME = 'tattler';

/** Every schema version, oldest first. Append; never edit a published entry. */
export const SCHEMA_VERSIONS: ReadonlyArray<{ version: number; stores: Record<string, string> }> = [
  {
    version: 1,
    stores: {
      clusters: 'id, sourceId',
      jobs: 'key, clusterId, rowKey',
      changes: 'id, at, clusterId, [rowKey+clusterId], [clusterId+at]',
      polls: '++id, target, to, [target+to]',
      meta: 'key',
    },
  },
  {
    // The popup marks degraded jobs; an index on health spares it reading every snapshot.
    version: 2,
    stores: { jobs: 'key, clusterId, rowKey, health.state' },
  },
];

export function openDb(name = DB_NAME, upTo = SCHEMA_VERSIONS.length): TattlerDb {
  const db = new Dexie(name) as TattlerDb;
  for (const { version, stores } of SCHEMA_VERSIONS.slice(0, upTo)) db.version(version).stores(stores);
  return db;
}

/** Changes whose best-estimate time lies in [from, to], newest first. */
export function changesBetween(
  db: TattlerDb,
  from: number,
  to = Number.POSITIVE_INFINITY,
): Promise<Change[]> {
  return db.changes.where('at').between(from, to, true, true).reverse().toArray();
}

/** Changes of one job in one cluster, newest first. */
export async function changesOfCell(db: TattlerDb, rowKey: string, clusterId: string): Promise<Change[]> {
  const list = await db.changes.where('[rowKey+clusterId]').equals([rowKey, clusterId]).toArray();
  return list.sort((a, b) => b.at - a.at);
}

/** Poll runs that overlap [from, to]. */
export function pollRunsSince(db: TattlerDb, from: number): Promise<PollRun[]> {
  return db.polls.where('to').aboveOrEqual(from).toArray();
}

/**
 * Drops what is older than the retention window: changes, poll runs, and clusters gone for
 * that long (with their last snapshots). Returns what it removed.
 */
export async function prune(
  db: TattlerDb,
  now: number,
  retentionDays: number,
): Promise<{ changes: number; polls: number; clusters: number }> {
  const cutoff = now - retentionDays * 86_400_000;
  return db.transaction('rw', [db.changes, db.polls, db.clusters, db.jobs], async () => {
    const retired = await db.clusters
      .filter((c) => c.goneSince !== undefined && c.goneSince < cutoff)
      .primaryKeys();
    for (const id of retired) await db.jobs.where('clusterId').equals(id).delete();
    await db.clusters.bulkDelete(retired);
    return {
      changes: await db.changes.where('at').below(cutoff).delete(),
      polls: await db.polls.where('to').below(cutoff).delete(),
      clusters: retired.length,
    };
  });
}

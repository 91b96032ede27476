/**
 * IndexedDB through Dexie: the history Tattler keeps. Schema versions are only ever appended;
 * test/db.test.ts fills each earlier version and opens the current one.
 *
 * Tables (since version 3; lib/store/ reads and writes them)
 *   clusters   every cluster ever discovered (gone ones keep `goneSince`)
 *   states     one record per cluster: each job's version token and marks, each cell's aggregate
 *   snapshots  the jobs' last snapshots, a few buckets per cluster (the diff's "before")
 *   cells      one job in one cluster, numbered: what a logged change points at
 *   log        every detected change, compact (lib/store/changes.ts)
 *   polls      runs of consecutive polls with one outcome: the coverage the grid shows gaps in
 *   meta       small records: the pass lease, the last pass, the packed grid (lib/store/grid.ts)
 * Versions 1–2 kept one row per job (`jobs`) and one wide row per change (`changes`); version 3
 * moves both into the shapes above (lib/store/upgrade.ts).
 */
import { Dexie, type EntityTable, type Transaction } from 'dexie';
import type { Cluster, PollRun } from './model';
import type { Cell, StoredChange } from './store/changes';
import type { ClusterState, SnapshotBucket } from './store/state';
import { upgradeToV3 } from './store/upgrade';

export interface MetaRecord {
  key: string;
  value: unknown;
}

export type TattlerDb = Dexie & {
  clusters: EntityTable<Cluster, 'id'>;
  states: EntityTable<ClusterState, 'clusterId'>;
  snapshots: EntityTable<SnapshotBucket, 'key'>;
  cells: EntityTable<Cell, 'n'>;
  log: EntityTable<StoredChange, 'n'>;
  polls: EntityTable<PollRun, 'id'>;
  meta: EntityTable<MetaRecord, 'key'>;
};

export const DB_NAME = 'tattler';

export interface SchemaVersion {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void>;
}

/** Every schema version, oldest first. Append; never edit a published entry. */
export const SCHEMA_VERSIONS: readonly SchemaVersion[] = [
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
  {
    // Shaped for the pass and the popup: per-cluster records instead of a row per job, compact
    // changes under numbered cells, aggregates kept with them (see the top of this file).
    version: 3,
    stores: {
      jobs: null,
      changes: null,
      states: 'clusterId',
      snapshots: 'key, clusterId',
      cells: '++n, &[clusterId+rowKey], clusterId',
      log: '++n, at, [c+at]',
    },
    upgrade: upgradeToV3,
  },
];

export function openDb(name = DB_NAME, upTo = SCHEMA_VERSIONS.length): TattlerDb {
  const db = new Dexie(name) as TattlerDb;
  for (const { version, stores, upgrade } of SCHEMA_VERSIONS.slice(0, upTo)) {
    const v = db.version(version).stores(stores);
    if (upgrade) v.upgrade(upgrade);
  }
  return db;
}

/** Poll runs that overlap [from, now]. */
export function pollRunsSince(db: TattlerDb, from: number): Promise<PollRun[]> {
  return db.polls.where('to').aboveOrEqual(from).toArray();
}

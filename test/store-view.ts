/** What a test reads back of the stored history, through lib/store/ (the tables are compact). */
import type { TattlerDb } from '../lib/db';
import type { Change, JobSnapshot } from '../lib/model';
import { allChanges } from '../lib/store/changes';
import { allSnapshots } from '../lib/store/state';

/** Every stored change, oldest first. */
export const changesIn = (db: TattlerDb): Promise<Change[]> => allChanges(db);

export const changeCount = (db: TattlerDb): Promise<number> => db.log.count();

/** Every stored snapshot (of one cluster, or of all). */
export async function jobsIn(db: TattlerDb, clusterId?: string): Promise<JobSnapshot[]> {
  const ids = clusterId ? [clusterId] : ((await db.states.toCollection().primaryKeys()) as string[]);
  return (await Promise.all(ids.map((id) => allSnapshots(db, id)))).flat();
}

/** One stored snapshot, by job key. */
export async function jobIn(db: TattlerDb, key: string): Promise<JobSnapshot | undefined> {
  return (await jobsIn(db)).find((j) => j.key === key);
}

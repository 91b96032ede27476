/**
 * What the popup reads from IndexedDB, split by cost so the grid paints early:
 *   activity  clusters, the window's changes, recent poll runs      (small; live)
 *   jobKeys   where each job runs: primary keys only, no snapshots  (200,000 strings; live)
 *   degraded  which of those are degraded now: reads the snapshots  (after the first paint; live)
 * Each is a live read (lib/live.ts), so a pass that lands while the popup is open repaints it.
 * The popup entrypoint hands `popupData(db)` to the grid; components never see the database.
 */
import { pollRunsSince, type TattlerDb } from './db';
import { type Live, live } from './live';
import type { Change, Cluster, PollRun } from './model';

export interface Activity {
  clusters: Cluster[];
  changes: Change[];
  polls: PollRun[];
}

const DAY = 86_400_000;

/** Poll runs reach back a day even for short windows: the header shows each cluster's latest state. */
export async function loadActivity(db: TattlerDb, since: number): Promise<Activity> {
  const [clusters, changes, polls] = await Promise.all([
    db.clusters.toArray(),
    // Oldest first on purpose: IndexedDB's getAll reads only forwards, and a reversed query
    // (db.ts changesBetween) walks a cursor instead — several times slower for 50,000 rows.
    // The model orders each cell's changes itself.
    db.changes.where('at').aboveOrEqual(since).toArray(),
    pollRunsSince(db, Math.min(since, Date.now() - DAY)),
  ]);
  performance.mark('tattler:activity-loaded');
  return { clusters, changes, polls };
}

export async function loadJobKeys(db: TattlerDb): Promise<string[]> {
  const keys = (await db.jobs.toCollection().primaryKeys()) as string[];
  performance.mark('tattler:job-keys-loaded');
  return keys;
}

/** Keys of the jobs whose current snapshot is degraded (schema v2 indexes health). */
export async function loadDegradedKeys(db: TattlerDb): Promise<Set<string>> {
  const keys = await db.jobs.where('health.state').equals('degraded').primaryKeys();
  performance.mark('tattler:degraded-loaded');
  return new Set(keys as string[]);
}

/** The popup's reads, live, without the database showing through. */
export interface PopupData {
  /** `since` is fixed per window choice; the model drops what ages out of the window. */
  activity(since: number): Live<Activity>;
  jobKeys(): Live<string[]>;
  degradedKeys(): Live<Set<string>>;
}

export const popupData = (db: TattlerDb): PopupData => ({
  activity: (since) => live(() => loadActivity(db, since)),
  jobKeys: () => live(() => loadJobKeys(db)),
  degradedKeys: () => live(() => loadDegradedKeys(db)),
});

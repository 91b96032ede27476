/**
 * The history a browser's Tattler stored, read as the rest of Tattler reads it: the tables are
 * compact (lib/store/), so the raw rows are fetched from the browser and decoded here.
 */
import type { Change, JobSnapshot } from '../../lib/model';
import { type Cell, decodeChange, type StoredChange } from '../../lib/store/changes';
import type { SnapshotBucket } from '../../lib/store/state';

type ReadTable = <T>(table: string) => Promise<T[]>;

/** Every stored change, oldest first. */
export async function storedChanges(read: ReadTable): Promise<Change[]> {
  const [log, cells] = await Promise.all([read<StoredChange>('log'), read<Cell>('cells')]);
  const byNumber = new Map(cells.map((c) => [c.n as number, c]));
  return log
    .filter((s) => byNumber.has(s.c))
    .map((s) => decodeChange(s, byNumber.get(s.c) as Cell))
    .sort((a, b) => a.at - b.at);
}

/** Every stored job snapshot. */
export async function storedJobs(read: ReadTable): Promise<JobSnapshot[]> {
  return (await read<SnapshotBucket>('snapshots')).flatMap((b) => Object.values(b.jobs));
}

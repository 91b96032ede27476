/**
 * The `meta` table's small records, each behind a typed accessor so no caller casts what it
 * reads. A stored value that is not what Tattler writes (a record from another version, a
 * hand edit in DevTools) reads as absent rather than as a wrong type.
 *
 *   last-pass    the summary of the last finished pass (the popup's "Last pass 2 minutes ago")
 *   last-prune   when retention last dropped old history (epoch ms)
 *   grid, grid-at the packed grid and its stamp (lib/store/grid.ts)
 *
 * The pass lease (`pass-lease`) is lib/lease.ts's own. The background writes the two records
 * (entrypoints/background/service.ts).
 */
import type { TattlerDb } from './db';
import type { PassSummary } from './messages';

const LAST_PASS = 'last-pass';
const LAST_PRUNE = 'last-prune';

/** The key of the last pass's summary: pages watch it to know a pass ended. */
export const LAST_PASS_KEY = LAST_PASS;

export async function setLastPass(db: TattlerDb, summary: PassSummary): Promise<void> {
  await db.meta.put({ key: LAST_PASS, value: summary });
}

export async function setLastPrune(db: TattlerDb, at: number): Promise<void> {
  await db.meta.put({ key: LAST_PRUNE, value: at });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const isPassSummary = (v: unknown): v is PassSummary =>
  isRecord(v) && typeof v.startedAt === 'number' && typeof v.finishedAt === 'number' && isRecord(v.clusters);

export async function lastPass(db: TattlerDb): Promise<PassSummary | undefined> {
  const value = (await db.meta.get(LAST_PASS))?.value;
  return isPassSummary(value) ? value : undefined;
}

export async function lastPrune(db: TattlerDb): Promise<number | undefined> {
  const value = (await db.meta.get(LAST_PRUNE))?.value;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

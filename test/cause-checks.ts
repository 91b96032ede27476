/**
 * What every cause-across-sources store test checks once the two records are stored, whichever
 * came first: the packed grid counts the pair once, and the log holds both records exactly as
 * they were observed (a join on reading never writes into history).
 */
import { expect } from 'vitest';
import { countSince } from '../lib/aggregate';
import type { TattlerDb } from '../lib/db';
import { pairsSince } from '../lib/identity/cause';
import { allChanges } from '../lib/store/changes';
import { packedAgg, readGrid } from '../lib/store/grid';

/** The two cells, merged into one (a service in one place), count the pair once. */
export async function expectGridCountsPairOnce(db: TattlerDb, since: number): Promise<void> {
  const grid = await readGrid(db);
  if (!grid) throw new Error('no grid');
  const aggs = Array.from({ length: grid.cells.count }, (_, k) => packedAgg(grid, k));
  expect(aggs.reduce((n, a) => n + countSince(a, since), 0)).toBe(2);
  expect(pairsSince(aggs, since)).toBe(1);
}

/** Stored as observed: these two records, the caused one still with the actor the cluster named, none with a cause. */
export async function expectStoredAsObserved(
  db: TattlerDb,
  ids: readonly [string, string],
  caused: { id: string; actor: string },
): Promise<void> {
  const log = await allChanges(db);
  expect(log.map((c) => c.id).sort()).toEqual([...ids].sort());
  expect(log.find((c) => c.id === caused.id)?.actor?.name).toBe(caused.actor);
  expect(log.some((c) => c.cause)).toBe(false);
}

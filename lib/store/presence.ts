/**
 * Where jobs run now, from the cluster states: the correlation's "watched" and the tests' view of
 * what is stored. The popup reads the same from the packed grid (grid.ts) in one record.
 */
import type { TattlerDb } from '../db';
import { type JobLinks, jobKeyOf } from '../model';

export interface Presence {
  clusterId: string;
  rowKey: string;
  key: string;
  degraded: boolean;
  /** A complete list left it out, not yet confirmed gone. */
  missing: boolean;
}

export async function presences(db: TattlerDb): Promise<Presence[]> {
  const out: Presence[] = [];
  await db.states.each((s) => {
    for (const [rowKey, mark] of Object.entries(s.jobs)) {
      out.push({
        clusterId: s.clusterId,
        rowKey,
        key: jobKeyOf(s.clusterId, rowKey),
        degraded: mark.d === 1,
        missing: mark.m !== undefined,
      });
    }
  });
  return out;
}

/** The row keys of every job present in some cluster, unique. */
export async function presentRowKeys(db: TattlerDb): Promise<string[]> {
  const keys = new Set<string>();
  await db.states.each((s) => {
    for (const rowKey of Object.keys(s.jobs)) keys.add(rowKey);
  });
  return [...keys];
}

/** Where each job runs: its row key → the clusters whose state holds it. */
export async function clustersByRowKey(db: TattlerDb): Promise<Map<string, string[]>> {
  return (await watchedRows(db)).where;
}

/**
 * Where each job runs (row key → the clusters whose state holds it) and what it says of its
 * service in each (its links: lib/identity/services.ts), in one read of the states.
 */
export async function watchedRows(
  db: TattlerDb,
): Promise<{ where: Map<string, string[]>; links: Map<string, JobLinks[]> }> {
  const where = new Map<string, string[]>();
  const links = new Map<string, JobLinks[]>();
  await db.states.each((s) => {
    for (const [rowKey, mark] of Object.entries(s.jobs)) {
      const list = where.get(rowKey);
      if (list) list.push(s.clusterId);
      else where.set(rowKey, [s.clusterId]);
      if (!mark.l) continue;
      const l = links.get(rowKey);
      if (l) l.push(mark.l);
      else links.set(rowKey, [mark.l]);
    }
  });
  return { where, links };
}

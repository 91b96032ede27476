/**
 * Where jobs run now, from the cluster states: the correlation's "watched" and the tests' view of
 * what is stored. The popup reads the same from the packed grid (grid.ts) in one record.
 */
import type { TattlerDb } from '../db';
import { jobKeyOf } from '../model';

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
  const out = new Map<string, string[]>();
  await db.states.each((s) => {
    for (const rowKey of Object.keys(s.jobs)) {
      const list = out.get(rowKey);
      if (list) list.push(s.clusterId);
      else out.set(rowKey, [s.clusterId]);
    }
  });
  return out;
}

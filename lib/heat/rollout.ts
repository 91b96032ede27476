/**
 * A rollout: the same new image or version reaching several clusters — the row's horizontal
 * stripe, in words ("bob rolled registry/app:1.4.2 to 7 of 12 clusters").
 */
import { ROLLOUT_FIELD } from '../aggregate';
import type { Actor, Change } from '../model';
import type { Rollout } from './types';

const valueText = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;

/** A row names a rollout once the same new image or version reached this many clusters. */
export const ROLLOUT_MIN_CLUSTERS = 2;

/** One cluster's new value of a rollout-ish field (from a change, or from a cell's aggregate). */
export interface RolloutSighting {
  column: number;
  field: string;
  value: string;
  at: number;
  actor?: Actor;
}

/** The same new image or version reaching several clusters: the row's "stripe", in words. */
export function rolloutOf(
  sightings: Iterable<RolloutSighting>,
  clustersOfJob: number | undefined,
): Rollout | undefined {
  interface Acc {
    field: string;
    value: string;
    columns: Set<number>;
    actors: Map<string, { actor: Actor; n: number }>;
    firstAt: number;
    lastAt: number;
  }
  const accs = new Map<string, Acc>();
  for (const s of sightings) {
    const key = `${s.field}\u0000${s.value}`;
    let acc = accs.get(key);
    if (!acc) {
      acc = {
        field: s.field,
        value: s.value,
        columns: new Set(),
        actors: new Map(),
        firstAt: s.at,
        lastAt: s.at,
      };
      accs.set(key, acc);
    }
    acc.columns.add(s.column);
    acc.firstAt = Math.min(acc.firstAt, s.at);
    acc.lastAt = Math.max(acc.lastAt, s.at);
    if (s.actor?.name) {
      const a = acc.actors.get(s.actor.name);
      if (a) a.n++;
      else acc.actors.set(s.actor.name, { actor: s.actor, n: 1 });
    }
  }
  let best: Acc | undefined;
  for (const acc of accs.values()) {
    if (acc.columns.size < ROLLOUT_MIN_CLUSTERS) continue;
    // Widest first; on a tie the most recent, so the row names what is happening now.
    if (
      !best ||
      acc.columns.size > best.columns.size ||
      (acc.columns.size === best.columns.size && acc.lastAt > best.lastAt)
    )
      best = acc;
  }
  if (!best) return undefined;
  let top: { actor: Actor; n: number } | undefined;
  for (const a of best.actors.values()) if (!top || a.n > top.n) top = a;
  const n = best.columns.size;
  const of = clustersOfJob === undefined ? undefined : Math.max(clustersOfJob, n);
  const reach = of === undefined ? `${n} clusters` : `${n} of ${of} clusters`;
  const others = best.actors.size - 1;
  const who = top
    ? others > 0
      ? `${top.actor.name} and ${others} other${others > 1 ? 's' : ''}`
      : top.actor.name
    : '';
  const summary = who ? `${who} rolled ${best.value} to ${reach}` : `${best.value} reached ${reach}`;
  const rollout: Rollout = {
    field: best.field,
    value: best.value,
    actors: best.actors.size,
    clusters: n,
    firstAt: best.firstAt,
    lastAt: best.lastAt,
    summary,
  };
  if (top) rollout.actor = top.actor;
  if (of !== undefined) rollout.of = of;
  return rollout;
}

/** The same, from changes by column (every rollout-ish field each change set). */
export function detectRollout(
  changesByColumn: ReadonlyMap<number, readonly Change[]>,
  clustersOfJob: number | undefined,
): Rollout | undefined {
  const sightings: RolloutSighting[] = [];
  for (const [column, list] of changesByColumn) {
    for (const c of list) {
      if (c.type !== 'updated' && c.type !== 'created') continue;
      for (const f of c.fields) {
        const value = valueText(f.after);
        if (value === undefined || !ROLLOUT_FIELD.test(f.path)) continue;
        sightings.push({ column, field: f.path, value, at: c.at, ...(c.actor ? { actor: c.actor } : {}) });
      }
    }
  }
  return rolloutOf(sightings, clustersOfJob);
}

/**
 * A rollout: the same new image or version reaching several clusters — the row's horizontal
 * stripe, in words ("bob rolled registry/app:1.4.2 to 7 of 12 clusters"). The one rule: the
 * grid names a row's rollout with it (from its cells' rollout marks), and a badge's popover folds
 * a rollout's changes into one entry with it (lib/correlate/rollouts.ts, from the changes). Both
 * read a change's rollout value the way a cell's aggregate keeps it (lib/aggregate.ts).
 */
import { rolloutValueOf } from '../aggregate';
import type { Actor, Change } from '../model';
import type { Rollout } from './types';

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
  const who = rolloutWho({ ...(top ? { actor: top.actor } : {}), actors: best.actors.size });
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

/** Who rolled it: "bob", "bob and 2 others", or '' when no change reported an actor. */
export function rolloutWho(r: Pick<Rollout, 'actor' | 'actors'>, name = (n: string) => n): string {
  if (!r.actor) return '';
  const others = r.actors - 1;
  return others > 0
    ? `${name(r.actor.name)} and ${others} other${others > 1 ? 's' : ''}`
    : name(r.actor.name);
}

/** What the rule reads of a change. */
export type RolloutChange = Pick<Change, 'type' | 'fields' | 'at' | 'actor'>;

/** A change seen in a column, as a sighting: the image or version it set, if any. */
export function sightingOf(change: RolloutChange, column: number): RolloutSighting | undefined {
  const set = rolloutValueOf(change);
  if (!set) return undefined;
  return { column, ...set, at: change.at, ...(change.actor ? { actor: change.actor } : {}) };
}

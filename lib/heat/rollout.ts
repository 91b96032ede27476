/**
 * A rollout: the same new image or version reaching several clusters — the row's horizontal
 * stripe, in words ("bob rolled registry/app:1.4.2 to 7 of 12 clusters"). The one rule: the
 * grid names a row's rollout with it, and a badge's popover folds a rollout's changes into one
 * entry with it (lib/correlate/rollouts.ts).
 */
import type { Actor, Change } from '../model';
import type { Rollout } from './types';

/** A row names a rollout once the same new image or version reached this many clusters. */
export const ROLLOUT_MIN_CLUSTERS = 2;
/** Fields whose new value identifies a rollout: images, chart or app versions, revisions. */
const ROLLOUT_FIELD = /image|version|chart|revision|tag/i;

const valueText = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;

/** What a rollout detector reads of a change. */
export type RolloutChange = Pick<Change, 'type' | 'fields' | 'at' | 'actor'>;

/** The new images or versions a change brought that may belong to a rollout. */
export function rolloutValues(c: Pick<Change, 'type' | 'fields'>): { field: string; value: string }[] {
  if (c.type !== 'updated' && c.type !== 'created') return [];
  const out: { field: string; value: string }[] = [];
  for (const f of c.fields) {
    const value = valueText(f.after);
    if (value !== undefined && ROLLOUT_FIELD.test(f.path)) out.push({ field: f.path, value });
  }
  return out;
}

/** Who rolled it: "bob", "bob and 2 others", or '' when no change reported an actor. */
export function rolloutWho(r: Pick<Rollout, 'actor' | 'actors'>, name = (n: string) => n): string {
  if (!r.actor) return '';
  const others = r.actors - 1;
  return others > 0
    ? `${name(r.actor.name)} and ${others} other${others > 1 ? 's' : ''}`
    : name(r.actor.name);
}

/** The same new image or version reaching several clusters: the row's "stripe", in words. */
export function detectRollout(
  changesByColumn: ReadonlyMap<number, readonly RolloutChange[]>,
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
  for (const [column, list] of changesByColumn) {
    for (const c of list) {
      for (const { field, value } of rolloutValues(c)) {
        const key = `${field}\u0000${value}`;
        let acc = accs.get(key);
        if (!acc) {
          acc = { field, value, columns: new Set(), actors: new Map(), firstAt: c.at, lastAt: c.at };
          accs.set(key, acc);
        }
        acc.columns.add(column);
        acc.firstAt = Math.min(acc.firstAt, c.at);
        acc.lastAt = Math.max(acc.lastAt, c.at);
        if (c.actor?.name) {
          const a = acc.actors.get(c.actor.name);
          if (a) a.n++;
          else acc.actors.set(c.actor.name, { actor: c.actor, n: 1 });
        }
      }
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

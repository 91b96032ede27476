/**
 * One entry per rollout. The same new image or version reaching several clusters is one thing
 * a person did ("bob rolled checkout:1.4.2 to 7 clusters, 14:02–14:09"), so a badge's popover
 * and the incident note show it as one entry that opens to its changes, instead of seven
 * entries that push everything else out of sight. The rule that says what a rollout is lives
 * with the grid's (lib/heat/rollout.ts: the same rule names a row's stripe); this groups a
 * ranked list by it. Pure: the background keeps whole entries when it trims an answer, and the
 * badge groups what it was sent the same way.
 */
import {
  ROLLOUT_MIN_CLUSTERS,
  type RolloutChange,
  type RolloutSighting,
  rolloutOf,
  sightingOf,
} from '../heat/rollout';
import type { Rollout } from '../heat/types';
import type { Change } from '../model';
import type { Placed } from './rank';

/** What grouping reads of a change: where, which job, and what the rollout rule reads. */
export type GroupedChange = RolloutChange & Pick<Change, 'clusterId' | 'kind' | 'namespace' | 'name'>;

export type Entry<R extends Placed = Placed> =
  | { kind: 'change'; ranked: R }
  | {
      kind: 'rollout';
      /** The job, field and value: stable while the entry's members change. */
      key: string;
      rollout: Rollout;
      /** Its changes in rank order (the first says why the entry is shown). */
      members: R[];
    };

const jobOf = (c: GroupedChange): string => `${c.kind}:${c.namespace}/${c.name}`;

/**
 * The ranked changes as entries, in rank order: a rollout takes the place of its best-ranked
 * change. `changeOf` gives a ranked id's change; ids it does not know stay single entries.
 */
export function groupRollouts<R extends Placed>(
  ranked: readonly R[],
  changeOf: (id: string) => GroupedChange | undefined,
): Entry<R>[] {
  // Per job, each change's sighting, its cluster a column: the grid's rows and columns.
  const byJob = new Map<string, { ids: string[]; sightings: RolloutSighting[] }>();
  const columnOf = new Map<string, number>();
  for (const r of ranked) {
    const c = changeOf(r.id);
    if (!c) continue;
    let column = columnOf.get(c.clusterId);
    if (column === undefined) {
      column = columnOf.size;
      columnOf.set(c.clusterId, column);
    }
    const seen = sightingOf(c, column);
    if (!seen) continue;
    const key = jobOf(c);
    let job = byJob.get(key);
    if (!job) {
      job = { ids: [], sightings: [] };
      byJob.set(key, job);
    }
    job.ids.push(r.id);
    job.sightings.push(seen);
  }
  const entryOf = new Map<string, { key: string; rollout: Rollout }>();
  for (const [job, { ids, sightings }] of byJob) {
    let left = ids.map((id, i) => ({ id, seen: sightings[i] as RolloutSighting }));
    // The widest rollout first, then the next among what is left (a job rolled twice).
    while (new Set(left.map((l) => l.seen.column)).size >= ROLLOUT_MIN_CLUSTERS) {
      const found = rolloutOf(
        left.map((l) => l.seen),
        undefined,
      );
      if (!found) break;
      const entry = { key: `${job}\u0000${found.field}\u0000${found.value}`, rollout: found };
      for (const l of left)
        if (l.seen.field === found.field && l.seen.value === found.value) entryOf.set(l.id, entry);
      left = left.filter((l) => !entryOf.has(l.id));
    }
  }
  const out: Entry<R>[] = [];
  const open = new Map<string, R[]>();
  for (const r of ranked) {
    const entry = entryOf.get(r.id);
    if (!entry) {
      out.push({ kind: 'change', ranked: r });
      continue;
    }
    const members = open.get(entry.key);
    if (members) {
      members.push(r);
      continue;
    }
    const list = [r];
    open.set(entry.key, list);
    out.push({ kind: 'rollout', key: entry.key, rollout: entry.rollout, members: list });
  }
  return out;
}

/**
 * The first `limit` entries' changes, in rank order: trimming an answer keeps a rollout whole,
 * so that the popover, which groups what it was sent, counts every cluster it reached.
 */
export function keepEntries<R extends Placed>(
  ranked: readonly R[],
  changeOf: (id: string) => GroupedChange | undefined,
  limit: number,
): R[] {
  const kept = new Set<string>();
  for (const e of groupRollouts(ranked, changeOf).slice(0, limit)) {
    if (e.kind === 'change') kept.add(e.ranked.id);
    else for (const m of e.members) kept.add(m.id);
  }
  return ranked.filter((r) => kept.has(r.id));
}

/**
 * One entry per rollout. The same new image or version reaching several clusters is one thing
 * a person did ("bob rolled checkout:1.4.2 to 7 clusters, 14:02–14:09"), so a badge's popover
 * and the incident note show it as one entry that opens to its changes, instead of seven
 * entries that push everything else out of sight. The rule that says what a rollout is lives
 * with the grid's (lib/heat/rollout.ts: the same rule names a row's stripe); this groups a
 * ranked list by it. Pure: the background keeps whole entries when it trims an answer, and the
 * badge groups what it was sent the same way.
 */
import { detectRollout, ROLLOUT_MIN_CLUSTERS, type RolloutChange, rolloutValues } from '../heat/rollout';
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
  // Per job, the changes by cluster: the grid's rows and columns.
  const byJob = new Map<string, { ids: string[]; clusters: Set<string> }>();
  for (const r of ranked) {
    const c = changeOf(r.id);
    if (!c || rolloutValues(c).length === 0) continue;
    const key = jobOf(c);
    let job = byJob.get(key);
    if (!job) {
      job = { ids: [], clusters: new Set() };
      byJob.set(key, job);
    }
    job.ids.push(r.id);
    job.clusters.add(c.clusterId);
  }
  const rolloutOf = new Map<string, { key: string; rollout: Rollout }>();
  for (const [job, { ids, clusters }] of byJob) {
    if (clusters.size < ROLLOUT_MIN_CLUSTERS) continue;
    let left = ids;
    // The widest rollout first, then the next among what is left (a job rolled twice).
    for (;;) {
      const columns = new Map<number, GroupedChange[]>();
      const index = new Map<string, number>();
      for (const id of left) {
        const c = changeOf(id) as GroupedChange;
        let col = index.get(c.clusterId);
        if (col === undefined) {
          col = index.size;
          index.set(c.clusterId, col);
        }
        const list = columns.get(col);
        if (list) list.push(c);
        else columns.set(col, [c]);
      }
      const found = detectRollout(columns, undefined);
      if (!found) break;
      const members = left.filter((id) =>
        rolloutValues(changeOf(id) as GroupedChange).some(
          (v) => v.field === found.field && v.value === found.value,
        ),
      );
      const entry = { key: `${job}\u0000${found.field}\u0000${found.value}`, rollout: found };
      for (const id of members) rolloutOf.set(id, entry);
      left = left.filter((id) => !rolloutOf.has(id));
    }
  }
  const out: Entry<R>[] = [];
  const open = new Map<string, R[]>();
  for (const r of ranked) {
    const entry = rolloutOf.get(r.id);
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

/**
 * One badge for a group of alerts that the page shows as a single element: a collapsed
 * Alertmanager group (its header holds no alert), a folded Prometheus rule.
 *
 * The content script sends `{type: 'correlate-groups', groups}` (lib/messages.ts). The background
 * answers every member as an ordinary subject — the same correlation, one IndexedDB read for all
 * of them (lib/correlate-query.ts) — and merges each group's member results here into one result:
 *   - ranked: the union of the members' ranked changes, each change once (with the reason of the
 *     member it ranks best for), in rank order, trimmed by entries (a rollout is one, kept whole);
 *   - headline: computed over that union, as a single alert's is;
 *   - looked: what the watched members named (jobs, clusters; the earliest start);
 *   - blind: every cluster some member could not see, with its longest blind time;
 *   - covered, notWatched: what the members' answers claim, and what they name unwatched.
 * Pure: the background imports it; it touches neither the DOM nor IndexedDB.
 */
import type { ChangeView } from '../change-view';
import { headlineOf } from '../correlate/answer';
import { compareRanked, DEFAULT_OPTIONS, type RankedChange } from '../correlate/rank';
import { keepEntries } from '../correlate/rollouts';
import type { BlindSpot, CorrelateAnswer, SubjectResult } from '../correlate/wire';
import type { PageGroup, PageSubject } from '../messages';

/** The key of a group's i-th member among the flattened subjects. */
export const memberKey = (group: string, i: number): string => `${group}\u0000${i}`;

/** Every member of every group as an ordinary subject. */
export function flattenGroups(groups: readonly PageGroup[]): PageSubject[] {
  return groups.flatMap((g) =>
    g.members.map((m, i) => ({
      key: memberKey(g.key, i),
      labels: m.labels,
      ...(m.startsAt !== undefined ? { startsAt: m.startsAt } : {}),
    })),
  );
}

const unique = <T>(items: Iterable<T>): T[] => [...new Set(items)];

/** A value every result agrees on, or undefined. */
function agreed(values: (string | undefined)[]): string | undefined {
  const distinct = unique(values);
  return distinct.length === 1 ? distinct[0] : undefined;
}

function mergeLooked(results: readonly SubjectResult[]): SubjectResult['looked'] {
  const looked = results.map((r) => r.looked);
  const clusters = new Map<string, { id: string; name: string }>();
  for (const l of looked) for (const c of l.clusters) if (!clusters.has(c.id)) clusters.set(c.id, c);
  const starts = looked.flatMap((l) => (l.startsAt === undefined ? [] : [l.startsAt]));
  const namespace = agreed(looked.map((l) => l.namespace));
  const kind = agreed(looked.map((l) => l.kind));
  return {
    jobs: unique(looked.flatMap((l) => l.jobs)),
    clusterLabels: unique(looked.flatMap((l) => l.clusterLabels)),
    clusters: [...clusters.values()],
    from: Math.min(...looked.map((l) => l.from)),
    to: Math.max(...looked.map((l) => l.to)),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(kind !== undefined ? { kind } : {}),
    ...(starts.length > 0 ? { startsAt: Math.min(...starts) } : {}),
  };
}

/** One group's result from its members' results (at least one). */
export function summariseGroup(
  key: string,
  members: readonly SubjectResult[],
  changes: Readonly<Record<string, ChangeView>>,
  limit = DEFAULT_OPTIONS.limit,
): SubjectResult {
  const watchedMembers = members.filter((m) => m.watched);
  // What the group is about: its watched members; a group naming nothing watched gets no badge.
  const about = watchedMembers.length > 0 ? watchedMembers : members;
  const best = new Map<string, RankedChange>();
  for (const m of about) {
    for (const r of m.ranked) {
      const had = best.get(r.id);
      if (!had || compareRanked(r, had) < 0) best.set(r.id, r);
    }
  }
  const ranked = [...best.values()].sort(compareRanked);
  const blind = new Map<string, BlindSpot>();
  for (const m of about) {
    for (const b of m.blind) {
      const had = blind.get(b.clusterId);
      if (!had || b.ms > had.ms) blind.set(b.clusterId, b);
    }
  }
  const alert = about.some((m) => m.mode === 'alert');
  const windowMs = alert ? DEFAULT_OPTIONS.lookBackMs : DEFAULT_OPTIONS.consoleLookBackMs;
  const byId = new Map(Object.entries(changes));
  const covered = new Map(about.flatMap((m) => m.covered.map((c) => [c.id, c] as const)));
  const notWatched = new Map(
    members.flatMap((m) => m.notWatched.map((n) => [`${n.job ?? ''}\u0000${n.cluster ?? ''}`, n] as const)),
  );
  return {
    key,
    watched: watchedMembers.length > 0,
    covered: [...covered.values()],
    notWatched: [...notWatched.values()],
    mode: alert ? 'alert' : 'console',
    looked: mergeLooked(about),
    ranked: keepEntries(ranked, (id) => changes[id], limit),
    total: Math.max(ranked.length, ...about.map((m) => m.total)),
    headline: headlineOf(ranked, byId, windowMs, blind.size > 0),
    blind: [...blind.values()],
    alerts: members.length,
  };
}

/** The answer to `correlate-groups`: one result per group, and only the changes they show. */
export function summariseGroups(
  answer: CorrelateAnswer,
  groups: readonly PageGroup[],
  limit = DEFAULT_OPTIONS.limit,
): CorrelateAnswer {
  const byKey = new Map(answer.results.map((r) => [r.key, r]));
  const results: SubjectResult[] = [];
  for (const g of groups) {
    const members = g.members.flatMap((_, i) => byKey.get(memberKey(g.key, i)) ?? []);
    if (members.length > 0) results.push(summariseGroup(g.key, members, answer.changes, limit));
  }
  const shown = new Set(results.flatMap((r) => r.ranked.map((x) => x.id)));
  const changes: Record<string, ChangeView> = {};
  for (const id of shown) {
    const view = answer.changes[id];
    if (view) changes[id] = view;
  }
  return { generatedAt: answer.generatedAt, results, changes };
}

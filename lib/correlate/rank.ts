/**
 * Correlation: what a page names (an alert's labels and start time, a console's job row) →
 * the changes that may explain it, ranked, each with the reason it is shown.
 *
 * Pure: no Dexie, no DOM, no `browser.*`. query.ts feeds it from IndexedDB in the
 * background; identity.ts and resolve.ts say what a page names, answer.ts what the badge gets.
 *
 * Ranking, in order of importance:
 *   1. timing: changes before the alert started (or, on a console, within the look-back
 *      window) rank above changes after the alert started;
 *   2. relation: same job in the same cluster › same job, cluster not named › same job in
 *      another cluster › another job in the same cluster and namespace › another job in the
 *      same cluster;
 *   3. closeness: the nearer to the alert's start (or to now on a console), the higher;
 *   4. ties: the change id, so that equal inputs always give the same order.
 */
import { type Change, rowKeyOf } from '../model';
import { durationText } from '../time-text';
import type { ResolvedSubject } from './resolve';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface CorrelateOptions {
  /** How far before an alert's start changes are looked for. */
  lookBackMs: number;
  /** Changes this long after the start still count as "before" (clocks, poll windows). */
  graceMs: number;
  /** On consoles (no start time): how far back from now. */
  consoleLookBackMs: number;
  /** Ranked changes kept per subject; the rest are only counted. */
  limit: number;
}

export const DEFAULT_OPTIONS: CorrelateOptions = {
  lookBackMs: 2 * HOUR,
  graceMs: 5 * MINUTE,
  consoleLookBackMs: 24 * HOUR,
  limit: 20,
};

export type Relation =
  | 'same-job-same-cluster'
  | 'same-job'
  | 'same-job-other-cluster'
  | 'same-namespace'
  | 'same-cluster';

const TIER: Record<Relation, number> = {
  'same-job-same-cluster': 0,
  'same-job': 1,
  'same-job-other-cluster': 2,
  'same-namespace': 3,
  'same-cluster': 4,
};

/** before: up to the alert's start (plus grace); after: later; ago: consoles, relative to now. */
export type Timing = 'before' | 'after' | 'ago';

export interface RankedChange {
  id: string;
  relation: Relation;
  timing: Timing;
  /** before: start − at (negative within the grace); after: at − start; ago: now − at. */
  offsetMs: number;
  /** The poll window straddles the alert's start and no reported time says which side. */
  uncertain?: boolean;
  reason: string;
}

/** The job is one the subject names: its name, and its namespace and kind where the subject says them. */
export function namesJob(
  subject: ResolvedSubject,
  job: Pick<Change, 'name' | 'namespace' | 'kind'>,
): boolean {
  const id = subject.identity;
  // One of the named service's jobs (an Argo CD application and what it manages, a Nomad job of
  // the same service): the subject's job in whatever source it lives.
  if (subject.serviceRows?.has(rowKeyOf(job.kind, job.namespace, job.name))) return true;
  return (
    subject.jobs.includes(job.name.toLowerCase()) &&
    (id.namespace === undefined || id.namespace === job.namespace) &&
    (id.kind === undefined || id.kind.toLowerCase() === job.kind.toLowerCase())
  );
}

export function relationOf(subject: ResolvedSubject, change: Change): Relation | undefined {
  const id = subject.identity;
  const inCluster = subject.clusterIds.includes(change.clusterId);
  if (namesJob(subject, change)) {
    if (inCluster) return 'same-job-same-cluster';
    return subject.namesCluster ? 'same-job-other-cluster' : 'same-job';
  }
  if (!inCluster) return undefined;
  // A console row is about one job: its neighbours' changes would only be noise there.
  if (subject.startsAt === undefined && subject.jobs.length > 0) return undefined;
  return id.namespace !== undefined && id.namespace === change.namespace ? 'same-namespace' : 'same-cluster';
}

const RELATION_TEXT: Record<Relation, string> = {
  'same-job-same-cluster': 'same job, same cluster',
  'same-job': 'same job',
  'same-job-other-cluster': 'same job, other cluster',
  'same-namespace': 'same cluster and namespace, other job',
  'same-cluster': 'same cluster, other job',
};

export function relationText(relation: Relation, alert: boolean): string {
  if (relation === 'same-job' && alert) return 'same job (the alert names no cluster)';
  return RELATION_TEXT[relation];
}

function timingText(r: Omit<RankedChange, 'reason'>, change: Change, startsAt: number | undefined): string {
  if (r.timing === 'ago') return `changed ${durationText(r.offsetMs)} ago`;
  if (r.uncertain && startsAt !== undefined) {
    return `changed between ${durationText(startsAt - change.windowStart)} before and ${durationText(
      change.at - startsAt,
    )} after the alert started (between two polls)`;
  }
  if (r.timing === 'after' || r.offsetMs < 0) {
    return `changed ${durationText(r.offsetMs)} after the alert started`;
  }
  return `changed ${durationText(r.offsetMs)} before the alert started`;
}

/** A ranked change before its reason is written (reasons are text: written for the kept ones only). */
export type Placed = Omit<RankedChange, 'reason'>;

function place(
  subject: ResolvedSubject,
  change: Change,
  now: number,
  options: CorrelateOptions,
): Placed | undefined {
  const { startsAt } = subject;
  // Time first: a number comparison, before anything else is looked at.
  if (startsAt === undefined) {
    if (change.at < now - options.consoleLookBackMs) return undefined;
  } else if (change.at < startsAt - options.lookBackMs) {
    return undefined;
  }
  const relation = relationOf(subject, change);
  if (!relation) return undefined;
  if (startsAt === undefined)
    return { id: change.id, relation, timing: 'ago', offsetMs: Math.max(0, now - change.at) };
  if (change.at <= startsAt + options.graceMs) {
    return { id: change.id, relation, timing: 'before', offsetMs: startsAt - change.at };
  }
  // A change with no reported time is stamped at the poll that saw it; when that poll's window
  // began before the alert started, it may well have happened before.
  const reportedTrusted = change.reportedAt !== undefined && change.reportedAt === change.at;
  if (!reportedTrusted && change.windowStart < startsAt) {
    return { id: change.id, relation, timing: 'before', offsetMs: startsAt - change.at, uncertain: true };
  }
  return { id: change.id, relation, timing: 'after', offsetMs: change.at - startsAt };
}

/** Rank order (timing, relation, closeness, id); also merges the ranked lists of a group's alerts. */
export const compareRanked = (a: Placed, b: Placed) =>
  (a.timing === 'after' ? 1 : 0) - (b.timing === 'after' ? 1 : 0) ||
  TIER[a.relation] - TIER[b.relation] ||
  Math.abs(a.offsetMs) - Math.abs(b.offsetMs) ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Every matching change in rank order, without reasons. */
export function placeChanges(
  subject: ResolvedSubject,
  changes: readonly Change[],
  now: number,
  options: CorrelateOptions = DEFAULT_OPTIONS,
): Placed[] {
  const out: Placed[] = [];
  for (const change of changes) {
    const placed = place(subject, change, now, options);
    if (placed) out.push(placed);
  }
  return out.sort(compareRanked);
}

export function reasonOf(subject: ResolvedSubject, placed: Placed, change: Change): string {
  const alert = subject.startsAt !== undefined;
  return `${relationText(placed.relation, alert)}, ${timingText(placed, change, subject.startsAt)}`;
}

export function rankChanges(
  subject: ResolvedSubject,
  changes: readonly Change[],
  now: number,
  options: CorrelateOptions = DEFAULT_OPTIONS,
): RankedChange[] {
  const byId = new Map(changes.map((c) => [c.id, c]));
  return placeChanges(subject, changes, now, options).map((p) => ({
    ...p,
    reason: reasonOf(subject, p, byId.get(p.id) as Change),
  }));
}

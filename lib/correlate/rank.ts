/**
 * Correlation: what a page names (an alert's labels and start time, a console's job row) →
 * the changes that may explain it, ranked, each with the reason it is shown.
 *
 * Pure: no Dexie, no DOM, no `browser.*`. lib/correlate-query.ts feeds it from IndexedDB in the
 * background; content scripts and the badge only read the answer types defined here.
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
import { type ChangeView, markOf } from '../change-view';
import { countGlyph, type HeatLevel, levelForAge, MARKS } from '../heat-scale';
import type { Change } from '../model';
import { durationText } from '../time-text';

export type { ChangeView } from '../change-view';

/** Which labels name the cluster, the namespace and the job (settings.labels). */
export interface LabelMapping {
  cluster: readonly string[];
  namespace: readonly string[];
  job: readonly string[];
}

/**
 * Label keys page integrations use when they know exactly what a page shows (a console's URL),
 * whatever settings.labels says. Alert pages send the alert's own labels.
 */
export const RESERVED = {
  /** A cluster's name or the id its source uses (Rancher's `c-m-abc12`). */
  cluster: 'tattler/cluster',
  namespace: 'tattler/namespace',
  job: 'tattler/job',
  kind: 'tattler/kind',
  /** The console's origin: when no cluster is named, the clusters whose API lives there. */
  origin: 'tattler/origin',
  /** Free words (an incident title): each counts only if it is a known cluster or watched job. */
  words: 'tattler/words',
} as const;

const RESERVED_KEYS = new Set<string>(Object.values(RESERVED));

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

/** What a subject's labels name, before any lookup. */
export interface SubjectIdentity {
  /** Values that may name a cluster (a name or a native id). */
  clusters: string[];
  namespace?: string;
  /** Candidate job names, most specific first. */
  jobs: string[];
  /** A kind when the label says it (`deployment=` → Deployment). */
  kind?: string;
  origin?: string;
  words: string[];
}

/** Label keys whose name says the kind of job. */
const KIND_OF_LABEL: Record<string, string> = {
  deployment: 'Deployment',
  statefulset: 'StatefulSet',
  daemonset: 'DaemonSet',
  cronjob: 'CronJob',
};

/** A Job a CronJob created carries the schedule time as a suffix: `backup-28391840`. */
const CRONJOB_CHILD = /^(.+)-\d{8,10}$/;

function firstValue(labels: Record<string, string>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = labels[key]?.trim();
    if (value) return value;
  }
  return undefined;
}

export function identityOf(labels: Record<string, string>, mapping: LabelMapping): SubjectIdentity {
  const clusters: string[] = [];
  const jobs: string[] = [];
  let kind: string | undefined;
  const add = (list: string[], value: string | undefined) => {
    if (value && !list.includes(value)) list.push(value);
  };

  add(clusters, labels[RESERVED.cluster]?.trim());
  for (const key of mapping.cluster) add(clusters, labels[key]?.trim());

  const reservedJob = labels[RESERVED.job]?.trim();
  add(jobs, reservedJob);
  if (reservedJob) kind = labels[RESERVED.kind]?.trim() || undefined;
  for (const key of mapping.job) {
    const value = labels[key]?.trim();
    if (!value) continue;
    if (jobs.length === 0 && !kind) kind = KIND_OF_LABEL[key];
    add(jobs, value);
    const parent = CRONJOB_CHILD.exec(value)?.[1];
    if (parent) add(jobs, parent);
  }

  const namespace = labels[RESERVED.namespace]?.trim() || firstValue(labels, mapping.namespace);
  const origin = labels[RESERVED.origin]?.trim() || undefined;
  const words = (labels[RESERVED.words] ?? '').split(/[\s,()[\]]+/).filter((w) => w.length >= 2);
  return {
    clusters,
    jobs,
    words,
    ...(namespace ? { namespace } : {}),
    ...(kind ? { kind } : {}),
    ...(origin ? { origin } : {}),
  };
}

export const namesAnything = (id: SubjectIdentity): boolean =>
  id.clusters.length > 0 || id.jobs.length > 0 || id.origin !== undefined || id.words.length > 0;

/**
 * The labels worth sending to the background: those settings map, and the reserved ones.
 * Keeps messages small (an alert's annotations never travel) and within the schema's limits.
 */
const keySets = new WeakMap<LabelMapping, Set<string>>();

export function relevantLabels(
  labels: Record<string, string>,
  mapping: LabelMapping,
): Record<string, string> {
  let keys = keySets.get(mapping);
  if (!keys) {
    keys = new Set<string>([...mapping.cluster, ...mapping.namespace, ...mapping.job, ...RESERVED_KEYS]);
    keySets.set(mapping, keys);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (keys.has(key) && value.length <= 1024) out[key] = value;
  }
  return out;
}

// ─── Resolution: what the identity names among the clusters and jobs we know ───────────────

export interface ClusterRef {
  id: string;
  name: string;
  nativeId: string;
  apiBase: string;
  sourceId: string;
}

export interface ResolvedSubject {
  key: string;
  identity: SubjectIdentity;
  /** Watched clusters the subject names. */
  clusterIds: string[];
  /** The subject names a cluster at all (perhaps one we don't watch). */
  namesCluster: boolean;
  /** Job names to match, lowercased. */
  jobs: string[];
  startsAt?: number;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Clusters whose API a console at `origin` shows (OpenShift: console.apps.X ↔ api.X). */
export function clustersAtOrigin(origin: string, clusters: readonly ClusterRef[]): ClusterRef[] {
  const target = originOf(origin);
  if (!target) return [];
  const host = new URL(target).hostname;
  const openshift = /^console-openshift-console\.apps\.(.+)$/.exec(host)?.[1];
  return clusters.filter((c) => {
    const api = originOf(c.apiBase);
    if (!api) return false;
    if (api === target) return true;
    return openshift !== undefined && new URL(api).hostname === `api.${openshift}`;
  });
}

/** Clusters by lowercased name, native id and id. */
export type ClusterIndex = ReadonlyMap<string, readonly ClusterRef[]>;

export function indexClusters(clusters: readonly ClusterRef[]): ClusterIndex {
  const byName = new Map<string, ClusterRef[]>();
  for (const c of clusters) {
    for (const n of new Set([c.name.toLowerCase(), c.nativeId.toLowerCase(), c.id.toLowerCase()])) {
      const list = byName.get(n) ?? [];
      list.push(c);
      byName.set(n, list);
    }
  }
  return byName;
}

export function resolveSubject(
  subject: { key: string; labels: Record<string, string>; startsAt?: number },
  mapping: LabelMapping,
  clusters: readonly ClusterRef[],
  watchedJobNames: ReadonlySet<string>,
  byName: ClusterIndex = indexClusters(clusters),
): ResolvedSubject {
  const identity = identityOf(subject.labels, mapping);
  const lower = (s: string) => s.toLowerCase();
  const ids = new Set<string>();
  for (const value of identity.clusters) for (const c of byName.get(lower(value)) ?? []) ids.add(c.id);
  let namesCluster = identity.clusters.length > 0;
  if (!namesCluster && identity.origin) {
    const atOrigin = clustersAtOrigin(identity.origin, clusters);
    for (const c of atOrigin) ids.add(c.id);
    namesCluster = atOrigin.length > 0;
  }
  const jobs = identity.jobs.map(lower);
  for (const word of identity.words) {
    const w = lower(word);
    const named = byName.get(w);
    if (named) {
      for (const c of named) ids.add(c.id);
      namesCluster = true;
    } else if (watchedJobNames.has(w) && !jobs.includes(w)) {
      jobs.push(w);
    }
  }
  return {
    key: subject.key,
    identity,
    clusterIds: [...ids],
    namesCluster,
    jobs,
    ...(subject.startsAt !== undefined ? { startsAt: subject.startsAt } : {}),
  };
}

// ─── Ranking ─────────────────────────────────────────────────────────────────────────────

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

export function relationOf(subject: ResolvedSubject, change: Change): Relation | undefined {
  const id = subject.identity;
  const inCluster = subject.clusterIds.includes(change.clusterId);
  const jobMatch =
    subject.jobs.includes(change.name.toLowerCase()) &&
    (id.namespace === undefined || id.namespace === change.namespace) &&
    (id.kind === undefined || id.kind.toLowerCase() === change.kind.toLowerCase());
  if (jobMatch) {
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

const order = (a: Placed, b: Placed) =>
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
  return out.sort(order);
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

// ─── The answer content scripts receive ──────────────────────────────────────────────────

export type Mark = keyof typeof MARKS;

/** What the badge shows before it is opened. */
export interface Headline {
  /** Changes before the alert started (alerts) or within the window (consoles). */
  count: number;
  /** Changes after the alert started: shown, not counted as a cause. */
  afterCount: number;
  level: HeatLevel;
  /** The cell's character: a mark or the count. */
  glyph: string;
  mark?: Mark;
  /** Of the top-ranked change. */
  offsetMs?: number;
  timing?: Timing;
  actor?: string;
  relation?: Relation;
}

export interface BlindSpot {
  clusterId: string;
  clusterName: string;
  /** How long polls of that cluster failed within the subject's window. */
  ms: number;
}

export interface SubjectResult {
  key: string;
  /** The subject names a job or cluster we watch. No badge otherwise. */
  watched: boolean;
  mode: 'alert' | 'console';
  looked: {
    jobs: string[];
    namespace?: string;
    kind?: string;
    /** Cluster values as the page named them. */
    clusterLabels: string[];
    clusters: { id: string; name: string }[];
    from: number;
    to: number;
    startsAt?: number;
  };
  ranked: RankedChange[];
  /** All matching changes, before the limit. */
  total: number;
  headline: Headline;
  blind: BlindSpot[];
}

export interface CorrelateAnswer {
  generatedAt: number;
  results: SubjectResult[];
  changes: Record<string, ChangeView>;
}

/** Neighbours' changes (another job) never look as hot as the job's own. */
const NEIGHBOUR_MAX_LEVEL: HeatLevel = 2;

export function headlineOf(
  ranked: readonly Placed[],
  byId: ReadonlyMap<string, Change>,
  windowMs: number,
  blind: boolean,
): Headline {
  const relevant = ranked.filter((r) => r.timing !== 'after');
  const afterCount = ranked.length - relevant.length;
  const top = relevant[0];
  const change = top ? byId.get(top.id) : undefined;
  if (!top || !change) {
    return {
      count: 0,
      afterCount,
      level: 0,
      glyph: blind ? MARKS.blind : '',
      ...(blind ? { mark: 'blind' as const } : {}),
    };
  }
  let level = levelForAge(Math.max(0, top.offsetMs), windowMs);
  if (level === 0) level = 1;
  if (top.relation === 'same-namespace' || top.relation === 'same-cluster') {
    level = Math.min(level, NEIGHBOUR_MAX_LEVEL) as HeatLevel;
  }
  const mark = markOf(change);
  return {
    count: relevant.length,
    afterCount,
    level,
    glyph: mark ? MARKS[mark] : countGlyph(relevant.length),
    ...(mark ? { mark } : {}),
    offsetMs: top.offsetMs,
    timing: top.timing,
    relation: top.relation,
    ...(change.actor ? { actor: change.actor.name } : {}),
  };
}

/** The badge's visible text: "2 changes · 4 min before · alice". */
export function headlineText(h: Headline): string {
  if (h.count === 0) return h.afterCount > 0 ? `${h.afterCount} after` : '';
  const parts = [`${h.count} ${h.count === 1 ? 'change' : 'changes'}`];
  if (h.offsetMs !== undefined) {
    if (h.timing === 'ago') parts.push(`${durationText(h.offsetMs)} ago`);
    else parts.push(`${durationText(h.offsetMs)} ${h.offsetMs < 0 ? 'after' : 'before'}`);
  }
  if (h.actor) parts.push(h.actor);
  return parts.join(' · ');
}

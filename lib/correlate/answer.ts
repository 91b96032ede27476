/**
 * The answer, made: the subjects a page names, resolved against the clusters and watched jobs,
 * each given its candidate changes (the named clusters', and the named jobs' elsewhere), ranked
 * with reasons, its blind spots and its headline; the kept changes as views trimmed for the
 * message. Pure: query.ts reads what it needs from IndexedDB in two steps (what the subjects
 * name, then the changes and poll runs since the earliest window) and hands it here.
 */
import { type ChangeView, changeViewOf, markOf } from '../change-view';
import { countGlyph, type HeatLevel, levelForAge, MARKS } from '../heat/scale';
import { joinCauses } from '../identity/cause';
import { type ClusterIdentity, clusterIdentities, identityRulesOf } from '../identity/clusters';
import { type Service, serviceIdentities, serviceKey } from '../identity/services';
import type { Change, Cluster, FieldChange, FieldValue, JobLinks, PollRun } from '../model';
import type { Settings } from '../settings';
import { namesAnything } from './identity';
import {
  type CorrelateOptions,
  namesJob,
  type Placed,
  placeChanges,
  type RankedChange,
  reasonOf,
} from './rank';
import { type ClusterRef, indexClusters, type ResolvedSubject, resolveSubject, type SameAs } from './resolve';
import { keepEntries } from './rollouts';
import { staleAfterMs, unseenIn } from './sight';
import type { BlindSpot, CorrelateAnswer, Headline, NotWatched, SubjectResult } from './wire';

/** Neighbours' changes (another job) never look as hot as the job's own. */
const NEIGHBOUR_MAX_LEVEL: HeatLevel = 2;

/** What the headline reads of a change: a stored Change, or the ChangeView a page was sent. */
export type HeadlineChange = Pick<Change, 'type' | 'fields' | 'actor'>;

export function headlineOf(
  ranked: readonly Placed[],
  byId: ReadonlyMap<string, HeadlineChange>,
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

/** What one change may weigh in a message. */
const MAX_FIELDS = 30;
const MAX_LIST = 20;
const MAX_TEXT = 300;

function trimValue(value: FieldValue | undefined): FieldValue | undefined {
  if (typeof value === 'string' && value.length > MAX_TEXT) return `${value.slice(0, MAX_TEXT - 1)}…`;
  if (Array.isArray(value) && value.length > MAX_LIST) {
    return [...value.slice(0, MAX_LIST), `… ${value.length - MAX_LIST} more`];
  }
  return value;
}

function trimField(f: FieldChange): FieldChange {
  const out: FieldChange = { path: f.path };
  if ('before' in f) out.before = trimValue(f.before);
  if ('after' in f) out.after = trimValue(f.after);
  return out;
}

/** A change as the badge shows it: the shared view (lib/change-view.ts), trimmed for the message. */
function messageViewOf(
  change: Change,
  clusters: ReadonlyMap<string, Cluster>,
  settings: Settings,
): ChangeView {
  const view = changeViewOf(change, clusters.get(change.clusterId), settings, (id) => clusters.get(id));
  view.fields = change.fields.slice(0, MAX_FIELDS).map(trimField);
  if (change.fields.length > MAX_FIELDS) view.moreFields = change.fields.length - MAX_FIELDS;
  if (view.changeCause) view.changeCause = view.changeCause.slice(0, MAX_TEXT);
  const op = view.cause?.operation;
  if (op) op.fields = op.fields.slice(0, MAX_FIELDS).map(trimField);
  return view;
}

interface Window {
  from: number;
  to: number;
}

function windowOf(subject: ResolvedSubject, now: number, o: CorrelateOptions): Window {
  if (subject.startsAt === undefined) return { from: now - o.consoleLookBackMs, to: now };
  return { from: subject.startsAt - o.lookBackMs, to: subject.startsAt + o.graceMs };
}

/** Clusters Tattler could not see for part of the window, and for how long. */
function blindSpots(
  runs: ReadonlyMap<string, readonly PollRun[]>,
  clusterIds: readonly string[],
  window: Window,
  clusters: ReadonlyMap<string, Cluster>,
  now: number,
  staleMs: number,
  nameOf: (cluster: Cluster) => string,
): BlindSpot[] {
  const out: BlindSpot[] = [];
  for (const id of new Set(clusterIds)) {
    const cluster = clusters.get(id);
    if (!cluster) continue;
    const unseen = unseenIn(cluster, runs.get(id) ?? [], window.from, window.to, now, staleMs);
    if (unseen) out.push({ clusterId: id, clusterName: nameOf(cluster), ...unseen });
  }
  return out;
}

export interface Subject {
  key: string;
  labels: Record<string, string>;
  startsAt?: number;
}

/**
 * The subjects resolved, each with its window; `from`: where the changes to read begin (none:
 * nothing to read); `rowKeys`: the watched jobs the subjects name, whose clusters are read next.
 */
export interface AnswerPlan {
  clusters: ReadonlyMap<string, Cluster>;
  /** Each cluster's identity across sources: what an answer calls it, once. */
  identities: ReadonlyMap<string, ClusterIdentity>;
  watched: ReadonlySet<string>;
  subjects: ResolvedSubject[];
  windows: Window[];
  rowKeys: string[];
  from?: number;
}

/** A watched job in one cluster: the cluster's state holds it (lib/store/presence.ts). */
export interface WatchedJob {
  clusterId: string;
  rowKey: string;
}

/** `Deployment:shop/checkout` → its parts (the name is what follows the last `/`). */
export function rowKeyParts(rowKey: string): { kind: string; namespace: string; name: string } {
  const colon = rowKey.indexOf(':');
  const slash = rowKey.lastIndexOf('/');
  return {
    kind: rowKey.slice(0, Math.max(colon, 0)),
    namespace: slash > colon ? rowKey.slice(colon + 1, slash) : '',
    name: rowKey.slice(slash + 1),
  };
}

/**
 * Services by the names a subject may use for them: the service's own name, and each of its jobs'
 * names (lowercased) — so an alert naming `cart` reaches the Deployment `cart-web` its Argo CD
 * application `cart` manages, and one naming `cart-web` reaches the service's other jobs, as a
 * cluster's name reaches every source's view of it (SameAs).
 */
function servicesByName(
  watchedRowKeys: readonly string[],
  links: ReadonlyMap<string, readonly JobLinks[]> | undefined,
  settings: Pick<Settings, 'serviceRules'>,
): Map<string, Service[]> {
  const { services } = serviceIdentities(
    watchedRowKeys.map((rowKey) => {
      const l = links?.get(rowKey);
      return l ? { rowKey, links: l } : { rowKey };
    }),
    settings.serviceRules,
  );
  const out = new Map<string, Service[]>();
  const add = (name: string, service: Service) => {
    const list = out.get(name) ?? [];
    if (!list.includes(service)) list.push(service);
    out.set(name, list);
  };
  for (const service of services) {
    add(service.key, service);
    for (const rowKey of service.rowKeys) add(serviceKey(rowKeyParts(rowKey).name), service);
  }
  return out;
}

/** The named jobs' services' rows, and their names (to match changes and watched jobs by). */
function serviceRowsOf(
  subject: ResolvedSubject,
  byName: ReadonlyMap<string, readonly Service[]>,
): { rows: Set<string>; names: string[] } {
  const rows = new Set<string>();
  const names: string[] = [];
  const id = subject.identity;
  // Reached through one of its jobs: only a job the subject names as it is (namespace, kind).
  const named = (service: Service, j: string) =>
    service.key === j ||
    service.rowKeys.some((rowKey) => {
      const p = rowKeyParts(rowKey);
      return (
        p.name.toLowerCase() === j &&
        (id.namespace === undefined || id.namespace === p.namespace) &&
        (id.kind === undefined || id.kind.toLowerCase() === p.kind.toLowerCase())
      );
    });
  for (const j of subject.jobs)
    for (const service of byName.get(j) ?? []) {
      if (!named(service, j)) continue;
      for (const rowKey of service.rowKeys) {
        rows.add(rowKey);
        const name = rowKeyParts(rowKey).name.toLowerCase();
        if (!subject.jobs.includes(name) && !names.includes(name)) names.push(name);
      }
    }
  return { rows, names };
}

export function planAnswer(
  settings: Settings,
  subjects: readonly Subject[],
  clusters: readonly Cluster[],
  watchedRowKeys: readonly string[],
  now: number,
  o: CorrelateOptions,
  /** What each watched job says of its service, in each cluster (lib/store/presence.ts watchedRows). */
  links?: ReadonlyMap<string, readonly JobLinks[]>,
): AnswerPlan {
  const refs: ClusterRef[] = clusters.map((c) => ({
    id: c.id,
    name: c.name,
    nativeId: c.nativeId,
    apiBase: c.apiBase,
    sourceId: c.sourceId,
  }));
  const nameOf = (rowKey: string) => rowKeyParts(rowKey).name.toLowerCase();
  const watched = new Set(watchedRowKeys.map(nameOf));
  // One place seen through several sources is one cluster to a subject (lib/identity/clusters.ts).
  const { byCluster } = clusterIdentities(clusters, identityRulesOf(settings));
  const refById = new Map(refs.map((r) => [r.id, r]));
  const sameAs: SameAs = new Map(
    [...byCluster].map(([id, identity]) => [
      id,
      { name: identity.name, refs: identity.members.map((m) => refById.get(m.id) as ClusterRef) },
    ]),
  );
  const index = indexClusters(refs, sameAs);
  // Service names are words a subject may use too (an alert titled "storefront").
  const services = servicesByName(watchedRowKeys, links, settings);
  const words = new Set([...watched, ...[...services.values()].flat().map((sv) => sv.key)]);
  const resolved = subjects.map((s) => {
    const subject = resolveSubject(s, settings.labels, refs, words, index, sameAs);
    // One service, one answer: the named job's service's other jobs are the subject's job too.
    const { rows, names } = serviceRowsOf(subject, services);
    if (rows.size === 0) return subject;
    return { ...subject, jobs: [...subject.jobs, ...names], serviceRows: rows };
  });
  const windows = resolved.map((r) => windowOf(r, now, o));
  const active = resolved.some((r) => namesAnything(r.identity));
  const named = new Set(resolved.flatMap((r) => r.jobs));
  return {
    clusters: new Map(clusters.map((c) => [c.id, c])),
    identities: byCluster,
    watched,
    subjects: resolved,
    windows,
    rowKeys: watchedRowKeys.filter((k) => named.has(nameOf(k))),
    ...(active ? { from: Math.min(...windows.map((w) => w.from)) } : {}),
  };
}

interface Coverage {
  /** Clusters "nothing changed" speaks for. */
  covered: string[];
  notWatched: NotWatched[];
}

/**
 * What a subject's answer may claim. A named job counts where the cluster's state says Tattler watches
 * it, or where a change to it was seen within the window (it was watched then: deleted since,
 * or gone from the owner filter).
 */
function coverageOf(
  subject: ResolvedSubject,
  window: Window,
  watchedJobs: ReadonlyMap<
    string,
    readonly (WatchedJob & { kind: string; namespace: string; name: string })[]
  >,
  changesByName: ReadonlyMap<string, readonly Change[]>,
): Coverage {
  const notWatched: NotWatched[] = [];
  if (subject.jobs.length === 0) {
    for (const n of subject.namedClusters) if (n.ids.length === 0) notWatched.push({ cluster: n.label });
    return { covered: subject.clusterIds, notWatched };
  }
  const where = new Set<string>();
  for (const j of new Set(subject.jobs)) {
    for (const w of watchedJobs.get(j) ?? []) if (namesJob(subject, w)) where.add(w.clusterId);
    for (const c of changesByName.get(j) ?? [])
      if (c.windowEnd >= window.from && namesJob(subject, c)) where.add(c.clusterId);
  }
  const job = subject.identity.jobs[0] ?? (subject.jobs[0] as string);
  if (!subject.namesCluster) {
    if (where.size === 0) notWatched.push({ job });
    return { covered: [...where], notWatched };
  }
  for (const n of subject.namedClusters)
    if (!n.ids.some((id) => where.has(id))) notWatched.push({ job, cluster: n.label });
  return { covered: subject.clusterIds.filter((id) => where.has(id)), notWatched };
}

/** Changes by lowercased job name and by cluster, so each subject looks only at its candidates. */
function indexChanges(changes: readonly Change[]) {
  const byName = new Map<string, Change[]>();
  const byCluster = new Map<string, Change[]>();
  const push = (map: Map<string, Change[]>, key: string, change: Change) => {
    const list = map.get(key);
    if (list) list.push(change);
    else map.set(key, [change]);
  };
  for (const c of changes) {
    push(byName, c.name.toLowerCase(), c);
    push(byCluster, c.clusterId, c);
  }
  return { byId: new Map(changes.map((c) => [c.id, c])), byName, byCluster };
}

/** Watched jobs by lowercased name, with their identity, for matching what a subject names. */
function indexWatchedJobs(jobs: readonly WatchedJob[]) {
  const byName = new Map<string, (WatchedJob & { kind: string; namespace: string; name: string })[]>();
  for (const j of jobs) {
    const parts = rowKeyParts(j.rowKey);
    const key = parts.name.toLowerCase();
    const list = byName.get(key);
    const entry = { ...j, ...parts };
    if (list) list.push(entry);
    else byName.set(key, [entry]);
  }
  return byName;
}

/** Poll runs by target. */
function indexRuns(runs: readonly PollRun[]): Map<string, PollRun[]> {
  const out = new Map<string, PollRun[]>();
  for (const r of runs) {
    const list = out.get(r.target);
    if (list) list.push(r);
    else out.set(r.target, [r]);
  }
  return out;
}

/** Clusters as the answer names them: one entry per identity (a place several sources see), by its name. */
function placesOf(ids: readonly string[], plan: AnswerPlan): { id: string; name: string }[] {
  const out = new Map<string, string>();
  for (const cid of ids) {
    const identity = plan.identities.get(cid);
    if (identity) out.set(identity.id, identity.name);
    else out.set(cid, plan.clusters.get(cid)?.name ?? cid);
  }
  return [...out].map(([id, name]) => ({ id, name }));
}

export function buildAnswer(
  plan: AnswerPlan,
  changes: readonly Change[],
  runs: readonly PollRun[],
  watchedJobs: readonly WatchedJob[],
  settings: Settings,
  now: number,
  o: CorrelateOptions,
  /** Syncs recorded before the changes read, which may have caused some of them. */
  syncs: readonly Change[] = [],
): CorrelateAnswer {
  // A change an Argo CD sync caused is one change, the sync's, with both views (lib/identity/cause.ts).
  const joined = joinCauses(changes, (id) => plan.identities.get(id)?.id, syncs);
  const { byId, byName, byCluster } = indexChanges(joined);
  const jobsByName = indexWatchedJobs(watchedJobs);
  const runsByTarget = indexRuns(runs);
  const staleMs = staleAfterMs(settings.pollIntervalSec);
  const clusterById = plan.clusters;
  const views: Record<string, ChangeView> = {};
  // A gap in one source's view of a place several sources see names that source.
  const sourceNames = new Map(settings.sources.map((s) => [s.id, s.name]));
  const blindName = (cluster: Cluster): string => {
    const identity = plan.identities.get(cluster.id);
    if (!identity || identity.members.length < 2) return cluster.name;
    return `${identity.name} (through ${sourceNames.get(cluster.sourceId) ?? cluster.sourceId})`;
  };
  const results: SubjectResult[] = plan.subjects.map((subject, i) => {
    const window = plan.windows[i] as Window;
    // Candidates: the named clusters' changes, and the named jobs' changes elsewhere.
    const candidates: Change[] = [];
    for (const cid of subject.clusterIds) for (const c of byCluster.get(cid) ?? []) candidates.push(c);
    for (const j of new Set(subject.jobs)) {
      for (const c of byName.get(j) ?? []) if (!subject.clusterIds.includes(c.clusterId)) candidates.push(c);
    }
    const placed = placeChanges(subject, candidates, now, o);
    const { covered, notWatched } = coverageOf(subject, window, jobsByName, byName);
    // Gaps matter where the answer makes its claim; claiming nothing, where it found its changes.
    const seenFrom = covered.length > 0 ? covered : subject.clusterIds;
    const blind = blindSpots(runsByTarget, seenFrom, window, clusterById, now, staleMs, blindName);
    const windowMs = subject.startsAt === undefined ? o.consoleLookBackMs : o.lookBackMs;
    const headline = headlineOf(placed, byId, windowMs, blind.length > 0);
    const isWatched = covered.length > 0 || headline.count > 0;
    // The first entries (a rollout is one, kept whole), not the first changes.
    const kept: RankedChange[] = keepEntries(placed, (id) => byId.get(id), o.limit).map((p) => {
      const change = byId.get(p.id) as Change;
      views[p.id] ??= messageViewOf(change, clusterById, settings);
      return { ...p, reason: reasonOf(subject, p, change) };
    });
    const id = subject.identity;
    return {
      key: subject.key,
      watched: isWatched,
      covered: placesOf(covered, plan),
      notWatched,
      mode: subject.startsAt === undefined ? 'console' : 'alert',
      looked: {
        jobs: id.jobs,
        clusterLabels: id.clusters,
        clusters: placesOf(subject.clusterIds, plan),
        ...window,
        ...(id.namespace ? { namespace: id.namespace } : {}),
        ...(id.kind ? { kind: id.kind } : {}),
        ...(subject.startsAt !== undefined ? { startsAt: subject.startsAt } : {}),
      },
      ranked: kept,
      total: placed.length,
      headline,
      blind: isWatched ? blind : [],
    };
  });
  return { generatedAt: now, results, changes: views };
}

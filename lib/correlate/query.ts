/**
 * The background's side of the page integrations: answers `correlate` and `watched-jobs`
 * requests from IndexedDB. Reads only; runs lib/correlate.ts on what it reads.
 *
 * Wiring (entrypoints/background/service.ts `handle` option):
 *   handle: (request, db, settings) => handlePageRequest(request, db, settings, Date.now())
 */
import { type ChangeView, changeViewOf } from '../change-view';
import { changesBetween, pollRunsSince, type TattlerDb } from '../db';
import type { Request } from '../messages';
import type { Change, Cluster, FieldChange, FieldValue, PollRun } from '../model';
import type { Settings } from '../settings';
import {
  type BlindSpot,
  type ClusterRef,
  type CorrelateAnswer,
  type CorrelateOptions,
  DEFAULT_OPTIONS,
  headlineOf,
  indexClusters,
  namesAnything,
  placeChanges,
  type RankedChange,
  type ResolvedSubject,
  reasonOf,
  resolveSubject,
  type SubjectResult,
} from './rank';

export type { CorrelateAnswer } from './rank';

export interface WatchedJobsAnswer {
  /** Names of the jobs Tattler watches, unique, sorted. */
  names: string[];
}

const MAX_FIELDS = 30;
const MAX_LIST = 20;
const MAX_TEXT = 300;
const MAX_NAMES = 5000;

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
function viewOf(change: Change, cluster: Cluster | undefined, settings: Settings): ChangeView {
  const view = changeViewOf(change, cluster, settings);
  view.fields = change.fields.slice(0, MAX_FIELDS).map(trimField);
  if (change.fields.length > MAX_FIELDS) view.moreFields = change.fields.length - MAX_FIELDS;
  if (view.changeCause) view.changeCause = view.changeCause.slice(0, MAX_TEXT);
  return view;
}

/** Names of watched jobs, from the index of row keys (`kind:namespace/name`) only. */
export async function watchedJobNames(db: TattlerDb): Promise<string[]> {
  const rowKeys = (await db.jobs.orderBy('rowKey').uniqueKeys()) as string[];
  const names = new Set<string>();
  for (const rowKey of rowKeys) {
    const slash = rowKey.lastIndexOf('/');
    if (slash >= 0) names.add(rowKey.slice(slash + 1));
  }
  return [...names].sort().slice(0, MAX_NAMES);
}

function windowOf(subject: ResolvedSubject, now: number, o: CorrelateOptions): { from: number; to: number } {
  if (subject.startsAt === undefined) return { from: now - o.consoleLookBackMs, to: now };
  return { from: subject.startsAt - o.lookBackMs, to: subject.startsAt + o.graceMs };
}

function blindSpots(
  runs: readonly PollRun[],
  clusterIds: readonly string[],
  window: { from: number; to: number },
  names: ReadonlyMap<string, Cluster>,
): BlindSpot[] {
  const out: BlindSpot[] = [];
  for (const id of clusterIds) {
    let ms = 0;
    for (const run of runs) {
      if (run.target !== id || run.status === 'ok') continue;
      const overlap = Math.min(run.to, window.to) - Math.max(run.from, window.from);
      if (overlap > 0) ms += overlap;
      // A single failed poll is an instant; count it as a moment we could not see.
      else if (run.from === run.to && run.from >= window.from && run.from <= window.to) ms += 1;
    }
    if (ms > 0) out.push({ clusterId: id, clusterName: names.get(id)?.name ?? id, ms });
  }
  return out;
}

export interface AnswerOptions extends Partial<CorrelateOptions> {}

export async function answerCorrelate(
  db: TattlerDb,
  settings: Settings,
  subjects: ReadonlyArray<{ key: string; labels: Record<string, string>; startsAt?: number }>,
  now: number,
  options: AnswerOptions = {},
): Promise<CorrelateAnswer> {
  const o: CorrelateOptions = { ...DEFAULT_OPTIONS, ...options };
  const [clusters, watched] = await Promise.all([db.clusters.toArray(), watchedJobNames(db)]);
  const clusterById = new Map(clusters.map((c) => [c.id, c]));
  const refs: ClusterRef[] = clusters.map((c) => ({
    id: c.id,
    name: c.name,
    nativeId: c.nativeId,
    apiBase: c.apiBase,
    sourceId: c.sourceId,
  }));
  const watchedSet = new Set(watched.map((n) => n.toLowerCase()));

  const index = indexClusters(refs);
  const resolved = subjects.map((s) => resolveSubject(s, settings.labels, refs, watchedSet, index));
  const windows = resolved.map((r) => windowOf(r, now, o));
  const active = resolved.filter((r) => namesAnything(r.identity));

  let changes: Change[] = [];
  let runs: PollRun[] = [];
  if (active.length > 0) {
    const from = Math.min(...windows.map((w) => w.from));
    [changes, runs] = await Promise.all([
      changesBetween(db, from, Number.POSITIVE_INFINITY),
      pollRunsSince(db, from),
    ]);
  }
  const byId = new Map(changes.map((c) => [c.id, c]));
  // Index by job name and by cluster so each subject looks only at its candidates.
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

  const views: Record<string, ChangeView> = {};
  const results: SubjectResult[] = resolved.map((subject, i) => {
    const window = windows[i] as { from: number; to: number };
    const isWatched =
      subject.clusterIds.length > 0 ||
      subject.jobs.some((j) => watchedSet.has(j)) ||
      subject.jobs.some((j) => byName.has(j));
    // Candidates: the named clusters' changes, and the named jobs' changes elsewhere.
    const candidates: Change[] = [];
    if (isWatched) {
      for (const cid of subject.clusterIds) for (const c of byCluster.get(cid) ?? []) candidates.push(c);
      const seenJob = new Set<string>();
      for (const j of subject.jobs) {
        if (seenJob.has(j)) continue;
        seenJob.add(j);
        for (const c of byName.get(j) ?? [])
          if (!subject.clusterIds.includes(c.clusterId)) candidates.push(c);
      }
    }
    const placed = placeChanges(subject, candidates, now, o);
    const blind = isWatched ? blindSpots(runs, subject.clusterIds, window, clusterById) : [];
    const windowMs = subject.startsAt === undefined ? o.consoleLookBackMs : o.lookBackMs;
    const headline = headlineOf(placed, byId, windowMs, blind.length > 0);
    const kept: RankedChange[] = placed.slice(0, o.limit).map((p) => {
      const change = byId.get(p.id) as Change;
      views[p.id] ??= viewOf(change, clusterById.get(change.clusterId), settings);
      return { ...p, reason: reasonOf(subject, p, change) };
    });
    const id = subject.identity;
    return {
      key: subject.key,
      watched: isWatched,
      mode: subject.startsAt === undefined ? 'console' : 'alert',
      looked: {
        jobs: id.jobs,
        clusterLabels: id.clusters,
        clusters: subject.clusterIds.map((cid) => ({ id: cid, name: clusterById.get(cid)?.name ?? cid })),
        ...window,
        ...(id.namespace ? { namespace: id.namespace } : {}),
        ...(id.kind ? { kind: id.kind } : {}),
        ...(subject.startsAt !== undefined ? { startsAt: subject.startsAt } : {}),
      },
      ranked: kept,
      total: placed.length,
      headline,
      blind,
    };
  });
  return { generatedAt: now, results, changes: views };
}

/**
 * The background's handler for the page integrations' requests; undefined for requests it
 * does not own (matches the `handle` option of entrypoints/background/service.ts).
 */
export function handlePageRequest(
  request: Request,
  db: TattlerDb,
  settings: Settings,
  now: number,
): Promise<unknown> | undefined {
  switch (request.type) {
    case 'correlate':
      return answerCorrelate(db, settings, request.subjects, now);
    case 'watched-jobs':
      return watchedJobNames(db).then((names): WatchedJobsAnswer => ({ names }));
    default:
      return undefined;
  }
}

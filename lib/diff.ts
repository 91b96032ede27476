/**
 * Pure: the previous and the current snapshot of a job → the changes between them.
 *
 * What counts: the snapshot's `fields` (spec-level state that people change) and health moving
 * into or out of `degraded`. What does not: resourceVersion alone (status churn), managedFields,
 * timestamps, health passing through `progressing` during a rollout, and the paths the user
 * ignores (e.g. `spec.replicas` under an autoscaler).
 *
 * The fast path matters: a pass diffs every job of every cluster, and almost none changed.
 * Equal version tokens short-circuit before any field is looked at.
 *
 * Identity. A change's id says what was observed: the job, the type, and the job's state before
 * and after (`instance/versionToken` on each side). Two watchers that saw the same transition
 * give it the same id; a different transition has a different id. Where a source's tokens can
 * repeat (a fingerprint of fields: health flapping degraded → healthy → degraded under one
 * version), the same before → after can happen twice; the watcher then numbers the second
 * occurrence (`#2`, see `withOccurrence`), so no two different changes ever share an id.
 *
 * Disappearance. A job missing from a complete list is not yet deleted: lists lie (an empty list
 * from a server that lost its cache, a proxy answering for the wrong cluster). It is recorded
 * deleted only once confirmed — by a GET by name that answers 404 (`confirmed`), or by a second
 * complete poll that still lacks it. Until then its snapshot stays, marked `missing`; if it comes
 * back with the same instance it was never gone.
 */
import type { Change, ChangeType, FieldChange, FieldValue, JobSnapshot, SyncOp } from './model';
import { recoverBetween } from './recover/merge';

export interface DiffWindow {
  /** The previous complete poll's start: the change happened after it. */
  windowStart: number;
  /** This poll's end: the change happened before it. */
  windowEnd: number;
}

export interface DiffOptions extends DiffWindow {
  /** Compiled with `compileIgnore`. */
  ignore?: IgnoreMatcher;
  /**
   * The cluster's clock minus the browser's (ms), when measured: a reported time `t` happened at
   * `t - clockOffsetMs` on the browser's clock, which is the clock the window is on.
   */
  clockOffsetMs?: number;
  /**
   * The browser's clock was set back since the window's start, so the window's start is not on
   * the clock its end is on: reported times cannot be judged against it (no actor is called stale).
   */
  clockSetBack?: boolean;
}

export type IgnoreMatcher = (path: string) => boolean;

const NEVER: IgnoreMatcher = () => false;

/**
 * `spec.replicas` ignores that path; `containers[*].resources` ignores every container's
 * resources and everything below them. A pattern matches a path and all paths under it.
 */
export function compileIgnore(patterns: readonly string[]): IgnoreMatcher {
  if (patterns.length === 0) return NEVER;
  const sources = patterns.map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.[\\]]+'));
  const re = new RegExp(`^(?:${sources.join('|')})(?:$|[.[])`);
  const cache = new Map<string, boolean>();
  return (path) => {
    let hit = cache.get(path);
    if (hit === undefined) {
      hit = re.test(path);
      cache.set(path, hit);
    }
    return hit;
  };
}

export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return false;
}

/** Field-level differences, split into the ones that count and whether ignored ones moved. */
export function diffFields(
  before: Record<string, FieldValue>,
  after: Record<string, FieldValue>,
  ignore: IgnoreMatcher = NEVER,
): { changes: FieldChange[]; ignoredMoved: boolean } {
  const changes: FieldChange[] = [];
  let ignoredMoved = false;
  const visit = (path: string) => {
    const b = before[path];
    const a = after[path];
    if (sameValue(b, a)) return;
    if (ignore(path)) {
      ignoredMoved = true;
      return;
    }
    const change: FieldChange = { path };
    if (b !== undefined) change.before = b;
    if (a !== undefined) change.after = a;
    changes.push(change);
  };
  for (const path of Object.keys(before)) visit(path);
  for (const path of Object.keys(after)) if (!(path in before)) visit(path);
  changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return { changes, ignoredMoved };
}

/** One side of a transition: which incarnation, in which version. '' is "did not exist". */
const sideOf = (s: JobSnapshot | undefined): string => (s ? `${s.instance ?? ''}/${s.versionToken}` : '');

/**
 * The id of an observed transition of one job: deterministic (the same before → after seen by two
 * watchers is the same id) and never shared by two different transitions of one observer, once
 * repeats are numbered (`withOccurrence`).
 */
export function changeId(
  jobKey: string,
  type: ChangeType,
  before: JobSnapshot | undefined,
  after: JobSnapshot | undefined,
): string {
  return `${jobKey}|${type}|${sideOf(before)}>${sideOf(after)}`;
}

/**
 * The id of the n-th time one transition was observed: the first keeps the plain id, later ones
 * get `#n`. `existing` are the ids already stored that start with `base` (the watcher looks them
 * up in the same transaction that writes the change).
 */
export function withOccurrence(base: string, existing: readonly string[]): string {
  let highest = 0;
  for (const id of existing) {
    if (id === base) highest = Math.max(highest, 1);
    else if (id.startsWith(`${base}#`)) {
      const n = Number(id.slice(base.length + 1));
      if (Number.isSafeInteger(n)) highest = Math.max(highest, n);
    }
  }
  return highest === 0 ? base : `${base}#${highest + 1}`;
}

const isDegraded = (s: JobSnapshot) => s.health.state === 'degraded';

function base(
  snap: JobSnapshot,
  type: ChangeType,
  before: JobSnapshot | undefined,
  after: JobSnapshot | undefined,
  w: DiffWindow,
): Change {
  return {
    id: changeId(snap.key, type, before, after),
    clusterId: snap.clusterId,
    jobKey: snap.key,
    rowKey: snap.rowKey,
    kind: snap.kind,
    namespace: snap.namespace,
    name: snap.name,
    type,
    windowStart: w.windowStart,
    windowEnd: w.windowEnd,
    at: w.windowEnd,
    fields: [],
    ...(snap.link ? { link: snap.link } : {}),
    // The manager of the job as the snapshot the change is read from says it (the state before,
    // for a deletion): what lib/identity/cause.ts traces the change to.
    ...(snap.links?.argoApp ? { argoApp: snap.links.argoApp } : {}),
  };
}

const sameSync = (a: SyncOp | undefined, b: SyncOp): boolean =>
  a !== undefined && a.app === b.app && a.startedAt === b.startedAt && a.finishedAt === b.finishedAt;

/**
 * The sync operation a transition shows for the first time (a new one, or the running one now
 * finished); none when the application's last operation is the one the state before already had
 * (a change of its own, such as auto-sync turned off, is not that sync again).
 */
function newSync(prev: JobSnapshot | undefined, curr: JobSnapshot): SyncOp | undefined {
  return curr.sync && !sameSync(prev?.sync, curr.sync) ? curr.sync : undefined;
}

/**
 * A deploy id a transition shows for the first time, both ways a manager's deploy is known: the
 * manager's own record (`deploy`) and the stamp on a Kubernetes workload (`deployStamp`). An id
 * the state before already had is not this change's: a hand edit that leaves the stamp standing
 * is traced to no deploy.
 */
function newDeploy(change: Change, prev: JobSnapshot | undefined, curr: JobSnapshot): void {
  if (curr.deployId !== undefined && curr.deployId !== prev?.deployId) change.deploy = curr.deployId;
  const stamp = curr.links?.deployId;
  if (stamp !== undefined && stamp !== prev?.links?.deployId) change.deployStamp = stamp;
}

/**
 * Reported times are coarser than our clock: Kubernetes timestamps have whole seconds. A time
 * up to this much before the window may still be the change's own, truncated.
 */
export const REPORTED_TIME_PRECISION_MS = 1000;
/**
 * A measured clock offset is itself uncertain: the `Date` header it comes from has whole seconds
 * (±0.5 s around the middle of the second) and the answer took some time to arrive.
 */
export const CLOCK_OFFSET_PRECISION_MS = 500;
/** A cluster clock this far from the browser's is worth saying, with the change it skewed. */
export const CLOCK_NOTE_MS = 2000;

/** Attaches what the API reports about who and when, and whether that report can be trusted. */
function attribute(change: Change, snap: JobSnapshot, opts: DiffOptions): Change {
  if (snap.changedBy) change.actor = snap.changedBy;
  if (snap.changeCause) change.changeCause = snap.changeCause;
  const reported = snap.changedAt;
  if (reported !== undefined) {
    change.reportedAt = reported;
    const offset = opts.clockOffsetMs;
    // Kept (and shown) when large enough to matter; smaller offsets are read through all the same.
    if (offset !== undefined && Math.abs(offset) >= CLOCK_NOTE_MS) change.clockOffsetMs = offset;
    // On the browser's clock, which the window is on.
    const t = reported - (offset ?? 0);
    const tolerance = REPORTED_TIME_PRECISION_MS + (offset !== undefined ? CLOCK_OFFSET_PRECISION_MS : 0);
    if (opts.clockSetBack) {
      // Neither "stale" nor a better time than the poll's can be told: `at` stays windowEnd.
    } else if (t + tolerance <= opts.windowStart) {
      // The API's "last changed" predates the window, so this change left no trace of its own:
      // the actor named is that of an earlier change, or the change did not record one.
      change.actorStale = true;
    } else if (t <= opts.windowEnd) {
      change.at = Math.max(t, opts.windowStart);
    }
  }
  return change;
}

function created(snap: JobSnapshot, w: DiffOptions): Change {
  const c = base(snap, 'created', undefined, snap, w);
  c.fields = Object.keys(snap.fields)
    .sort()
    .map((path) => ({ path, after: snap.fields[path] as FieldValue }));
  if (snap.version !== undefined) c.toVersion = snap.version;
  if (snap.sync) c.sync = snap.sync;
  newDeploy(c, undefined, snap);
  return attribute(c, snap, w);
}

function deleted(snap: JobSnapshot, w: DiffWindow): Change {
  // Nobody reports who deleted a job: the object is gone, and its history with it.
  const c = base(snap, 'deleted', snap, undefined, w);
  if (snap.version !== undefined) c.fromVersion = snap.version;
  return c;
}

/** A stored snapshot without the bookkeeping of a pending disappearance. */
function unmarked<S extends JobSnapshot | undefined>(s: S): S {
  if (!s?.missing) return s;
  const { missing: _, ...rest } = s;
  return rest as S;
}

/** Changes of one job between two complete polls. Either side may be absent. */
export function diffJob(
  prev: JobSnapshot | undefined,
  curr: JobSnapshot | undefined,
  opts: DiffOptions,
): Change[] {
  if (!prev && !curr) return [];
  if (!prev) return [created(curr as JobSnapshot, opts)];
  if (!curr) return [deleted(prev, opts)];
  if (prev.versionToken === curr.versionToken && prev.instance === curr.instance) return [];
  if (prev.instance !== undefined && curr.instance !== undefined && prev.instance !== curr.instance) {
    // Deleted and re-created between two polls: two changes, not an edit.
    return [deleted(prev, opts), created(curr, opts)];
  }

  // Versions in between that the platform still remembers are their own changes (recovered);
  // the live one is then only the last step (lib/recover/merge.ts).
  const past = recoverBetween(prev, curr, opts);
  const recovered = past?.changes ?? [];
  const { changes: fields, ignoredMoved } = diffFields(past?.before ?? prev.fields, curr.fields, opts.ignore);
  const versionMoved =
    prev.version !== undefined && curr.version !== undefined && curr.version > prev.version;
  const healthFlip = isDegraded(prev) !== isDegraded(curr);

  if (fields.length > 0 || (versionMoved && !ignoredMoved)) {
    // A version bump with no tracked field moved is still a change (to spec Tattler does not
    // track); one explained by an ignored field (an autoscaler's replicas) is not.
    const c = base(curr, 'updated', prev, curr, opts);
    c.fields = fields;
    if (healthFlip) c.fields.push({ path: 'health', before: prev.health.state, after: curr.health.state });
    if (prev.version !== undefined) c.fromVersion = prev.version;
    if (past?.lastVersion !== undefined && curr.history?.axis === 'version') c.fromVersion = past.lastVersion;
    if (curr.version !== undefined) c.toVersion = curr.version;
    if (versionMoved) {
      // Only what neither a poll nor the platform's history saw counts as skipped.
      const skipped = (curr.version as number) - (prev.version as number) - 1 - (past?.accounted ?? 0);
      if (skipped > 0) c.skipped = skipped;
    }
    const sync = newSync(prev, curr);
    if (sync) c.sync = sync;
    newDeploy(c, prev, curr);
    return [...recovered, attribute(c, curr, opts)];
  }

  if (healthFlip) {
    const c = base(curr, 'status', prev, curr, opts);
    c.fields = [{ path: 'health', before: prev.health.state, after: curr.health.state }];
    if (curr.health.message) c.changeCause = curr.health.message;
    return [...recovered, c];
  }
  return recovered;
}

/**
 * What a GET by name said of a job missing from the list: 404 (`gone`), still there and still
 * ours (`present`: the list lied), still there but no longer ours (`elsewhere`: its labels left
 * the owner filter, an application now deploys to another cluster — not a deletion, and not
 * something to keep watching), or no answer to go by (`unknown`: no such GET, or it was refused).
 */
export type Disappearance = 'gone' | 'present' | 'elsewhere' | 'unknown';

export interface ClusterDiffOptions extends DiffOptions {
  /** Answers of GETs by name for jobs missing from this poll's list; absent means not asked. */
  confirmed?: ReadonlyMap<string, Disappearance>;
  /**
   * Jobs the list showed with their stored version token, not given in full (PollOk.unchanged):
   * present, and as they were stored.
   */
  unchanged?: ReadonlySet<string>;
}

export interface ClusterDiff {
  changes: Change[];
  /** Snapshots to store (new, moved, or whose `missing` mark changed). */
  put: JobSnapshot[];
  /** Keys of stored snapshots to drop: jobs confirmed deleted. */
  remove: string[];
}

/**
 * Changes across one cluster's jobs, and what to store. `prev` is what the last complete poll
 * stored (snapshots may carry a `missing` mark); `curr` is a complete, ok poll. A job missing
 * from `curr` is deleted only when confirmed (see the top of this file).
 */
export function diffCluster(
  prev: ReadonlyMap<string, JobSnapshot>,
  curr: readonly JobSnapshot[],
  opts: ClusterDiffOptions,
): ClusterDiff {
  const out: ClusterDiff = { changes: [], put: [], remove: [] };
  const seen = new Set<string>();
  let matched = 0;
  for (const key of opts.unchanged ?? []) {
    const before = prev.get(key);
    if (!before || seen.has(key)) continue;
    seen.add(key);
    matched++;
    // Listed as it was stored: nothing moved, but a list that had left it out was wrong.
    if (before.missing) out.put.push(unmarked(before));
  }
  for (const snap of curr) {
    if (seen.has(snap.key)) continue;
    seen.add(snap.key);
    const before = prev.get(snap.key);
    if (before) matched++;
    if (
      before &&
      !before.missing &&
      before.versionToken === snap.versionToken &&
      before.instance === snap.instance
    )
      continue;
    // A job that comes back after a list left it out is compared with what it was when last
    // seen — and whatever it went through happened since then, not only in this window. If it is
    // the same incarnation, it was never gone.
    for (const c of diffJob(unmarked(before), snap, sinceLastSeen(before, opts))) out.changes.push(c);
    out.put.push(snap);
  }
  // Only walk the previous jobs when some of them were not seen again.
  if (matched < prev.size) {
    for (const [key, before] of prev) {
      if (seen.has(key)) continue;
      const answer = opts.confirmed?.get(key);
      if (answer === 'present') continue; // the list lied about this one: keep it as it was
      if (answer === 'elsewhere') {
        // Left what the user watches without being deleted: stop tracking it, record nothing.
        out.remove.push(key);
        continue;
      }
      if (answer === 'gone' || before.missing) {
        // Gone some time after the last poll that saw it, and before this one.
        out.changes.push(deleted(unmarked(before), sinceLastSeen(before, opts)));
        out.remove.push(key);
      } else {
        out.put.push({ ...before, missing: { windowStart: opts.windowStart, windowEnd: opts.windowEnd } });
      }
    }
  }
  return out;
}

/** This poll's window, widened back to the last poll that saw a job a list has since left out. */
function sinceLastSeen(before: JobSnapshot | undefined, opts: ClusterDiffOptions): ClusterDiffOptions {
  return before?.missing ? { ...opts, windowStart: before.missing.windowStart } : opts;
}

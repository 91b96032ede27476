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
 */
import type { Change, ChangeType, FieldChange, FieldValue, JobSnapshot } from './model';

export interface DiffWindow {
  /** The previous complete poll's start: the change happened after it. */
  windowStart: number;
  /** This poll's end: the change happened before it. */
  windowEnd: number;
}

export interface DiffOptions extends DiffWindow {
  /** Compiled with `compileIgnore`. */
  ignore?: IgnoreMatcher;
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

/** Deterministic: the same change seen by two watchers gets the same id. */
export function changeId(clusterId: string, rowKey: string, type: ChangeType, token: string): string {
  return `${clusterId}|${rowKey}|${type}|${token}`;
}

const isDegraded = (s: JobSnapshot) => s.health.state === 'degraded';

function base(snap: JobSnapshot, type: ChangeType, token: string, w: DiffWindow): Change {
  return {
    id: changeId(snap.clusterId, snap.rowKey, type, token),
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
  };
}

/**
 * Reported times are coarser than our clock: Kubernetes timestamps have whole seconds. A time
 * up to this much before the window may still be the change's own, truncated.
 */
export const REPORTED_TIME_PRECISION_MS = 1000;

/** Attaches what the API reports about who and when, and whether that report can be trusted. */
function attribute(change: Change, snap: JobSnapshot, w: DiffWindow): Change {
  if (snap.changedBy) change.actor = snap.changedBy;
  if (snap.changeCause) change.changeCause = snap.changeCause;
  const t = snap.changedAt;
  if (t !== undefined) {
    change.reportedAt = t;
    if (t + REPORTED_TIME_PRECISION_MS <= w.windowStart) {
      // The API's "last changed" predates the window, so this change left no trace of its own:
      // the actor named is that of an earlier change, or the change did not record one.
      change.actorStale = true;
    } else if (t <= w.windowEnd) {
      change.at = Math.max(t, w.windowStart);
    }
  }
  return change;
}

const versionToken = (s: JobSnapshot) => (s.version !== undefined ? `v${s.version}` : `rv${s.versionToken}`);

function created(snap: JobSnapshot, w: DiffWindow): Change {
  const c = base(snap, 'created', snap.instance ?? versionToken(snap), w);
  c.fields = Object.keys(snap.fields)
    .sort()
    .map((path) => ({ path, after: snap.fields[path] as FieldValue }));
  if (snap.version !== undefined) c.toVersion = snap.version;
  return attribute(c, snap, w);
}

function deleted(snap: JobSnapshot, w: DiffWindow): Change {
  // Nobody reports who deleted a job: the object is gone, and its history with it.
  const c = base(snap, 'deleted', snap.instance ?? versionToken(snap), w);
  if (snap.version !== undefined) c.fromVersion = snap.version;
  return c;
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

  const { changes: fields, ignoredMoved } = diffFields(prev.fields, curr.fields, opts.ignore);
  const versionMoved =
    prev.version !== undefined && curr.version !== undefined && curr.version > prev.version;
  const healthFlip = isDegraded(prev) !== isDegraded(curr);

  if (fields.length > 0 || (versionMoved && !ignoredMoved)) {
    // A version bump with no tracked field moved is still a change (to spec Tattler does not
    // track); one explained by an ignored field (an autoscaler's replicas) is not.
    const c = base(curr, 'updated', versionToken(curr), opts);
    c.fields = fields;
    if (healthFlip) c.fields.push({ path: 'health', before: prev.health.state, after: curr.health.state });
    if (prev.version !== undefined) c.fromVersion = prev.version;
    if (curr.version !== undefined) c.toVersion = curr.version;
    if (versionMoved) {
      const skipped = (curr.version as number) - (prev.version as number) - 1;
      if (skipped > 0) c.skipped = skipped;
    }
    return [attribute(c, curr, opts)];
  }

  if (healthFlip) {
    const c = base(curr, 'status', `${curr.health.state}@${curr.versionToken}`, opts);
    c.fields = [{ path: 'health', before: prev.health.state, after: curr.health.state }];
    if (curr.health.message) c.changeCause = curr.health.message;
    return [c];
  }
  return [];
}

/**
 * Changes across one cluster's jobs. `prev` is what the last complete poll stored; `curr` is a
 * complete, ok poll. Never call this with a failed or partial poll: a missing job here means
 * deleted.
 */
export function diffCluster(
  prev: ReadonlyMap<string, JobSnapshot>,
  curr: readonly JobSnapshot[],
  opts: DiffOptions,
): Change[] {
  const out: Change[] = [];
  const seen = new Set<string>();
  let matched = 0;
  for (const snap of curr) {
    seen.add(snap.key);
    const before = prev.get(snap.key);
    if (before) matched++;
    if (before && before.versionToken === snap.versionToken && before.instance === snap.instance) continue;
    for (const c of diffJob(before, snap, opts)) out.push(c);
  }
  // Only walk the previous jobs when some of them were not seen again.
  if (matched < prev.size) {
    for (const [key, before] of prev) if (!seen.has(key)) out.push(deleted(before, opts));
  }
  return out;
}

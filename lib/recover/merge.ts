/**
 * Pure: the versions a platform still remembers (JobSnapshot.history, read by the adapter) → the
 * changes nobody saw live, each *recovered* and saying from what.
 *
 * Between two polls. The stored snapshot was at version `a`, the new one is at `b`; every
 * remembered version strictly between them is its own change, in order: its fields before → after
 * (the fields before it, overlaid with what its record knows), its own time and actor. The live
 * change (lib/diff.ts) then covers only the last step, from the last recovered version to `b`;
 * the versions neither seen nor remembered stay counted as skipped.
 *
 * At first sight. A baseline records no `created`; it records instead each remembered version
 * made within the retention window whose previous version is remembered too (so its before →
 * after is known), up to and including the version the job is at now. The next poll's changes
 * start from there, so each version is recorded once: live, or recovered, never both.
 *
 * Ids. A recovered change's id names the job, its incarnation and the two versions on the
 * history's axis (`uid/@v11>uid/@v12`): deterministic, and never the id of a live change (those
 * name version tokens, lib/diff.ts), so one version recorded twice would show as two ids.
 */
import {
  CLOCK_NOTE_MS,
  CLOCK_OFFSET_PRECISION_MS,
  type DiffOptions,
  diffFields,
  REPORTED_TIME_PRECISION_MS,
} from '../diff';
import type { Change, FieldValue, JobHistory, JobSnapshot, PastVersion } from '../model';

/** `uid/@v12`: one side of a recovered transition. */
const sideOf = (snap: JobSnapshot, axis: JobHistory['axis'], version: number): string =>
  `${snap.instance ?? ''}/@${axis === 'version' ? 'v' : 'r'}${version}`;

export function recoveredId(snap: JobSnapshot, axis: JobHistory['axis'], from: number, to: number): string {
  return `${snap.key}|updated|${sideOf(snap, axis, from)}>${sideOf(snap, axis, to)}`;
}

/** Remembered versions, oldest first, one per number (the first record of a number wins). */
function ordered(history: JobHistory): PastVersion[] {
  const byNumber = new Map<number, PastVersion>();
  for (const v of history.versions) if (!byNumber.has(v.version)) byNumber.set(v.version, v);
  return [...byNumber.values()].sort((x, y) => x.version - y.version);
}

interface Window {
  windowStart: number;
  windowEnd: number;
}

/**
 * One recovered change of `snap`: from the fields `before` to those overlaid with `v`'s, on
 * the version `v` made. Undefined when the version moved only ignored fields (an autoscaler's
 * replicas): that is no change, live or recovered.
 */
function recoveredChange(
  snap: JobSnapshot,
  axis: JobHistory['axis'],
  fromVersion: number,
  v: PastVersion,
  before: Record<string, FieldValue>,
  after: Record<string, FieldValue>,
  w: Window,
  opts: Pick<DiffOptions, 'ignore' | 'clockOffsetMs' | 'clockSetBack'>,
): Change | undefined {
  const { changes: fields, ignoredMoved } = diffFields(before, after, opts.ignore);
  if (fields.length === 0 && ignoredMoved) return undefined;
  const change: Change = {
    id: recoveredId(snap, axis, fromVersion, v.version),
    clusterId: snap.clusterId,
    jobKey: snap.key,
    rowKey: snap.rowKey,
    kind: snap.kind,
    namespace: snap.namespace,
    name: snap.name,
    type: 'updated',
    windowStart: w.windowStart,
    windowEnd: w.windowEnd,
    // Without a time of its own it is dated by the window's start: it came before the version
    // the poll saw (a live change without a time is dated by the window's end).
    at: w.windowStart,
    fields,
    recovered: { from: v.from, ...(v.limit ? { limit: v.limit } : {}) },
  };
  if (axis === 'version') {
    change.fromVersion = fromVersion;
    change.toVersion = v.version;
  }
  if (snap.link) change.link = snap.link;
  if (snap.links?.argoApp) change.argoApp = snap.links.argoApp;
  if (v.sync) change.sync = v.sync;
  if (v.actor) change.actor = v.actor;
  if (v.changeCause) change.changeCause = v.changeCause;
  if (v.at !== undefined) {
    const offset = opts.clockOffsetMs;
    const t = v.at - (offset ?? 0);
    const tolerance = REPORTED_TIME_PRECISION_MS + (offset !== undefined ? CLOCK_OFFSET_PRECISION_MS : 0);
    if (opts.clockSetBack) {
      change.reportedAt = v.at;
    } else if (t + tolerance > w.windowStart && t <= w.windowEnd + tolerance) {
      change.reportedAt = v.at;
      change.at = Math.min(Math.max(t, w.windowStart), w.windowEnd);
    }
    // A recorded time outside the window is not this version's (a reused ReplicaSet keeps its
    // first creationTimestamp): the change is dated by the window, as one without a time.
    if (change.reportedAt !== undefined && offset !== undefined && Math.abs(offset) >= CLOCK_NOTE_MS)
      change.clockOffsetMs = offset;
  }
  return change;
}

export interface Between {
  /** The recovered changes, oldest first. */
  changes: Change[];
  /** The fields just before the version the poll saw: the live change's "before". */
  before: Record<string, FieldValue>;
  /** The last version recovered, on the history's axis (undefined when none was). */
  lastVersion?: number;
  /**
   * Versions between the two polls already accounted for: remembered (recorded, or moving only
   * ignored fields), or counted as skipped on the recovered change they came before.
   */
  accounted: number;
}

/**
 * The versions between a stored snapshot and the one a poll saw, as recovered changes. Undefined
 * when the poll read no history for the job, or the history cannot be placed (no version numbers).
 */
export function recoverBetween(prev: JobSnapshot, curr: JobSnapshot, opts: DiffOptions): Between | undefined {
  const history = curr.history;
  if (!history) return undefined;
  const axis = history.axis;
  const to = curr[axis];
  if (to === undefined) return undefined;
  const versions = ordered(history);
  const from = prev[axis] ?? history.base;
  if (from === undefined) {
    // Stored without details, at a version the history no longer places: what came between is
    // unknown, but the version before this one still gives the change its "before".
    const previous = versions.filter((v) => v.version < to).pop();
    return previous
      ? { changes: [], before: { ...previous.fields, ...prev.fields }, accounted: 0 }
      : undefined;
  }
  if (to <= from) return undefined;
  let running: Record<string, FieldValue> = { ...prev.fields };
  if (prev[axis] === undefined) {
    // Stored without its details (a Nomad job read from the list alone): the version it was at
    // still says them, so the first change shows before → after rather than "(absent) → value".
    const base = versions.find((v) => v.version === from);
    if (base) running = { ...base.fields, ...prev.fields };
  }
  const out: Between = { changes: [], before: running, accounted: 0 };
  let last = from;
  for (const v of versions) {
    if (v.version <= from || v.version >= to) continue;
    const after = { ...running, ...v.fields };
    const change = recoveredChange(curr, axis, last, v, running, after, opts, opts);
    const unseen = v.version - last - 1;
    if (change) {
      // Forgotten versions are said once, on the first change after them.
      if (unseen > 0) change.skipped = unseen;
      out.changes.push(change);
    }
    out.accounted += 1 + (change ? Math.max(unseen, 0) : 0);
    running = after;
    last = v.version;
  }
  out.before = running;
  if (last !== from) out.lastVersion = last;
  return out;
}

export interface FirstSightOptions extends Pick<DiffOptions, 'ignore' | 'clockOffsetMs'> {
  /** The baseline poll's end: no version is later. */
  now: number;
  /** The start of the retention window: older versions are not recorded. */
  since: number;
}

/**
 * At the first sight of a job: the versions it went through within the retention window that the
 * platform still remembers, each a recovered change (see the top of this file). Never a
 * `created`: the oldest remembered version is where the record starts.
 */
export function recoverAtFirstSight(snap: JobSnapshot, opts: FirstSightOptions): Change[] {
  const history = snap.history;
  const current = history ? snap[history.axis] : undefined;
  if (!history || current === undefined) return [];
  const versions = ordered(history).filter((v) => v.version <= current);
  const offset = opts.clockOffsetMs ?? 0;
  const timeOf = (v: PastVersion | undefined) =>
    v?.at === undefined ? undefined : Math.min(v.at - offset, opts.now);
  const out: Change[] = [];
  for (let i = 1; i < versions.length; i++) {
    const v = versions[i] as PastVersion;
    const prev = versions[i - 1] as PastVersion;
    // Happened after the version before it, and before the next one (or this first sight).
    let end = opts.now;
    for (let j = i + 1; j < versions.length && end === opts.now; j++) end = timeOf(versions[j]) ?? end;
    const t = timeOf(v);
    if ((t ?? end) < opts.since) continue;
    let running: Record<string, FieldValue> = {};
    for (let j = 0; j < i; j++) running = { ...running, ...(versions[j] as PastVersion).fields };
    const start = t ?? timeOf(prev) ?? opts.since;
    const change = recoveredChange(
      snap,
      history.axis,
      prev.version,
      v,
      running,
      { ...running, ...v.fields },
      { windowStart: Math.min(start, t ?? end), windowEnd: t ?? end },
      opts,
    );
    if (!change) continue;
    const unseen = v.version - prev.version - 1;
    if (unseen > 0) change.skipped = unseen;
    out.push(change);
  }
  return out;
}

/**
 * A baseline's recovered changes: every job's remembered versions (recoverAtFirstSight), except
 * for jobs that already have history in this cluster (`recorded`: a re-baseline after the owner
 * filter changed) — their versions were recorded when they happened, and must not be twice.
 */
export function recoverBaseline(
  jobs: readonly JobSnapshot[],
  recorded: (rowKey: string) => boolean,
  opts: FirstSightOptions,
): Change[] {
  const out: Change[] = [];
  for (const job of jobs) {
    if (!job.history || recorded(job.rowKey)) continue;
    for (const c of recoverAtFirstSight(job, opts)) out.push(c);
  }
  return out;
}

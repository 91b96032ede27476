/**
 * What the grid needs of a cell's history (one job in one cluster), kept up to date as changes
 * are written, so the popup never reads the changes themselves to paint: when they happened
 * (to count them in any window and say how recent the newest is), when the job was last created,
 * deleted or degraded (the cell's marks), the newest value of a rollout-ish field (the row's
 * rollout stripe) and the newest few changes in brief (who, for search and the cell's title).
 *
 * Pure; the store (lib/store/) keeps one per cell inside its cluster's state record, in the same
 * transaction that writes the changes, and prunes it with them — so it is exact, not an estimate.
 */
import { isDegradingChange } from './change-view';
import { causeMarkOf } from './identity/cause';
import type { ActorKind, Change, ChangeType, FieldValue } from './model';

/** Times kept one by one; a cell that changed more often than this (a flapping job) folds the oldest into days. */
export const MAX_TIMES = 200;
/** Brief entries kept per cell, newest first. */
export const MAX_RECENT = 3;

const DAY = 86_400_000;

/** A change in brief. */
export interface RecentChange {
  at: number;
  type: ChangeType;
  actor?: string;
  actorKind?: ActorKind;
}

/** The newest value a rollout-ish field took in this cell: the same value in several clusters is a rollout. */
export interface RolloutMark {
  field: string;
  value: string;
  at: number;
  actor?: string;
  actorKind?: ActorKind;
}

export interface CellAgg {
  /** When each change happened (`Change.at`), oldest first: exact counts in any window. */
  times: number[];
  /** Changes older than `times[0]`, folded per UTC day (day number → count) once `times` was full. */
  days?: Record<number, number>;
  /** The newest change that created, deleted, or moved the job into degraded. */
  createdAt?: number;
  deletedAt?: number;
  degradedAt?: number;
  rollout?: RolloutMark;
  /** The newest few, newest first. */
  recent: RecentChange[];
  /**
   * The changes that may be one half of a pair (lib/identity/cause.ts): an Argo CD sync, or the
   * Argo CD controller's write to a job an Application manages; a manager's deploy, or the write
   * that stamped its id — oldest first, at most
   * MAX_CAUSES. What a cell merging an Application's and its Deployment's cells counts a pair
   * once by (`pairsSince`), without reading the changes.
   */
  causes?: CauseMark[];
}

/**
 * One half of a possible pair, from its change alone: when it happened (`at`, as `times` has it),
 * the Application it names, and the span the rule compares (lib/identity/cause.ts: when the sync
 * ran, or when the controller's write is known to have happened), on the browser's clock.
 */
export interface CauseMark {
  at: number;
  app: string;
  lo: number;
  hi: number;
  /** A sync (else the controller's write). */
  sync?: 1;
  /** A sync seen still running. */
  running?: 1;
  /**
   * A home-grown manager's deploy (with `sync`) or a Kubernetes change that stamped its id: `app`
   * is then the deploy id, and the span is not compared.
   */
  deploy?: 1;
}

/** Cause marks kept per cell: the syncs and controller writes of the grid's longest window, and more. */
export const MAX_CAUSES = 50;

/** Fields whose new value identifies a rollout: images, chart or app versions, revisions. */
export const ROLLOUT_FIELD = /image|version|chart|revision|tag/i;

const valueText = (v: FieldValue | undefined): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;

/** The rollout-ish field a change set, if any (the first by path). */
export function rolloutValueOf(
  change: Pick<Change, 'type' | 'fields'>,
): { field: string; value: string } | undefined {
  if (change.type !== 'updated' && change.type !== 'created') return undefined;
  for (const f of change.fields) {
    const value = valueText(f.after);
    if (value !== undefined && ROLLOUT_FIELD.test(f.path)) return { field: f.path, value };
  }
  return undefined;
}

export const emptyAgg = (): CellAgg => ({ times: [], recent: [] });

const laterOf = (a: number | undefined, b: number): number => (a === undefined || b > a ? b : a);

/** Adds one change to a cell's aggregate (in place). Changes may come in any order. */
export function addChange(agg: CellAgg, change: Change): CellAgg {
  const { at } = change;
  // Sorted insert; the common case (newest last) is a push.
  let i = agg.times.length;
  while (i > 0 && (agg.times[i - 1] as number) > at) i--;
  agg.times.splice(i, 0, at);
  if (agg.times.length > MAX_TIMES) {
    const oldest = agg.times.shift() as number;
    agg.days ??= {};
    const day = Math.floor(oldest / DAY);
    agg.days[day] = (agg.days[day] ?? 0) + 1;
  }
  if (change.type === 'created') agg.createdAt = laterOf(agg.createdAt, at);
  if (change.type === 'deleted') agg.deletedAt = laterOf(agg.deletedAt, at);
  if (isDegradingChange(change)) agg.degradedAt = laterOf(agg.degradedAt, at);
  const rollout = rolloutValueOf(change);
  if (rollout && (!agg.rollout || at >= agg.rollout.at)) {
    agg.rollout = { ...rollout, at };
    if (change.actor) {
      agg.rollout.actor = change.actor.name;
      agg.rollout.actorKind = change.actor.kind;
    }
  }
  const cause = causeMarkOf(change);
  if (cause) {
    agg.causes ??= [];
    let c = agg.causes.length;
    while (c > 0 && (agg.causes[c - 1] as CauseMark).at > at) c--;
    agg.causes.splice(c, 0, cause);
    if (agg.causes.length > MAX_CAUSES) agg.causes.shift();
  }
  const brief: RecentChange = { at, type: change.type };
  if (change.actor) {
    brief.actor = change.actor.name;
    brief.actorKind = change.actor.kind;
  }
  let j = 0;
  while (j < agg.recent.length && (agg.recent[j] as RecentChange).at >= at) j++;
  if (j < MAX_RECENT) agg.recent.splice(j, 0, brief);
  if (agg.recent.length > MAX_RECENT) agg.recent.length = MAX_RECENT;
  return agg;
}

/** The aggregate of a list of changes of one cell. */
export function aggregateOf(changes: Iterable<Change>): CellAgg {
  const agg = emptyAgg();
  for (const c of changes) addChange(agg, c);
  return agg;
}

/**
 * Drops what is older than `cutoff` (in place), as retention drops the changes themselves.
 * Marks and the rollout older than the cutoff go too. Returns whether anything is left.
 */
export function pruneAgg(agg: CellAgg, cutoff: number): boolean {
  let drop = 0;
  while (drop < agg.times.length && (agg.times[drop] as number) < cutoff) drop++;
  if (drop) agg.times.splice(0, drop);
  if (agg.days) {
    // Folded days are whole days: retention cuts at day boundaries (lib/store/prune.ts).
    const firstDay = Math.floor(cutoff / DAY);
    for (const day of Object.keys(agg.days)) if (Number(day) < firstDay) delete agg.days[Number(day)];
    if (Object.keys(agg.days).length === 0) delete agg.days;
  }
  if (agg.createdAt !== undefined && agg.createdAt < cutoff) delete agg.createdAt;
  if (agg.deletedAt !== undefined && agg.deletedAt < cutoff) delete agg.deletedAt;
  if (agg.degradedAt !== undefined && agg.degradedAt < cutoff) delete agg.degradedAt;
  if (agg.rollout && agg.rollout.at < cutoff) delete agg.rollout;
  agg.recent = agg.recent.filter((r) => r.at >= cutoff);
  if (agg.causes) {
    agg.causes = agg.causes.filter((c) => c.at >= cutoff);
    if (agg.causes.length === 0) delete agg.causes;
  }
  return agg.times.length > 0 || agg.days !== undefined;
}

/** How many changes happened at or after `since`. Exact while `since` is within the kept times. */
export function countSince(agg: CellAgg, since: number): number {
  // Binary search for the first time ≥ since.
  let lo = 0;
  let hi = agg.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((agg.times[mid] as number) < since) lo = mid + 1;
    else hi = mid;
  }
  let n = agg.times.length - lo;
  if (agg.days && lo === 0) {
    // Folded days that start at or after `since`: whole days, so a day `since` falls in is left out.
    for (const [day, count] of Object.entries(agg.days)) if (Number(day) * DAY >= since) n += count;
  }
  return n;
}

/** The newest change's time, or undefined for an empty aggregate. */
export const newestOf = (agg: CellAgg): number | undefined => agg.times[agg.times.length - 1];

/** The total number of changes the aggregate holds. */
export const totalOf = (agg: CellAgg): number =>
  agg.times.length + Object.values(agg.days ?? {}).reduce((a, b) => a + b, 0);

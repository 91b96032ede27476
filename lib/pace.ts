/**
 * The pace of polling: which clusters a pass asks about, and how Tattler answers a server that
 * asks for less. Pure: the watcher asks `planPass` once per pass which clusters are due (in the
 * order their polls should start), and records each poll's outcome with `paceAfter` on the
 * cluster's record, in the transaction that records the poll.
 *
 * The rules, in the order they apply:
 * 1. Held: a host that answered 429 is asked nothing until its `Retry-After` has passed (every
 *    cluster behind it: Rancher serves hundreds of clusters from one origin, and a 429 from the
 *    proxy is about all of them). A cluster that answered 5xx backs off exponentially — one
 *    pass, then two, four … up to `maxBackoffMs` — with jitter, so that many browsers that met
 *    the same outage do not come back in step. Holds longer than `maxHoldMs` are cut to it (a
 *    Retry-After of a day is a broken server, or a clock that moved).
 * 2. Hot: a cluster where a change was seen within `hotForMs`, or that an alert open on a page
 *    names (the background remembers those for a while), is polled every pass.
 * 3. Quiet: every other cluster is polled once per `quietEveryMs`, each in its own slot of that
 *    period (a phase from its id), so the quiet clusters of a fleet spread evenly over the passes
 *    instead of all falling due in one. A poll "now" from the user makes quiet clusters due too.
 * 4. Budget: a pass sends at most `hostBudget` requests to one host; the watcher starts no poll on
 *    a host whose budget is spent (lib/host-gate.ts counts), and the order below decides who waits:
 *    never-polled clusters first, then alerted, hot, and the longest-waiting quiet ones.
 *
 * A cluster that is not due is not a gap in coverage: no poll failed, and the next poll's window
 * starts at the last good one, so whatever changed meanwhile is still found — later, not lost.
 */
import type { Cluster, PaceRecord, PollStatus } from './model';
import type { Settings } from './settings';
import { shortTime } from './time-text';

const MINUTE = 60_000;

export interface PacePolicy {
  /** Time between passes (settings.pollIntervalSec). */
  passMs: number;
  /** A change seen in a cluster this recently makes it hot: polled every pass. */
  hotForMs: number;
  /** A quiet cluster is polled once per this period (never less than a pass). */
  quietEveryMs: number;
  /** Requests one pass may send to one API host (origin). */
  hostBudget: number;
  /** Requests in flight to one host at once (settings.concurrency). */
  hostConcurrency: number;
  /** The longest backoff after 5xx answers. */
  maxBackoffMs: number;
  /** The longest hold honoured, whatever a server asks. */
  maxHoldMs: number;
}

export type { PaceRecord };

export const HOT_FOR_MS = 15 * MINUTE;
export const MAX_BACKOFF_MS = 15 * MINUTE;
export const MAX_HOLD_MS = 60 * MINUTE;

/** The policy the settings ask for. */
export function pacePolicy(
  settings: Pick<Settings, 'pollIntervalSec' | 'concurrency' | 'quietPollSec' | 'hostRequestsPerMinute'>,
): PacePolicy {
  const passMs = settings.pollIntervalSec * 1000;
  return {
    passMs,
    hotForMs: HOT_FOR_MS,
    quietEveryMs: Math.max(passMs, settings.quietPollSec * 1000),
    hostBudget: Math.max(1, Math.round((settings.hostRequestsPerMinute * passMs) / MINUTE)),
    hostConcurrency: settings.concurrency,
    maxBackoffMs: MAX_BACKOFF_MS,
    maxHoldMs: MAX_HOLD_MS,
  };
}

/**
 * Every cluster at every pass, nothing held, no budget: how Tattler polled before it had a pace.
 * The benchmark's baseline, and what tests of other things (the diff, storage faults) run with.
 */
export function unpaced(settings: Pick<Settings, 'pollIntervalSec' | 'concurrency'>): PacePolicy {
  return {
    passMs: settings.pollIntervalSec * 1000,
    hotForMs: 0,
    quietEveryMs: 0,
    hostBudget: Number.POSITIVE_INFINITY,
    hostConcurrency: settings.concurrency,
    maxBackoffMs: 0,
    maxHoldMs: 0,
  };
}

/** What planning needs to know about a cluster. */
export interface PaceTarget {
  id: string;
  /** The origin its API is reached at (its budget and its 429s are shared with that host). */
  host: string;
  pace?: PaceRecord;
}

export type Waiting = 'quiet' | 'held';

export interface PassPlan<T> {
  /** Due this pass, in the order their polls should start. */
  due: T[];
  /** Not due: quiet until their slot comes, or held by a server's wait or a backoff. */
  waiting: { item: T; why: Waiting; until?: number }[];
  /** Hosts asked to wait (429), and until when: the pass sends them nothing. */
  hostHolds: Map<string, number>;
}

export interface PlanOptions {
  now: number;
  policy: PacePolicy;
  /** Clusters an open alert names, and until when that counts (from the background). */
  alerted?: ReadonlyMap<string, number>;
  /** The user asked for a poll now: quiet clusters are due too (holds still apply). */
  eager?: boolean;
}

export const originOf = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
};

/** A hold still in force at `now`; a hold further ahead than the policy allows was set by a clock that moved. */
function activeHold(pace: PaceRecord | undefined, now: number, policy: Pick<PacePolicy, 'maxHoldMs'>) {
  const hold = pace?.hold;
  if (!hold || hold.until <= now || hold.until - now > policy.maxHoldMs) return undefined;
  return hold;
}

/** The hosts a 429 still holds, from the clusters' records: the latest wait per host. */
export function hostHolds(
  targets: readonly PaceTarget[],
  now: number,
  policy: Pick<PacePolicy, 'maxHoldMs'>,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of targets) {
    const hold = activeHold(t.pace, now, policy);
    if (hold?.host) out.set(t.host, Math.max(out.get(t.host) ?? 0, hold.until));
  }
  return out;
}

/** A quiet cluster's phase within the quiet period: spread by its id, the same every pass. */
function phaseOf(id: string, period: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h % Math.max(1, Math.round(period));
}

export const isHot = (pace: PaceRecord | undefined, now: number, hotForMs: number): boolean =>
  pace?.lastChange !== undefined && pace.lastChange <= now && now - pace.lastChange < hotForMs;

/** Whether a quiet cluster's slot has come: its period's boundary (shifted by its phase) passed since its last poll. */
function quietDue(t: PaceTarget, pace: PaceRecord, now: number, policy: PacePolicy): boolean {
  const period = policy.quietEveryMs;
  if (period <= 0) return true;
  const phase = phaseOf(t.id, period);
  // Half a pass of slack, on both ends: alarms do not fire to the millisecond, and a pass that
  // starts a little early must not push a cluster a whole pass later.
  const slot = (at: number) => Math.floor((at + policy.passMs / 2 + phase) / period);
  return slot(now) > slot(pace.lastTry);
}

const RANK = { new: 0, alerted: 1, hot: 2, quiet: 3 } as const;

/** Which clusters this pass polls, and in which order (see the top of this file). */
export function planPass<T>(items: readonly T[], view: (item: T) => PaceTarget, o: PlanOptions): PassPlan<T> {
  const { now, policy } = o;
  const targets = items.map(view);
  const held = hostHolds(targets, now, policy);
  const due: { item: T; rank: number; lastTry: number }[] = [];
  const waiting: PassPlan<T>['waiting'] = [];
  items.forEach((item, i) => {
    const t = targets[i] as PaceTarget;
    const pace = t.pace;
    const hostUntil = held.get(t.host);
    const hold = activeHold(pace, now, policy);
    if (hostUntil !== undefined || hold) {
      waiting.push({ item, why: 'held', until: Math.max(hostUntil ?? 0, hold?.until ?? 0) });
      return;
    }
    // Never polled, or a clock set back past the last poll: ask now.
    if (!pace || pace.lastTry > now) {
      due.push({ item, rank: RANK.new, lastTry: Number.NEGATIVE_INFINITY });
      return;
    }
    const alerted = (o.alerted?.get(t.id) ?? 0) > now;
    const rank = alerted ? RANK.alerted : isHot(pace, now, policy.hotForMs) ? RANK.hot : RANK.quiet;
    if (rank === RANK.quiet && !o.eager && !quietDue(t, pace, now, policy)) {
      waiting.push({ item, why: 'quiet' });
      return;
    }
    due.push({ item, rank, lastTry: pace.lastTry });
  });
  due.sort((a, b) => a.rank - b.rank || a.lastTry - b.lastTry);
  return { due: due.map((d) => d.item), waiting, hostHolds: held };
}

/** One poll's outcome, as the watcher reports it. */
export interface PollOutcome {
  /** When the poll started, and when its answer (or failure) came. */
  startedAt: number;
  at: number;
  status: PollStatus;
  httpStatus?: number;
  /** The server's Retry-After (ms), when it sent one. */
  retryAfterMs?: number;
  /** Changes the poll recorded. */
  changes: number;
  /** The alert that made it due, if one did: until when it counts. */
  alertedUntil?: number;
}

/** The backoff after `failures` 5xx answers in a row: one pass, doubling, capped; jittered into its upper half. */
export function backoffMs(failures: number, policy: PacePolicy, random: () => number): number {
  const base = Math.min(policy.maxBackoffMs, policy.passMs * 2 ** Math.max(0, failures - 1));
  return base / 2 + (base / 2) * random();
}

/** The record after one poll (see the top of this file for what each outcome does). */
export function paceAfter(
  prev: PaceRecord | undefined,
  outcome: PollOutcome,
  policy: PacePolicy,
  random: () => number = Math.random,
): PaceRecord {
  const next: PaceRecord = {
    lastTry: outcome.startedAt,
    passMs: policy.passMs,
    quietMs: policy.quietEveryMs,
    hotForMs: policy.hotForMs,
  };
  const lastChange = outcome.changes > 0 ? outcome.at : prev?.lastChange;
  if (lastChange !== undefined) next.lastChange = lastChange;
  const alertedUntil = Math.max(outcome.alertedUntil ?? 0, prev?.alertedUntil ?? 0);
  if (alertedUntil > outcome.at) next.alertedUntil = alertedUntil;
  const status = outcome.httpStatus;
  const refused = status === 429 || (status !== undefined && status >= 500 && status < 600);
  if (outcome.status === 'ok' || !refused) return next;
  const failures = (prev?.failures ?? 0) + 1;
  next.failures = failures;
  const wait = outcome.retryAfterMs ?? backoffMs(failures, policy, random);
  next.hold = {
    until: outcome.at + Math.min(policy.maxHoldMs, wait),
    status,
    ...(status === 429 ? { host: true } : {}),
  };
  return next;
}

/**
 * The pace of one cluster in words, for the popup's column header: "polled every pass (a change
 * 3 min ago)", "polled every 10 min (quiet)", "backing off after 429 until 14:05". `hostUntil` is
 * a 429 another cluster of the same host received.
 */
export function describePace(
  pace: PaceRecord | undefined,
  now: number,
  hostUntil?: number,
): string | undefined {
  if (!pace) return undefined;
  const hold = pace.hold && pace.hold.until > now ? pace.hold : undefined;
  if (hold) return `backing off after ${hold.status} until ${shortTime(hold.until, now)}`;
  if (hostUntil !== undefined && hostUntil > now)
    return `backing off after 429 from its host until ${shortTime(hostUntil, now)}`;
  if ((pace.alertedUntil ?? 0) > now) return 'polled every pass (an open alert names it)';
  if (isHot(pace, now, pace.hotForMs))
    return `polled every pass (changed at ${shortTime(pace.lastChange as number, now)})`;
  return pace.quietMs > pace.passMs ? `polled every ${minutes(pace.quietMs)} (quiet)` : 'polled every pass';
}

const minutes = (ms: number) => {
  const m = Math.round(ms / MINUTE);
  return m === 1 ? 'minute' : `${m} min`;
};

/**
 * Whether a cluster not polled lately is only waiting for its turn (quiet, or held by a server's
 * wait) rather than unseen for no reason: the grid must not call that "could not see".
 */
export function awaitingTurn(pace: PaceRecord | undefined, lastOkPoll: number, now: number): boolean {
  if (!pace) return false;
  if (pace.hold && pace.hold.until > now) return true;
  return now >= lastOkPoll && now - lastOkPoll <= Math.max(pace.quietMs, pace.passMs) + pace.passMs;
}

/** The 429 holds of every host, from stored cluster records (before discovery, and in the popup). */
export function storedHostHolds(
  clusters: readonly Pick<Cluster, 'id' | 'apiBase' | 'pace'>[],
  now: number,
  policy: Pick<PacePolicy, 'maxHoldMs'>,
): Map<string, number> {
  return hostHolds(
    clusters.map((c) => ({ id: c.id, host: originOf(c.apiBase), ...(c.pace ? { pace: c.pace } : {}) })),
    now,
    policy,
  );
}

// ---------------------------------------------------------------------------------------------
// Clusters named by alerts open on pages

/** How long an alert page's mention keeps a cluster hot after its last request. */
export const ALERTED_FOR_MS = 10 * MINUTE;

/**
 * The clusters the background has recently seen named by alerts on pages (answers to the page
 * integrations' `correlate` requests). In memory only: a restarted background forgets them, and
 * the page asks again within a minute.
 */
export class AlertedClusters {
  private readonly until = new Map<string, number>();

  note(ids: Iterable<string>, now: number, forMs = ALERTED_FOR_MS): void {
    for (const id of ids) this.until.set(id, Math.max(this.until.get(id) ?? 0, now + forMs));
  }

  current(now: number): Map<string, number> {
    for (const [id, until] of this.until) if (until <= now) this.until.delete(id);
    return new Map(this.until);
  }
}

/**
 * The clusters an answer to a page's `correlate` request names for its alerts (not for console
 * rows: a console page is not an incident). Read defensively: it is only a hint.
 */
export function clustersNamedByAlerts(answer: unknown): string[] {
  const results = (answer as { results?: unknown })?.results;
  if (!Array.isArray(results)) return [];
  const out = new Set<string>();
  for (const r of results) {
    if (r?.mode !== 'alert' || r.watched !== true) continue;
    for (const c of Array.isArray(r.looked?.clusters) ? r.looked.clusters : []) {
      if (typeof c?.id === 'string') out.add(c.id);
    }
  }
  return [...out];
}

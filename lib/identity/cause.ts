/**
 * Cause across sources: the Argo CD sync that caused a Kubernetes change. When carol syncs `cart`
 * in Argo CD, the Deployment's image is changed by the Argo CD controller, and the Kubernetes API
 * names only the controller's client name (`argocd-controller`). The Application's change records
 * the sync (who started it, when it ran, what revision). Read together, the two are one change:
 * carol's, via the Argo CD sync of `cart` — with both views (README "Cause across sources").
 *
 * The rule. A Kubernetes change K is caused by the sync recorded on an Argo CD change S when all of:
 *
 * 1. K was made by the Argo CD controller: its actor is the client name the newest managedFields
 *    entry gives (`via` managedFields, not stale), and that name is Argo CD's field manager —
 *    `argocd-controller` (server-side apply, `ArgoCDSSAManager` in Argo CD's common package) or
 *    `argocd-application-controller` (the controller's own name, which client-side apply records).
 *    A hand edit (`kubectl-edit`, a console) in the same minutes keeps its own actor.
 * 2. K's job is managed by S's Application: K's `argoApp` (the job's tracking annotation or
 *    instance label) is the Application's name (`SyncOp.app`).
 * 3. Same cluster: S's destination and K's cluster are one cluster identity
 *    (lib/identity/clusters.ts; the caller says, through `identityOf`). The same app name
 *    deploying to another server is another identity, and does not join.
 * 4. K happened while S ran. Both are put on the browser's clock and compared as closed intervals:
 *    - S ran within [startedAt − u, finishedAt + 1 s + u] (times have whole seconds, truncated),
 *      read through S's `clockOffsetMs`; a sync still running when it was seen (no finishedAt)
 *      runs until that poll's end as far as is known — the later change that sees it finished
 *      carries the rest;
 *    - K is known within [t − u, t + 1 s + u] for its reported time t (read through K's
 *      `clockOffsetMs`), narrowed to its poll window [windowStart, windowEnd] when the two
 *      overlap; without a reported time, within its window;
 *    - u, the clock's uncertainty: 0.5 s where an offset was measured and kept (lib/diff.ts keeps
 *      it from 2 s up), else 2 s (a smaller offset is not kept on the change, or none was
 *      measured).
 *    They overlap when K's start ≤ S's end and S's start ≤ K's end.
 * 5. The revision: compared where both records say one. No Kubernetes workload records the Git
 *    revision it was applied from (the tracking id names the app and the resource, not the
 *    revision), so in practice the sync's revision is the one shown, never contradicted.
 *
 * Several syncs fit (a running one and the same one seen finished, back-to-back syncs): the one
 * seen finished first, then the one that started last (the latest before K), then by id.
 *
 * A home-grown manager's deploy. A manager that stamps the id of its deploy on the workloads it
 * applies (an annotation the Kubernetes/Rancher source's `deployIdAnnotation` names) and reports
 * it on its own job (the generic source's `deployId` mapping) gives a sharper rule than a time
 * window. A Kubernetes change K is caused by the manager's job change M when all of:
 *
 * 1. K moved the stamp: the workload carried another id, or none, before K and D after
 *    (`Change.deployStamp`, lib/diff.ts). A later hand edit leaves the stamp standing, so it is
 *    never traced to the deploy, whoever made it — the id says which write was the deploy's.
 * 2. M's deploy id became D in M (`Change.deploy`): the manager's record of the deploy.
 * 3. Same cluster identity, as for a sync: the same id in another cluster is another deploy's
 *    write (or a copied manifest), and does not join.
 * No time is compared: the id names the deploy, and either record may be polled first. A change
 * that stamped an id is judged by this rule alone (never as an Argo CD controller write). Several
 * of the manager's changes with id D in one place (a deploy of several jobs): the latest, then by
 * id — K is traced to one of them, and the others stay items of their own.
 *
 * The result is one change with two views: K with the sync's actor (Argo CD's auto-sync is
 * "Argo CD auto-sync", not a person), the sync itself (`cause.operation`: the Application's change, its
 * revision and link) and K's own actor kept as the direct one (`cause.direct`); for a deploy, the
 * manager's actor ("alice, via Forge deploy d-1234"), M as the second view, K's own as the direct.
 * Joined on reading, never stored (lib/store/changes.ts), so it holds whichever record arrived
 * first, and a wrong guess is never written into history.
 *
 * Counting. Where changes are listed, `joinCauses` makes the pair one item. The grid paints from
 * aggregates, not changes: each cell's aggregate keeps its halves of possible pairs
 * (`causeMarkOf`, lib/aggregate.ts `causes`; a deploy's halves are marked `deploy` and name its
 * id), and `pairsSince` over the aggregates of the cells a merged cell is made of (a service's
 * jobs in one cluster identity) says how many to subtract from the sum of their counts — the same
 * rule and the same preference, so the count is what the detail lists.
 */
import type { CauseMark } from '../aggregate';
import { CLOCK_NOTE_MS, CLOCK_OFFSET_PRECISION_MS, REPORTED_TIME_PRECISION_MS } from '../diff';
import type { Actor, Change, Cluster } from '../model';
import { clusterIdentities, type IdentityRules } from './clusters';

/** Argo CD's field managers: server-side apply's, and the controller's own name (client-side apply). */
export const ARGOCD_MANAGERS: ReadonlySet<string> = new Set([
  'argocd-controller',
  'argocd-application-controller',
]);

/** What Argo CD's own auto-sync is called where a person's name would be. */
export const AUTO_SYNC_ACTOR = 'Argo CD auto-sync';

/** A cluster id → its identity's id (lib/identity/clusters.ts); undefined: not known. */
export type IdentityOf = (clusterId: string) => string | undefined;

/** A closed interval on the browser's clock (epoch ms). */
export type Span = readonly [number, number];

/** Rule 1: the change was written by the Argo CD controller, as managedFields says. */
export function byArgoController(change: Change): boolean {
  const actor = change.cause?.direct ?? change.actor;
  return (
    actor !== undefined &&
    actor.kind === 'client' &&
    actor.via === 'managedFields' &&
    !change.actorStale &&
    ARGOCD_MANAGERS.has(actor.name)
  );
}

/** How far a time read through the change's clock offset may be off: see the top of this file. */
const clockDoubt = (c: Pick<Change, 'clockOffsetMs'>): number =>
  c.clockOffsetMs !== undefined ? CLOCK_OFFSET_PRECISION_MS : CLOCK_NOTE_MS;

/** When a Kubernetes change is known to have happened (rule 4). */
export function knownSpan(c: Change): Span {
  if (c.reportedAt === undefined || c.actorStale) return [c.windowStart, c.windowEnd];
  const t = c.reportedAt - (c.clockOffsetMs ?? 0);
  const u = clockDoubt(c);
  const lo = t - u;
  const hi = t + REPORTED_TIME_PRECISION_MS + u;
  // Within its poll window too, where the two agree (a clock set back can make them disagree).
  if (lo <= c.windowEnd && c.windowStart <= hi)
    return [Math.max(lo, c.windowStart), Math.min(hi, c.windowEnd)];
  return [lo, hi];
}

/** When a sync ran (rule 4); undefined for a change that records no sync. */
export function syncSpan(s: Change): Span | undefined {
  const sync = s.sync;
  if (!sync) return undefined;
  const offset = s.clockOffsetMs ?? 0;
  const u = clockDoubt(s);
  const lo = sync.startedAt - offset - u;
  const hi =
    sync.finishedAt !== undefined ? sync.finishedAt - offset + REPORTED_TIME_PRECISION_MS + u : s.windowEnd;
  return [lo, hi];
}

const overlaps = (a: Span, b: Span): boolean => a[0] <= b[1] && b[0] <= a[1];

/** Whether the two are in one known cluster identity (rule 3 of both rules). */
function samePlace(k: Change, s: Change, identityOf: IdentityOf): boolean {
  const here = identityOf(k.clusterId);
  return here !== undefined && here === identityOf(s.clusterId);
}

/** Whether the manager's deploy recorded on `m` caused `k`, by the deploy-id rule at the top of this file. */
export function deployedBy(k: Change, m: Change, identityOf: IdentityOf): boolean {
  return k.deployStamp !== undefined && m.deploy === k.deployStamp && m !== k && samePlace(k, m, identityOf);
}

/** Whether the operation recorded on `s` (a sync, or a manager's deploy) caused `k`, by the rules at the top of this file. */
export function causedBy(k: Change, s: Change, identityOf: IdentityOf): boolean {
  // A change that stamped a deploy id is that deploy's write, or nothing's (as its cause mark says).
  if (k.deployStamp !== undefined) return deployedBy(k, s, identityOf);
  if (!s.sync || !k.argoApp || k.argoApp !== s.sync.app) return false;
  if (!byArgoController(k)) return false;
  if (!samePlace(k, s, identityOf)) return false;
  const span = syncSpan(s);
  return span !== undefined && overlaps(knownSpan(k), span);
}

/** Of the syncs (or deploys) that fit, the one to name (see the top of this file). */
function preferred(a: Change, b: Change): Change {
  // A deploy id names its write; a time window only makes it likely.
  if ((a.deploy !== undefined) !== (b.deploy !== undefined)) return a.deploy !== undefined ? a : b;
  if (a.deploy !== undefined) return a.at !== b.at ? (a.at > b.at ? a : b) : a.id <= b.id ? a : b;
  const fa = a.sync?.finishedAt !== undefined;
  const fb = b.sync?.finishedAt !== undefined;
  if (fa !== fb) return fa ? a : b;
  const sa = a.sync?.startedAt ?? 0;
  const sb = b.sync?.startedAt ?? 0;
  if (sa !== sb) return sa > sb ? a : b;
  return a.id <= b.id ? a : b;
}

/** The same preference over cause marks (a mark's `lo` orders as its sync's startedAt, a deploy's as its `at`). */
function preferredMark(a: CauseMark, b: CauseMark): CauseMark {
  if (!a.deploy !== !b.deploy) return a.deploy ? a : b;
  if (!a.running !== !b.running) return a.running ? b : a;
  if (a.lo !== b.lo) return a.lo > b.lo ? a : b;
  return a.at <= b.at ? a : b;
}

/** The sync among `syncs` that caused `k`, if any. */
export function causeOf(k: Change, syncs: readonly Change[], identityOf: IdentityOf): Change | undefined {
  let best: Change | undefined;
  for (const s of syncs) if (causedBy(k, s, identityOf)) best = best ? preferred(best, s) : s;
  return best;
}

/** Who a joined change is headed by: the sync's initiator (Argo CD's auto-sync by that name), the deploy's actor. */
export function syncActor(s: Change): Actor | undefined {
  const a = s.actor;
  if (!a) return undefined;
  if (!s.sync) return a;
  if (a.kind === 'automation' && a.name === 'automated') {
    return { name: AUTO_SYNC_ACTOR, kind: 'automation', ...(a.via ? { via: a.via } : {}) };
  }
  return a;
}

/** `k` read with the sync that caused it: the sync's actor at its head, its own kept as the direct one. */
export function withCause(k: Change, s: Change): Change {
  const { actor: direct, ...rest } = k;
  const actor = syncActor(s);
  return {
    ...rest,
    ...(actor ? { actor } : {}),
    cause: { operation: s, ...(direct ? { direct } : {}) },
  };
}

/** A change that records an operation other changes may be traced to: a sync, or a manager's deploy. */
export const isOperation = (c: Change): boolean => c.sync !== undefined || c.deploy !== undefined;

/**
 * Changes as they are shown: each Kubernetes change a sync caused joined with it, and each sync
 * that caused one of them left out as an item of its own (it is in the joined one's second view).
 * `candidates` are further syncs to look in (read for the purpose; never listed themselves).
 * Order is kept. A sync that caused several changes (a Deployment and a StatefulSet) is the
 * second view of each.
 */
export function joinCauses(
  changes: readonly Change[],
  identityOf: IdentityOf,
  candidates: readonly Change[] = [],
): Change[] {
  const syncs = [...changes, ...candidates].filter(isOperation);
  if (syncs.length === 0) return [...changes];
  const absorbed = new Set<string>();
  const joined = changes.map((c) => {
    if (c.sync || c.deploy || c.cause || (!c.argoApp && !c.deployStamp)) return c;
    const s = causeOf(c, syncs, identityOf);
    if (!s) return c;
    absorbed.add(s.id);
    return withCause(c, s);
  });
  return joined.filter((c) => !(isOperation(c) && absorbed.has(c.id)));
}

/**
 * A change's half of a possible pair, for the cell's aggregate (lib/aggregate.ts): a sync, or a
 * write of the Argo CD controller to a job an Application manages; a manager's deploy, or a
 * Kubernetes change that stamped a deploy id (marked `deploy`; a stamp wins over a controller
 * write, should one change be both); undefined for anything else.
 */
export function causeMarkOf(c: Change): CauseMark | undefined {
  // A deploy's halves name its id; the span is unused (no time is compared).
  if (c.deploy !== undefined) return { at: c.at, app: c.deploy, lo: c.at, hi: c.at, sync: 1, deploy: 1 };
  if (c.deployStamp !== undefined && !c.sync)
    return { at: c.at, app: c.deployStamp, lo: c.at, hi: c.at, deploy: 1 };
  const span = syncSpan(c);
  if (span && c.sync) {
    const mark: CauseMark = { at: c.at, app: c.sync.app, lo: span[0], hi: span[1], sync: 1 };
    if (c.sync.finishedAt === undefined) mark.running = 1;
    return mark;
  }
  if (!c.argoApp || !byArgoController(c)) return undefined;
  const [lo, hi] = knownSpan(c);
  return { at: c.at, app: c.argoApp, lo, hi };
}

/**
 * How many pairs the cells of one place hold among their changes at or after `since`: what a cell
 * that merges several jobs of one cluster identity (an Application and the Deployments it
 * manages: a service row) subtracts from the sum of its parts' counts, so that a sync and the
 * change it caused count once — as `joinCauses` lists them. The parts must all be one cluster
 * identity (a grid column); marks of history stored before cause marks existed are not there.
 */
export function pairsSince(aggs: readonly { causes?: readonly CauseMark[] }[], since: number): number {
  const marks = aggs.flatMap((a) => a.causes ?? []).filter((m) => m.at >= since);
  const syncs = marks.filter((m) => m.sync);
  if (syncs.length === 0) return 0;
  const absorbed = new Set<CauseMark>();
  for (const w of marks) {
    if (w.sync) continue;
    let best: CauseMark | undefined;
    for (const s of syncs)
      if (s.app === w.app && !s.deploy === !w.deploy && (w.deploy || (w.lo <= s.hi && s.lo <= w.hi)))
        best = best ? preferredMark(best, s) : s;
    if (best) absorbed.add(best);
  }
  return absorbed.size;
}

/** `joinCauses` over every cluster Tattler knows, made one by the identity rules (settings). */
export function joinAcross(
  changes: readonly Change[],
  clusters: readonly Cluster[],
  rules: IdentityRules,
  candidates: readonly Change[] = [],
): Change[] {
  if (!changes.some(isOperation) && candidates.length === 0) return [...changes];
  const { byCluster } = clusterIdentities(clusters, rules);
  return joinCauses(changes, (id) => byCluster.get(id)?.id, candidates);
}

/**
 * How many items a set of changes shows: a sync and the change it caused count once. What a
 * cell that holds both an Application's and its Deployment's changes (a service row in one cluster
 * identity) counts, and what its detail lists.
 */
export const countOnce = (changes: readonly Change[], identityOf: IdentityOf): number =>
  joinCauses(changes, identityOf).length;

/**
 * The time range in which operations that could have caused these changes were recorded (a sync
 * that started before the change's window; a manager's deploy polled a little before or after),
 * for reading them: undefined when none of them could have one.
 */
export function syncLookup(changes: readonly Change[], maxSyncMs = 30 * 60_000): Span | undefined {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const c of changes) {
    const stamped = c.deployStamp !== undefined;
    if (!stamped && (!c.argoApp || !byArgoController(c))) continue;
    const [a, b] = stamped ? [c.windowStart, c.windowEnd] : knownSpan(c);
    lo = Math.min(lo, a - maxSyncMs);
    hi = Math.max(hi, b + maxSyncMs);
  }
  return lo <= hi ? [lo, hi] : undefined;
}

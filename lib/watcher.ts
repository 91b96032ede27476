/**
 * One pass: discover → poll every cluster (bounded concurrency, a timeout per request) → confirm
 * disappearances → diff → commit each cluster in one transaction. Only a complete, ok poll
 * produces changes; every other outcome is recorded as a gap in coverage. Clusters that leave
 * discovery are marked gone — their jobs are never reported deleted because of it.
 *
 * Passes cannot corrupt each other's record:
 * - every cluster's failure (network, adapter, storage) is caught and recorded as its outcome,
 *   and the pass returns only when every cluster it started has finished;
 * - a commit re-reads the cluster inside its transaction and is dropped when a newer poll was
 *   committed meanwhile: a slow, old poll never writes an older state over a newer one;
 * - a change whose id is already stored is refused (the transaction fails): ids come from what
 *   was observed (lib/diff.ts), so that can only be a bug, and it must not pass silently.
 */
import { type ClockBook, withClockBook } from './clock-offset';
import { recordPoll } from './coverage';
import type { TattlerDb } from './db';
import { compileIgnore, type Disappearance, diffCluster } from './diff';
import { createHostGate, type HostGate } from './host-gate';
import { type Http, PollError } from './http';
import type { PassSummary } from './messages';
import {
  type Change,
  type Cluster,
  type DiscoveredCluster,
  discoveryTarget,
  type JobLinks,
  type JobSnapshot,
  jobKeyOf,
  type PollStatus,
} from './model';
import {
  originOf,
  type PacePolicy,
  type PollOutcome,
  paceAfter,
  pacePolicy,
  planPass,
  storedHostHolds,
} from './pace';
import { mapPool } from './pool';
import { carryRevision, jobsWantingHistory } from './recover/ask';
import { recoverBaseline } from './recover/merge';
import type { Settings, SourceSettings } from './settings';
import type { PollContext, PollOk, SourceAdapter } from './sources/types';
import { describeStorageError } from './storage-errors';
import { rebuildGrid } from './store/grid';
import { recordChanges } from './store/record';
import {
  type ClusterState,
  emptyState,
  loadSnapshots,
  refreshLinks,
  replaceSnapshots,
  rowKeyOfJob,
  storeSnapshots,
} from './store/state';

export interface WatcherDeps {
  db: TattlerDb;
  settings: Settings;
  http: Http;
  adapterFor: (type: SourceSettings['type']) => SourceAdapter;
  now?: () => number;
  /** Whether the browser lets Tattler read an origin; absent means yes (tests, Node). */
  canRead?: (origin: string) => Promise<boolean>;
  log?: (line: string) => void;
  /** Per-source secrets (lib/secrets.ts: the Nomad token), by source id. Never stored with data. */
  secrets?: Readonly<Record<string, string>>;
  /** Called after each cluster's commit; the background renews its lease here. */
  onClusterDone?: () => Promise<void> | void;
  /** Clusters an alert open on a page names, and until when (lib/pace.ts): polled every pass. */
  alerted?: ReadonlyMap<string, number>;
  /** The user asked for this pass: quiet clusters are polled too (holds and budgets still apply). */
  eager?: boolean;
  /** The pace (lib/pace.ts); from settings when absent. */
  pace?: PacePolicy;
  /** Jitter for backoffs; tests fix it. */
  random?: () => number;
}

interface Target {
  source: SourceSettings;
  cluster: Cluster;
}

/** What the pass's steps share: the caller's deps with this pass's measuring Http, clock and pace. */
interface PassDeps extends WatcherDeps {
  http: Http;
  book: ClockBook;
  now: () => number;
  pace: PacePolicy;
  gate: HostGate;
  /** Some commit changed what the grid shows (jobs, marks, changes): rebuild it at the end. */
  gridDirty: boolean;
}

/** A storage failure is the pass's news, not only a cluster's: the popup says so (summary.storage). */
function noteStorageFailure(deps: WatcherDeps, summary: PassSummary, error: unknown): string {
  const message = `history could not be written: ${describeStorageError(error)}`;
  summary.storageError ??= message;
  deps.log?.(message);
  return message;
}

/** What a source's owner filter and kinds ask for; a different answer means a new baseline. */
export function baselineKeyOf(source: SourceSettings): string {
  const { owner, kinds, type } = source;
  return JSON.stringify([
    type,
    owner.labelSelector ?? '',
    [...owner.namespaces].sort(),
    owner.namePattern ?? '',
    [...kinds].sort(),
  ]);
}

const emptySummary = (startedAt: number): PassSummary => ({
  startedAt,
  finishedAt: startedAt,
  clusters: { ok: 0, auth: 0, unreachable: 0, error: 0, partial: 0, gone: 0 },
  changes: 0,
  bytes: 0,
  logins: [],
});

export async function runPass(deps: WatcherDeps): Promise<PassSummary> {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => {});
  const summary = emptySummary(now());
  const sources = deps.settings.sources.filter((s) => s.enabled);

  // Hosts that asked to wait (429) are asked nothing this pass, discovery included.
  const pace = deps.pace ?? pacePolicy(deps.settings);
  let holds = new Map<string, number>();
  try {
    holds = storedHostHolds(await deps.db.clusters.toArray(), summary.startedAt, pace);
  } catch (error) {
    noteStorageFailure(deps, summary, error);
  }
  const gate = createHostGate(deps.http, { policy: pace, holds, now });
  // One measuring Http for the pass: reported times are judged by each cluster's clock.
  const { http, book } = withClockBook(gate.http, now);
  const pass: PassDeps = { ...deps, http, book, now, pace, gate, gridDirty: false };

  try {
    await retireClustersOfRemovedSources(deps.db, deps.settings, summary.startedAt);
  } catch (error) {
    noteStorageFailure(pass, summary, error);
  }

  const targets: Target[] = [];
  for (const source of sources) {
    try {
      const clusters = await discover(pass, source, summary);
      for (const cluster of clusters) targets.push({ source, cluster });
    } catch (error) {
      // Only storage can fail here (discovery's own failures are outcomes): the source's clusters
      // cannot be known this pass, and nothing about them is written.
      noteStorageFailure(pass, summary, error);
    }
  }
  try {
    summary.clusters.gone = await deps.db.clusters.filter((c) => c.goneSince !== undefined).count();
  } catch (error) {
    noteStorageFailure(pass, summary, error);
  }

  // Which clusters this pass asks about, most urgent first (lib/pace.ts): the rest are not due,
  // which is not a gap in coverage — their next poll's window starts at their last good one.
  const plan = planPass(
    targets,
    (t) => ({
      id: t.cluster.id,
      host: originOf(t.cluster.apiBase),
      ...(t.cluster.pace ? { pace: t.cluster.pace } : {}),
    }),
    {
      now: summary.startedAt,
      policy: pace,
      ...(deps.alerted ? { alerted: deps.alerted } : {}),
      ...(deps.eager ? { eager: true } : {}),
    },
  );
  const paced = { quiet: 0, held: 0, overBudget: 0 };
  for (const w of plan.waiting) paced[w.why]++;

  // pollCluster never throws: every outcome, storage failures included, is its status.
  await mapPool(plan.due, deps.settings.concurrency, async (target) => {
    // A host whose budget this pass has spent, or that asked to wait meanwhile: its turn comes later.
    if (!gate.admit(target.cluster.apiBase)) {
      paced[gate.heldUntil(target.cluster.apiBase) !== undefined ? 'held' : 'overBudget']++;
      return;
    }
    const status = await pollCluster(pass, target, summary);
    summary.clusters[status]++;
    await deps.onClusterDone?.();
  });
  if (paced.quiet + paced.held + paced.overBudget > 0) summary.paced = paced;

  if (pass.gridDirty) {
    // The popup paints from one packed record: rebuilt once per pass that moved anything.
    try {
      await rebuildGrid(deps.db, now());
    } catch (error) {
      noteStorageFailure(pass, summary, error);
    }
  }
  summary.finishedAt = now();
  const notAsked = paced.quiet + paced.held + paced.overBudget;
  log(
    `pass: ${targets.length} clusters (${summary.clusters.ok} ok${notAsked ? `, ${notAsked} not asked: ${paced.quiet} quiet, ${paced.held} held, ${paced.overBudget} over budget` : ''}), ${summary.changes} changes, ${summary.bytes} bytes in ${summary.finishedAt - summary.startedAt} ms`,
  );
  return summary;
}

/** Merges discovery with the static list and what the database remembers. */
async function discover(deps: PassDeps, source: SourceSettings, summary: PassSummary): Promise<Cluster[]> {
  const now = (deps.now ?? Date.now)();
  const { db } = deps;
  const statics: DiscoveredCluster[] = source.clusters.map((c) => ({
    nativeId: c.id,
    name: c.name ?? c.id,
    apiBase: c.apiBase,
    ...(c.group ? { group: c.group } : {}),
  }));

  let discovered: DiscoveredCluster[] | undefined;
  // A host that asked to wait is not asked for its clusters either: the remembered ones stand.
  const held = source.baseUrl ? deps.gate.heldUntil(source.baseUrl) : undefined;
  if (source.discovery && source.type !== 'kubernetes' && held === undefined) {
    const target = discoveryTarget(source.id);
    try {
      await assertReadable(deps, source.baseUrl ?? '');
      const result = await deps.adapterFor(source.type).discover(deps.http, source);
      discovered = result.clusters;
      summary.bytes += result.bytes;
      await db.transaction('rw', db.polls, () =>
        recordPoll(db, { target, sourceId: source.id, status: 'ok', at: now }),
      );
    } catch (error) {
      const e = asPollError(error);
      deps.log?.(`discovery ${source.id}: ${e.status}: ${e.message}`);
      if (e.loginUrl && e.status === 'auth') summary.logins.push({ sourceId: source.id, url: e.loginUrl });
      await db.transaction('rw', db.polls, () =>
        recordPoll(db, {
          target,
          sourceId: source.id,
          status: e.status,
          at: now,
          message: `discovery: ${e.message}`,
          ...(e.loginUrl ? { loginUrl: e.loginUrl } : {}),
        }),
      );
    }
  }

  return db.transaction('rw', db.clusters, async () => {
    const known = await db.clusters.where('sourceId').equals(source.id).toArray();
    const byNative = new Map(known.map((c) => [c.nativeId, c]));
    const listed = new Map<string, DiscoveredCluster>();
    for (const d of [...(discovered ?? []), ...statics]) listed.set(d.nativeId, d);

    const active: Cluster[] = [];
    for (const d of listed.values()) {
      const prev = byNative.get(d.nativeId);
      const cluster: Cluster = {
        ...(prev ?? { id: `${source.id}/${d.nativeId}`, sourceId: source.id, firstSeen: now }),
        nativeId: d.nativeId,
        name: d.name,
        apiBase: d.apiBase,
        lastSeen: now,
      };
      if (d.group) cluster.group = d.group;
      else delete cluster.group;
      delete cluster.goneSince;
      await db.clusters.put(cluster);
      active.push(cluster);
    }

    if (discovered === undefined) {
      // Discovery failed: we do not know which clusters exist, so none is marked gone; keep
      // polling the ones we remember (their polls will say whether the session is missing).
      for (const c of known) if (!listed.has(c.nativeId) && c.goneSince === undefined) active.push(c);
    } else {
      for (const c of known) {
        if (!listed.has(c.nativeId) && c.goneSince === undefined) {
          await db.clusters.update(c.id, { goneSince: now });
          deps.log?.(`cluster ${c.name} left discovery of ${source.id}: marked gone`);
        }
      }
    }
    return active;
  });
}

async function retireClustersOfRemovedSources(db: TattlerDb, settings: Settings, now: number): Promise<void> {
  const configured = new Set(settings.sources.filter((s) => s.enabled).map((s) => s.id));
  await db.transaction('rw', db.clusters, async () => {
    const orphans = await db.clusters
      .filter((c) => !configured.has(c.sourceId) && c.goneSince === undefined)
      .toArray();
    for (const c of orphans) await db.clusters.update(c.id, { goneSince: now });
  });
}

async function assertReadable(deps: WatcherDeps, url: string): Promise<void> {
  if (!deps.canRead || !url) return;
  const origin = originOf(url);
  if (!(await deps.canRead(origin))) {
    throw new PollError(
      'auth',
      `Tattler has no permission to read ${origin}: grant it in Tattler's options`,
      url,
    );
  }
}

function asPollError(error: unknown): PollError {
  if (error instanceof PollError) return error;
  // A bug in an adapter must not look like an empty cluster: it is an error outcome.
  return new PollError('error', `internal error: ${(error as Error)?.message ?? String(error)}`);
}

/** The owner filter's fingerprint and the measured clock, stored with a committed poll. */
function isBaseline(cluster: Cluster | undefined, baselineKey: string): boolean {
  // The first complete poll of a cluster (or of a changed owner filter) is a baseline: what
  // exists is not news, so it is stored without a flood of "created" changes.
  return cluster?.lastOkPoll === undefined || cluster.baselineKey !== baselineKey;
}

const DAY_MS = 86_400_000;

/** Asking about this many first tells a lying list from a mass deletion without asking about all. */
const CONFIRM_SAMPLE = 3;

/**
 * Asks the API about jobs the list left out. When many vanished at once, a few are asked first:
 * one that is still there proves the list lied, and the rest need not be asked.
 */
async function confirmDisappearance(
  adapter: SourceAdapter,
  ctx: PollContext,
  vanished: readonly JobSnapshot[],
): Promise<Map<string, Disappearance>> {
  if (!adapter.confirmGone || vanished.length === 0) return new Map();
  if (vanished.length <= CONFIRM_SAMPLE) return adapter.confirmGone(ctx, vanished);
  const first = await adapter.confirmGone(ctx, vanished.slice(0, CONFIRM_SAMPLE));
  if ([...first.values()].includes('present')) return first;
  const rest = await adapter.confirmGone(ctx, vanished.slice(CONFIRM_SAMPLE));
  return new Map([...first, ...rest]);
}

async function recordFailure(
  deps: PassDeps,
  target: Target,
  summary: PassSummary,
  at: number,
  e: PollError,
): Promise<PollStatus> {
  const { source, cluster } = target;
  deps.log?.(`poll ${cluster.name}: ${e.status}: ${e.message}`);
  if (e.status === 'auth' && e.loginUrl && !summary.logins.some((l) => l.url === e.loginUrl)) {
    summary.logins.push({ sourceId: source.id, url: e.loginUrl });
  }
  // A server that asked for less (429, 5xx) is left alone for a while: lib/pace.ts.
  const pace = paceOutcome(deps, target, {
    startedAt: at,
    at: deps.now(),
    status: e.status,
    changes: 0,
    ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
  });
  try {
    await deps.db.transaction('rw', [deps.db.polls, deps.db.clusters], async () => {
      await recordPoll(deps.db, {
        target: cluster.id,
        sourceId: source.id,
        status: e.status,
        at,
        message: e.message,
        ...(e.loginUrl ? { loginUrl: e.loginUrl } : {}),
      });
      await deps.db.clusters.update(cluster.id, { pace });
    });
  } catch (error) {
    noteStorageFailure(deps, summary, error);
  }
  return e.status;
}

/** The cluster's pace after this poll's outcome (the alert that made it due, if one did). */
function paceOutcome(deps: PassDeps, { cluster }: Target, outcome: PollOutcome) {
  const alertedUntil = deps.alerted?.get(cluster.id);
  return paceAfter(
    cluster.pace,
    alertedUntil !== undefined && alertedUntil > outcome.startedAt ? { ...outcome, alertedUntil } : outcome,
    deps.pace,
    deps.random,
  );
}

async function pollCluster(deps: PassDeps, target: Target, summary: PassSummary): Promise<PollStatus> {
  const { db, now, book } = deps;
  const { source, cluster } = target;
  const adapter = deps.adapterFor(source.type);
  const startedAt = now();
  const ctx: PollContext = {
    http: deps.http,
    source,
    now: startedAt,
    clusterId: cluster.id,
    clusterName: cluster.name,
    nativeId: cluster.nativeId,
    apiBase: cluster.apiBase,
    ...(deps.secrets?.[source.id] ? { token: deps.secrets[source.id] } : {}),
    ...(cluster.lastOkPoll !== undefined ? { lastOkPoll: cluster.lastOkPoll } : {}),
  };

  const baselineKey = baselineKeyOf(source);
  // What is stored for this cluster: its version tokens tell the adapter what moved (so it reads
  // details only for that), and its jobs are what a list may have left out. One record, read
  // outside the commit: the network in between is more than a transaction can wait for.
  let stored: ClusterState;
  let baseline: boolean;
  try {
    // The cluster record was read by this pass's discovery (its pace and memo with it); the
    // commit re-reads it and drops this poll if another was committed meanwhile.
    baseline = isBaseline(cluster, baselineKey);
    stored = (await db.states.get(cluster.id)) ?? emptyState(cluster.id);
    if (!baseline) {
      ctx.known = new Map(
        Object.entries(stored.jobs).map(([rowKey, mark]) => [jobKeyOf(cluster.id, rowKey), mark.t]),
      );
      // What the adapter remembered is about what it was asked before: a new owner filter starts afresh.
      if (cluster.memo !== undefined) ctx.memo = cluster.memo;
    }
  } catch (error) {
    return recordFailure(deps, target, summary, startedAt, storageFailure(deps, summary, error));
  }

  let jobs: JobSnapshot[];
  let unchanged: Set<string>;
  let unchangedLinks: PollOk['unchangedLinks'];
  let reportedUnchanged: readonly string[];
  let memo: unknown;
  try {
    await assertReadable(deps, cluster.apiBase);
    const result = await adapter.poll(ctx);
    jobs = result.jobs;
    unchanged = new Set(result.unchanged ?? []);
    unchangedLinks = result.unchangedLinks;
    reportedUnchanged = result.unchanged ?? [];
    memo = result.memo;
    summary.bytes += result.bytes;
  } catch (error) {
    return recordFailure(deps, target, summary, startedAt, asPollError(error));
  }
  if (adapter.history) summary.bytes += await readHistory(deps, adapter, ctx, jobs, stored, baseline);

  const listed = new Set([...jobs.map((j) => j.key), ...unchanged]);
  const vanishedRows = baseline
    ? []
    : Object.keys(stored.jobs)
        .filter((rowKey) => !listed.has(jobKeyOf(cluster.id, rowKey)))
        .sort();
  let confirmed: Map<string, Disappearance> = new Map();
  if (vanishedRows.length) {
    let vanished: JobSnapshot[];
    try {
      const snapshots = await loadSnapshots(db, stored, vanishedRows);
      vanished = vanishedRows
        .map((rowKey) => snapshots.get(jobKeyOf(cluster.id, rowKey)))
        .filter((s): s is JobSnapshot => s !== undefined);
    } catch (error) {
      return recordFailure(deps, target, summary, startedAt, storageFailure(deps, summary, error));
    }
    try {
      confirmed = await confirmDisappearance(adapter, ctx, vanished);
    } catch (error) {
      return recordFailure(deps, target, summary, startedAt, asPollError(error));
    }
  }
  const stillThere = [...confirmed].filter(([, answer]) => answer === 'present').map(([key]) => key);
  if (stillThere.length) {
    const example = stillThere[0]?.split('|').slice(1).join('|');
    return recordFailure(
      deps,
      target,
      summary,
      startedAt,
      new PollError(
        'partial',
        `the list left out ${stillThere.length === 1 ? 'a job' : `${stillThere.length} jobs`} that still exist${
          example ? ` (${example})` : ''
        }: nothing recorded from it`,
      ),
    );
  }

  const finishedAt = now();
  const clockOffsetMs = book.offsetFor(cluster.apiBase);
  const ignore = compileIgnore(source.ignoreFields);
  let added: number;
  try {
    added = await db.transaction(
      'rw',
      [db.clusters, db.states, db.snapshots, db.cells, db.log, db.polls],
      async () => {
        const fresh = await db.clusters.get(cluster.id);
        if ((fresh?.commits ?? 0) !== (cluster.commits ?? 0)) {
          // Another poll of this cluster was committed while this one was out (a pass that
          // outlived its worker's lease): what this one saw may be older than what is stored, and
          // writing it would roll the record back. Counting commits, not comparing times: clocks jump.
          deps.log?.(`poll ${cluster.name}: dropped, a newer poll was already recorded`);
          return 0;
        }
        const state = (await db.states.get(cluster.id)) ?? emptyState(cluster.id);
        let changes: Change[] = [];
        let dirty = false;
        if (isBaseline(fresh, baselineKey)) {
          // What exists is not news: stored without a flood of "created". Cells keep their history.
          await replaceSnapshots(db, state, jobs);
          // What the platform still remembers of the days before is, recovered (lib/recover/).
          changes = recoverBaseline(jobs, (rowKey) => state.cells[rowKey] !== undefined, {
            now: finishedAt,
            since: finishedAt - deps.settings.retentionDays * DAY_MS,
            ignore,
            ...(clockOffsetMs !== undefined ? { clockOffsetMs } : {}),
          });
          await recordChanges(db, state, changes);
          dirty = true;
        } else {
          // Jobs given in full with the token already stored did not move either.
          const moved: JobSnapshot[] = [];
          const linksNow: [string, JobLinks | undefined][] = [];
          for (const job of jobs) {
            const rowKey = rowKeyOfJob(cluster.id, job.key);
            const mark = state.jobs[rowKey];
            if (mark && !mark.m && mark.t === job.versionToken && mark.i === job.instance) {
              unchanged.add(job.key);
              linksNow.push([rowKey, job.links]);
            } else moved.push(job);
          }
          if (unchangedLinks)
            for (const key of reportedUnchanged)
              linksNow.push([rowKeyOfJob(cluster.id, key), unchangedLinks.get(key)]);
          // The diff needs the "before" of what moved, vanished, or comes back after a list left it out.
          const needed = new Set<string>();
          for (const job of moved) needed.add(rowKeyOfJob(cluster.id, job.key));
          for (const [rowKey, mark] of Object.entries(state.jobs)) {
            if (mark.m || !listed.has(jobKeyOf(cluster.id, rowKey))) needed.add(rowKey);
          }
          const prev = await loadSnapshots(db, state, needed);
          const lastOk = fresh?.lastOkPoll as number;
          const diff = diffCluster(prev, moved, {
            // A clock set back since the last poll must not make a window end before it starts.
            windowStart: Math.min(lastOk, finishedAt),
            windowEnd: finishedAt,
            ...(lastOk > startedAt ? { clockSetBack: true } : {}),
            ignore,
            confirmed,
            unchanged,
            ...(clockOffsetMs !== undefined ? { clockOffsetMs } : {}),
          });
          changes = diff.changes;
          await storeSnapshots(
            db,
            state,
            diff.put,
            diff.remove.map((key) => rowKeyOfJob(cluster.id, key)),
          );
          await recordChanges(db, state, changes);
          // What unmoved jobs say of their service now (a mark stored before links were read).
          const relinked = refreshLinks(state, linksNow);
          dirty = relinked || diff.put.length > 0 || diff.remove.length > 0 || changes.length > 0;
        }
        // Nothing moved: the state record stays as it is (a steady pass writes no state).
        if (dirty) {
          await db.states.put(state);
          deps.gridDirty = true;
        }
        // The next window starts when this poll started: a change made while the list was being
        // read may or may not be in it, so the windows overlap rather than leave a gap.
        await db.clusters.update(cluster.id, {
          lastOkPoll: startedAt,
          commits: (fresh?.commits ?? 0) + 1,
          baselineKey,
          ...(clockOffsetMs !== undefined ? { clockOffsetMs } : {}),
          // The adapter's memo and the pace live on the cluster record, which every committed poll
          // writes anyway: a steady pass still writes no state record. The memo is remembered with
          // the poll it describes, or not at all (undefined removes an old one).
          memo,
          pace: paceOutcome(deps, target, {
            startedAt,
            at: finishedAt,
            status: 'ok',
            changes: changes.length,
          }),
        });
        await recordPoll(db, { target: cluster.id, sourceId: source.id, status: 'ok', at: startedAt });
        return changes.length;
      },
    );
  } catch (error) {
    // Nothing of this poll was written (the transaction is all or nothing), so the next good
    // poll's window still starts at the last recorded one: nothing is lost, only late.
    return recordFailure(deps, target, summary, startedAt, storageFailure(deps, summary, error));
  }
  summary.changes += added;
  if (added) deps.log?.(`poll ${cluster.name}: ${added} changes`);
  return 'ok';
}

/**
 * Attaches the platform's memory to the jobs worth it (lib/recover/ask.ts), for the adapters where
 * that costs requests. Recovery is a bonus: when it cannot be read, the poll is recorded as it
 * would have been without it (the versions in between stay counted as skipped), and the log says why.
 */
async function readHistory(
  deps: PassDeps,
  adapter: SourceAdapter,
  ctx: PollContext,
  jobs: JobSnapshot[],
  stored: ClusterState,
  baseline: boolean,
): Promise<number> {
  let prev = new Map<string, JobSnapshot>();
  let read: Awaited<ReturnType<NonNullable<SourceAdapter['history']>>> | undefined;
  try {
    // The stored snapshots of the jobs that moved: their revisions say whether one was skipped.
    const moved: string[] = [];
    for (const job of baseline ? [] : jobs) {
      const rowKey = rowKeyOfJob(ctx.clusterId, job.key);
      const mark = stored.jobs[rowKey];
      if (mark && mark.t !== job.versionToken) moved.push(rowKey);
    }
    if (moved.length) prev = await loadSnapshots(deps.db, stored, moved);
    const asked = jobsWantingHistory(jobs, (key) => prev.get(key), baseline);
    if (asked.length && adapter.history) read = await adapter.history(ctx, asked);
  } catch (error) {
    deps.log?.(`poll ${ctx.clusterName}: history not read, nothing recovered: ${asPollError(error).message}`);
  }
  for (const job of jobs) {
    const history = read?.histories.get(job.key);
    if (history) job.history = history;
    // A revision only the history says (a StatefulSet's): from this read, or kept from the last
    // one — also when this read failed, so the next one still knows where it starts.
    const revision = history?.current ?? carryRevision(prev.get(job.key), job);
    if (revision !== undefined) job.revision = revision;
  }
  return read?.bytes ?? 0;
}

function storageFailure(deps: WatcherDeps, summary: PassSummary, error: unknown): PollError {
  return new PollError('error', noteStorageFailure(deps, summary, error));
}

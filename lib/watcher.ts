/**
 * One pass: discover → poll every cluster (bounded concurrency, a timeout per request) → diff →
 * commit each cluster in one transaction. Only a complete, ok poll produces changes; every other
 * outcome is recorded as a gap in coverage. Clusters that leave discovery are marked gone —
 * their jobs are never reported deleted because of it.
 */
import { recordPoll } from './coverage';
import type { TattlerDb } from './db';
import { compileIgnore, diffCluster } from './diff';
import { type Http, PollError } from './http';
import type { PassSummary } from './messages';
import { type Cluster, type DiscoveredCluster, discoveryTarget, type JobSnapshot } from './model';
import { mapPool } from './pool';
import type { Settings, SourceSettings } from './settings';
import type { SourceAdapter } from './sources/types';

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
}

interface Target {
  source: SourceSettings;
  cluster: Cluster;
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

const originOf = (url: string) => new URL(url).origin;

export async function runPass(deps: WatcherDeps): Promise<PassSummary> {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => {});
  const summary = emptySummary(now());
  const sources = deps.settings.sources.filter((s) => s.enabled);

  await retireClustersOfRemovedSources(deps.db, deps.settings, summary.startedAt);

  const targets: Target[] = [];
  for (const source of sources) {
    const clusters = await discover(deps, source, summary);
    for (const cluster of clusters) targets.push({ source, cluster });
  }
  summary.clusters.gone = await deps.db.clusters.filter((c) => c.goneSince !== undefined).count();

  await mapPool(targets, deps.settings.concurrency, async (target) => {
    const status = await pollCluster(deps, target, summary);
    summary.clusters[status]++;
    await deps.onClusterDone?.();
  });

  summary.finishedAt = now();
  log(
    `pass: ${targets.length} clusters (${summary.clusters.ok} ok), ${summary.changes} changes, ${summary.bytes} bytes in ${summary.finishedAt - summary.startedAt} ms`,
  );
  return summary;
}

/** Merges discovery with the static list and what the database remembers. */
async function discover(deps: WatcherDeps, source: SourceSettings, summary: PassSummary): Promise<Cluster[]> {
  const now = (deps.now ?? Date.now)();
  const { db } = deps;
  const statics: DiscoveredCluster[] = source.clusters.map((c) => ({
    nativeId: c.id,
    name: c.name ?? c.id,
    apiBase: c.apiBase,
    ...(c.group ? { group: c.group } : {}),
  }));

  let discovered: DiscoveredCluster[] | undefined;
  if (source.discovery && source.type !== 'kubernetes') {
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

async function pollCluster(deps: WatcherDeps, { source, cluster }: Target, summary: PassSummary) {
  const now = deps.now ?? Date.now;
  const { db } = deps;
  const startedAt = now();
  let jobs: JobSnapshot[];
  try {
    await assertReadable(deps, cluster.apiBase);
    const result = await deps.adapterFor(source.type).poll({
      http: deps.http,
      source,
      now: startedAt,
      clusterId: cluster.id,
      clusterName: cluster.name,
      nativeId: cluster.nativeId,
      apiBase: cluster.apiBase,
      ...(deps.secrets?.[source.id] ? { token: deps.secrets[source.id] } : {}),
      ...(cluster.lastOkPoll !== undefined ? { lastOkPoll: cluster.lastOkPoll } : {}),
    });
    jobs = result.jobs;
    summary.bytes += result.bytes;
  } catch (error) {
    const e = asPollError(error);
    deps.log?.(`poll ${cluster.name}: ${e.status}: ${e.message}`);
    if (e.status === 'auth' && e.loginUrl && !summary.logins.some((l) => l.url === e.loginUrl)) {
      summary.logins.push({ sourceId: source.id, url: e.loginUrl });
    }
    await db.transaction('rw', db.polls, () =>
      recordPoll(db, {
        target: cluster.id,
        sourceId: source.id,
        status: e.status,
        at: startedAt,
        message: e.message,
        ...(e.loginUrl ? { loginUrl: e.loginUrl } : {}),
      }),
    );
    return e.status;
  }

  const finishedAt = now();
  const baselineKey = baselineKeyOf(source);
  const ignore = compileIgnore(source.ignoreFields);
  const added = await db.transaction('rw', [db.clusters, db.jobs, db.changes, db.polls], async () => {
    const fresh = await db.clusters.get(cluster.id);
    const previous = await db.jobs.where('clusterId').equals(cluster.id).toArray();
    const prevMap = new Map(previous.map((j) => [j.key, j]));
    // The first complete poll of a cluster (or of a changed owner filter) is a baseline: what
    // exists is not news, so it is stored without a flood of "created" changes.
    const baseline = fresh?.lastOkPoll === undefined || fresh.baselineKey !== baselineKey;
    const changes = baseline
      ? []
      : diffCluster(prevMap, jobs, {
          windowStart: fresh.lastOkPoll as number,
          windowEnd: finishedAt,
          ignore,
        });

    const currentKeys = new Set(jobs.map((j) => j.key));
    const removed = previous.filter((j) => !currentKeys.has(j.key)).map((j) => j.key);
    if (removed.length) await db.jobs.bulkDelete(removed);
    const moved = jobs.filter((j) => {
      const p = prevMap.get(j.key);
      return !p || p.versionToken !== j.versionToken || p.instance !== j.instance;
    });
    if (moved.length) await db.jobs.bulkPut(moved);
    if (changes.length) await db.changes.bulkPut(changes);
    // The next window starts when this poll started: a change made while the list was being
    // read may or may not be in it, so the windows overlap rather than leave a gap.
    await db.clusters.update(cluster.id, { lastOkPoll: startedAt, baselineKey });
    await recordPoll(db, { target: cluster.id, sourceId: source.id, status: 'ok', at: startedAt });
    return changes.length;
  });
  summary.changes += added;
  if (added) deps.log?.(`poll ${cluster.name}: ${added} changes`);
  return 'ok' as const;
}

/**
 * Each source's state, from the latest poll runs in IndexedDB (lib/coverage.ts latestRuns): did
 * discovery work and if not why, how many clusters answered, and where to log in for the ones
 * that need it. Pure, so it is tested without a database.
 */
import type { Cluster, PollRun, PollStatus } from '../../lib/model';
import { discoveryTarget } from '../../lib/model';

export interface LoginNeeded {
  url: string;
  clusters: string[];
}

export interface SourceHealth {
  /** The latest discovery run, when the source discovers. */
  discovery?: PollRun;
  counts: Record<PollStatus, number>;
  /** Clusters polled at least once (not gone). */
  polled: number;
  logins: LoginNeeded[];
  /** Clusters whose latest poll failed other than for a login, with the message. */
  failures: { cluster: string; status: PollStatus; message: string }[];
  /** When the source was last looked at (the newest run's end). */
  lastAt?: number;
}

const zero = (): Record<PollStatus, number> => ({ ok: 0, auth: 0, unreachable: 0, error: 0, partial: 0 });

export function healthOf(
  sourceId: string,
  runs: ReadonlyMap<string, PollRun>,
  clusters: readonly Cluster[],
): SourceHealth {
  const health: SourceHealth = { counts: zero(), polled: 0, logins: [], failures: [] };
  const discovery = runs.get(discoveryTarget(sourceId));
  if (discovery) {
    health.discovery = discovery;
    health.lastAt = discovery.to;
  }
  if (discovery?.status === 'auth' && discovery.loginUrl) {
    health.logins.push({ url: discovery.loginUrl, clusters: [] });
  }
  const logins = new Map<string, string[]>();
  for (const cluster of clusters) {
    if (cluster.sourceId !== sourceId || cluster.goneSince !== undefined) continue;
    const run = runs.get(cluster.id);
    if (!run) continue;
    health.polled++;
    health.counts[run.status]++;
    health.lastAt = Math.max(health.lastAt ?? 0, run.to);
    if (run.status === 'auth' && run.loginUrl) {
      const list = logins.get(run.loginUrl) ?? [];
      list.push(cluster.name);
      logins.set(run.loginUrl, list);
    } else if (run.status !== 'ok') {
      health.failures.push({ cluster: cluster.name, status: run.status, message: run.message ?? run.status });
    }
  }
  for (const [url, names] of logins) {
    const existing = health.logins.find((l) => l.url === url);
    if (existing) existing.clusters.push(...names);
    else health.logins.push({ url, clusters: names });
  }
  for (const l of health.logins) l.clusters.sort();
  return health;
}

/**
 * The options page's "Test" button: one discovery and one poll of a source, exactly as the
 * watcher would run them, with nothing stored. It answers the two questions a person setting up
 * a source has — "which clusters does it find?" and "which of my jobs does it see?" — or says
 * exactly what failed, with the failure the http layer classified (status, path, login URL).
 *
 * Pure apart from the `Http` it is given: it never touches IndexedDB, settings or `browser.*`,
 * so it runs in an extension page and in Node against a local server alike. Bounded: at most
 * `maxClusters` clusters are polled, a few at a time.
 */

import type { Http } from './http';
import { PollError } from './http';
import type { DiscoveredCluster, JobSnapshot, PollStatus } from './model';
import { mapPool } from './pool';
import type { SourceSettings } from './settings';
import type { SourceAdapter } from './sources/types';

export interface SourceTestOptions {
  /** At most this many clusters are polled (the rest are only listed). Default 5. */
  maxClusters?: number;
  /** How many job names each poll reports as a sample. Default 5. */
  sampleSize?: number;
  /** Polls at once. Default 3. */
  concurrency?: number;
  /** The source's secret (a Nomad ACL token), passed to the adapter as the watcher would. */
  token?: string;
  now?: () => number;
}

/** A failure, as the person needs it: what kind, the exact message, where to log in. */
export interface TestFailure {
  status: Exclude<PollStatus, 'ok'>;
  message: string;
  url?: string;
  loginUrl?: string;
  httpStatus?: number;
}

export interface TestedCluster {
  nativeId: string;
  name: string;
  apiBase: string;
  group?: string;
  /** Listed by hand in the source, rather than found by discovery. */
  static: boolean;
}

export type DiscoveryOutcome =
  | {
      ok: true;
      /** False when the source does not discover (discovery off, or a kubernetes source). */
      ran: boolean;
      clusters: TestedCluster[];
    }
  | {
      ok: false;
      error: TestFailure;
      /** Clusters listed by hand: still polled, as the watcher would. */
      clusters: TestedCluster[];
    };

export type PollOutcome =
  | { cluster: TestedCluster; ok: true; jobs: number; sample: string[]; bytes: number; ms: number }
  | { cluster: TestedCluster; ok: false; error: TestFailure; ms: number };

export interface SourceTestResult {
  discovery: DiscoveryOutcome;
  polls: PollOutcome[];
  /** Clusters found in all (discovered and listed); only the first `maxClusters` are polled. */
  clustersTotal: number;
  /** Clusters not polled because of the bound. */
  notPolled: number;
}

export type AdapterLookup = (type: SourceSettings['type']) => SourceAdapter | undefined;

export function failureOf(error: unknown): TestFailure {
  if (error instanceof PollError) {
    const out: TestFailure = { status: error.status, message: error.message };
    if (error.url) out.url = error.url;
    if (error.loginUrl) out.loginUrl = error.loginUrl;
    if (error.httpStatus !== undefined) out.httpStatus = error.httpStatus;
    return out;
  }
  // A bug in an adapter must read as an error, never as "no jobs".
  return { status: 'error', message: `internal error: ${(error as Error)?.message ?? String(error)}` };
}

/** `Deployment shop/checkout` — what a sample job reads as. */
export const jobLabel = (job: Pick<JobSnapshot, 'kind' | 'namespace' | 'name'>): string =>
  job.namespace ? `${job.kind} ${job.namespace}/${job.name}` : `${job.kind} ${job.name}`;

const staticClusters = (source: SourceSettings): TestedCluster[] =>
  source.clusters.map((c) => ({
    nativeId: c.id,
    name: c.name ?? c.id,
    apiBase: c.apiBase,
    ...(c.group ? { group: c.group } : {}),
    static: true,
  }));

const fromDiscovery = (d: DiscoveredCluster): TestedCluster => ({
  nativeId: d.nativeId,
  name: d.name,
  apiBase: d.apiBase,
  ...(d.group ? { group: d.group } : {}),
  static: false,
});

/** Discovered and hand-listed clusters merged by native id, as the watcher merges them. */
function merge(discovered: TestedCluster[], listed: TestedCluster[]): TestedCluster[] {
  const byId = new Map<string, TestedCluster>();
  for (const c of [...discovered, ...listed]) byId.set(c.nativeId, c);
  return [...byId.values()];
}

export async function testSource(
  source: SourceSettings,
  http: Http,
  adapterFor: AdapterLookup,
  options: SourceTestOptions = {},
): Promise<SourceTestResult> {
  const now = options.now ?? Date.now;
  const maxClusters = Math.max(0, options.maxClusters ?? 5);
  const sampleSize = Math.max(0, options.sampleSize ?? 5);
  const listed = staticClusters(source);

  const adapter = adapterFor(source.type);
  if (!adapter) {
    return {
      discovery: {
        ok: false,
        error: { status: 'error', message: `this version of Tattler cannot read ${source.type} sources yet` },
        clusters: [],
      },
      polls: [],
      clustersTotal: 0,
      notPolled: 0,
    };
  }

  let discovery: DiscoveryOutcome;
  if (source.discovery && source.type !== 'kubernetes') {
    try {
      const found = await adapter.discover(http, source);
      discovery = { ok: true, ran: true, clusters: merge(found.clusters.map(fromDiscovery), listed) };
    } catch (error) {
      discovery = { ok: false, error: failureOf(error), clusters: listed };
    }
  } else {
    discovery = { ok: true, ran: false, clusters: listed };
  }

  const all = discovery.clusters;
  const chosen = all.slice(0, maxClusters);
  const polls = await mapPool(chosen, Math.max(1, options.concurrency ?? 3), async (cluster) =>
    pollOne(adapter, http, source, cluster, now, sampleSize, options.token),
  );
  return { discovery, polls, clustersTotal: all.length, notPolled: all.length - chosen.length };
}

async function pollOne(
  adapter: SourceAdapter,
  http: Http,
  source: SourceSettings,
  cluster: TestedCluster,
  now: () => number,
  sampleSize: number,
  token: string | undefined,
): Promise<PollOutcome> {
  const started = now();
  try {
    const result = await adapter.poll({
      http,
      source,
      now: started,
      clusterId: `${source.id}/${cluster.nativeId}`,
      clusterName: cluster.name,
      nativeId: cluster.nativeId,
      apiBase: cluster.apiBase,
      ...(token ? { token } : {}),
    });
    const sample = result.jobs.map(jobLabel).sort().slice(0, sampleSize);
    return { cluster, ok: true, jobs: result.jobs.length, sample, bytes: result.bytes, ms: now() - started };
  } catch (error) {
    return { cluster, ok: false, error: failureOf(error), ms: now() - started };
  }
}

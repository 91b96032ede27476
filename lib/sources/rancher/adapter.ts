/**
 * Rancher discovery: the clusters a Rancher server manages, read from its Steve API
 * (`GET <rancher>/v1/management.cattle.io.clusters`) with the user's Rancher session. Each
 * cluster's Kubernetes API is then polled through Rancher's proxy at `<rancher>/k8s/clusters/<id>`
 * (see ../kubernetes/adapter.ts); the workload links built from that base live in
 * ../kubernetes/normalize.ts.
 */
import { type Http, PollError } from '../../http';
import type { DiscoveredCluster } from '../../model';
import type { SourceSettings } from '../../settings';
import { confirmKubernetesGone } from '../kubernetes/adapter';
import { readKubernetesHistory } from '../kubernetes/history';
import { type Page, readAllPages } from '../kubernetes/list';
import { pollKubernetes } from '../kubernetes/poll';
import { groupFromLabels, isRecord, shapeError } from '../shared';
import type { SourceAdapter } from '../types';

export const RANCHER_CLUSTERS_PATH = '/v1/management.cattle.io.clusters';

/** The parts of a Steve `management.cattle.io.cluster` resource discovery reads. */
export interface SteveCluster {
  id: string;
  metadata: {
    name?: string;
    labels?: Record<string, unknown>;
    /** Added by Steve's formatter: the summarized state (`active`, `provisioning`, `unavailable` …). */
    state?: { name?: string };
    /** Set while Rancher deletes the cluster. */
    deletionTimestamp?: string;
  };
  spec?: { displayName?: string };
  status?: { conditions?: unknown[] };
}

/** Checks one Steve collection page: `data[]` of resources with an `id` and `metadata`. */
export function parseClusterCollection(body: unknown, url: string): Page<SteveCluster> {
  if (!isRecord(body)) throw shapeError('not a JSON object', url);
  if (!Array.isArray(body.data)) throw shapeError('no data array (not a Steve collection)', url);
  body.data.forEach((item, i) => {
    if (!isRecord(item)) throw shapeError(`data[${i}] is not an object`, url);
    if (typeof item.id !== 'string' || item.id === '') throw shapeError(`data[${i}] has no id`, url);
    if (!isRecord(item.metadata)) throw shapeError(`data[${i}] has no metadata`, url);
  });
  // Steve passes Kubernetes' continue token through as the collection's `continue`.
  const next = typeof body.continue === 'string' && body.continue !== '' ? body.continue : undefined;
  return { items: body.data as SteveCluster[], continueToken: next };
}

const conditionOf = (cluster: SteveCluster, type: string): string | undefined => {
  const conditions = Array.isArray(cluster.status?.conditions) ? cluster.status.conditions : [];
  const found = conditions.find((c) => isRecord(c) && c.type === type) as { status?: unknown } | undefined;
  return typeof found?.status === 'string' ? found.status : undefined;
};

/** Rancher states of a cluster that is not (yet, or any more) a place where jobs run. */
const NOT_YET_OR_NO_MORE = new Set([
  'provisioning',
  'pending',
  'waiting',
  'initializing',
  'removing',
  'removed',
]);

/**
 * A cluster to watch: every cluster Rancher lists except one still being provisioned or being
 * removed. A cluster whose agent is disconnected (`unavailable`) is still there: its polls fail
 * and the grid shows it as "could not see" — it must not look like a cluster that left.
 */
export function isWatchable(cluster: SteveCluster): boolean {
  if (cluster.metadata.deletionTimestamp) return false;
  const state = isRecord(cluster.metadata.state) ? cluster.metadata.state.name : undefined;
  if (typeof state === 'string' && state !== '') return !NOT_YET_OR_NO_MORE.has(state.toLowerCase());
  // Without Steve's state summary: a cluster that never became Ready is still being provisioned.
  const ready = conditionOf(cluster, 'Ready');
  return ready === 'True' || ready === 'False';
}

export function toDiscovered(baseUrl: string, cluster: SteveCluster): DiscoveredCluster {
  const display =
    cluster.spec && typeof cluster.spec.displayName === 'string' ? cluster.spec.displayName : '';
  const metaName = typeof cluster.metadata.name === 'string' ? cluster.metadata.name : '';
  const out: DiscoveredCluster = {
    nativeId: cluster.id,
    name: display || metaName || cluster.id,
    apiBase: `${baseUrl.replace(/\/+$/, '')}/k8s/clusters/${encodeURIComponent(cluster.id)}`,
  };
  const group = groupFromLabels(cluster.metadata.labels);
  if (group) out.group = group;
  return out;
}

/** The active clusters of one Rancher server. */
export async function discoverRancher(
  http: Http,
  source: SourceSettings,
): Promise<{ clusters: DiscoveredCluster[]; bytes: number }> {
  if (source.discovery === false) return { clusters: [], bytes: 0 };
  if (!source.baseUrl)
    throw new PollError('error', `source ${source.id} has no baseUrl (the Rancher server)`);
  const base = source.baseUrl.replace(/\/+$/, '');
  // Steve answers in one page unless asked to page; a `continue` is followed all the same.
  const { items, bytes } = await readAllPages(
    http,
    (token) => `${base}${RANCHER_CLUSTERS_PATH}${token ? `?continue=${encodeURIComponent(token)}` : ''}`,
    parseClusterCollection,
  );
  return { clusters: items.filter(isWatchable).map((c) => toDiscovered(base, c)), bytes };
}

/** Rancher finds the clusters; each is then an ordinary Kubernetes API behind Rancher's proxy. */
export const rancherAdapter: SourceAdapter = {
  discover: discoverRancher,
  poll: pollKubernetes,
  confirmGone: confirmKubernetesGone,
  history: readKubernetesHistory,
};

/**
 * Rancher's view of the clusters: Steve's `management.cattle.io.cluster` resources at
 * `/v1/management.cattle.io.clusters`, and the older norman `/v3/clusters` collection.
 */
import type { SimCluster } from '../k8s/cluster';
import { k8sTime } from '../k8s/time';
import { hash32 } from '../sim/prng';

function conditions(c: SimCluster, now: number) {
  const up = c.reachable();
  const since = k8sTime(c.info.createdAt + 120_000);
  const t = k8sTime(now);
  return [
    { type: 'Pending', status: 'True', lastUpdateTime: since },
    { type: 'Provisioned', status: 'True', lastUpdateTime: since },
    { type: 'Waiting', status: 'True', lastUpdateTime: since },
    { type: 'BackingNamespaceCreated', status: 'True', lastUpdateTime: since },
    { type: 'DefaultProjectCreated', status: 'True', lastUpdateTime: since },
    { type: 'SystemProjectCreated', status: 'True', lastUpdateTime: since },
    { type: 'InitialRolesPopulated', status: 'True', lastUpdateTime: since },
    up
      ? { type: 'Connected', status: 'True', lastUpdateTime: since }
      : { type: 'Connected', status: 'False', lastUpdateTime: t },
    up
      ? { type: 'Ready', status: 'True', lastUpdateTime: since }
      : {
          type: 'Ready',
          status: 'False',
          reason: 'Disconnected',
          message: 'Cluster agent is not connected',
          lastUpdateTime: t,
        },
    { type: 'Updated', status: 'True', lastUpdateTime: since },
  ];
}

export function steveCluster(base: string, c: SimCluster, now: number) {
  const up = c.reachable();
  const self = `${base}/v1/management.cattle.io.clusters/${c.id}`;
  return {
    id: c.id,
    type: 'management.cattle.io.cluster',
    links: {
      remove: self,
      self,
      update: self,
      view: `${base}/v1/management.cattle.io.clusters/${c.id}`,
    },
    apiVersion: 'management.cattle.io/v3',
    kind: 'Cluster',
    metadata: {
      name: c.id,
      uid: c.info.uid,
      generation: 12,
      resourceVersion: String(40_000 + (hash32(c.id) % 50_000)),
      creationTimestamp: k8sTime(c.info.createdAt),
      labels: {
        env: c.info.env,
        region: c.info.region,
        'provider.cattle.io': c.info.provider,
      },
      annotations: {
        'field.cattle.io/creatorId': 'user-admin',
        'management.cattle.io/current-cluster-controllers-version': c.info.k8sVersion,
      },
      finalizers: ['wrangler.cattle.io/mgmt-cluster-remove'],
      state: up
        ? { error: false, message: 'Resource is Ready', name: 'active', transitioning: false }
        : {
            error: true,
            message: 'Cluster agent is not connected',
            name: 'unavailable',
            transitioning: false,
          },
      relationships: null,
    },
    spec: {
      displayName: c.name,
      description: `${c.info.env} cluster in ${c.info.region}`,
      internal: false,
      fleetWorkspaceName: 'fleet-default',
      localClusterAuthEndpoint: { enabled: false },
    },
    status: {
      conditions: conditions(c, now),
      driver: c.info.provider === 'eks' ? 'EKS' : 'imported',
      provider: c.info.provider,
      version: { major: '1', minor: '29', gitVersion: c.info.k8sVersion, platform: 'linux/amd64' },
      nodeCount: c.info.nodeCount,
      connected: up,
      agentImage: 'rancher/rancher-agent:v2.8.5',
    },
  };
}

export function steveCollection(base: string, clusters: SimCluster[], revision: number, now: number) {
  return {
    type: 'collection',
    links: { self: `${base}/v1/management.cattle.io.clusters` },
    createTypes: { 'management.cattle.io.cluster': `${base}/v1/management.cattle.io.clusters` },
    actions: {},
    resourceType: 'management.cattle.io.cluster',
    revision: String(revision),
    count: clusters.length,
    data: clusters.map((c) => steveCluster(base, c, now)),
  };
}

/** The norman shape the older UI and the rancher CLI use. */
export function normanCollection(base: string, clusters: SimCluster[]) {
  return {
    type: 'collection',
    resourceType: 'cluster',
    links: { self: `${base}/v3/clusters` },
    pagination: { limit: 1000, total: clusters.length },
    sort: { order: 'asc', reverse: `${base}/v3/clusters?order=desc` },
    data: clusters.map((c) => ({
      id: c.id,
      type: 'cluster',
      baseType: 'cluster',
      name: c.name,
      state: c.reachable() ? 'active' : 'unavailable',
      transitioning: 'no',
      created: k8sTime(c.info.createdAt),
      labels: { env: c.info.env, region: c.info.region },
      links: { self: `${base}/v3/clusters/${c.id}` },
      version: { gitVersion: c.info.k8sVersion },
    })),
  };
}

/** Builders for realistic JobSnapshots, shared by the diff, watcher and benchmark code. */
import { type JobSnapshot, jobKeyOf, rowKeyOf } from '../../lib/model';

export function snapshot(
  over: Partial<JobSnapshot> & { name?: string; clusterId?: string } = {},
): JobSnapshot {
  const clusterId = over.clusterId ?? 'demo/c-1';
  const kind = over.kind ?? 'Deployment';
  const namespace = over.namespace ?? 'shop';
  const name = over.name ?? 'checkout';
  const rowKey = rowKeyOf(kind, namespace, name);
  return {
    key: jobKeyOf(clusterId, rowKey),
    clusterId,
    rowKey,
    kind,
    namespace,
    name,
    versionToken: '100',
    version: 4,
    revision: 3,
    instance: `uid-${name}`,
    fields: {
      'spec.replicas': 3,
      'spec.strategy': 'RollingUpdate',
      'containers[app].image': 'registry.example.com/shop/checkout:1.4.1',
      'containers[app].args': ['--port=8080', '--log=info'],
      'containers[app].env': ['DB_PASSWORD ← secret checkout-db', 'LOG_LEVEL=info'],
      'containers[app].resources.limits.cpu': '500m',
      'containers[app].resources.limits.memory': '512Mi',
    },
    health: { state: 'healthy', ready: 3, desired: 3, updated: 3, available: 3, lag: 0 },
    changedAt: 1_000,
    changedBy: { name: 'alice', kind: 'person', via: 'annotation fleet.example.com/changed-by' },
    observedAt: 2_000,
    link: `http://127.0.0.1:1/dashboard/c/c-1/explorer/apps.deployment/${namespace}/${name}`,
    ...over,
  };
}

/** `n` distinct jobs in one cluster, shaped like a real team's Deployments. */
export function fleetOfSnapshots(n: number, clusterId = 'demo/c-1'): JobSnapshot[] {
  const out: JobSnapshot[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      snapshot({
        clusterId,
        name: `svc-${i}`,
        namespace: `ns-${i % 40}`,
        versionToken: String(10_000 + i),
        version: 1 + (i % 17),
      }),
    );
  }
  return out;
}

/**
 * The test data builders: clusters, snapshots and changes keyed the way Tattler keys them
 * (lib/model.ts rowKeyOf, jobKeyOf; a cluster's id is `${sourceId}/${nativeId}` unless a test
 * says otherwise), with every time taken from the caller — a clock `now`, or the change's `at` —
 * so no builder reads the wall clock. Tests pass what their assertions depend on (ids, times,
 * actors, fields) explicitly; the defaults are what none of them looks at.
 */

import { addChange, emptyAgg } from '../lib/aggregate';
import { type Change, type Cluster, type JobSnapshot, jobKeyOf, rowKeyOf } from '../lib/model';
import { type GridRecord, packGrid } from '../lib/store/grid';
import { type ClusterState, emptyState, markOf } from '../lib/store/state';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A job by name: a Deployment in namespace `shop` unless given. */
export interface JobRef {
  clusterId: string;
  name: string;
  kind?: string;
  namespace?: string;
}

/** The identity fields of a job in a cluster, as every source builds them. */
export function jobIdentity(ref: JobRef) {
  const kind = ref.kind ?? 'Deployment';
  const namespace = ref.namespace ?? 'shop';
  const rowKey = rowKeyOf(kind, namespace, ref.name);
  return {
    clusterId: ref.clusterId,
    key: jobKeyOf(ref.clusterId, rowKey),
    rowKey,
    kind,
    namespace,
    name: ref.name,
  };
}

/** A cluster discovered a day before `now`, seen at `now`; its API behind a Rancher-style proxy. */
export function cluster(
  sourceId: string,
  nativeId: string,
  now: number,
  over: Partial<Cluster> = {},
): Cluster {
  return {
    id: `${sourceId}/${nativeId}`,
    sourceId,
    nativeId,
    name: nativeId,
    apiBase: `https://${sourceId}.example/k8s/clusters/${nativeId}`,
    firstSeen: now - DAY,
    lastSeen: now,
    ...over,
  };
}

/** A plain snapshot observed at `now`: healthy, no tracked fields (see `snapshot` for a full one). */
export function job(ref: JobRef, now: number, over: Partial<JobSnapshot> = {}): JobSnapshot {
  return {
    ...jobIdentity(ref),
    versionToken: '1',
    fields: {},
    health: { state: 'healthy' },
    observedAt: now,
    ...over,
  };
}

let changeSeq = 0;

/**
 * A change at `at`: updated, seen by a poll at `at` whose window began a minute earlier, one
 * field (replicas 2 → 3), no actor. Ids count up (`chg-1`, `chg-2`…) unless given.
 */
export function change(ref: JobRef, at: number, over: Partial<Change> = {}): Change {
  const { key, ...identity } = jobIdentity(ref);
  return {
    id: `chg-${++changeSeq}`,
    ...identity,
    jobKey: key,
    type: 'updated',
    windowStart: at - MINUTE,
    windowEnd: at,
    at,
    fields: [{ path: 'spec.replicas', before: 2, after: 3 }],
    ...over,
  };
}

/** A realistic Deployment snapshot: replicas, strategy, an image, args, env, resources, health. */
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

/**
 * The packed grid (lib/store/grid.ts) Tattler would store for these jobs and changes: where each
 * job runs, and each cell's aggregate — what the popup's model is built from.
 */
export function gridOf(jobs: readonly JobSnapshot[], changes: readonly Change[], builtAt = 0): GridRecord {
  const states = new Map<string, ClusterState>();
  const stateOf = (clusterId: string) => {
    let s = states.get(clusterId);
    if (!s) {
      s = emptyState(clusterId);
      states.set(clusterId, s);
    }
    return s;
  };
  for (const j of jobs) stateOf(j.clusterId).jobs[j.rowKey] = markOf(j);
  let n = 0;
  for (const c of changes) {
    const state = stateOf(c.clusterId);
    let cell = state.cells[c.rowKey];
    if (!cell) {
      cell = { n: ++n, agg: emptyAgg() };
      state.cells[c.rowKey] = cell;
    }
    addChange(cell.agg, c);
  }
  return packGrid([...states.values()], builtAt);
}

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../fleet/index';
import { clusterId, getJson, kubePath } from './test-helpers';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
type Loose = any;

type Obj = {
  metadata: {
    uid: string;
    name: string;
    resourceVersion: string;
    generation: number;
    creationTimestamp: string;
    annotations: Record<string, string>;
    ownerReferences?: { uid: string }[];
    managedFields: {
      manager: string;
      operation: string;
      time: string;
      subresource?: string;
      fieldsV1: Record<string, Loose>;
    }[];
  };
  spec: Loose;
  status: Loose;
};

const SEC = 1000;
const MIN = 60 * SEC;
const ACTOR = 'fleet.example.com/changed-by';
const REVISION = 'deployment.kubernetes.io/revision';

async function workload(fleet: Fleet, cluster: string, path: string): Promise<{ status: number; body: Obj }> {
  return getJson<Obj>(fleet, kubePath(clusterId(fleet, cluster), path));
}
const deployment = async (fleet: Fleet, cluster: string, ns: string, name: string): Promise<Obj> =>
  (await workload(fleet, cluster, `/apis/apps/v1/namespaces/${ns}/deployments/${name}`)).body;

/** The newest change entry that can stand for a person: not status, not the controller. */
const newestChange = (o: Obj) =>
  o.metadata.managedFields
    .filter((e) => e.subresource !== 'status' && e.manager !== 'kube-controller-manager')
    .reduce((a, b) => (Date.parse(b.time) >= Date.parse(a.time) ? b : a));
const ownsActor = (e: { fieldsV1: Record<string, Loose> }) =>
  e.fieldsV1['f:metadata']?.['f:annotations']?.[`f:${ACTOR}`] !== undefined;

let fleet: Fleet;
beforeAll(async () => {
  fleet = await startFleet({ seed: 7, autoRun: false });
});
afterAll(() => fleet.stop());

describe('rollout', () => {
  it('bumps generation and resourceVersion, stamps bob via helm, then the controllers converge', async () => {
    const before = await deployment(fleet, 'prod-eu-1', 'shop', 'checkout');
    const applied = fleet.control.apply('rollout', 'prod-eu-1');
    expect(applied.lines).toEqual(['bob rolled checkout to 1.4.2 in prod-eu-1']);

    const after = await deployment(fleet, 'prod-eu-1', 'shop', 'checkout');
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.metadata.generation).toBe(before.metadata.generation + 1);
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(after.spec.template.spec.containers[0].image).toBe('registry.example.com/shop/checkout:1.4.2');
    expect(after.metadata.annotations[ACTOR]).toBe('bob');
    expect(after.metadata.annotations['kubernetes.io/change-cause']).toContain('1.4.2');
    const newest = newestChange(after);
    expect(newest.manager).toBe('helm');
    expect(ownsActor(newest)).toBe(true);
    expect(Date.now() - Date.parse(newest.time)).toBeLessThan(5_000);
    // Not yet observed by the controller.
    expect(after.status.observedGeneration).toBe(before.metadata.generation);

    fleet.control.settle();
    const done = await deployment(fleet, 'prod-eu-1', 'shop', 'checkout');
    expect(done.metadata.generation).toBe(after.metadata.generation); // status writes never bump generation
    expect(Number(done.metadata.resourceVersion)).toBeGreaterThan(Number(after.metadata.resourceVersion));
    expect(done.status).toMatchObject({
      observedGeneration: done.metadata.generation,
      replicas: 4,
      updatedReplicas: 4,
      readyReplicas: 4,
      availableReplicas: 4,
    });
    expect(Number(done.metadata.annotations[REVISION])).toBe(
      Number(before.metadata.annotations[REVISION]) + 1,
    );
    const kcmMain = done.metadata.managedFields.find(
      (e) => e.manager === 'kube-controller-manager' && !e.subresource,
    );
    expect(kcmMain?.fieldsV1['f:metadata']['f:annotations'][`f:${REVISION}`]).toEqual({});
    const kcmStatus = done.metadata.managedFields.find(
      (e) => e.manager === 'kube-controller-manager' && e.subresource === 'status',
    );
    expect(Object.keys(kcmStatus?.fieldsV1 ?? {})).toEqual(['f:status']);

    const rs = (await workload(fleet, 'prod-eu-1', '/apis/apps/v1/namespaces/shop/replicasets'))
      .body as unknown as { items: Obj[] };
    const mine = rs.items.filter((r) => r.metadata.ownerReferences?.[0]?.uid === done.metadata.uid);
    const newest_ = mine.find(
      (r) => r.metadata.annotations[REVISION] === done.metadata.annotations[REVISION],
    );
    expect(newest_?.spec.template.spec.containers[0].image).toBe('registry.example.com/shop/checkout:1.4.2');
    expect(newest_?.spec.replicas).toBe(4);
    expect(Date.now() - Date.parse(newest_?.metadata.creationTimestamp ?? '')).toBeLessThan(5_000);
    expect(mine.filter((r) => r.spec.replicas > 0)).toHaveLength(1);
  });

  it('rolls across the clusters one by one, 15 s apart (a horizontal stripe)', async () => {
    const tagIn = async (name: string) =>
      (await deployment(fleet, name, 'shop', 'checkout')).spec.template.spec.containers[0].image.split(
        ':',
      )[1];
    fleet.control.apply('rollout');
    const names = fleet.clusters().map((c) => c.displayName);
    const rolled = async () => (await Promise.all(names.map(tagIn))).filter((t) => t === '1.4.3').length;
    expect(await rolled()).toBe(1);
    expect(await tagIn('staging-eu-1')).toBe('1.4.3'); // staging first
    fleet.control.tick(15 * SEC);
    expect(await rolled()).toBe(2);
    fleet.control.tick(15 * SEC * names.length);
    expect(await rolled()).toBe(names.length);
  });
});

describe('hand edits', () => {
  it('kubectl-edit: managedFields name kubectl-edit, the changed-by annotation stays stale', async () => {
    const before = await deployment(fleet, 'prod-eu-1', 'shop', 'pricing');
    fleet.control.apply('kubectl-edit', 'prod-eu-1');
    const after = await deployment(fleet, 'prod-eu-1', 'shop', 'pricing');
    expect(after.metadata.generation).toBe(before.metadata.generation + 1);
    expect(after.metadata.annotations[ACTOR]).toBe(before.metadata.annotations[ACTOR]);
    const newest = newestChange(after);
    expect(newest.manager).toBe('kubectl-edit');
    expect(ownsActor(newest)).toBe(false);
    const owner = after.metadata.managedFields.find(ownsActor);
    expect(owner).toBeDefined();
    expect(Date.parse(owner?.time ?? '')).toBeLessThan(Date.parse(newest.time));
    const level = (o: Obj) =>
      o.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'LOG_LEVEL').value;
    expect(level(after)).not.toBe(level(before));
    // The ground truth still knows it was dave.
    const truth = fleet.control
      .state()
      .changes.filter((c) => c.cluster === 'prod-eu-1' && c.name === 'pricing')
      .at(-1);
    expect(truth).toMatchObject({ by: 'dave', tool: 'kubectl-edit', manager: 'kubectl-edit' });
  });

  it('scale: kubectl through the scale subresource, generation up, no new revision', async () => {
    const before = await deployment(fleet, 'prod-eu-1', 'shop', 'cart');
    fleet.control.apply('scale', 'prod-eu-1');
    fleet.control.settle();
    const after = await deployment(fleet, 'prod-eu-1', 'shop', 'cart');
    expect(after.spec.replicas).toBe(8);
    expect(after.metadata.generation).toBe(before.metadata.generation + 1);
    expect(after.metadata.annotations[REVISION]).toBe(before.metadata.annotations[REVISION]);
    const scale = after.metadata.managedFields.find((e) => e.manager === 'kubectl');
    expect(scale).toMatchObject({
      subresource: 'scale',
      operation: 'Update',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    expect(after.status).toMatchObject({
      replicas: 8,
      readyReplicas: 8,
      observedGeneration: after.metadata.generation,
    });
  });

  it('recreate: the job disappears, then comes back with a new uid at generation 1', async () => {
    const path = '/apis/apps/v1/namespaces/shop/deployments/recommendations';
    const before = (await workload(fleet, 'prod-eu-3', path)).body;
    fleet.control.apply('recreate', 'prod-eu-3');
    expect((await workload(fleet, 'prod-eu-3', path)).status).toBe(404);
    fleet.control.tick(10 * SEC);
    fleet.control.settle();
    const { status, body: after } = await workload(fleet, 'prod-eu-3', path);
    expect(status).toBe(200);
    expect(after.metadata.uid).not.toBe(before.metadata.uid);
    expect(after.metadata.generation).toBe(1);
    expect(after.metadata.annotations[REVISION]).toBe('1');
    expect(after.metadata.annotations[ACTOR]).toBe('erin');
    expect(Date.parse(after.metadata.creationTimestamp)).toBeGreaterThan(
      Date.parse(before.metadata.creationTimestamp),
    );
    const rs = (await workload(fleet, 'prod-eu-3', '/apis/apps/v1/namespaces/shop/replicasets'))
      .body as unknown as { items: Obj[] };
    expect(rs.items.some((r) => r.metadata.ownerReferences?.[0]?.uid === before.metadata.uid)).toBe(false);
  });

  it('double-change: two generations within seconds, server-side applied by Argo CD', async () => {
    const before = await deployment(fleet, 'prod-us-1', 'payments', 'payments-api');
    fleet.control.apply('double-change', 'prod-us-1');
    expect((await deployment(fleet, 'prod-us-1', 'payments', 'payments-api')).metadata.generation).toBe(
      before.metadata.generation + 1,
    );
    fleet.control.tick(4 * SEC);
    const after = await deployment(fleet, 'prod-us-1', 'payments', 'payments-api');
    expect(after.metadata.generation).toBe(before.metadata.generation + 2);
    expect(after.metadata.annotations[ACTOR]).toBe('alice');
    const argo = newestChange(after);
    expect(argo).toMatchObject({ manager: 'argocd-controller', operation: 'Apply' });
    expect(ownsActor(argo)).toBe(true);
  });
});

describe('status-only changes', () => {
  it('a CronJob run changes resourceVersion and status, never generation', async () => {
    const path = '/apis/batch/v1/namespaces/shop/cronjobs/cache-warmer';
    const before = (await workload(fleet, 'prod-eu-2', path)).body;
    fleet.control.tick(5 * MIN);
    const after = (await workload(fleet, 'prod-eu-2', path)).body;
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(Date.parse(after.status.lastScheduleTime)).toBeGreaterThanOrEqual(
      Date.parse(before.status.lastScheduleTime),
    );
    const last = after.metadata.managedFields.find((e) => e.subresource === 'status');
    expect(last?.manager).toBe('kube-controller-manager');
  });
});

describe('bad rollout and alerts', () => {
  let f: Fleet;
  beforeAll(async () => {
    f = await startFleet({ seed: 8, autoRun: false });
  });
  afterAll(() => f.stop());

  const alerts = async () =>
    (await (await fetch(`${f.alertUrl}/api/v2/alerts`)).json()) as {
      labels: Record<string, string>;
      startsAt: string;
    }[];
  const mismatch = async () =>
    (await alerts()).filter((a) => a.labels.alertname === 'KubeDeploymentReplicasMismatch');

  it('degrades readiness, fires an alert naming cluster/namespace/deployment 2 min later, resolves after the rollback', async () => {
    f.control.apply('bad-rollout', 'prod-eu-1');
    f.control.settle();
    const d = await deployment(f, 'prod-eu-1', 'shop', 'cart');
    expect(d.spec.template.spec.containers[0].image).toMatch(/:2\.0\.0$/);
    expect(d.status.readyReplicas).toBeLessThan(d.spec.replicas);
    expect(d.status.availableReplicas).toBeLessThan(d.spec.replicas);
    expect(await mismatch()).toEqual([]);

    f.control.tick(1 * MIN);
    expect(await mismatch()).toEqual([]); // still pending (for: 2m)
    f.control.tick(90 * SEC);
    const firing = await mismatch();
    expect(firing).toHaveLength(1);
    expect(firing[0]?.labels).toMatchObject({
      alertname: 'KubeDeploymentReplicasMismatch',
      severity: 'critical',
      cluster: 'prod-eu-1',
      namespace: 'shop',
      deployment: 'cart',
    });
    expect(Math.abs(Date.now() - Date.parse(firing[0]?.startsAt ?? ''))).toBeLessThan(5_000);

    f.control.tick(2 * MIN); // the rollback (4 min after the bad release)
    f.control.settle();
    const healed = await deployment(f, 'prod-eu-1', 'shop', 'cart');
    expect(healed.status.readyReplicas).toBe(healed.spec.replicas);
    f.control.tick(20 * SEC);
    expect(await mismatch()).toEqual([]);
  });

  it('burst: carol changes five or more jobs in one cluster within a minute', async () => {
    const applied = f.control.apply('burst');
    f.control.tick(60 * SEC);
    const changes = f.control
      .state()
      .changes.filter((c) => c.by === 'carol' && Date.parse(c.at) >= Date.parse(applied.at) - 1000);
    const clusters = new Set(changes.map((c) => c.cluster));
    expect(clusters.size).toBe(1);
    expect(new Set(changes.map((c) => `${c.namespace}/${c.name}`)).size).toBeGreaterThanOrEqual(5);
  });
});

describe('fleet membership and reachability', () => {
  it('outage: Rancher lists the cluster unavailable and its proxy answers 503 until it reconnects', async () => {
    const id = clusterId(fleet, 'prod-us-3');
    fleet.control.apply('outage', 'prod-us-3');
    const list = (await getJson(fleet, '/v1/management.cattle.io.clusters')).body;
    const item = list.data.find((c: { id: string }) => c.id === id);
    expect(item.metadata.state.name).toBe('unavailable');
    expect(item.status.conditions.find((c: { type: string }) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'Disconnected',
    });
    const down = await getJson(fleet, kubePath(id, '/apis/apps/v1/deployments'));
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ type: 'error', status: 503, message: 'cluster agent disconnected' });
    expect(fleet.clusters().find((c) => c.id === id)?.state).toBe('unavailable');
    fleet.control.tick(90 * SEC);
    expect((await getJson(fleet, kubePath(id, '/apis/apps/v1/deployments'))).status).toBe(200);
    expect(fleet.clusters().find((c) => c.id === id)?.state).toBe('active');
  });

  it('a cluster joins with its jobs, and one leaves the list', async () => {
    const count = fleet.clusters().length;
    fleet.control.apply('cluster-joins');
    const joined = fleet.clusters().find((c) => c.displayName === 'prod-ap-1');
    expect(joined).toMatchObject({ env: 'prod', region: 'ap-southeast-1', state: 'active' });
    expect(fleet.clusters()).toHaveLength(count + 1);
    const jobs = (
      await getJson(
        fleet,
        kubePath(
          joined?.id ?? '',
          '/apis/apps/v1/deployments?labelSelector=app.kubernetes.io%2Fpart-of%3Dshop',
        ),
      )
    ).body;
    expect(jobs.items.length).toBeGreaterThan(10);

    fleet.control.apply('cluster-leaves');
    const list = (await getJson(fleet, '/v1/management.cattle.io.clusters')).body;
    expect(list.count).toBe(count);
    const gone = fleet.control.state().removedClusters[0];
    expect(gone?.displayName).toMatch(/^staging-/);
    expect(list.data.some((c: { id: string }) => c.id === gone?.id)).toBe(false);
    expect((await getJson(fleet, kubePath(gone?.id ?? '', '/api'))).status).toBe(404);
  });
});

describe('schedule', () => {
  it('advance runs the next scheduled events in order', async () => {
    const f = await startFleet({ seed: 9, clusters: 4, autoRun: false });
    try {
      const upcoming = f.control.state().upcoming.map((e) => e.name);
      expect(upcoming.length).toBeGreaterThanOrEqual(10);
      expect(upcoming).toEqual(
        expect.arrayContaining([
          'rollout',
          'burst',
          'scale',
          'recreate',
          'double-change',
          'kubectl-edit',
          'outage',
          'session-expiry',
          'cluster-joins',
          'cluster-leaves',
          'bad-rollout',
        ]),
      );
      const applied = f.control.advance(2);
      expect(applied.map((e) => e.name)).toEqual(upcoming.slice(0, 2));
      expect(f.control.state().upcoming.map((e) => e.name)).toEqual(upcoming.slice(2));
      expect(f.control.state().events.map((e) => e.source)).toEqual(['schedule', 'schedule']);
    } finally {
      await f.stop();
    }
  });

  it('autoRun applies the schedule by itself at the given speed', async () => {
    const lines: string[] = [];
    const f = await startFleet({ seed: 9, clusters: 4, speed: 200, log: (l) => lines.push(l) });
    try {
      // burst is due 100 simulated seconds in: half a second of real time.
      for (let i = 0; i < 250 && f.control.state().events.length < 3; i++)
        await new Promise((r) => setTimeout(r, 20));
      const names = f.control.state().events.map((e) => e.name);
      expect(names.slice(0, 3)).toEqual(['rollout', 'kubectl-edit', 'burst']);
      expect(lines.some((l) => /^bob rolled checkout to 1\.4\.2 in staging-eu-1$/.test(l))).toBe(true);
    } finally {
      await f.stop();
    }
  });

  it('rejects unknown events and clusters', () => {
    expect(() => fleet.control.apply('nope')).toThrow(/unknown event/);
    expect(() => fleet.control.apply('rollout', 'prod-xx-9')).toThrow(/unknown cluster/);
  });
});

describe('determinism', () => {
  const fleets: Fleet[] = [];
  afterEach(async () => {
    await Promise.all(fleets.splice(0).map((f) => f.stop()));
  });

  /** Everything but wall-clock times. */
  const TIME_KEYS = new Set([
    'creationTimestamp',
    'time',
    'lastUpdateTime',
    'lastTransitionTime',
    'lastScheduleTime',
    'lastSuccessfulTime',
  ]);
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => !TIME_KEYS.has(k))
          .map(([k, x]) => [k, strip(x)]),
      );
    }
    return v;
  };
  const snapshot = async (f: Fleet) => {
    const out: Record<string, unknown> = {};
    for (const c of f.clusters()) {
      for (const path of [
        '/apis/apps/v1/deployments',
        '/apis/apps/v1/statefulsets',
        '/apis/apps/v1/replicasets',
        '/apis/batch/v1/cronjobs',
      ]) {
        out[`${c.id}${path}`] = strip((await getJson(f, kubePath(c.id, path))).body);
      }
    }
    return out;
  };
  const run = async (seed: number) => {
    const f = await startFleet({ seed, clusters: 3, autoRun: false });
    fleets.push(f);
    f.control.apply('rollout');
    f.control.apply('burst');
    f.control.apply('recreate');
    f.control.tick(3 * MIN);
    f.control.settle();
    return { clusters: f.clusters(), state: await snapshot(f) };
  };

  it('the same seed gives the same fleet and the same changes', async () => {
    const a = await run(21);
    const b = await run(21);
    expect(b.clusters).toEqual(a.clusters);
    expect(b.state).toEqual(a.state);
  });

  it('another seed gives another fleet', async () => {
    const a = await run(21);
    const c = await run(22);
    expect(c.clusters.map((x) => x.id)).not.toEqual(a.clusters.map((x) => x.id));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../fleet/index';
import { call, getJson, kubePath } from './test-helpers';

let fleet: Fleet;
let id: string;
const k = (rest: string) => kubePath(id, rest);

beforeAll(async () => {
  fleet = await startFleet({ seed: 5, clusters: 3, autoRun: false, continueTtlMs: 3000 });
  id = fleet.clusters()[0]?.id ?? '';
});
afterAll(() => fleet.stop());

const names = (items: { metadata: { namespace?: string; name: string } }[]) =>
  items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`);

describe('discovery', () => {
  it('serves /api, /apis, group versions and /version', async () => {
    expect((await getJson(fleet, k('/api'))).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await getJson(fleet, k('/apis'))).body;
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g: { name: string }) => g.name)).toEqual(['apps', 'batch']);
    const apps = (await getJson(fleet, k('/apis/apps/v1'))).body;
    expect(apps).toMatchObject({ kind: 'APIResourceList', groupVersion: 'apps/v1' });
    const deploy = apps.resources.find((r: { name: string }) => r.name === 'deployments');
    expect(deploy).toMatchObject({ kind: 'Deployment', namespaced: true, shortNames: ['deploy'] });
    expect(deploy.verbs).toEqual(expect.arrayContaining(['get', 'list']));
    const batch = (await getJson(fleet, k('/apis/batch/v1'))).body;
    expect(batch.resources.map((r: { name: string }) => r.name)).toContain('cronjobs');
    const core = (await getJson(fleet, k('/api/v1'))).body;
    expect(core.resources.find((r: { name: string }) => r.name === 'namespaces')).toMatchObject({
      namespaced: false,
    });
    const version = (await getJson(fleet, k('/version'))).body;
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+/);
  });

  it('answers unknown paths with a NotFound Status', async () => {
    const { status, body } = await getJson(fleet, k('/apis/apps/v1/pods'));
    expect(status).toBe(404);
    expect(body).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
    });
  });
});

describe('lists and objects', () => {
  it('lists deployments cluster-wide in the List shape, items without kind', async () => {
    const { status, body } = await getJson(fleet, k('/apis/apps/v1/deployments'));
    expect(status).toBe(200);
    expect(body.kind).toBe('DeploymentList');
    expect(body.apiVersion).toBe('apps/v1');
    expect(body.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(body.metadata.continue).toBeUndefined();
    expect(body.items.length).toBeGreaterThan(15);
    expect(body.items[0].kind).toBeUndefined();
    const sorted = [...names(body.items)].sort();
    expect(names(body.items)).toEqual(sorted);
    // Every listed object is at or below the list's resourceVersion.
    for (const item of body.items)
      expect(Number(item.metadata.resourceVersion)).toBeLessThanOrEqual(
        Number(body.metadata.resourceVersion),
      );
  });

  it('lists per namespace, and every workload kind plus namespaces', async () => {
    const shop = (await getJson(fleet, k('/apis/apps/v1/namespaces/shop/deployments'))).body;
    expect(shop.items.length).toBeGreaterThan(5);
    expect(
      shop.items.every((i: { metadata: { namespace: string } }) => i.metadata.namespace === 'shop'),
    ).toBe(true);
    for (const [path, kind] of [
      ['/apis/apps/v1/statefulsets', 'StatefulSetList'],
      ['/apis/apps/v1/daemonsets', 'DaemonSetList'],
      ['/apis/apps/v1/replicasets', 'ReplicaSetList'],
      ['/apis/batch/v1/cronjobs', 'CronJobList'],
      ['/apis/batch/v1/namespaces/shop/cronjobs', 'CronJobList'],
      ['/api/v1/namespaces', 'NamespaceList'],
    ] as const) {
      const { status, body } = await getJson(fleet, k(path));
      expect(status, path).toBe(200);
      expect(body.kind, path).toBe(kind);
      expect(body.items.length, path).toBeGreaterThan(0);
    }
  });

  it('gets one deployment with full metadata, spec and status', async () => {
    const { status, body: d } = await getJson(fleet, k('/apis/apps/v1/namespaces/shop/deployments/checkout'));
    expect(status).toBe(200);
    expect(d).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
    const m = d.metadata;
    expect(m.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(m.resourceVersion).toMatch(/^\d+$/);
    expect(m.generation).toBeGreaterThanOrEqual(2);
    expect(m.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(m.labels).toMatchObject({
      'app.kubernetes.io/name': 'checkout',
      'app.kubernetes.io/part-of': 'shop',
    });
    expect(m.annotations['deployment.kubernetes.io/revision']).toMatch(/^\d+$/);
    expect(m.annotations['fleet.example.com/changed-by']).toBeTruthy();
    const managers = m.managedFields.map((e: { manager: string }) => e.manager);
    expect(managers).toContain('kube-controller-manager');
    for (const e of m.managedFields) {
      expect(e).toMatchObject({
        operation: expect.stringMatching(/^(Update|Apply)$/),
        apiVersion: 'apps/v1',
        fieldsType: 'FieldsV1',
      });
      expect(e.time).toMatch(/Z$/);
    }
    const status_ = m.managedFields.find((e: { subresource?: string }) => e.subresource === 'status');
    expect(status_.manager).toBe('kube-controller-manager');
    expect(Object.keys(status_.fieldsV1)).toEqual(['f:status']);
    const c = d.spec.template.spec.containers[0];
    expect(c.image).toMatch(/^registry\.example\.com\/shop\/checkout:/);
    expect(c.env.some((e: { valueFrom?: unknown }) => e.valueFrom)).toBe(true);
    expect(c.resources.requests.cpu).toBeTruthy();
    expect(d.spec).toMatchObject({ replicas: 4, strategy: { type: 'RollingUpdate' } });
    expect(d.status).toMatchObject({
      observedGeneration: m.generation,
      replicas: 4,
      updatedReplicas: 4,
      readyReplicas: 4,
      availableReplicas: 4,
    });
    expect(d.status.conditions.map((x: { type: string }) => x.type).sort()).toEqual([
      'Available',
      'Progressing',
    ]);
  });

  it('keeps each Deployment’s history in ReplicaSets owned by it', async () => {
    const d = (await getJson(fleet, k('/apis/apps/v1/namespaces/shop/deployments/checkout'))).body;
    const rs = (await getJson(fleet, k('/apis/apps/v1/namespaces/shop/replicasets'))).body.items.filter(
      (r: { metadata: { ownerReferences?: { uid: string }[] } }) =>
        r.metadata.ownerReferences?.[0]?.uid === d.metadata.uid,
    );
    expect(rs.length).toBe(Number(d.metadata.annotations['deployment.kubernetes.io/revision']));
    const revisions = rs
      .map((r: { metadata: { annotations: Record<string, string> } }) =>
        Number(r.metadata.annotations['deployment.kubernetes.io/revision']),
      )
      .sort();
    expect(revisions).toEqual(Array.from({ length: rs.length }, (_, i) => i + 1));
    for (const r of rs) {
      expect(r.metadata.name).toBe(`checkout-${r.metadata.labels['pod-template-hash']}`);
      expect(r.metadata.ownerReferences[0]).toMatchObject({
        kind: 'Deployment',
        name: 'checkout',
        controller: true,
      });
    }
    const current = rs.find((r: { spec: { replicas: number } }) => r.spec.replicas > 0);
    expect(current.spec.template.spec.containers[0].image).toBe(d.spec.template.spec.containers[0].image);
  });

  it('answers a missing object with a NotFound Status', async () => {
    const { status, body } = await getJson(fleet, k('/apis/apps/v1/namespaces/shop/deployments/nope'));
    expect(status).toBe(404);
    expect(body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'deployments.apps "nope" not found',
    });
  });

  it('refuses writes', async () => {
    const res = await fetch(`${fleet.url}${k('/apis/apps/v1/namespaces/shop/deployments/checkout')}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${fleet.apiToken}` },
    });
    expect(res.status).toBe(405);
  });
});

describe('pagination', () => {
  it('pages with limit/continue through exactly the full list', async () => {
    const full = names((await getJson(fleet, k('/apis/apps/v1/deployments'))).body.items);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const q = new URLSearchParams({ limit: '7' });
      if (token) q.set('continue', token);
      const { status, body } = await getJson(fleet, k(`/apis/apps/v1/deployments?${q}`));
      expect(status).toBe(200);
      expect(body.items.length).toBeLessThanOrEqual(7);
      seen.push(...names(body.items));
      token = body.metadata.continue;
      if (token) expect(body.metadata.remainingItemCount).toBe(full.length - seen.length);
      pages++;
    } while (token);
    expect(seen).toEqual(full);
    expect(pages).toBe(Math.ceil(full.length / 7));
  });

  it('serves later pages as of the first page’s resourceVersion', async () => {
    const first = (await getJson(fleet, k('/apis/apps/v1/namespaces/shop/deployments?limit=2'))).body;
    const before = (await getJson(fleet, k('/apis/apps/v1/namespaces/shop/deployments'))).body.items;
    fleet.control.apply('bad-rollout', fleet.clusters()[0]?.id); // changes shop/cart now
    const rest = (
      await getJson(
        fleet,
        k(
          `/apis/apps/v1/namespaces/shop/deployments?continue=${encodeURIComponent(first.metadata.continue)}`,
        ),
      )
    ).body;
    expect(rest.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const pinned = [...first.items, ...rest.items].map(
      (i: { metadata: { resourceVersion: string } }) => i.metadata.resourceVersion,
    );
    expect(pinned).toEqual(
      before.map((i: { metadata: { resourceVersion: string } }) => i.metadata.resourceVersion),
    );
    const now = (await getJson(fleet, k('/apis/apps/v1/namespaces/shop/deployments/cart'))).body;
    expect(Number(now.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
  });

  it('answers an expired continue token with 410 Expired', async () => {
    const first = (await getJson(fleet, k('/apis/apps/v1/deployments?limit=5'))).body;
    await new Promise((r) => setTimeout(r, 3200));
    const { status, body } = await getJson(
      fleet,
      k(`/apis/apps/v1/deployments?limit=5&continue=${encodeURIComponent(first.metadata.continue)}`),
    );
    expect(status).toBe(410);
    expect(body).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
    expect(body.message).toContain('The provided continue parameter is too old');
  });

  it('answers an invalid continue token with 400', async () => {
    for (const token of ['garbage!', Buffer.from('{"v":"x"}').toString('base64url')]) {
      const { status, body } = await getJson(
        fleet,
        k(`/apis/apps/v1/deployments?limit=5&continue=${encodeURIComponent(token)}`),
      );
      expect(status).toBe(400);
      expect(body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
      expect(body.message).toContain('continue key is not valid');
    }
  });
});

describe('selectors', () => {
  const list = async (selector: string, param = 'labelSelector') => {
    const { status, body } = await getJson(
      fleet,
      k(`/apis/apps/v1/deployments?${param}=${encodeURIComponent(selector)}`),
    );
    expect(status, selector).toBe(200);
    return body.items as { metadata: { name: string; namespace: string; labels: Record<string, string> } }[];
  };

  it('filters by equality, inequality, set and existence', async () => {
    const all = await list('');
    const shop = await list('app.kubernetes.io/part-of=shop');
    const other = await list('app.kubernetes.io/part-of!=shop');
    expect(shop.length).toBeGreaterThan(0);
    expect(other.length).toBeGreaterThan(0);
    expect(shop.length + other.length).toBe(all.length);
    expect(shop.every((d) => d.metadata.labels['app.kubernetes.io/part-of'] === 'shop')).toBe(true);
    expect(other.map((d) => d.metadata.name)).toContain('ingress-nginx-controller');
    expect((await list('app.kubernetes.io/part-of==shop')).length).toBe(shop.length);
    const inSet = await list('app.kubernetes.io/name in (checkout, cart)');
    expect(inSet.map((d) => d.metadata.name).sort()).toEqual(['cart', 'checkout']);
    expect((await list('app.kubernetes.io/name notin (checkout,cart)')).length).toBe(all.length - 2);
    expect((await list('app.kubernetes.io/name')).length).toBe(all.length);
    expect(await list('!app.kubernetes.io/name')).toEqual([]);
    expect(
      (await list('app.kubernetes.io/part-of=shop,app.kubernetes.io/name=checkout')).map(
        (d) => d.metadata.name,
      ),
    ).toEqual(['checkout']);
  });

  it('leaves remainingItemCount out when selecting', async () => {
    const { body } = await getJson(
      fleet,
      k('/apis/apps/v1/deployments?limit=2&labelSelector=app.kubernetes.io%2Fpart-of%3Dshop'),
    );
    expect(body.metadata.continue).toBeTruthy();
    expect(body.metadata.remainingItemCount).toBeUndefined();
  });

  it('answers a malformed selector with 400', async () => {
    for (const bad of ['app in (a', 'a=b=c', '=x']) {
      const { status, body } = await getJson(
        fleet,
        k(`/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(bad)}`),
      );
      expect(status, bad).toBe(400);
      expect(body.reason).toBe('BadRequest');
    }
  });

  it('filters by metadata.name and metadata.namespace fields', async () => {
    expect((await list('metadata.name=checkout', 'fieldSelector')).map((d) => d.metadata.name)).toEqual([
      'checkout',
    ]);
    const notShop = await list('metadata.namespace!=shop', 'fieldSelector');
    expect(notShop.length).toBeGreaterThan(0);
    expect(notShop.some((d) => d.metadata.namespace === 'shop')).toBe(false);
    const { status } = await getJson(fleet, k('/apis/apps/v1/deployments?fieldSelector=spec.replicas%3D3'));
    expect(status).toBe(400);
  });
});

describe('content negotiation', () => {
  it('returns a Table for kubectl’s Accept header, with metadata per row', async () => {
    const accept =
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
    const { status, body } = await getJson(fleet, k('/apis/apps/v1/deployments?limit=500'), accept);
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(body.columnDefinitions.map((c: { name: string }) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
    ]);
    const row = body.rows.find((r: { cells: unknown[] }) => r.cells[0] === 'checkout');
    expect(row.cells[1]).toBe('4/4');
    expect(row.object).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: 'checkout', namespace: 'shop' },
    });
  });

  it('returns a PartialObjectMetadataList when asked', async () => {
    const { body } = await getJson(
      fleet,
      k('/apis/apps/v1/deployments'),
      'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
    );
    expect(body.kind).toBe('PartialObjectMetadataList');
    expect(body.items[0]).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' });
    expect(body.items[0].spec).toBeUndefined();
    expect(body.items[0].metadata.managedFields.length).toBeGreaterThan(0);
  });

  it('refuses only-protobuf clients with 406', async () => {
    const res = await call(fleet, k('/apis/apps/v1/deployments'), {
      token: fleet.apiToken,
      accept: 'application/vnd.kubernetes.protobuf',
    });
    expect(res.status).toBe(406);
  });
});

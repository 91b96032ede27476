import { describe, expect, it } from 'vitest';
import { createHttp, PollError } from '../../lib/http';
import { listAll, listUrl, parseListPage } from '../../lib/sources/kubernetes/list';
import { pollKubernetes } from '../../lib/sources/kubernetes/poll';
import { adapterFor } from '../../lib/sources/registry';
import { ACTOR_ANNOTATION, FakeKubeApi, makeCtx, makeSource, recordingHttp } from './helpers';

const BASE = 'https://rancher.example.com/k8s/clusters/c-m-abc12';
const ALL_DEPLOYMENTS = ['checkout', 'cart', 'payments', 'search', 'recommendations', 'legacy-worker'];

const pathsOf = (requests: URL[]) => requests.map((u) => u.pathname + u.search);
const rejection = async (p: Promise<unknown>): Promise<PollError> => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PollError)) throw new Error(`expected a PollError, got ${String(error)}`);
  return error;
};

describe('listUrl', () => {
  it('builds cluster-wide and namespaced list URLs under any API base', () => {
    expect(listUrl('https://k8s.example:6443', 'Deployment')).toBe(
      'https://k8s.example:6443/apis/apps/v1/deployments?limit=500',
    );
    expect(listUrl(`${BASE}/`, 'CronJob', { namespace: 'shop', labelSelector: 'team=a,tier!=db' })).toBe(
      `${BASE}/apis/batch/v1/namespaces/shop/cronjobs?limit=500&labelSelector=team%3Da%2Ctier%21%3Ddb`,
    );
    expect(
      listUrl('https://console.example.com/api/kubernetes', 'StatefulSet', { continueToken: 'abc==' }),
    ).toBe(
      'https://console.example.com/api/kubernetes/apis/apps/v1/statefulsets?limit=500&continue=abc%3D%3D',
    );
  });
});

describe('listing with pagination', () => {
  it('follows continue over several pages and returns every item once', async () => {
    const api = new FakeKubeApi({ pageSize: 2 });
    const list = await listAll(createHttp({ fetch: api.fetch }), BASE, 'Deployment');
    expect(list.items.map((i) => i.metadata.name)).toEqual(ALL_DEPLOYMENTS);
    expect(api.requests).toHaveLength(3);
    expect(api.requests.every((u) => u.searchParams.get('limit') === '500')).toBe(true);
    expect(api.requests[0]?.searchParams.has('continue')).toBe(false);
    expect(api.requests[1]?.searchParams.get('continue')).toBeTruthy();
    expect(api.requests[2]?.searchParams.get('continue')).not.toBe(
      api.requests[1]?.searchParams.get('continue'),
    );
  });

  it('counts the bytes of every page', async () => {
    const api = new FakeKubeApi({ pageSize: 4 });
    const bodies: string[] = [];
    const fetch = async (input: string, init: RequestInit) => {
      const res = await api.fetch(input, init);
      bodies.push(await res.clone().text());
      return res;
    };
    const list = await listAll(createHttp({ fetch }), BASE, 'Deployment');
    expect(list.bytes).toBe(bodies.reduce((n, b) => n + b.length, 0));
    expect(list.bytes).toBeGreaterThan(1000);
  });

  it('restarts the list once from the start when a continue token expires (410)', async () => {
    const api = new FakeKubeApi({ pageSize: 2, expireContinues: 1 });
    const list = await listAll(createHttp({ fetch: api.fetch }), BASE, 'Deployment');
    expect(list.items.map((i) => i.metadata.name)).toEqual(ALL_DEPLOYMENTS);
    const continued = api.requests.map((u) => u.searchParams.has('continue'));
    // page 1, page 2 → 410, page 1 again, page 2, page 3
    expect(continued).toEqual([false, true, false, true, true]);
  });

  it('gives up with partial when the restarted list expires too', async () => {
    const api = new FakeKubeApi({ pageSize: 2, expireContinues: 2 });
    const error = await rejection(listAll(createHttp({ fetch: api.fetch }), BASE, 'Deployment'));
    expect(error.status).toBe('partial');
    expect(error.httpStatus).toBe(410);
    expect(error.message).toContain('/k8s/clusters/c-m-abc12/apis/apps/v1/deployments');
    expect(api.requests).toHaveLength(4);
  });

  it('does not retry a 410 on a fresh list: that is an error, not an expired continuation', async () => {
    const http = createHttp({
      fetch: async () => new Response('{"kind":"Status","code":410}', { status: 410 }),
    });
    const error = await rejection(listAll(http, BASE, 'Deployment'));
    expect(error.status).toBe('error');
  });

  it('fails when the server hands back the same continue token (a list that never ends)', async () => {
    const page = JSON.stringify({ kind: 'DeploymentList', metadata: { continue: 'same' }, items: [] });
    const http = createHttp({
      fetch: async () => new Response(page, { headers: { 'content-type': 'application/json' } }),
    });
    const error = await rejection(listAll(http, BASE, 'Deployment'));
    expect(error.status).toBe('error');
    expect(error.message).toContain('did not advance');
  });
});

describe('list shape', () => {
  it('accepts a List, with null items as empty', () => {
    expect(parseListPage({ kind: 'DeploymentList', metadata: {}, items: null }, BASE).items).toEqual([]);
  });

  it.each([
    ['an array', [], 'not a JSON object'],
    ['a Status', { kind: 'Status', status: 'Failure' }, 'kind Status, not a List'],
    ['a Steve collection', { type: 'collection', data: [] }, 'no items array'],
    ['an item without metadata', { items: [{}] }, 'items[0] has no metadata'],
    [
      'an item without a name',
      { items: [{ metadata: { namespace: 'a' } }] },
      'items[0] has no metadata.name',
    ],
    ['a cluster-scoped item', { items: [{ metadata: { name: 'a' } }] }, 'items[0] has no metadata.namespace'],
  ])('rejects %s', (_, body, what) => {
    expect(() => parseListPage(body, `${BASE}/apis/apps/v1/deployments?limit=500`)).toThrow(
      `unexpected shape: ${what} from /k8s/clusters/c-m-abc12/apis/apps/v1/deployments?limit=500`,
    );
  });

  it('never returns part of a list: a bad second page fails the whole poll', async () => {
    const api = new FakeKubeApi({ pageSize: 2 });
    let n = 0;
    const fetch = async (input: string, init: RequestInit) =>
      ++n === 2 ? new Response('{"items": "nope"}', { status: 200 }) : api.fetch(input, init);
    const ctx = makeCtx(createHttp({ fetch }), makeSource({ kinds: ['Deployment'] }));
    const error = await rejection(pollKubernetes(ctx));
    expect(error.status).toBe('error');
    expect(error.message).toMatch(/^unexpected shape: no items array from \/k8s\/clusters\/c-m-abc12\/apis/);
  });
});

describe('pollKubernetes: owner filter and kinds', () => {
  it('lists every configured kind cluster-wide when no namespaces are given', async () => {
    const api = new FakeKubeApi();
    const ctx = makeCtx(createHttp({ fetch: api.fetch }), makeSource({ actorAnnotation: ACTOR_ANNOTATION }));
    const { jobs, bytes } = await pollKubernetes(ctx);
    expect(pathsOf(api.requests)).toEqual([
      '/k8s/clusters/c-m-abc12/apis/apps/v1/deployments?limit=500',
      '/k8s/clusters/c-m-abc12/apis/apps/v1/statefulsets?limit=500',
      '/k8s/clusters/c-m-abc12/apis/apps/v1/daemonsets?limit=500',
      '/k8s/clusters/c-m-abc12/apis/batch/v1/cronjobs?limit=500',
    ]);
    expect(jobs.map((j) => j.rowKey)).toEqual([
      'Deployment:shop/checkout',
      'Deployment:shop/cart',
      'Deployment:shop/payments',
      'Deployment:shop/search',
      'Deployment:shop/recommendations',
      'Deployment:batch/legacy-worker',
      'StatefulSet:shop/orders-db',
      'StatefulSet:shop/queue',
      'DaemonSet:observability/log-shipper',
      'DaemonSet:observability/node-agent',
      'CronJob:shop/nightly-report',
      'CronJob:shop/cleanup',
    ]);
    expect(jobs.every((j) => j.clusterId === 'src/c-m-abc12' && j.observedAt === ctx.now)).toBe(true);
    expect(bytes).toBeGreaterThan(0);
  });

  it('passes labelSelector and lists each namespace separately', async () => {
    const api = new FakeKubeApi();
    const source = makeSource({
      kinds: ['Deployment', 'CronJob'],
      owner: { labelSelector: 'app.kubernetes.io/part-of=shop', namespaces: ['shop', 'batch', 'shop'] },
    });
    const { jobs } = await pollKubernetes(makeCtx(createHttp({ fetch: api.fetch }), source));
    const selector = 'labelSelector=app.kubernetes.io%2Fpart-of%3Dshop';
    expect(pathsOf(api.requests)).toEqual([
      `/k8s/clusters/c-m-abc12/apis/apps/v1/namespaces/shop/deployments?limit=500&${selector}`,
      `/k8s/clusters/c-m-abc12/apis/apps/v1/namespaces/batch/deployments?limit=500&${selector}`,
      `/k8s/clusters/c-m-abc12/apis/batch/v1/namespaces/shop/cronjobs?limit=500&${selector}`,
      `/k8s/clusters/c-m-abc12/apis/batch/v1/namespaces/batch/cronjobs?limit=500&${selector}`,
    ]);
    expect(jobs.map((j) => j.rowKey)).toEqual([
      'Deployment:shop/checkout',
      'Deployment:shop/cart',
      'Deployment:shop/payments',
      'Deployment:shop/search',
      'Deployment:shop/recommendations',
      'Deployment:batch/legacy-worker',
      'CronJob:shop/nightly-report',
      'CronJob:shop/cleanup',
    ]);
  });

  it('applies the label selector the server honours', async () => {
    const api = new FakeKubeApi();
    const source = makeSource({
      kinds: ['Deployment'],
      owner: { labelSelector: 'app.kubernetes.io/name=cart' },
    });
    const { jobs } = await pollKubernetes(makeCtx(createHttp({ fetch: api.fetch }), source));
    expect(jobs.map((j) => j.name)).toEqual(['cart']);
  });

  it('filters names by the pattern, client-side', async () => {
    const api = new FakeKubeApi();
    const source = makeSource({ owner: { namePattern: '^c' } });
    const { jobs } = await pollKubernetes(makeCtx(createHttp({ fetch: api.fetch }), source));
    expect(jobs.map((j) => j.rowKey)).toEqual([
      'Deployment:shop/checkout',
      'Deployment:shop/cart',
      'CronJob:shop/cleanup',
    ]);
    // The API has no name-pattern parameter: only limit/labelSelector/continue are ever sent.
    const params = new Set(api.requests.flatMap((u) => [...u.searchParams.keys()]));
    expect([...params]).toEqual(['limit']);
  });

  it('polls direct and OpenShift-console API bases at the same paths', async () => {
    for (const apiBase of ['https://k8s.example:6443', 'https://console.example.com/api/kubernetes']) {
      const { http, requests } = recordingHttp(new FakeKubeApi().fetch);
      const { jobs } = await pollKubernetes(
        makeCtx(http, makeSource({ kinds: ['StatefulSet'] }), { apiBase }),
      );
      expect(requests.map((r) => r.url)).toEqual([`${apiBase}/apis/apps/v1/statefulsets?limit=500`]);
      expect(jobs).toHaveLength(2);
    }
  });
});

describe('registry', () => {
  it('a kubernetes source discovers nothing and polls its static clusters', async () => {
    const adapter = adapterFor('kubernetes');
    let called = false;
    const http = createHttp({
      fetch: async () => {
        called = true;
        return new Response('{}');
      },
    });
    expect(await adapter.discover(http, makeSource({ type: 'kubernetes' }))).toEqual({
      clusters: [],
      bytes: 0,
    });
    expect(called).toBe(false);
    expect(adapter.poll).toBe(pollKubernetes);
  });

  it('a rancher source discovers through Rancher and polls through its proxy', async () => {
    const adapter = adapterFor('rancher');
    const api = new FakeKubeApi();
    const { clusters } = await adapter.discover(
      createHttp({ fetch: api.fetch }),
      makeSource({ type: 'rancher' }),
    );
    expect(clusters.map((c) => c.nativeId)).toContain('c-m-abc12');
    expect(adapter.poll).toBe(pollKubernetes);
  });
});

import { describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../lib/model';
import {
  applicationsUrl,
  argocdAdapter,
  LIST_FIELDS,
  LIST_REUSE_MS,
  parseClusters,
} from '../../lib/sources/argocd/adapter';
import { type ArgoApp, jobNameOf, normalizeApp, versionTokenOf } from '../../lib/sources/argocd/normalize';
import {
  ctx,
  expectAllGets,
  fixture,
  fixtureText,
  jsonReply,
  NOW,
  recordingHttp,
  routed,
  source,
} from './extra-helpers';

const BASE = 'https://argocd.example.com';
const argo = (over: Partial<Omit<Parameters<typeof source>[0], 'type'>> = {}) =>
  source({ type: 'argocd', baseUrl: `${BASE}/`, ...over });

const api = () =>
  routed([
    { path: '/api/v1/clusters', reply: jsonReply(fixtureText('argocd/clusters.json')) },
    { path: '/api/v1/applications', reply: jsonReply(fixtureText('argocd/applications.json')) },
  ]);

const PROD_EU = { nativeId: 'https://10.20.0.1:6443', name: 'prod-eu-1', apiBase: BASE };
const PROD_US = { nativeId: 'https://10.30.0.1:6443', name: 'prod-us-1', apiBase: BASE };
const IN_CLUSTER = { nativeId: 'https://kubernetes.default.svc', name: 'in-cluster', apiBase: BASE };

async function pollCluster(cluster: typeof PROD_EU, src = argo()) {
  const fetch = api();
  const { http, requests } = recordingHttp(fetch);
  const result = await argocdAdapter.poll(ctx(http, src, cluster));
  const byName = new Map(result.jobs.map((j) => [j.name, j]));
  return { result, byName, requests, fetch };
}

describe('Argo CD discovery', () => {
  it('lists every destination cluster, read through Argo CD itself', async () => {
    const { http, requests } = recordingHttp(api());
    const { clusters, bytes } = await argocdAdapter.discover(http, argo());
    expect(bytes).toBeGreaterThan(0);
    expect(clusters).toEqual([
      { nativeId: 'https://kubernetes.default.svc', name: 'in-cluster', apiBase: BASE },
      { nativeId: 'https://10.20.0.1:6443', name: 'prod-eu-1', apiBase: BASE, group: 'prod/eu-west-1' },
      // The trailing slash goes: applications name the server without it.
      { nativeId: 'https://10.30.0.1:6443', name: 'prod-us-1', apiBase: BASE, group: 'prod/us-east-1' },
    ]);
    expect(requests.map((r) => r.url)).toEqual([`${BASE}/api/v1/clusters`]);
  });

  it('finds nothing to discover when discovery is off', async () => {
    const { http, requests } = recordingHttp(api());
    expect(await argocdAdapter.discover(http, argo({ discovery: false }))).toEqual({
      clusters: [],
      bytes: 0,
    });
    expect(requests).toHaveLength(0);
  });

  it('accepts null items (Go’s empty list) and rejects an item without a server', () => {
    expect(parseClusters({ metadata: {}, items: null }, 'x', BASE)).toEqual([]);
    expect(() => parseClusters({ items: [{ name: 'x' }] }, `${BASE}/api/v1/clusters`, BASE)).toThrow(
      'unexpected shape: items[0] has no server from /api/v1/clusters',
    );
  });
});

describe('Argo CD applications', () => {
  it('asks for the configured projects and label selector', () => {
    const src = argo({
      argocd: { projects: ['shop', 'search'] },
      owner: { labelSelector: 'team=shop,tier!=dev' },
    });
    const url = new URL(applicationsUrl(BASE, src));
    expect(url.pathname).toBe('/api/v1/applications');
    expect(url.searchParams.getAll('projects')).toEqual(['shop', 'search']);
    expect(url.searchParams.get('selector')).toBe('team=shop,tier!=dev');
    expect(applicationsUrl(BASE, argo())).toBe(`${BASE}/api/v1/applications`);
  });

  it('puts each application in its destination cluster, by server or by name', async () => {
    expect([...(await pollCluster(PROD_EU)).byName.keys()].sort()).toEqual(['cart', 'checkout', 'reports']);
    expect([...(await pollCluster(PROD_US)).byName.keys()]).toEqual(['payments']);
    expect([...(await pollCluster(IN_CLUSTER)).byName.keys()]).toEqual(['search']);
  });

  it('a manual sync: the person, the deploy time, the history id as version', async () => {
    const checkout = (await pollCluster(PROD_EU)).byName.get('checkout') as JobSnapshot;
    expect(checkout).toMatchObject({
      key: 'src/https://10.20.0.1:6443|Application:shop/checkout',
      rowKey: 'Application:shop/checkout',
      kind: 'Application',
      namespace: 'shop',
      name: 'checkout',
      version: 12,
      instance: '7f1c2a9e-2d44-4c55-9a0b-3e4f5a6b7c01',
      changedAt: Date.parse('2025-03-10T14:41:07Z'),
      changedBy: { name: 'alice@example.com', kind: 'person', via: 'operationState.operation.initiatedBy' },
      health: { state: 'healthy' },
      link: `${BASE}/applications/argocd/checkout`,
      observedAt: NOW,
    });
    expect(checkout.fields).toEqual({
      project: 'shop',
      'sync.status': 'Synced',
      'sync.revision': '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
      images: ['registry.example.com/base/envoy:1.29.1', 'registry.example.com/shop/checkout:1.4.2'],
      'syncPolicy.automated': false,
      'source.repoURL': 'https://git.example.com/shop/deploy.git',
      'source.path': 'charts/checkout',
      'source.targetRevision': 'main',
      'source.helm.parameters': ['image.tag=1.4.2', 'replicaCount=3'],
      'source.helm.valueFiles': ['values.yaml', 'values-prod.yaml'],
    });
  });

  it('an automated sync is Argo CD’s automation; Progressing is progressing', async () => {
    const cart = (await pollCluster(PROD_EU)).byName.get('cart') as JobSnapshot;
    expect(cart.changedBy).toEqual({
      name: 'automated',
      kind: 'automation',
      via: 'operationState.operation.initiatedBy',
    });
    expect(cart.changedAt).toBe(Date.parse('2025-03-10T14:55:42Z'));
    expect(cart.version).toBe(41);
    expect(cart.health.state).toBe('progressing');
    expect(cart.fields).toMatchObject({
      'syncPolicy.automated': true,
      'syncPolicy.automated.prune': true,
      'syncPolicy.automated.selfHeal': true,
      'source.kustomize.images': ['registry.example.com/shop/cart:2.0.1'],
    });
  });

  it('a project-role token is a token; the link uses the app’s own namespace; auto-sync `enabled: false` is off', async () => {
    const reports = (await pollCluster(PROD_EU)).byName.get('reports') as JobSnapshot;
    expect(reports.changedBy).toMatchObject({ name: 'proj:shop:ci-deployer', kind: 'token' });
    expect(reports.namespace).toBe('shop');
    expect(reports.link).toBe(`${BASE}/applications/team-shop/reports`);
    expect(reports.health.state).toBe('suspended');
    expect(reports.fields['syncPolicy.automated']).toBe(false);
    expect(reports.fields).not.toHaveProperty('syncPolicy.automated.prune');
  });

  it('a failed sync after the last deploy names its initiator and time; multi-source fields; Degraded', async () => {
    const payments = (await pollCluster(PROD_US)).byName.get('payments') as JobSnapshot;
    expect(payments.changedBy).toMatchObject({ name: 'bob', kind: 'person' });
    expect(payments.changedAt).toBe(Date.parse('2025-03-10T14:50:09Z'));
    expect(payments.version).toBe(7);
    expect(payments.health).toMatchObject({ state: 'degraded' });
    expect(payments.health.message).toContain('exceeded its progress deadline');
    expect(payments.fields).toMatchObject({
      'sync.status': 'OutOfSync',
      'sync.revisions': ['3.2.0', '0a0b0c0d0e0f1011121314151617181920212223'],
      'sources[0].repoURL': 'https://charts.example.com',
      'sources[0].chart': 'payments',
      'sources[0].targetRevision': '3.2.0',
      'sources[0].helm.valueFiles': ['$values/payments/values-prod.yaml'],
      'sources[1].repoURL': 'https://git.example.com/shop/values.git',
    });
  });

  it('an app never synced: Missing is degraded, no version, no actor', async () => {
    const search = (await pollCluster(IN_CLUSTER)).byName.get('search') as JobSnapshot;
    expect(search.health.state).toBe('degraded');
    expect(search.version).toBeUndefined();
    expect(search.changedBy).toBeUndefined();
    expect(search.changedAt).toBeUndefined();
  });

  it('filters by name pattern and by destination namespace', async () => {
    const named = await pollCluster(PROD_EU, argo({ owner: { namePattern: '^c' } }));
    expect([...named.byName.keys()].sort()).toEqual(['cart', 'checkout']);
    const inPayments = await pollCluster(PROD_US, argo({ owner: { namespaces: ['shop'] } }));
    expect(inPayments.result.jobs).toEqual([]);
  });

  it('uses a configured link template, with the application’s real name', async () => {
    const src = argo({ links: { job: 'https://cd.example.com/{clusterName}/{namespace}/{name}' } });
    const app = fixture<{ items: ArgoApp[] }>('argocd/applications.json').items[0] as ArgoApp;
    const snap = normalizeApp(
      { ...app, metadata: { ...app.metadata, name: 'checkout-prod-eu-1' } },
      { ...ctx(undefined as never, src, PROD_EU) },
    );
    expect(snap.name).toBe('checkout');
    expect(snap.link).toBe('https://cd.example.com/prod-eu-1/shop/checkout-prod-eu-1');
  });

  it('names jobs without the cluster’s name, so one app reads as one row in every cluster', () => {
    expect(jobNameOf('checkout-prod-eu-1', 'prod-eu-1')).toBe('checkout');
    expect(jobNameOf('prod-eu-1-checkout', 'prod-eu-1')).toBe('checkout');
    expect(jobNameOf('checkout', 'prod-eu-1')).toBe('checkout');
    expect(jobNameOf('prod-eu-1', 'prod-eu-1')).toBe('prod-eu-1');
    expect(jobNameOf('checkout-prod-eu-10', 'prod-eu-1')).toBe('checkout-prod-eu-10');
  });

  it('keeps the version token while nothing tracked moves, and changes it when something does', () => {
    const src = argo();
    const app = fixture<{ items: ArgoApp[] }>('argocd/applications.json').items[0] as ArgoApp;
    const c = ctx(undefined as never, src, PROD_EU);
    const first = normalizeApp(app, c);
    const reconciled = structuredClone(app) as ArgoApp & { status: Record<string, unknown> };
    reconciled.metadata.resourceVersion = '999999';
    reconciled.status.reconciledAt = '2025-03-10T15:03:00Z';
    expect(normalizeApp(reconciled, { ...c, now: NOW + 60_000 }).versionToken).toBe(first.versionToken);
    const degraded = structuredClone(app) as ArgoApp & { status: { health: unknown } };
    degraded.status.health = { status: 'Degraded' };
    expect(normalizeApp(degraded, c).versionToken).not.toBe(first.versionToken);
    const resynced = structuredClone(app) as ArgoApp & { status: { summary: { images: string[] } } };
    resynced.status.summary.images = ['registry.example.com/shop/checkout:1.4.3'];
    expect(normalizeApp(resynced, c).versionToken).not.toBe(first.versionToken);
  });

  it('reads the application list once per pass for all clusters of a source, then again', async () => {
    const fetch = api();
    const { http, requests } = recordingHttp(fetch);
    const src = argo();
    const eu = await argocdAdapter.poll(ctx(http, src, PROD_EU));
    const us = await argocdAdapter.poll(ctx(http, src, PROD_US, { now: NOW + 2000 }));
    expect(eu.jobs).toHaveLength(3);
    expect(us.jobs).toHaveLength(1);
    expect(eu.bytes).toBeGreaterThan(0);
    expect(us.bytes).toBe(0);
    expect(requests).toHaveLength(1);
    await argocdAdapter.poll(ctx(http, src, PROD_US, { now: NOW + LIST_REUSE_MS + 1 }));
    expect(requests).toHaveLength(2);
    // A new pass has a new Http: nothing carries over.
    const second = recordingHttp(fetch);
    await argocdAdapter.poll(ctx(second.http, src, PROD_EU));
    expect(second.requests).toHaveLength(1);
    expectAllGets([...requests, ...second.requests]);
  });

  it('a failed list is not kept for the next cluster', async () => {
    let calls = 0;
    const fetch = routed([
      {
        path: '/api/v1/applications',
        reply: () => {
          calls++;
          return calls === 1
            ? new Response('down', { status: 503 })
            : new Response(fixtureText('argocd/applications.json'), {
                headers: { 'content-type': 'application/json' },
              });
        },
      },
    ]);
    const { http } = recordingHttp(fetch);
    await expect(argocdAdapter.poll(ctx(http, argo(), PROD_EU))).rejects.toMatchObject({ status: 'error' });
    await expect(argocdAdapter.poll(ctx(http, argo(), PROD_EU, { now: NOW + 1 }))).resolves.toMatchObject({
      jobs: expect.any(Array),
    });
    expect(calls).toBe(2);
  });
});

describe('Argo CD: light on the API server', () => {
  const apps = () => fixture<{ items: ArgoApp[] }>('argocd/applications.json').items;

  /** An application as `fields=` LIST_FIELDS returns it: only those paths, nil slices and maps as null. */
  function trimmed(app: ArgoApp): ArgoApp {
    const pick = (path: string[]) => path.reduce<unknown>((v, p) => (v as Record<string, unknown>)?.[p], app);
    const st = app.status as Record<string, Record<string, unknown>>;
    return {
      metadata: {
        name: app.metadata.name,
        namespace: app.metadata.namespace,
        labels: app.metadata.labels ?? null,
        ...(app.metadata.creationTimestamp ? { creationTimestamp: app.metadata.creationTimestamp } : {}),
      },
      spec: {
        destination: pick(['spec', 'destination']),
        project: pick(['spec', 'project']),
        source: pick(['spec', 'source']) ?? null,
        sources: pick(['spec', 'sources']) ?? null,
        syncPolicy: pick(['spec', 'syncPolicy']) ?? null,
      },
      status: {
        sync: { status: st.sync?.status, revision: st.sync?.revision },
        health: st.health,
        summary: st.summary,
        ...(st.operationState
          ? {
              operationState: {
                phase: st.operationState.phase,
                startedAt: st.operationState.startedAt,
                finishedAt: st.operationState.finishedAt,
              },
            }
          : {}),
      },
    } as ArgoApp;
  }

  it('gives a trimmed list item and its full application one version token', () => {
    for (const app of apps())
      expect(versionTokenOf(trimmed(app)), app.metadata.name).toBe(versionTokenOf(app));
  });

  it('asks for the trimmed list after a first sight, and reads nothing else when nothing moved', async () => {
    const first = await pollCluster(PROD_EU);
    const known = new Map(first.result.jobs.map((j) => [j.key, j.versionToken]));
    const fetch = routed([
      {
        path: '/api/v1/applications',
        reply: (url) =>
          jsonReply(
            JSON.stringify(
              url.searchParams.has('fields')
                ? { metadata: {}, items: apps().map(trimmed) }
                : { items: apps() },
            ),
          )(),
      },
    ]);
    const { http, requests } = recordingHttp(fetch);
    const steady = await argocdAdapter.poll(ctx(http, argo(), PROD_EU, { known }));
    expect(steady.jobs).toEqual([]);
    expect(steady.unchanged).toHaveLength(first.result.jobs.length);
    expect(requests.map((r) => new URL(r.url).searchParams.get('fields'))).toEqual([LIST_FIELDS]);
  });

  it('keeps working with a server that ignores fields= (full objects): what moved is taken from them', async () => {
    const first = await pollCluster(PROD_EU);
    const known = new Map(first.result.jobs.map((j) => [j.key, j.versionToken]));
    const [one] = first.result.jobs;
    known.set(one?.key ?? '', 'a-stale-token');
    const { http, requests } = recordingHttp(api());
    const polled = await argocdAdapter.poll(ctx(http, argo(), PROD_EU, { known }));
    expect(polled.jobs.map((j) => j.key)).toEqual([one?.key]);
    expect(requests).toHaveLength(1);
  });
});

/**
 * What each way a cluster API can fail turns into, for discovery and for a poll, through the
 * real http layer (lib/http.ts) over a stub fetch. And: every request any source makes is a GET.
 */
import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../../lib/http';
import { createHttp } from '../../lib/http';
import { KUBERNETES_KINDS } from '../../lib/model';
import { adapterFor } from '../../lib/sources/registry';
import { expectFault, FAULTS, type FaultTarget, jsonHeaders, respond } from './extra-helpers';
import {
  EXPIRED_STATUS,
  FakeKubeApi,
  fixture,
  fixtureText,
  makeCtx,
  makeSource,
  recordingHttp,
} from './helpers';

/** Serves one good first page with a continue token, then 410 for every continuation. */
const expiringPages = (goodFirstPage: string): FetchLike => {
  return async (input) =>
    new URL(input).searchParams.has('continue')
      ? respond(JSON.stringify(EXPIRED_STATUS), { status: 410, headers: jsonHeaders })
      : respond(goodFirstPage, { headers: jsonHeaders });
};

const source = makeSource({ type: 'rancher' });
const deployments = fixture<{ items: unknown[] }>('kubernetes/deployments.json');
const clusters = fixture<{ data: unknown[] }>('rancher/clusters.json');

// A list cut short is a list whose continue token expires twice: "partial", never shorter.
const targets: FaultTarget[] = [
  {
    name: 'discovery',
    path: '/v1/management.cattle.io.clusters',
    run: (fetch) => adapterFor('rancher').discover(createHttp({ fetch, timeoutMs: 50 }), source),
    partial: {
      fetch: expiringPages(JSON.stringify({ ...clusters, data: clusters.data.slice(0, 2), continue: 'tok' })),
      status: 'partial',
    },
    wrongShape: JSON.stringify(deployments),
    good: fixtureText('rancher/clusters.json'),
  },
  {
    name: 'poll',
    path: '/k8s/clusters/c-m-abc12/apis/apps/v1/deployments',
    run: (fetch) => adapterFor('rancher').poll(makeCtx(createHttp({ fetch, timeoutMs: 50 }), source)),
    partial: {
      fetch: expiringPages(
        JSON.stringify({
          ...deployments,
          metadata: { continue: 'tok' },
          items: deployments.items.slice(0, 2),
        }),
      ),
      status: 'partial',
    },
    wrongShape: JSON.stringify(clusters),
    good: fixtureText('kubernetes/deployments.json'),
  },
];

describe.each(targets)('$name faults', (target) => {
  it.each(FAULTS)('$name → $status, naming the path', (fault) => expectFault(target, fault));

  it('succeeds on a good answer (the table is not failing for another reason)', async () => {
    await expect(
      target.run(async () => respond(target.good, { headers: jsonHeaders })),
    ).resolves.toBeDefined();
  });
});

describe('read-only', () => {
  it('every request of a full discovery and poll of every kind is a GET without a body', async () => {
    const api = new FakeKubeApi({ pageSize: 2 });
    const { http, requests } = recordingHttp(api.fetch);
    const full = makeSource({
      type: 'rancher',
      kinds: [...KUBERNETES_KINDS],
      owner: { namespaces: ['shop', 'observability', 'batch'] },
    });
    const adapter = adapterFor('rancher');
    const { clusters } = await adapter.discover(http, full);
    expect(clusters.length).toBeGreaterThan(1);
    let jobs = 0;
    for (const c of clusters) {
      const ctx = makeCtx(http, full, {
        clusterId: `${full.id}/${c.nativeId}`,
        nativeId: c.nativeId,
        clusterName: c.name,
        apiBase: c.apiBase,
      });
      jobs += (await adapter.poll(ctx)).jobs.length;
    }
    expect(jobs).toBe(12 * clusters.length);
    // one discovery + per cluster: 4 kinds × 3 namespaces, with extra pages where a list is long
    expect(requests.length).toBeGreaterThan(1 + 12 * clusters.length);
    for (const { url, init } of requests) {
      expect({ url, method: init.method }).toEqual({ url, method: 'GET' });
      expect(init.body ?? undefined).toBeUndefined();
    }
    expect(requests.length).toBe(api.requests.length);
  });
});

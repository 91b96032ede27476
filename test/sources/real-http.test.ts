/**
 * The adapters over real HTTP: a server on 127.0.0.1 (port 0) serves the fixtures with
 * pagination, and createHttp() uses Node's global fetch, as the extension uses the browser's.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttp, PollError } from '../../lib/http';
import { adapterFor } from '../../lib/sources/registry';
import { ACTOR_ANNOTATION, FakeKubeApi, makeCtx, makeSource } from './helpers';

describe('over real HTTP', () => {
  const api = new FakeKubeApi({ pageSize: 2 });
  let server: Server;
  let origin = '';

  beforeAll(async () => {
    ({ server, origin } = await api.listen());
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('discovers through Rancher and polls a cluster through its proxy, page by page', async () => {
    const http = createHttp({ timeoutMs: 5000 });
    const source = makeSource({ type: 'rancher', baseUrl: origin, actorAnnotation: ACTOR_ANNOTATION });
    const adapter = adapterFor('rancher');

    const { clusters, bytes } = await adapter.discover(http, source);
    expect(bytes).toBeGreaterThan(0);
    const prod = clusters.find((c) => c.nativeId === 'c-m-abc12');
    expect(prod).toEqual({
      nativeId: 'c-m-abc12',
      name: 'prod-eu-1',
      apiBase: `${origin}/k8s/clusters/c-m-abc12`,
      group: 'prod/eu-west-1',
    });
    if (!prod) return;

    api.requests.length = 0;
    const result = await adapter.poll(
      makeCtx(http, source, { apiBase: prod.apiBase, nativeId: prod.nativeId, clusterName: prod.name }),
    );
    expect(result.jobs).toHaveLength(12);
    expect(result.bytes).toBeGreaterThan(0);
    // 6 Deployments in pages of 2, then 2 + 2 + 2 items in one page each
    expect(api.requests.filter((u) => u.searchParams.has('continue'))).toHaveLength(2);
    expect(api.requests).toHaveLength(6);
    const checkout = result.jobs.find((j) => j.rowKey === 'Deployment:shop/checkout');
    expect(checkout?.changedBy?.name).toBe('alice');
    expect(checkout?.link).toBe(`${origin}/dashboard/c/c-m-abc12/explorer/apps.deployment/shop/checkout`);
  });

  it('a 404 from the server is an error that names the path', async () => {
    const http = createHttp({ timeoutMs: 5000 });
    const error = await http.getJson(`${origin}/apis/apps/v1/replicasets`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PollError);
    expect((error as PollError).message).toBe('404 on /apis/apps/v1/replicasets');
  });

  it('a closed port is unreachable', async () => {
    const closed = await new FakeKubeApi().listen();
    const closedOrigin = closed.origin;
    await new Promise((resolve) => closed.server.close(resolve));
    const ctx = makeCtx(createHttp({ timeoutMs: 5000 }), makeSource({ type: 'rancher' }), {
      apiBase: `${closedOrigin}/k8s/clusters/c-m-abc12`,
    });
    const error = await adapterFor('rancher')
      .poll(ctx)
      .catch((e: unknown) => e);
    expect((error as PollError).status).toBe('unreachable');
    expect((error as PollError).message).toContain('/k8s/clusters/c-m-abc12/apis/apps/v1/deployments');
  });
});

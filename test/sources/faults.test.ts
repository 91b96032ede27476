/**
 * What each way a cluster API can fail turns into, for discovery and for a poll, through the
 * real http layer (lib/http.ts) over a stub fetch. And: every request any source makes is a GET.
 */
import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../../lib/http';
import { createHttp, PollError } from '../../lib/http';
import type { PollStatus } from '../../lib/model';
import { KUBERNETES_KINDS } from '../../lib/settings';
import { adapterFor } from '../../lib/sources/registry';
import {
  EXPIRED_STATUS,
  FakeKubeApi,
  fixture,
  fixtureText,
  makeCtx,
  makeSource,
  recordingHttp,
} from './helpers';

const LOGIN = 'https://sso.example.com/login?return=rancher';

const respond = (body: string, init: ResponseInit & { redirectedTo?: string } = {}): Response => {
  const res = new Response(body, init);
  if (init.redirectedTo) {
    // fetch follows a 302 by itself; the page sees only the end of the chain.
    Object.defineProperty(res, 'redirected', { value: true });
    Object.defineProperty(res, 'url', { value: init.redirectedTo });
  }
  return res;
};
const jsonHeaders = { 'content-type': 'application/json' };
const loginPage = '<!DOCTYPE html><html><head><title>Log in</title></head><body><form>…</form></body></html>';

/** A fetch that never answers until the request's signal fires, as a hung server does. */
const hang: FetchLike = (_input, init) =>
  new Promise((_, reject) => {
    init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
  });

/** Serves one good first page with a continue token, then 410 for every continuation. */
const expiringPages = (goodFirstPage: string): FetchLike => {
  return async (input) =>
    new URL(input).searchParams.has('continue')
      ? respond(JSON.stringify(EXPIRED_STATUS), { status: 410, headers: jsonHeaders })
      : respond(goodFirstPage, { headers: jsonHeaders });
};

interface Target {
  name: string;
  path: string;
  run: (fetch: FetchLike) => Promise<unknown>;
  /** A valid first page that promises more. */
  firstPage: string;
  /** JSON that parses but is not this API's shape. */
  wrongShape: string;
  good: string;
}

const source = makeSource({ type: 'rancher' });
const deployments = fixture<{ items: unknown[] }>('kubernetes/deployments.json');
const clusters = fixture<{ data: unknown[] }>('rancher/clusters.json');

const targets: Target[] = [
  {
    name: 'discovery',
    path: '/v1/management.cattle.io.clusters',
    run: (fetch) => adapterFor('rancher').discover(createHttp({ fetch, timeoutMs: 50 }), source),
    firstPage: JSON.stringify({ ...clusters, data: clusters.data.slice(0, 2), continue: 'tok' }),
    wrongShape: JSON.stringify(deployments),
    good: fixtureText('rancher/clusters.json'),
  },
  {
    name: 'poll',
    path: '/k8s/clusters/c-m-abc12/apis/apps/v1/deployments',
    run: (fetch) => adapterFor('rancher').poll(makeCtx(createHttp({ fetch, timeoutMs: 50 }), source)),
    firstPage: JSON.stringify({
      ...deployments,
      metadata: { continue: 'tok' },
      items: deployments.items.slice(0, 2),
    }),
    wrongShape: JSON.stringify(clusters),
    good: fixtureText('kubernetes/deployments.json'),
  },
];

interface Fault {
  name: string;
  fetch: (t: Target) => FetchLike;
  status: Exclude<PollStatus, 'ok'>;
  loginUrl?: string;
}

const faults: Fault[] = [
  {
    name: '401',
    fetch: () => async () => respond('{"message":"Unauthorized"}', { status: 401 }),
    status: 'auth',
  },
  {
    name: '403',
    fetch: () => async () => respond('{"message":"forbidden"}', { status: 403 }),
    status: 'auth',
  },
  {
    name: '302 to a login page',
    fetch: () => async () =>
      respond(loginPage, { status: 200, headers: { 'content-type': 'text/html' }, redirectedTo: LOGIN }),
    status: 'auth',
    loginUrl: LOGIN,
  },
  {
    name: '200 with an HTML login page',
    fetch: () => async () =>
      respond(loginPage, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } }),
    status: 'auth',
  },
  { name: '500', fetch: () => async () => respond('internal error', { status: 500 }), status: 'error' },
  { name: 'a timeout', fetch: () => hang, status: 'unreachable' },
  {
    name: 'a network error',
    fetch: () => async () => {
      throw new TypeError('fetch failed');
    },
    status: 'unreachable',
  },
  {
    name: 'invalid JSON',
    fetch: () => async () => respond("{items: ['x']}", { headers: jsonHeaders }),
    status: 'error',
  },
  {
    name: 'truncated JSON',
    fetch: (t) => async () =>
      respond(t.good.slice(0, Math.floor(t.good.length / 2)), { headers: jsonHeaders }),
    status: 'error',
  },
  {
    name: 'JSON of the wrong shape',
    fetch: (t) => async () => respond(t.wrongShape, { headers: jsonHeaders }),
    status: 'error',
  },
  { name: '410 on continue twice', fetch: (t) => expiringPages(t.firstPage), status: 'partial' },
];

describe.each(targets)('$name faults', (target) => {
  it.each(faults)('$name → $status, naming the path', async (fault) => {
    const error = await target.run(fault.fetch(target)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PollError);
    const e = error as PollError;
    expect(e.status).toBe(fault.status);
    expect(e.message).toContain(target.path);
    if (fault.loginUrl) expect(e.loginUrl).toBe(fault.loginUrl);
  });

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

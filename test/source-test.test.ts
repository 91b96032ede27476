/**
 * The options page's "Test": discovery and one poll against a real HTTP server on 127.0.0.1,
 * nothing stored, and each failure reported exactly as the person has to act on it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttp } from '../lib/http';
import { testSource } from '../lib/source-test';
import { adapterFor } from '../lib/sources/registry';
import type { SourceAdapter } from '../lib/sources/types';
import { FakeKubeApi, makeSource } from './sources/helpers';

const RANCHER_401 = {
  type: 'error',
  baseType: 'error',
  links: {},
  code: 'Unauthorized',
  message: 'must authenticate',
  status: 401,
};

const LOGIN_PAGE = '<!doctype html><html><head><title>Log in</title></head><body><form></form></body></html>';

type Override = (req: IncomingMessage, res: ServerResponse) => boolean;

/** FakeKubeApi over HTTP, with some paths answered differently (a 401, a login page, silence). */
async function serve(api: FakeKubeApi, override: Override = () => false) {
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    api.methods.push(req.method ?? '');
    if (override(req, res)) {
      open.add(res);
      res.on('close', () => open.delete(res));
      return;
    }
    const r = api.handle(new URL(req.url ?? '/', 'http://127.0.0.1'));
    res.writeHead(r.status, { 'content-type': r.contentType });
    res.end(r.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise((resolve) => {
          s.closeAllConnections();
          s.close(resolve);
        }),
    ),
  );
});

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('testSource', () => {
  it('finds the clusters, polls a bounded number of them and reports jobs with samples', async () => {
    const api = new FakeKubeApi();
    const origin = await serve(api);
    const source = makeSource({
      baseUrl: origin,
      owner: { labelSelector: 'app.kubernetes.io/part-of=shop' },
    });

    const result = await testSource(source, createHttp(), adapterFor, { maxClusters: 2, sampleSize: 3 });

    expect(result.discovery.ok).toBe(true);
    expect(result.discovery.clusters.map((c) => c.name)).toEqual([
      'local',
      'prod-eu-1',
      'staging-us',
      'prod-ap-1',
      'c-m-ij890',
      'old-dev',
    ]);
    expect(result.clustersTotal).toBe(6);
    expect(result.notPolled).toBe(4);
    expect(result.polls).toHaveLength(2);
    const [first] = result.polls;
    if (!first?.ok) throw new Error('expected an ok poll');
    expect(first.cluster.name).toBe('local');
    expect(first.jobs).toBeGreaterThan(0);
    expect(first.sample).toHaveLength(3);
    // The owner filter reached the server: only the shop's jobs were asked for.
    expect(
      api.requests.some((u) => u.searchParams.get('labelSelector') === 'app.kubernetes.io/part-of=shop'),
    ).toBe(true);
    // Read-only: every request was a GET; 1 discovery + 2 clusters × 4 kinds.
    expect(new Set(api.methods)).toEqual(new Set(['GET']));
    const polled = new Set(api.requests.map((u) => u.pathname.split('/')[3]).filter(Boolean));
    expect([...polled].sort()).toEqual(['c-m-abc12', 'local']);
  });

  it('names the path and the login page when discovery answers 401', async () => {
    const api = new FakeKubeApi();
    const origin = await serve(api, (req, res) => {
      if (!req.url?.startsWith('/v1/management.cattle.io.clusters')) return false;
      sendJson(res, 401, RANCHER_401);
      return true;
    });
    const result = await testSource(makeSource({ baseUrl: origin }), createHttp(), adapterFor);
    expect(result.discovery).toEqual({
      ok: false,
      clusters: [],
      error: {
        status: 'auth',
        message: '401 on /v1/management.cattle.io.clusters',
        url: `${origin}/v1/management.cattle.io.clusters`,
        loginUrl: `${origin}/`,
        httpStatus: 401,
      },
    });
    expect(result.polls).toEqual([]);
  });

  it('calls an HTML login page instead of JSON a missing login, not an empty list', async () => {
    const api = new FakeKubeApi();
    const origin = await serve(api, (req, res) => {
      if (!req.url?.startsWith('/v1/management.cattle.io.clusters')) return false;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(LOGIN_PAGE);
      return true;
    });
    const result = await testSource(makeSource({ baseUrl: origin }), createHttp(), adapterFor);
    if (result.discovery.ok) throw new Error('expected a failure');
    expect(result.discovery.error.status).toBe('auth');
    expect(result.discovery.error.message).toBe(
      'needs login: got an HTML page instead of JSON from /v1/management.cattle.io.clusters',
    );
    expect(result.discovery.error.loginUrl).toBe(`${origin}/`);
  });

  it('reports each cluster on its own: a 403 in one, a timeout in another, jobs in the rest', async () => {
    const api = new FakeKubeApi();
    const origin = await serve(api, (req, res) => {
      if (req.url?.startsWith('/k8s/clusters/c-m-abc12/')) {
        sendJson(res, 403, { kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403 });
        return true;
      }
      // Never answers: the request must time out.
      return req.url?.startsWith('/k8s/clusters/c-m-def34/') === true;
    });
    const source = makeSource({ baseUrl: origin, kinds: ['Deployment'] });
    const result = await testSource(source, createHttp({ timeoutMs: 300 }), adapterFor, { maxClusters: 3 });

    const [local, eu, staging] = result.polls;
    expect(local?.ok).toBe(true);
    expect(eu).toMatchObject({
      ok: false,
      cluster: { name: 'prod-eu-1' },
      error: {
        status: 'auth',
        message: '403 on /k8s/clusters/c-m-abc12/apis/apps/v1/deployments?limit=500',
        loginUrl: `${origin}/`,
        httpStatus: 403,
      },
    });
    expect(staging).toMatchObject({
      ok: false,
      cluster: { name: 'staging-us' },
      error: { status: 'unreachable' },
    });
    if (staging?.ok !== false) throw new Error('expected a failure');
    expect(staging.error.message).toMatch(/^timed out after 0\.3 s on \/k8s\/clusters\/c-m-def34\//);
  });

  it('says when nothing listens at the URL', async () => {
    const api = new FakeKubeApi();
    const origin = await serve(api);
    const dead = servers.pop() as Server;
    await new Promise((resolve) => dead.close(resolve));
    const result = await testSource(makeSource({ baseUrl: origin }), createHttp(), adapterFor);
    if (result.discovery.ok) throw new Error('expected a failure');
    expect(result.discovery.error.status).toBe('unreachable');
    expect(result.discovery.error.message).toMatch(
      new RegExp(`^could not connect to ${origin} for /v1/management.cattle.io.clusters`),
    );
  });

  it('still polls clusters listed by hand when discovery fails, and skips discovery when it is off', async () => {
    const api = new FakeKubeApi();
    const origin = await serve(api, (req, res) => {
      if (!req.url?.startsWith('/v1/management.cattle.io.clusters')) return false;
      sendJson(res, 500, { message: 'boom' });
      return true;
    });
    const listed = [{ id: 'edge-1', name: 'edge-1', apiBase: `${origin}/k8s/clusters/edge-1` }];
    const failing = await testSource(
      makeSource({ baseUrl: origin, clusters: listed }),
      createHttp(),
      adapterFor,
    );
    expect(failing.discovery).toMatchObject({
      ok: false,
      error: { status: 'error', message: '500 on /v1/management.cattle.io.clusters' },
    });
    expect(failing.polls.map((p) => [p.cluster.name, p.ok])).toEqual([['edge-1', true]]);

    api.requests.length = 0;
    const off = await testSource(
      makeSource({ baseUrl: origin, discovery: false, clusters: listed }),
      createHttp(),
      adapterFor,
    );
    expect(off.discovery).toMatchObject({ ok: true, ran: false });
    expect(api.requests.some((u) => u.pathname.includes('management.cattle.io'))).toBe(false);
    expect(off.polls).toHaveLength(1);
  });

  it('passes the token to the adapter and turns an adapter bug into an error, never into "no jobs"', async () => {
    const seen: (string | undefined)[] = [];
    const broken: SourceAdapter = {
      discover: async () => ({
        clusters: [{ nativeId: 'r1', name: 'r1', apiBase: 'http://127.0.0.1:9' }],
        bytes: 0,
      }),
      poll: async (ctx) => {
        seen.push(ctx.token);
        throw new TypeError('cannot read properties of undefined');
      },
    };
    const source = makeSource({ baseUrl: 'http://127.0.0.1:9' });
    const result = await testSource(source, createHttp(), () => broken, { token: 'abc' });
    expect(seen).toEqual(['abc']);
    expect(result.polls[0]).toMatchObject({
      ok: false,
      error: { status: 'error', message: 'internal error: cannot read properties of undefined' },
    });
  });

  it('says so when no adapter reads the type yet', async () => {
    const result = await testSource(
      makeSource({ baseUrl: 'http://127.0.0.1:9' }),
      createHttp(),
      () => undefined,
    );
    expect(result.discovery).toMatchObject({
      ok: false,
      error: { message: 'this version of Tattler cannot read rancher sources yet' },
    });
  });
});

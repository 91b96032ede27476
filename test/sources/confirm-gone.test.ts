/**
 * Asking an API about jobs a complete list left out (lib/diff.ts "Disappearance"): each adapter's
 * GET by name, in the real shapes of its answers — 404 is gone, a job still there and still ours
 * means the list lied, one that left the owner filter is elsewhere, a refusal says nothing.
 */
import { describe, expect, it } from 'vitest';
import { createHttp } from '../../lib/http';
import type { JobSnapshot } from '../../lib/model';
import { confirmArgoCdGone } from '../../lib/sources/argocd/adapter';
import { confirmKubernetesGone } from '../../lib/sources/kubernetes/adapter';
import { pollKubernetes } from '../../lib/sources/kubernetes/poll';
import { confirmNomadGone } from '../../lib/sources/nomad/adapter';
import { ctx, fixture, jsonReply, respond, routed, source } from './extra-helpers';
import { FakeKubeApi, makeCtx, makeSource } from './helpers';

describe('Kubernetes: GET by name', () => {
  const api = new FakeKubeApi();
  const src = makeSource({
    owner: { labelSelector: 'app.kubernetes.io/part-of=shop' },
    kinds: ['Deployment'],
  });
  const c = makeCtx(createHttp({ fetch: api.fetch }), src);

  it('tells gone (404 Status NotFound) from still there and still ours (the list lied)', async () => {
    const { jobs } = await pollKubernetes(c);
    const checkout = jobs.find((j) => j.name === 'checkout') as JobSnapshot;
    const ghost = { ...checkout, key: `${checkout.key}-ghost`, name: 'ghost' };
    const answers = await confirmKubernetesGone(c, [checkout, ghost]);
    expect(answers).toEqual(
      new Map([
        [checkout.key, 'present'],
        [ghost.key, 'gone'],
      ]),
    );
    expect(api.requests.at(-1)?.pathname).toBe(
      '/k8s/clusters/c-m-abc12/apis/apps/v1/namespaces/shop/deployments/ghost',
    );
  });

  it('calls a job whose labels left the owner filter elsewhere, not gone', async () => {
    const { jobs } = await pollKubernetes(c);
    const cart = jobs.find((j) => j.name === 'cart') as JobSnapshot;
    const narrower = makeCtx(
      createHttp({ fetch: api.fetch }),
      makeSource({ owner: { labelSelector: 'app.kubernetes.io/part-of=shop,tier=web' } }),
    );
    expect(await confirmKubernetesGone(narrower, [cart])).toEqual(new Map([[cart.key, 'elsewhere']]));
  });

  it("takes neither a 404 that is not the API server's nor a 403 as an answer", async () => {
    const { jobs } = await pollKubernetes(c);
    const job = jobs[0] as JobSnapshot;
    for (const reply of [
      respond('404 page not found', { status: 404 }),
      respond('{"kind":"Status","reason":"Forbidden","code":403}', { status: 403 }),
    ]) {
      const http = createHttp({ fetch: async () => reply.clone() });
      expect(await confirmKubernetesGone({ ...c, http }, [job])).toEqual(new Map([[job.key, 'unknown']]));
    }
  });
});

describe('Argo CD: GET /api/v1/applications/<name>', () => {
  const BASE = 'https://argocd.example.com';
  const src = source({ type: 'argocd', baseUrl: BASE, argocd: { projects: ['shop'] } });
  const apps = fixture<{ items: Array<{ metadata: { name: string; namespace?: string } }> }>(
    'argocd/applications.json',
  );
  const app = apps.items[0] as {
    metadata: { name: string; namespace?: string };
    spec: { destination: { server?: string; name?: string }; project: string };
  };
  const server = app.spec.destination.server ?? 'https://kubernetes.default.svc';
  const job = {
    key: 'src/x|Application:shop/checkout',
    kind: 'Application',
    namespace: 'shop',
    name: 'checkout',
    ref: `${app.metadata.namespace ?? ''}/${app.metadata.name}`,
    fields: { project: app.spec.project },
  } as unknown as JobSnapshot;
  const pollCtx = (fetch: ReturnType<typeof routed>) =>
    ctx(createHttp({ fetch }), src, {
      nativeId: server,
      name: app.spec.destination.name ?? 'in-cluster',
      apiBase: BASE,
    });

  it('asks by the application\'s own name, with its project (so a missing app is 404, not "denied")', async () => {
    const fetch = routed([
      {
        path: /^\/api\/v1\/applications\//,
        reply: () => respond('{"error":"not found","code":5}', { status: 404 }),
      },
    ]);
    expect(await confirmArgoCdGone(pollCtx(fetch), [job])).toEqual(new Map([[job.key, 'gone']]));
    const url = fetch.urls[0] as URL;
    expect(url.pathname).toBe(`/api/v1/applications/${app.metadata.name}`);
    expect(url.searchParams.get('project')).toBe(app.spec.project);
  });

  it('still there and deploying here is present; moved to another cluster is elsewhere; 403 says nothing', async () => {
    const here = routed([{ path: /^\/api\/v1\/applications\//, reply: jsonReply(app) }]);
    expect(await confirmArgoCdGone(pollCtx(here), [job])).toEqual(new Map([[job.key, 'present']]));
    const moved = { ...app, spec: { ...app.spec, destination: { server: 'https://other.example.com' } } };
    const there = routed([{ path: /^\/api\/v1\/applications\//, reply: jsonReply(moved) }]);
    expect(await confirmArgoCdGone(pollCtx(there), [job])).toEqual(new Map([[job.key, 'elsewhere']]));
    const denied = routed([
      {
        path: /^\/api\/v1\/applications\//,
        reply: () => respond('{"error":"permission denied","code":7}', { status: 403 }),
      },
    ]);
    expect(await confirmArgoCdGone(pollCtx(denied), [job])).toEqual(new Map([[job.key, 'unknown']]));
  });
});

describe('Nomad: GET /v1/job/<id>', () => {
  const BASE = 'https://nomad.example.com';
  const job = {
    key: 'src/global|NomadJob:default/checkout',
    kind: 'NomadJob',
    namespace: 'default',
    name: 'checkout',
    fields: {},
  } as unknown as JobSnapshot;
  const pollCtx = (fetch: ReturnType<typeof routed>, filter?: string) =>
    ctx(
      createHttp({ fetch }),
      source({ type: 'nomad', baseUrl: BASE, ...(filter ? { nomad: { filter } } : {}) }),
      { nativeId: 'global', apiBase: BASE },
      { token: 'secret-token' },
    );

  it('404 "job not found" is gone; a job still there is present; the token goes with each request', async () => {
    const gone = routed([
      { path: '/v1/job/checkout', reply: () => respond('job not found', { status: 404 }) },
    ]);
    expect(await confirmNomadGone(pollCtx(gone), [job])).toEqual(new Map([[job.key, 'gone']]));
    let token: string | null = null;
    const there = routed([
      {
        path: '/v1/job/checkout',
        reply: (_url, init) => {
          token = new Headers(init.headers).get('X-Nomad-Token');
          return jsonReply({ ID: 'checkout', Namespace: 'default', Type: 'service' })();
        },
      },
    ]);
    expect(await confirmNomadGone(pollCtx(there), [job])).toEqual(new Map([[job.key, 'present']]));
    expect(token).toBe('secret-token');
  });

  it('with a nomad.filter, asks Nomad whether the job still passes it rather than guess', async () => {
    const reply = (listed: unknown[]) =>
      routed([
        { path: '/v1/job/checkout', reply: jsonReply({ ID: 'checkout', Namespace: 'default' }) },
        { path: '/v1/jobs', reply: jsonReply(listed) },
      ]);
    const still = reply([{ ID: 'checkout' }]);
    expect(await confirmNomadGone(pollCtx(still, 'Meta.team == "shop"'), [job])).toEqual(
      new Map([[job.key, 'present']]),
    );
    expect(still.urls[1]?.searchParams.get('filter')).toBe('Meta.team == "shop"');
    expect(still.urls[1]?.searchParams.get('prefix')).toBe('checkout');
    const left = reply([]);
    expect(await confirmNomadGone(pollCtx(left, 'Meta.team == "shop"'), [job])).toEqual(
      new Map([[job.key, 'elsewhere']]),
    );
  });
});

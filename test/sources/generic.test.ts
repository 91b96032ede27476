import { describe, expect, it } from 'vitest';
import { PollError } from '../../lib/http';
import type { JobSnapshot } from '../../lib/model';
import { originPatternsFor } from '../../lib/permissions';
import { type SourceSettings, validateSettings } from '../../lib/settings';
import { genericAdapter, jobsUrl, resolveUrl } from '../../lib/sources/generic/adapter';
import { fieldValue, parseTime } from '../../lib/sources/generic/normalize';
import {
  ctx,
  expectAllGets,
  fixture,
  fixtureText,
  jsonReply,
  NOW,
  recordingHttp,
  respond,
  routed,
  source,
} from './extra-helpers';

const BASE = 'https://forge.example.com';

const mapping = {
  clusters: {
    url: '/api/v2/clusters',
    list: 'data.clusters',
    id: 'id',
    name: 'displayName',
    apiBase: 'api',
    group: 'env',
  },
  jobs: {
    url: '{apiBase}/jobs',
    list: 'jobs',
    name: 'name',
    namespace: 'team',
    kind: 'ForgeJob',
    fields: { image: 'spec.image', replicas: 'spec.replicas', ports: 'spec.ports[*].port', env: 'spec.env' },
    changedAt: 'lastModified',
    changedBy: 'lastModifiedBy',
    automationPattern: '-bot$',
    version: 'revision',
    instance: 'uid',
    health: { path: 'state', values: { RUNNING: 'healthy' as const } },
    link: 'url',
  },
};

const forge = (over: Partial<Omit<Parameters<typeof source>[0], 'type'>> = {}) =>
  source({ type: 'generic', baseUrl: BASE, generic: mapping, ...over });

const api = () =>
  routed([
    { path: '/api/v2/clusters', reply: jsonReply(fixtureText('generic/clusters.json')) },
    { path: '/api/v2/clusters/c-101/jobs', reply: jsonReply(fixtureText('generic/jobs.json')) },
  ]);

const C101 = { nativeId: 'c-101', name: 'prod-eu-1', apiBase: `${BASE}/api/v2/clusters/c-101` };

async function poll(src: SourceSettings = forge(), cluster = C101) {
  const { http, requests } = recordingHttp(api());
  const result = await genericAdapter.poll(ctx(http, src, cluster));
  return { result, byName: new Map(result.jobs.map((j) => [j.name, j])), requests };
}

describe('generic discovery', () => {
  it('reads clusters where the mapping says, resolving relative API bases', async () => {
    const { http, requests } = recordingHttp(api());
    const { clusters } = await genericAdapter.discover(http, forge());
    expect(clusters).toEqual([
      { nativeId: 'c-101', name: 'prod-eu-1', apiBase: `${BASE}/api/v2/clusters/c-101`, group: 'prod' },
      {
        nativeId: 'c-102',
        name: 'prod-us-1',
        apiBase: 'https://forge-us.example.com/api/v2/clusters/c-102',
        group: 'prod',
      },
      // A numeric id is an id; without a name or an API base: the id, and the manager itself.
      { nativeId: '7', name: '7', apiBase: BASE, group: 'staging' },
    ]);
    expectAllGets(requests);
  });

  it('without a cluster list in the mapping, clusters come from settings only', async () => {
    const src = source({
      type: 'generic',
      generic: { jobs: mapping.jobs },
      clusters: [{ id: 'c-101', apiBase: `${BASE}/api/v2/clusters/c-101` }],
    });
    const { http, requests } = recordingHttp(api());
    expect(await genericAdapter.discover(http, src)).toEqual({ clusters: [], bytes: 0 });
    expect(requests).toHaveLength(0);
  });

  it('says which path found nothing in which answer', async () => {
    const fetch = routed([{ path: '/api/v2/clusters', reply: jsonReply({ items: [], total: 0 }) }]);
    const { http } = recordingHttp(fetch);
    const error = await genericAdapter.discover(http, forge()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PollError);
    expect(error).toMatchObject({
      status: 'error',
      message:
        'path `data.clusters` found nothing in the answer from /api/v2/clusters (the answer has no `data`; it has items, total)',
    });
  });

  it('a cluster without an id is named by its position', async () => {
    const fetch = routed([
      { path: '/api/v2/clusters', reply: jsonReply({ data: { clusters: [{ id: 'a' }, { name: 'b' }] } }) },
    ]);
    const { http } = recordingHttp(fetch);
    await expect(genericAdapter.discover(http, forge())).rejects.toMatchObject({
      message:
        'path `id` found nothing in the answer from /api/v2/clusters (cluster 1) (the answer has no `id`; it has name)',
    });
  });
});

describe('where a generic source may send requests', () => {
  const US = {
    nativeId: 'c-102',
    name: 'prod-us-1',
    apiBase: 'https://forge-us.example.com/api/v2/clusters/c-102',
  };
  const evil = {
    nativeId: 'x',
    name: 'x',
    apiBase: 'http://forge.example.com.evil.example/admin/delete-all?confirm=yes&x=',
  };

  it('a cluster the list puts on another origin is listed, and its poll fails before anything is sent', async () => {
    const { http, requests } = recordingHttp(api());
    const { clusters } = await genericAdapter.discover(http, forge());
    expect(clusters.map((c) => c.apiBase)).toContain(US.apiBase);
    requests.length = 0;
    for (const cluster of [US, evil]) {
      const error = await genericAdapter.poll(ctx(http, forge(), cluster)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PollError);
      expect(error).toMatchObject({ status: 'error' });
      expect((error as PollError).message).toBe(
        `the job list of cluster ${cluster.name} is on ${new URL(cluster.apiBase).origin}, which is not this source's origin (${BASE}) nor one listed under “Other API origins”: Tattler sends nothing there. Add ${new URL(cluster.apiBase).origin} there if you trust it.`,
      );
    }
    expect(requests).toEqual([]);
  });

  it('an origin the user listed, or a cluster listed by hand, may be polled', async () => {
    const fetch = routed([
      { path: '/api/v2/clusters/c-102/jobs', reply: jsonReply(fixtureText('generic/jobs.json')) },
    ]);
    const listed = forge({ apiOrigins: ['https://forge-us.example.com'] });
    const byHand = forge({ clusters: [{ id: 'c-102', apiBase: US.apiBase }] });
    for (const src of [listed, byHand]) {
      const { http, requests } = recordingHttp(fetch);
      const { jobs } = await genericAdapter.poll(ctx(http, src, US));
      expect(jobs.length).toBeGreaterThan(0);
      expect(requests.map((r) => new URL(r.url).origin)).toEqual(['https://forge-us.example.com']);
    }
  });

  it('the listed origins are validated, and asked for as host permissions', () => {
    const parsed = validateSettings({
      version: 1,
      sources: [
        {
          id: 'forge',
          name: 'Forge',
          type: 'generic',
          baseUrl: BASE,
          generic: mapping,
          apiOrigins: ['https://forge-us.example.com/some/path', 'ftp://nope.example.com'],
        },
      ],
    });
    expect(parsed).toEqual({
      ok: false,
      errors: ['sources[0].apiOrigins[1]: must start with http:// or https://'],
    });
    const ok = validateSettings({
      version: 1,
      sources: [
        {
          id: 'forge',
          name: 'Forge',
          type: 'generic',
          baseUrl: BASE,
          generic: mapping,
          apiOrigins: ['https://forge-us.example.com/x'],
        },
      ],
    });
    if (!ok.ok) throw new Error(ok.errors.join('; '));
    expect(ok.value.sources[0]?.apiOrigins).toEqual(['https://forge-us.example.com']);
    expect(originPatternsFor(ok.value)).toEqual([
      'https://forge.example.com/*',
      'https://forge-us.example.com/*',
    ]);
    const nomad = validateSettings({
      version: 1,
      sources: [{ id: 'n', name: 'N', type: 'nomad', baseUrl: BASE, apiOrigins: [] }],
    });
    expect(nomad).toEqual({
      ok: false,
      errors: ['sources[0].apiOrigins: only a generic source takes apiOrigins'],
    });
  });
});

/** The same value with every object's keys in reverse order: an API may send them in any order. */
const reversedKeys = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(reversedKeys)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .reverse()
            .map(([k, x]) => [k, reversedKeys(x)]),
        )
      : v;

describe('generic jobs', () => {
  it('fills the job list URL template', () => {
    const c = ctx(undefined as never, forge(), C101);
    expect(jobsUrl(c, mapping.jobs)).toBe(`${BASE}/api/v2/clusters/c-101/jobs`);
    expect(jobsUrl(c, { ...mapping.jobs, url: '/v1/{cluster}/jobs?name={clusterName}' })).toBe(
      `${BASE}/v1/c-101/jobs?name=prod-eu-1`,
    );
    expect(jobsUrl({ ...c, nativeId: 'a/b' }, { ...mapping.jobs, url: '/v1/{cluster}/jobs' })).toBe(
      `${BASE}/v1/a%2Fb/jobs`,
    );
    expect(() => resolveUrl('javascript:alert(1)', BASE, 'x')).toThrow('is not an http(s) URL');
  });

  it('a person’s edit: who and when as reported, the version, the mapped fields, the API’s link', async () => {
    const checkout = (await poll()).byName.get('checkout') as JobSnapshot;
    expect(checkout).toMatchObject({
      key: 'src/c-101|ForgeJob:shop/checkout',
      kind: 'ForgeJob',
      namespace: 'shop',
      name: 'checkout',
      version: 17,
      versionToken: 'v17:healthy',
      instance: 'job-5f3a',
      changedAt: Date.parse('2025-03-10T14:42:00Z'),
      changedBy: { name: 'alice', kind: 'person', via: 'field lastModifiedBy' },
      health: { state: 'healthy', message: 'RUNNING' },
      link: `${BASE}/ui/clusters/c-101/jobs/shop/checkout`,
      observedAt: NOW,
    });
    expect(checkout.fields).toEqual({
      image: 'registry.example.com/shop/checkout:1.4.2',
      replicas: 3,
      ports: ['8080', '9090'],
      env: '{"LOG_LEVEL":"info"}',
    });
  });

  it('an automation by pattern; epoch seconds; health by word; no version → a fingerprint token', async () => {
    const { byName } = await poll();
    const runner = byName.get('ci-runner') as JobSnapshot;
    expect(runner.changedBy).toMatchObject({ name: 'jenkins-bot', kind: 'automation' });
    expect(runner.changedAt).toBe(1741617600_000);
    expect(runner.health.state).toBe('degraded');
    expect(runner.version).toBeUndefined();
    expect(runner.versionToken).toMatch(/^h[0-9a-f]{16}$/);
    expect(runner.fields).not.toHaveProperty('ports');
    const cart = byName.get('cart') as JobSnapshot;
    expect(cart.changedAt).toBe(1741600000000);
    expect(cart.changedBy).toBeUndefined();
    expect(cart.health.state).toBe('suspended');
  });

  it('the fingerprint is stable for the same state and moves with a field, the reported change or health', async () => {
    const base = {
      name: 'x',
      team: 't',
      spec: { image: 'a:1', replicas: 2 },
      lastModified: '2025-03-10T10:00:00Z',
      lastModifiedBy: 'bob',
      state: 'RUNNING',
    };
    const tokenOf = async (job: unknown, keyOrder = false) => {
      const body = keyOrder ? reversedKeys(job) : job;
      const fetch = routed([{ path: '/api/v2/clusters/c-101/jobs', reply: jsonReply({ jobs: [body] }) }]);
      const { http } = recordingHttp(fetch);
      const { jobs } = await genericAdapter.poll(ctx(http, forge(), C101));
      return jobs[0]?.versionToken;
    };
    const first = await tokenOf(base);
    expect(await tokenOf(structuredClone(base), true)).toBe(first);
    expect(await tokenOf({ ...base, spec: { ...base.spec, image: 'a:2' } })).not.toBe(first);
    expect(await tokenOf({ ...base, lastModifiedBy: 'carol' })).not.toBe(first);
    expect(await tokenOf({ ...base, lastModified: '2025-03-10T11:00:00Z' })).not.toBe(first);
    expect(await tokenOf({ ...base, state: 'FAILED' })).not.toBe(first);
  });

  it('filters by name pattern and namespace', async () => {
    expect([...(await poll(forge({ owner: { namePattern: '^c' } }))).byName.keys()].sort()).toEqual([
      'cart',
      'checkout',
      'ci-runner',
    ]);
    expect([...(await poll(forge({ owner: { namespaces: ['infra'] } }))).byName.keys()]).toEqual([
      'ci-runner',
    ]);
  });

  it('a link template wins over the API’s link', async () => {
    const src = forge({ links: { job: 'https://forge.example.com/jobs/{cluster}/{namespace}/{name}' } });
    expect((await poll(src)).byName.get('checkout')?.link).toBe(
      'https://forge.example.com/jobs/c-101/shop/checkout',
    );
  });

  it('a job without a name fails the poll, naming the path and the job', async () => {
    const fetch = routed([
      { path: '/api/v2/clusters/c-101/jobs', reply: jsonReply({ jobs: [{ name: 'a' }, { title: 'b' }] }) },
    ]);
    const { http } = recordingHttp(fetch);
    await expect(genericAdapter.poll(ctx(http, forge(), C101))).rejects.toMatchObject({
      status: 'error',
      message:
        'path `name` found nothing in the answer from /api/v2/clusters/c-101/jobs (job 1) (the answer has no `name`; it has title)',
    });
  });

  it('a list path that finds something other than a list is the wrong shape', async () => {
    const fetch = routed([
      { path: '/api/v2/clusters/c-101/jobs', reply: jsonReply({ jobs: { checkout: {} } }) },
    ]);
    const { http } = recordingHttp(fetch);
    await expect(genericAdapter.poll(ctx(http, forge(), C101))).rejects.toMatchObject({
      status: 'error',
      message: expect.stringContaining(
        'path `jobs` found nothing in the answer from /api/v2/clusters/c-101/jobs (it found object, not a list)',
      ),
    });
  });

  it('an empty list is an empty cluster, not an error', async () => {
    const fetch = routed([{ path: '/api/v2/clusters/c-101/jobs', reply: jsonReply({ jobs: [] }) }]);
    const { http } = recordingHttp(fetch);
    await expect(genericAdapter.poll(ctx(http, forge(), C101))).resolves.toMatchObject({ jobs: [] });
  });
});

describe('generic values', () => {
  it.each([
    ['2025-03-10T14:42:00Z', Date.parse('2025-03-10T14:42:00Z')],
    ['2025-03-10T15:42:00+01:00', Date.parse('2025-03-10T14:42:00Z')],
    [1741617600, 1741617600000],
    [1741617600.5, 1741617600500],
    [1741617600123, 1741617600123],
    ['1741617600123', 1741617600123],
    [1741617600123456, 1741617600123],
    [Number('1741617600123456789'), 1741617600123],
    ['1741617600123456789', 1741617600123],
    ['yesterday', undefined],
    [0, undefined],
    [null, undefined],
  ])('time %s → %s', (input, expected) => {
    expect(parseTime(input)).toBe(expected);
  });

  it('field values: scalars as they are, lists as text, objects as stable JSON', () => {
    const item = {
      a: 1,
      b: 'x',
      c: true,
      d: null,
      e: [1, 'two'],
      f: { z: 1, y: 2 },
      g: [{ n: 1 }, { n: 2 }],
    };
    expect(fieldValue(item, 'a')).toBe(1);
    expect(fieldValue(item, 'b')).toBe('x');
    expect(fieldValue(item, 'c')).toBe(true);
    expect(fieldValue(item, 'd')).toBeNull();
    expect(fieldValue(item, 'e')).toEqual(['1', 'two']);
    expect(fieldValue(item, 'f')).toBe('{"y":2,"z":1}');
    expect(fieldValue(item, 'g[*].n')).toEqual(['1', '2']);
    expect(fieldValue(item, 'missing')).toBeUndefined();
    expect(fieldValue(item, 'missing[*]')).toBeUndefined();
  });
});

describe('generic: conditional requests', () => {
  const ETAG = '"v1-abc"';
  /** The job list with an ETag, 304 when asked with it; `leaveOut` drops a job from the answer. */
  function conditionalApi(state: { leaveOut?: string; etag: string }) {
    return routed([
      {
        path: '/api/v2/clusters/c-101/jobs',
        reply: (_url, init) => {
          const asked = new Headers(init.headers).get('if-none-match');
          if (asked === state.etag) return new Response(null, { status: 304, headers: { etag: state.etag } });
          const body = fixture<{ jobs: { name: string }[] }>('generic/jobs.json');
          body.jobs = body.jobs.filter((j) => j.name !== state.leaveOut);
          return respond(JSON.stringify(body), {
            headers: { 'content-type': 'application/json', etag: state.etag },
          });
        },
      },
    ]);
  }

  it('asks with the ETag it remembers; a 304 means every stored job is unchanged', async () => {
    const state = { etag: ETAG };
    const first = await genericAdapter.poll(ctx(recordingHttp(conditionalApi(state)).http, forge(), C101));
    expect(first.memo).toMatchObject({ etag: ETAG });
    const known = new Map(first.jobs.map((j) => [j.key, j.versionToken]));
    const { http, requests } = recordingHttp(conditionalApi(state));
    const steady = await genericAdapter.poll(ctx(http, forge(), C101, { known, memo: first.memo }));
    expect(steady.jobs).toEqual([]);
    expect([...(steady.unchanged ?? [])].sort()).toEqual([...known.keys()].sort());
    expect(new Headers(requests[0]?.init.headers).get('if-none-match')).toBe(ETAG);
  });

  it('remembers no ETag from a list that left out a stored job, so the next list is read in full', async () => {
    const state: { etag: string; leaveOut?: string } = { etag: ETAG };
    const first = await genericAdapter.poll(ctx(recordingHttp(conditionalApi(state)).http, forge(), C101));
    const known = new Map(first.jobs.map((j) => [j.key, j.versionToken]));
    state.leaveOut = 'checkout';
    state.etag = '"v2-without-checkout"';
    const lied = await genericAdapter.poll(
      ctx(recordingHttp(conditionalApi(state)).http, forge(), C101, { known, memo: first.memo }),
    );
    expect(lied.memo).not.toHaveProperty('etag');
    // The same answer again: asked unconditionally, read in full — a second list without checkout.
    const { http, requests } = recordingHttp(conditionalApi(state));
    const again = await genericAdapter.poll(ctx(http, forge(), C101, { known, memo: lied.memo }));
    expect(new Headers(requests[0]?.init.headers).has('if-none-match')).toBe(false);
    expect(again.jobs.map((j) => j.name)).not.toContain('checkout');
  });

  it('does not use an ETag remembered for another mapping', async () => {
    const state = { etag: ETAG };
    const first = await genericAdapter.poll(ctx(recordingHttp(conditionalApi(state)).http, forge(), C101));
    const known = new Map(first.jobs.map((j) => [j.key, j.versionToken]));
    const other = forge({ generic: { ...mapping, jobs: { ...mapping.jobs, changedBy: 'owner' } } });
    const { http, requests } = recordingHttp(conditionalApi(state));
    await genericAdapter.poll(ctx(http, other, C101, { known, memo: first.memo }));
    expect(new Headers(requests[0]?.init.headers).has('if-none-match')).toBe(false);
  });
});

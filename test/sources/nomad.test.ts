import { describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../lib/model';
import {
  detailThreshold,
  jobsUrl,
  NEXT_TOKEN_HEADER,
  needsVersions,
  nomadAdapter,
  PAGE_SIZE,
  parseRegions,
} from '../../lib/sources/nomad/adapter';
import { type NomadStub, normalizeJob, summarizeDiff } from '../../lib/sources/nomad/normalize';
import {
  ctx,
  fixture,
  fixtureText,
  jsonReply,
  NOW,
  type Route,
  recordingHttp,
  respond,
  routed,
  source,
} from './extra-helpers';
import { nomadJobOfVersionsUrl, nomadVersionsText } from './helpers';

const BASE = 'https://nomad.example.com';
const TOKEN = 'b1946ac9-2f1c-4f9d-a7f3-5e0b8c2d9e10';
const EU = { nativeId: 'eu-west', apiBase: BASE };
const nomad = (over: Partial<Omit<Parameters<typeof source>[0], 'type'>> = {}) =>
  source({ type: 'nomad', baseUrl: BASE, ...over });

const versionsRoute = (id: string): Route => ({
  path: `/v1/job/${id}/versions`,
  reply: jsonReply(fixtureText(`nomad/versions-${id}.json`)),
});

const api = (extra: Route[] = []) =>
  routed([
    ...extra,
    { path: '/v1/regions', reply: jsonReply(fixtureText('nomad/regions.json')) },
    { path: '/v1/jobs', reply: jsonReply(fixtureText('nomad/jobs.json')) },
    versionsRoute('checkout'),
    versionsRoute('ingest'),
  ]);

async function poll(src = nomad(), overrides: Parameters<typeof ctx>[3] = {}) {
  const fetch = api();
  const { http, requests } = recordingHttp(fetch);
  const result = await nomadAdapter.poll(ctx(http, src, EU, { token: TOKEN, ...overrides }));
  return { result, byName: new Map(result.jobs.map((j) => [j.name, j])), requests, fetch };
}

describe('Nomad discovery', () => {
  it('makes each region a cluster on the same server', async () => {
    const { http, requests } = recordingHttp(api());
    const { clusters } = await nomadAdapter.discover(http, nomad());
    expect(clusters).toEqual([
      { nativeId: 'eu-west', name: 'eu-west', apiBase: BASE },
      { nativeId: 'us-east', name: 'us-east', apiBase: BASE },
    ]);
    expect(requests.map((r) => r.url)).toEqual([`${BASE}/v1/regions`]);
  });

  it('needs no server when regions are listed by hand', async () => {
    const src = source({ type: 'nomad', clusters: [{ id: 'global', apiBase: BASE }] });
    const { http, requests } = recordingHttp(api());
    expect(await nomadAdapter.discover(http, src)).toEqual({ clusters: [], bytes: 0 });
    expect(requests).toHaveLength(0);
  });

  it('rejects what is not a list of names', () => {
    expect(() => parseRegions({ Regions: [] }, `${BASE}/v1/regions`)).toThrow(
      'not a list of regions from /v1/regions',
    );
    expect(() => parseRegions(['a', 3], `${BASE}/v1/regions`)).toThrow('regions[1] is not a region name');
  });
});

describe('Nomad jobs', () => {
  it('lists every namespace of the region with meta, a page size and the filter', () => {
    const url = new URL(
      jobsUrl(BASE, 'eu-west', '*', { filter: 'Meta.team == "shop"', nextToken: 'shop.x' }),
    );
    expect(url.pathname).toBe('/v1/jobs');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      namespace: '*',
      region: 'eu-west',
      meta: 'true',
      per_page: String(PAGE_SIZE),
      filter: 'Meta.team == "shop"',
      next_token: 'shop.x',
    });
  });

  it('reads versions only for recently submitted jobs, and skips periodic children', async () => {
    const { result, requests } = await poll();
    expect(result.jobs.map((j) => j.name).sort()).toEqual([
      'checkout',
      'ingest',
      'legacy-api',
      'nightly-report',
    ]);
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual([
      '/v1/jobs',
      '/v1/job/checkout/versions',
      '/v1/job/ingest/versions',
    ]);
    const versions = new URL(requests[1]?.url ?? '');
    expect(Object.fromEntries(versions.searchParams)).toEqual({
      diffs: 'true',
      namespace: 'shop',
      region: 'eu-west',
    });
  });

  it('a submitted version: the token (never a person), SubmitTime, Version, fields, Nomad’s diff as cause', async () => {
    const checkout = (await poll()).byName.get('checkout') as JobSnapshot;
    expect(checkout).toMatchObject({
      key: 'src/eu-west|NomadJob:shop/checkout',
      kind: 'NomadJob',
      namespace: 'shop',
      name: 'checkout',
      version: 7,
      instance: 'c200',
      versionToken: 'j1450:healthy',
      changedAt: Date.parse('2025-03-10T14:30:00Z'),
      changedBy: { name: 'token 1a2b3c4d', kind: 'token' },
      health: { state: 'healthy' },
      link: `${BASE}/ui/jobs/checkout@shop?region=eu-west`,
    });
    expect(checkout.fields).toEqual({
      type: 'service',
      priority: 50,
      stop: false,
      datacenters: ['eu-west-1a', 'eu-west-1b'],
      meta: ['owner=payments-squad', 'team=shop'],
      nodePool: 'default',
      'taskgroups[web].count': 3,
      'taskgroups[web].tasks[app].driver': 'docker',
      'taskgroups[web].tasks[app].image': 'registry.example.com/shop/checkout:1.4.2',
      'taskgroups[web].tasks[app].args': ['--port', '8080'],
      'taskgroups[web].tasks[app].env': ['DB_PASSWORD', 'LOG_LEVEL'],
      'taskgroups[web].tasks[app].resources.cpu': 500,
      'taskgroups[web].tasks[app].resources.memoryMB': 256,
      'taskgroups[sidecar].count': 1,
      'taskgroups[sidecar].tasks[envoy].driver': 'docker',
      'taskgroups[sidecar].tasks[envoy].image': 'registry.example.com/base/envoy:1.29.1',
      'taskgroups[sidecar].tasks[envoy].resources.cpu': 100,
      'taskgroups[sidecar].tasks[envoy].resources.memoryMB': 64,
    });
    expect(checkout.changeCause).toBe('Nomad diff: group web: Count; group web: task app: Config.image');
  });

  it('never copies an env value into a snapshot', async () => {
    const { result } = await poll();
    expect(JSON.stringify(result.jobs)).not.toContain('hunter2');
  });

  it('a version submitted without ACLs has no actor; pending is progressing', async () => {
    const ingest = (await poll()).byName.get('ingest') as JobSnapshot;
    expect(ingest.changedBy).toBeUndefined();
    expect(ingest.version).toBe(0);
    expect(ingest.health.state).toBe('progressing');
    expect(ingest.changeCause).toBeUndefined();
  });

  it('an old job comes from the list alone: its time, no version, no submitter; stopped is suspended', async () => {
    const { byName } = await poll();
    const legacy = byName.get('legacy-api') as JobSnapshot;
    expect(legacy).toMatchObject({
      versionToken: 'j880:suspended',
      changedAt: Date.parse('2025-01-15T09:00:00Z'),
      health: { state: 'suspended', message: 'stopped' },
      fields: { type: 'service', priority: 50, stop: true, datacenters: ['eu-west-1a'], meta: ['team=core'] },
    });
    expect(legacy.version).toBeUndefined();
    expect(legacy.changedBy).toBeUndefined();
    expect(byName.get('nightly-report')?.health.state).toBe('healthy');
  });

  it('the list-only and the full snapshot of one job agree on the fields both have, and on the token', () => {
    const stub = fixture<NomadStub[]>('nomad/jobs.json')[0] as NomadStub;
    const c = ctx(undefined as never, nomad(), EU);
    const lean = normalizeJob(stub, undefined, c);
    const full = normalizeJob(stub, fixture('nomad/versions-checkout.json'), c);
    expect(lean.versionToken).toBe(full.versionToken);
    for (const [path, value] of Object.entries(lean.fields)) expect(full.fields[path]).toEqual(value);
  });

  it('takes the version the list names, not a newer one submitted since', () => {
    const stub = { ...(fixture<NomadStub[]>('nomad/jobs.json')[0] as NomadStub), JobModifyIndex: 1310 };
    const snap = normalizeJob(
      stub,
      fixture('nomad/versions-checkout.json'),
      ctx(undefined as never, nomad(), EU),
    );
    expect(snap.version).toBe(6);
    expect(snap.fields['taskgroups[web].count']).toBe(2);
    expect(snap.changedBy?.name).toBe('token 9f8e7d6c');
    // Diffs[1] does not exist: the oldest version has no diff.
    expect(snap.changeCause).toBeUndefined();
  });

  it('reads versions of every job changed since the last poll, however long ago that was', async () => {
    const lastOkPoll = Date.parse('2025-01-20T00:00:00Z');
    const c = { now: NOW, source: nomad(), lastOkPoll };
    expect(detailThreshold(c)).toBe(lastOkPoll - 10 * 60_000);
    expect(detailThreshold({ ...c, lastOkPoll: NOW - 60_000 })).toBe(NOW - 24 * 3_600_000);
    expect(detailThreshold({ now: NOW, source: nomad({ nomad: { versionsWithinHours: 1 } }) })).toBe(
      NOW - 3_600_000,
    );
    const stub = { ID: 'x', SubmitTime: Date.parse('2025-02-01T08:00:00Z') * 1e6 };
    expect(needsVersions(stub, NOW - 24 * 3_600_000)).toBe(false);
    expect(needsVersions(stub, detailThreshold(c))).toBe(true);
    expect(needsVersions({ ID: 'y' }, NOW)).toBe(true);

    const fetch = api([
      {
        path: /^\/v1\/job\/.+\/versions$/,
        reply: (url) => jsonReply(nomadVersionsText(nomadJobOfVersionsUrl(url)))(),
      },
    ]);
    const { http, requests } = recordingHttp(fetch);
    await nomadAdapter.poll(ctx(http, nomad(), EU, { token: TOKEN, lastOkPoll }));
    // nightly-report (submitted 2025-02-01) now counts; legacy-api (2025-01-15) still does not.
    expect(requests.map((r) => decodeURIComponent(new URL(r.url).pathname))).toEqual([
      '/v1/jobs',
      '/v1/job/checkout/versions',
      '/v1/job/ingest/versions',
      '/v1/job/nightly-report/versions',
    ]);
  });

  it('follows X-Nomad-NextToken to the end of the list', async () => {
    const jobs = fixture<NomadStub[]>('nomad/jobs.json');
    const pages = [jobs.slice(0, 2), jobs.slice(2, 4), jobs.slice(4)];
    const fetch = routed([
      versionsRoute('checkout'),
      versionsRoute('ingest'),
      {
        path: '/v1/jobs',
        reply: (url) => {
          const i = Number(url.searchParams.get('next_token') ?? 0);
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (i + 1 < pages.length) headers[NEXT_TOKEN_HEADER] = String(i + 1);
          return respond(JSON.stringify(pages[i]), { headers });
        },
      },
    ]);
    const { http, requests } = recordingHttp(fetch);
    const { jobs: got } = await nomadAdapter.poll(ctx(http, nomad(), EU, { token: TOKEN }));
    expect(got).toHaveLength(4);
    expect(
      requests
        .filter((r) => r.url.includes('/v1/jobs'))
        .map((r) => new URL(r.url).searchParams.get('next_token')),
    ).toEqual([null, '1', '2']);
  });

  it('a list that does not advance is an error, not an endless loop', async () => {
    const fetch = routed([{ path: '/v1/jobs', reply: jsonReply([], { [NEXT_TOKEN_HEADER]: 'same' }) }]);
    const { http } = recordingHttp(fetch);
    await expect(nomadAdapter.poll(ctx(http, nomad(), EU, { token: TOKEN }))).rejects.toMatchObject({
      status: 'error',
      message: expect.stringContaining('did not advance'),
    });
  });

  it('lists the configured namespaces one by one, and filters names and children', async () => {
    const fetch = api([
      {
        path: '/v1/job/nightly-report%2Fperiodic-1741564800/versions',
        reply: jsonReply(nomadVersionsText('nightly-report/periodic-1741564800')),
      },
    ]);
    const { http, requests } = recordingHttp(fetch);
    const src = nomad({
      owner: { namespaces: ['shop', 'data'], namePattern: '^(checkout|nightly)' },
      nomad: { includeChildJobs: true },
    });
    const { jobs } = await nomadAdapter.poll(ctx(http, src, EU, { token: TOKEN }));
    const lists = requests.filter((r) => r.url.includes('/v1/jobs?'));
    expect(lists.map((r) => new URL(r.url).searchParams.get('namespace'))).toEqual(['shop', 'data']);
    // The fixture answers every namespace with the same list; each job is kept once.
    expect(jobs.map((j) => j.name).sort()).toEqual([
      'checkout',
      'nightly-report',
      'nightly-report/periodic-1741564800',
    ]);
  });

  it('summarizes Nomad’s structured diff, leaving out what did not change', () => {
    expect(summarizeDiff({ Type: 'None' })).toBeUndefined();
    expect(
      summarizeDiff({
        Type: 'Edited',
        Fields: [{ Type: 'Edited', Name: 'Priority' }],
        TaskGroups: Array.from({ length: 8 }, (_, i) => ({
          Type: 'Edited',
          Name: `g${i}`,
          Fields: [{ Type: 'Added', Name: 'Count' }],
        })),
      }),
    ).toBe(
      'Nomad diff: Priority; group g0: Count; group g1: Count; group g2: Count; group g3: Count; group g4: Count (+3 more)',
    );
  });
});

describe('Nomad: details for what moved', () => {
  it('reads the versions of a job whose token moved, however old its SubmitTime looks', async () => {
    // legacy-api was submitted long before the 24 h window: by time alone it is read from the list.
    const plain = await poll();
    expect(plain.requests.map((r) => new URL(r.url).pathname)).not.toContain('/v1/job/legacy-api/versions');
    // Stored with another token (it moved since the last poll): its versions are read.
    const legacy = plain.byName.get('legacy-api') as JobSnapshot;
    const known = new Map(
      plain.result.jobs.map((j) => [j.key, j === legacy ? 'j1:healthy' : j.versionToken]),
    );
    const fetch = api([
      { path: '/v1/job/legacy-api/versions', reply: jsonReply(nomadVersionsText('legacy-api')) },
    ]);
    const { http, requests } = recordingHttp(fetch);
    await nomadAdapter.poll(ctx(http, nomad(), EU, { token: TOKEN, known }));
    const read = requests.map((r) => new URL(r.url).pathname).filter((p) => p.endsWith('/versions'));
    // … and only its: the others' tokens did not move, and their stored snapshots hold their
    // details already (checkout and ingest, recent, were read at the first sight).
    expect(read).toEqual(['/v1/job/legacy-api/versions']);
  });
});

describe('Nomad: a job registered again between its list and its versions read', () => {
  it('fails the poll instead of lending the new incarnation to the listed job', async () => {
    // checkout is listed with CreateIndex 200; by the time its versions are read, it was purged
    // and registered again: every version Nomad returns is of the new job (CreateIndex 2600).
    const answer = JSON.parse(fixtureText('nomad/versions-checkout.json')) as { Versions: object[] };
    const reborn = {
      ...answer,
      Versions: answer.Versions.map((v) => ({ ...v, CreateIndex: 2600, JobModifyIndex: 2600 })),
    };
    const { http } = recordingHttp(api([{ path: '/v1/job/checkout/versions', reply: jsonReply(reborn) }]));
    await expect(nomadAdapter.poll(ctx(http, nomad(), EU, { token: TOKEN }))).rejects.toMatchObject({
      status: 'partial',
      message:
        'poll incomplete: job checkout was registered again between its list and its versions read (listed CreateIndex 200, versions of 2600)',
    });
  });
});

describe('Nomad: the index tells what moved', () => {
  /** The job list, answering with this X-Nomad-Index. */
  const listAt = (index: string, body = fixtureText('nomad/jobs.json')): Route => ({
    path: '/v1/jobs',
    reply: () => respond(body, { headers: { 'content-type': 'application/json', 'x-nomad-index': index } }),
  });

  async function firstSight(index = '5000') {
    const { http } = recordingHttp(
      routed([listAt(index), versionsRoute('checkout'), versionsRoute('ingest')]),
    );
    const c = ctx(http, nomad(), EU, { token: TOKEN });
    const first = await nomadAdapter.poll(c);
    return { c, first, known: new Map(first.jobs.map((j) => [j.key, j.versionToken])) };
  }

  it('asks with the index it remembers, and an unchanged one means every stored job is unchanged', async () => {
    const { c, first, known } = await firstSight();
    expect(first.memo).toMatchObject({ index: '5000' });
    const { http, requests } = recordingHttp(routed([listAt('5000')]));
    const steady = await nomadAdapter.poll({ ...c, http, known, memo: first.memo });
    expect(steady.jobs).toEqual([]);
    expect([...(steady.unchanged ?? [])].sort()).toEqual([...known.keys()].sort());
    expect(requests).toHaveLength(1);
    const q = new URL(requests[0]?.url ?? '').searchParams;
    expect([q.get('index'), q.get('wait')]).toEqual(['5000', '500ms']);
  });

  it('remembers no index from a list that left out a job Tattler stores: its disappearance must be asked again', async () => {
    const { c, first, known } = await firstSight();
    known.set(`${c.clusterId}|NomadJob:default/vanished`, 'j1:healthy');
    const { http } = recordingHttp(routed([listAt('5001')]));
    const polled = await nomadAdapter.poll({ ...c, http, known, memo: first.memo });
    expect(polled.memo).not.toHaveProperty('index');
    // So the next poll asks without one, and sees the list again.
    const { http: again, requests } = recordingHttp(routed([listAt('5001')]));
    await nomadAdapter.poll({ ...c, http: again, known, memo: polled.memo });
    expect(new URL(requests[0]?.url ?? '').searchParams.has('index')).toBe(false);
  });

  it('does not use an index remembered for another region or filter', async () => {
    const { c, first, known } = await firstSight();
    const { http, requests } = recordingHttp(routed([listAt('5000')]));
    await nomadAdapter.poll({
      ...c,
      http,
      known,
      memo: first.memo,
      source: nomad({ nomad: { filter: 'Meta.team == "x"' } }),
    });
    expect(new URL(requests[0]?.url ?? '').searchParams.has('index')).toBe(false);
  });
});

/**
 * Every way Nomad can fail — discovery, the job list, and a job's versions after the list
 * arrived — through the real http layer over a stub fetch: the right outcome, no jobs, and the
 * request path named. A failure after the list began leaves an incomplete answer: `partial`,
 * except a missing login, which stays `auth` (the one thing a person can fix).
 */
import { describe, it } from 'vitest';
import type { FetchLike } from '../../lib/http';
import { NEXT_TOKEN_HEADER, nomadAdapter } from '../../lib/sources/nomad/adapter';
import {
  ctx,
  expectFault,
  FAULTS,
  type FaultTarget,
  faultHttp,
  fixture,
  fixtureText,
  jsonHeaders,
  respond,
  source,
} from './extra-helpers';
import { nomadJobOfVersionsUrl, nomadVersionsText } from './helpers';

const BASE = 'https://nomad.example.com';
const TOKEN = '0b5c3f0e-8a41-4b7e-9d2c-1f6e5a4b3c2d';
const src = source({ type: 'nomad', baseUrl: BASE });
const http = faultHttp;
const poll = (fetch: FetchLike) =>
  nomadAdapter.poll(ctx(http(fetch), src, { nativeId: 'eu-west', apiBase: BASE }, { token: TOKEN }));

const regions = fixtureText('nomad/regions.json');
const jobs = fixtureText('nomad/jobs.json');
const versions = fixtureText('nomad/versions-checkout.json');
const ok = (body: string, headers: Record<string, string> = {}) =>
  respond(body, { headers: { ...jsonHeaders, ...headers } });

/** The list answers well; every versions request goes to the fault. */
const listThen =
  (faulty: FetchLike): FetchLike =>
  async (input, init) =>
    new URL(input).pathname === '/v1/jobs' ? ok(jobs) : faulty(input, init);

const targets: FaultTarget[] = [
  {
    name: 'discovery',
    path: '/v1/regions',
    run: (fetch) => nomadAdapter.discover(http(fetch), src),
    good: regions,
    wrongShape: JSON.stringify({ Regions: ['eu-west'] }),
    // One small list in one answer: cut off, it is not JSON.
    partial: { fetch: async () => ok(regions.slice(0, 8)), status: 'error' },
  },
  {
    name: 'job list',
    path: '/v1/jobs',
    run: poll,
    good: jobs,
    wrongShape: JSON.stringify({ Jobs: fixture<unknown[]>('nomad/jobs.json') }),
    // The first page promises more; the next page fails.
    partial: {
      fetch: async (input) =>
        new URL(input).searchParams.has('next_token')
          ? respond('rpc error: EOF', { status: 500 })
          : ok(JSON.stringify(fixture<unknown[]>('nomad/jobs.json').slice(0, 1)), {
              [NEXT_TOKEN_HEADER]: 'shop.ingest',
            }),
      status: 'partial',
    },
  },
  {
    name: 'job versions',
    path: '/versions',
    run: poll,
    around: listThen,
    good: versions,
    wrongShape: JSON.stringify(fixture<unknown[]>('nomad/jobs.json')),
    statusFor: (status) => (status === 'auth' ? 'auth' : 'partial'),
    partial: {
      fetch: listThen(async (input) =>
        new URL(input).pathname.includes('checkout') ? ok(versions) : respond('no leader', { status: 500 }),
      ),
      status: 'partial',
    },
  },
];

describe.each(targets)('Nomad $name faults', (target) => {
  it.each(FAULTS)('$name → $status (or partial after the list), no jobs, naming the path', (fault) =>
    expectFault(target, fault),
  );

  it('a good answer succeeds (the table fails for the fault, not for another reason)', async () => {
    const good: FetchLike = async (input) => {
      const path = new URL(input).pathname;
      if (path === '/v1/jobs') return ok(jobs);
      if (path === '/v1/regions') return ok(regions);
      return ok(nomadVersionsText(nomadJobOfVersionsUrl(input)));
    };
    await target.run(good);
  });
});

/**
 * The Nomad ACL token on the wire: sent as `X-Nomad-Token` and nowhere else — never in a URL,
 * never in a snapshot. (Where it is kept, and for which origin: test/secrets.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { PollError } from '../../lib/http';
import { nomadAdapter, TOKEN_HEADER } from '../../lib/sources/nomad/adapter';
import {
  ctx,
  expectAllGets,
  fixtureText,
  jsonReply,
  type RecordedRequest,
  recordingHttp,
  respond,
  routed,
  source,
} from './extra-helpers';

const BASE = 'https://nomad.example.com';
const TOKEN = 'c8d1e2f3-0a1b-4c2d-9e3f-4a5b6c7d8e9f';

const api = () =>
  routed([
    { path: '/v1/regions', reply: jsonReply(fixtureText('nomad/regions.json')) },
    { path: '/v1/jobs', reply: jsonReply(fixtureText('nomad/jobs.json')) },
    { path: '/v1/job/checkout/versions', reply: jsonReply(fixtureText('nomad/versions-checkout.json')) },
    { path: '/v1/job/ingest/versions', reply: jsonReply(fixtureText('nomad/versions-ingest.json')) },
  ]);

const headersOf = (r: RecordedRequest): Record<string, string> =>
  (r.init.headers ?? {}) as Record<string, string>;

describe('the token on the wire', () => {
  it('goes in X-Nomad-Token on every job request, and in no URL and no other header', async () => {
    const { http, requests } = recordingHttp(api());
    const src = source({ type: 'nomad', baseUrl: BASE });
    const { jobs } = await nomadAdapter.poll(
      ctx(http, src, { nativeId: 'eu-west', apiBase: BASE }, { token: TOKEN }),
    );
    expect(jobs.length).toBeGreaterThan(0);
    expect(requests).toHaveLength(3);
    expectAllGets(requests);
    for (const r of requests) {
      expect(r.url).not.toContain(TOKEN);
      expect(decodeURIComponent(r.url)).not.toContain(TOKEN);
      const headers = headersOf(r);
      expect(headers[TOKEN_HEADER]).toBe(TOKEN);
      const carrying = Object.entries(headers).filter(([, v]) => v.includes(TOKEN));
      expect(carrying).toEqual([[TOKEN_HEADER, TOKEN]]);
    }
    expect(JSON.stringify(jobs)).not.toContain(TOKEN);
  });

  it('is not sent to discovery, which needs none', async () => {
    const { http, requests } = recordingHttp(api());
    await nomadAdapter.discover(http, source({ type: 'nomad', baseUrl: BASE }));
    expect(requests).toHaveLength(1);
    expect(headersOf(requests[0] as RecordedRequest)).not.toHaveProperty(TOKEN_HEADER);
  });

  it('without a token, no header is sent and Nomad’s 403 is a missing login', async () => {
    const fetch = routed([
      {
        path: '/v1/jobs',
        reply: (_url, init) =>
          (init.headers as Record<string, string>)[TOKEN_HEADER]
            ? respond('[]', { headers: { 'content-type': 'application/json' } })
            : respond('Permission denied', { status: 403, headers: { 'content-type': 'text/plain' } }),
      },
    ]);
    const { http, requests } = recordingHttp(fetch);
    const c = ctx(http, source({ type: 'nomad', baseUrl: BASE }), { nativeId: 'eu-west', apiBase: BASE });
    const error = await nomadAdapter.poll(c).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PollError);
    expect(error).toMatchObject({ status: 'auth', message: expect.stringContaining('403 on /v1/jobs') });
    expect(headersOf(requests[0] as RecordedRequest)).not.toHaveProperty(TOKEN_HEADER);
    await expect(nomadAdapter.poll({ ...c, token: TOKEN })).resolves.toMatchObject({ jobs: [], bytes: 2 });
  });
});

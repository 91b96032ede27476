/** lib/http.ts: what a server's "not now" looks like to the rest of Tattler. */
import { describe, expect, it } from 'vitest';
import { createHttp, PollError, parseRetryAfter } from '../lib/http';

const NOW = Date.parse('2026-12-01T14:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', { now: NOW })).toBe(120_000);
    expect(parseRetryAfter(' 0 ', { now: NOW })).toBe(0);
  });

  it("reads an HTTP-date against the answer's own Date header, so a skewed server clock does not matter", () => {
    // The server's clock is an hour ahead of the browser's; it asks for 5 minutes.
    const date = 'Tue, 01 Dec 2026 15:00:00 GMT';
    expect(parseRetryAfter('Tue, 01 Dec 2026 15:05:00 GMT', { date, now: NOW })).toBe(300_000);
  });

  it('reads an HTTP-date against now when the answer has no Date header; a date in the past is no wait', () => {
    expect(parseRetryAfter('Tue, 01 Dec 2026 14:02:00 GMT', { now: NOW })).toBe(120_000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 13:00:00 GMT', { now: NOW })).toBe(0);
  });

  it('ignores what is neither', () => {
    for (const v of [undefined, null, '', 'soon', '-5', '1.5', '2026-12-01T14:05:00Z']) {
      expect(parseRetryAfter(v, { now: NOW })).toBeUndefined();
    }
  });
});

describe('getJson and a server that asks to wait', () => {
  const answering = (status: number, headers: Record<string, string>) =>
    createHttp({ fetch: async () => new Response('{"kind":"Status","code":429}', { status, headers }) });

  it('429 throws a PollError that says so and carries the wait', async () => {
    const error = await answering(429, { 'retry-after': '30' })
      .getJson('https://k8s.example/apis/apps/v1/deployments')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PollError);
    expect(error).toMatchObject({ status: 'error', httpStatus: 429, retryAfterMs: 30_000 });
    expect((error as PollError).message).toBe(
      '429 Too Many Requests on /apis/apps/v1/deployments: asked to wait 30 s',
    );
  });

  it('a 503 with Retry-After carries it too; without the header there is no wait', async () => {
    const with503 = await answering(503, { 'retry-after': '5' })
      .getJson('https://k8s.example/x')
      .catch((e: unknown) => e);
    expect(with503).toMatchObject({ httpStatus: 503, retryAfterMs: 5000 });
    const bare = await answering(429, {})
      .getJson('https://k8s.example/x')
      .catch((e: unknown) => e);
    expect((bare as PollError).retryAfterMs).toBeUndefined();
  });

  it('a 304 the caller accepts is an answer with no body', async () => {
    const http = createHttp({
      fetch: async () => new Response(null, { status: 304, headers: { etag: '"v1"' } }),
    });
    const res = await http.getJson('https://forge.example/jobs', {
      headers: { 'If-None-Match': '"v1"' },
      acceptStatus: [304],
    });
    expect(res.status).toBe(304);
    expect(res.body).toBeUndefined();
    expect(res.headers.get('etag')).toBe('"v1"');
  });
});

/**
 * lib/http.ts is the one door to clusters. Two promises are checked here, over stub fetches and
 * over real servers on 127.0.0.1 (two ports are two origins):
 * - no redirect is followed: a redirect is "needs login at <origin asked>", its body never read,
 *   and the place it points to hears nothing;
 * - a token goes only to the origin it was given for, whatever an adapter asks.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttp, type FetchLike, PollError } from '../lib/http';
import { opaqueRedirect } from './sources/extra-helpers';

interface Heard {
  path: string;
  headers: IncomingHttpHeaders;
}

/** A server on 127.0.0.1 that records what it hears and answers with `reply`. */
async function listen(
  reply: (path: string, res: import('node:http').ServerResponse) => void,
): Promise<{ server: Server; origin: string; heard: Heard[] }> {
  const heard: Heard[] = [];
  const server = createServer((req, res) => {
    heard.push({ path: req.url ?? '', headers: req.headers });
    reply(req.url ?? '', res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}`, heard };
}

const TOKEN = '0b7a4c2e-5d1f-4e8a-9c3b-2a1d0e9f8c7b';

describe('redirects', () => {
  it('are never followed: every request asks fetch not to', async () => {
    const inits: RequestInit[] = [];
    const fetch: FetchLike = async (_url, init) => {
      inits.push(init);
      return new Response('[]', { headers: { 'content-type': 'application/json' } });
    };
    const http = createHttp({ fetch });
    await http.getJson('https://nomad.example.com/v1/jobs');
    await http.getJson('https://nomad.example.com/v1/jobs', { headers: { 'X-Nomad-Token': TOKEN } });
    expect(inits.map((i) => i.redirect)).toEqual(['manual', 'manual']);
  });

  it('an opaque redirect (all a browser shows) is a missing login at the origin asked; its body is never read', async () => {
    let read = false;
    const http = createHttp({
      fetch: async (url) =>
        opaqueRedirect(url, () => {
          read = true;
        }),
    });
    const error = await http.getJson('https://argocd.example.com/api/v1/applications').catch((e) => e);
    expect(error).toBeInstanceOf(PollError);
    expect(error).toMatchObject({
      status: 'auth',
      loginUrl: 'https://argocd.example.com/',
      url: 'https://argocd.example.com/api/v1/applications',
    });
    expect(error.message).toBe(
      'needs login at https://argocd.example.com: /api/v1/applications answered with a redirect, which Tattler does not follow',
    );
    expect(read).toBe(false);
  });

  describe('over real HTTP, to another origin', () => {
    let a: Awaited<ReturnType<typeof listen>>;
    let b: Awaited<ReturnType<typeof listen>>;
    beforeAll(async () => {
      b = await listen((_path, res) => {
        res.setHeader('content-type', 'application/json');
        res.setHeader('access-control-allow-origin', '*');
        res.setHeader('access-control-allow-headers', '*');
        res.end('[]');
      });
      a = await listen((path, res) => {
        if (path.startsWith('/same')) res.writeHead(302, { location: '/v1/jobs-moved' });
        else res.writeHead(302, { location: `${b.origin}/v1/jobs` });
        res.end('<html>moved</html>');
      });
    });
    afterAll(async () => {
      await new Promise((r) => a.server.close(r));
      await new Promise((r) => b.server.close(r));
    });

    it('the other origin hears nothing, with or without a token, and nothing is accepted as an answer', async () => {
      const http = createHttp({ timeoutMs: 5000, secrets: [{ value: TOKEN, origin: a.origin }] });
      for (const headers of [undefined, { 'X-Nomad-Token': TOKEN }]) {
        const error = await http
          .getJson(`${a.origin}/v1/jobs`, { ...(headers ? { headers } : {}) })
          .catch((e) => e);
        expect(error).toBeInstanceOf(PollError);
        expect(error).toMatchObject({ status: 'auth', loginUrl: `${a.origin}/` });
        expect(error.message).toContain(`needs login at ${a.origin}`);
      }
      expect(a.heard).toHaveLength(2);
      expect(a.heard[1]?.headers['x-nomad-token']).toBe(TOKEN);
      expect(b.heard).toEqual([]);
    });

    it('a redirect within the origin is not followed either', async () => {
      const before = a.heard.length;
      const error = await createHttp({ timeoutMs: 5000 })
        .getJson(`${a.origin}/same`)
        .catch((e) => e);
      expect(error).toMatchObject({ status: 'auth' });
      expect(a.heard.slice(before).map((h) => h.path)).toEqual(['/same']);
    });
  });
});

describe('tokens bound to their origin', () => {
  const sent: string[] = [];
  const fetch: FetchLike = async (url) => {
    sent.push(url);
    return new Response('[]', { headers: { 'content-type': 'application/json' } });
  };
  const A = 'https://nomad.example.com:4646';

  it('a request carrying a token to any other origin is not sent, and says why', async () => {
    sent.length = 0;
    const http = createHttp({ fetch, secrets: [{ value: TOKEN, origin: A }] });
    for (const url of [
      'https://nomad.example.com/v1/jobs', // another port
      'http://nomad.example.com:4646/v1/jobs', // another scheme
      'https://nomad-eu.example.com:4646/v1/jobs', // another host
    ]) {
      const error = await http.getJson(url, { headers: { 'X-Nomad-Token': TOKEN } }).catch((e) => e);
      expect(error).toBeInstanceOf(PollError);
      expect(error.status).toBe('auth');
      expect(error.message).toBe(
        `not sent: the token was given for ${A}, not for ${new URL(url).origin} (/v1/jobs)`,
      );
    }
    // In another header, or with a scheme before it, it is the same token.
    await expect(
      http.getJson('https://elsewhere.example/x', { headers: { Authorization: `Bearer ${TOKEN}` } }),
    ).rejects.toMatchObject({ status: 'auth' });
    expect(sent).toEqual([]);
  });

  it('goes to its own origin; requests without it go anywhere; one token given for two origins goes to both', async () => {
    sent.length = 0;
    const B = 'https://nomad-eu.example.com';
    const http = createHttp({
      fetch,
      secrets: [
        { value: TOKEN, origin: A },
        { value: TOKEN, origin: B },
      ],
    });
    await http.getJson(`${A}/v1/jobs`, { headers: { 'X-Nomad-Token': TOKEN } });
    await http.getJson(`${B}/v1/jobs`, { headers: { 'X-Nomad-Token': TOKEN } });
    await http.getJson('https://other.example/v1/regions');
    expect(sent).toEqual([`${A}/v1/jobs`, `${B}/v1/jobs`, 'https://other.example/v1/regions']);
  });
});

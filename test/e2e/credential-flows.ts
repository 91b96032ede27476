/**
 * Credentials go only where the user sent them, in the real browser: one test body run in
 * Chromium and in Firefox (credentials.chromium.e2e.ts, credentials.firefox.e2e.ts), as the core
 * flows are (core-flows.ts).
 *
 * Two servers on loopback: A (http://127.0.0.1:<port>) is the user's Nomad and home-grown cluster
 * manager, where the user logged in (a session cookie) and for which the Nomad token was typed; B
 * (http://localhost:<other port>: another origin, and another host for cookies) records every
 * request it hears — path, token header, cookies — and answers every origin's CORS preflight, as
 * permissively as a server can. The demo build has host access to both: the hardest case, where
 * only Tattler's own rules keep B out.
 *
 * After a redirect from A to B, a region listed by hand on B, a Test of a draft pointing at B, an
 * import that moves the source to B, and a cluster list naming an API on B, B has never seen the
 * token or A's session, and heard nothing at all where Tattler should send nothing.
 *
 * Build first: npm run build:demo.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusAnswer } from '../../lib/messages';
import type { PollRun } from '../../lib/model';
import { type BrowserName, type ExtensionBrowser, launchBrowser } from './browsers';
import { shown } from './core-flows';

export const TOKEN = '7d2f0a9e-4b1c-4e8d-a3f6-5c9b0e1d2a4f';
const SESSION = 'a_session=a-secret-session';

/** What a server heard: the path, and the credentials that came with it. */
export interface Heard {
  path: string;
  token?: string;
  cookie?: string;
}

export async function listen(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
export const portOf = (s: Server) => (s.address() as AddressInfo).port;
export const closeServer = (s: Server | undefined) =>
  new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));

const json = (res: ServerResponse, body: unknown, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const heard = (req: IncomingMessage): Heard => ({
  path: req.url ?? '',
  ...(req.headers['x-nomad-token'] ? { token: String(req.headers['x-nomad-token']) } : {}),
  ...(req.headers.cookie ? { cookie: req.headers.cookie } : {}),
});

export function credentialFlows(name: BrowserName) {
  describe(`credentials go only where the user sent them, in ${name}`, () => {
    let browser: ExtensionBrowser;
    let a: Server;
    let b: Server;
    let A = '';
    let B = '';
    const atA: Heard[] = [];
    const atB: Heard[] = [];
    /** What A's /v1/jobs does: answer, or redirect to B. */
    let jobs: 'answer' | 'redirect' = 'answer';

    beforeAll(async () => {
      b = await listen((req, res) => {
        atB.push(heard(req));
        res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
        res.setHeader('access-control-allow-credentials', 'true');
        res.setHeader('access-control-allow-headers', '*');
        if (req.method === 'OPTIONS') return res.end();
        const path = (req.url ?? '').split('?')[0] ?? '';
        // Answers that would pass for a healthy, empty cluster: accepting one would be a lie.
        return json(res, path === '/v1/regions' ? ['global'] : path.endsWith('/jobs') ? { jobs: [] } : []);
      });
      B = `http://localhost:${portOf(b)}`;
      a = await listen((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        atA.push({ ...heard(req), path: url.pathname });
        if (url.pathname === '/login') {
          res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': `${SESSION}; Path=/` });
          return res.end('<!doctype html><title>A</title><p>logged in</p>');
        }
        if (url.pathname === '/v1/regions') return json(res, ['global']);
        if (url.pathname === '/v1/jobs') {
          if (jobs === 'redirect') {
            res.writeHead(302, { location: `${B}/v1/jobs${url.search}` });
            return res.end();
          }
          return req.headers['x-nomad-token'] === TOKEN ? json(res, []) : json(res, 'Permission denied', 403);
        }
        if (url.pathname === '/api/clusters')
          return json(res, {
            clusters: [
              { id: 'here', api: '/api/clusters/here' },
              { id: 'there', api: `${B}/api/clusters/there` },
            ],
          });
        if (url.pathname === '/api/clusters/here/jobs') return json(res, { jobs: [] });
        return json(res, { error: 'not found' }, 404);
      });
      A = `http://127.0.0.1:${portOf(a)}`;
      browser = await launchBrowser(name, 'demo');
      // A's session cookie, set as a person's log-in would.
      const login = await browser.open(`${A}/login`);
      await login.close();
    });
    afterAll(async () => {
      await browser?.close();
      await closeServer(a);
      await closeServer(b);
    });

    const nomad = (over: Record<string, unknown> = {}) => ({
      id: 'nomad',
      name: 'Nomad',
      type: 'nomad',
      baseUrl: A,
      ...over,
    });
    const settings = (sources: unknown[]) => ({ version: 1, pollIntervalSec: 600, sources });
    const pollNow = async () => (await browser.send({ type: 'poll-now' })) as StatusAnswer;
    const lastRunOf = async (target: string) =>
      (await browser.readTable<PollRun>('polls'))
        .filter((r) => r.target === target)
        .sort((x, y) => x.to - y.to)
        .at(-1);

    /** Imports settings through the options page, as a person pastes a colleague's file. */
    async function importSettings(sources: unknown[], outcome: RegExp): Promise<string> {
      const options = await browser.open('options.html');
      try {
        await options.fill('Settings JSON', JSON.stringify(settings(sources)));
        await options.click('button', 'Import');
        return await shown(options, outcome, 'the import');
      } finally {
        await options.close();
      }
    }

    /** Types the token into the (only) Nomad source's form and saves it. */
    async function enterToken() {
      const options = await browser.open('options.html');
      try {
        await options.click('button', 'Edit');
        await options.fill('Nomad ACL token', TOKEN);
        await options.click('button', 'Save source');
        await shown(options, /Saved “Nomad”\. Tattler is looking at it now\./, 'the token saved');
      } finally {
        await options.close();
      }
    }

    it('sends the token, and the session, to A: the origin they were given for', async () => {
      await importSettings([nomad()], /Imported 1 source/);
      await enterToken();
      const status = await pollNow();
      expect(status.last?.clusters.ok).toBe(1);
      const polled = atA.filter((h) => h.path === '/v1/jobs').at(-1);
      expect(polled?.token).toBe(TOKEN);
      // The session is live: a request that should carry it does.
      expect(polled?.cookie).toContain(SESSION);
      expect(atB).toEqual([]);
    });

    it('follows no redirect: A answering 302 to B is a missing login at A, and B hears nothing', async () => {
      jobs = 'redirect';
      try {
        await pollNow();
      } finally {
        jobs = 'answer';
      }
      expect(await lastRunOf('nomad/global')).toMatchObject({
        status: 'auth',
        message: expect.stringContaining(`needs login at ${A}`),
      });
      expect(atB).toEqual([]);
    });

    it('a region listed by hand on B is not polled with the token: nothing is sent there', async () => {
      await importSettings(
        [
          nomad({
            discovery: false,
            clusters: [
              { id: 'global', apiBase: A },
              { id: 'eu', apiBase: B },
            ],
          }),
        ],
        /Imported 1 source/,
      );
      const before = atB.length;
      await pollNow();
      expect(await lastRunOf('nomad/eu')).toMatchObject({
        status: 'auth',
        message: expect.stringContaining(`not sent: the token was given for ${A}, not for ${B}`),
      });
      expect(await lastRunOf('nomad/global')).toMatchObject({ status: 'ok' });
      expect(atB.slice(before)).toEqual([]);
    });

    it('the Test of a draft pointing at B reads B without the stored token', async () => {
      await importSettings([nomad()], /Imported 1 source/);
      const options = await browser.open('options.html');
      try {
        await options.click('button', 'Edit');
        await options.fill('Nomad URL', B);
        await shown(options, new RegExp(`The stored token was entered for ${A}`), 'the form warning');
        const before = atB.length;
        await options.click('button', 'Test');
        const text = await shown(options, /Nothing was stored\./, 'the test result');
        expect(text).toMatch(/did not send it there/);
        // The Test did read B — without the token.
        expect(atB.length).toBeGreaterThan(before);
      } finally {
        await options.close();
      }
      expect(atB.filter((h) => h.token)).toEqual([]);
    });

    it('an import that moves the source to B deletes its token and says so; nothing sends it', async () => {
      const outcome = await importSettings([nomad({ baseUrl: B })], /Imported 1 source/);
      expect(outcome).toContain(`The token of “Nomad” was entered for ${A}; the source now reads ${B}`);
      await pollNow();
      expect(atB.some((h) => h.path.startsWith('/v1/jobs'))).toBe(true);
      expect(atB.filter((h) => h.token)).toEqual([]);
    });

    it('a cluster list naming an API on B: listed, never polled, B hears nothing', async () => {
      await importSettings(
        [
          {
            id: 'forge',
            name: 'Forge',
            type: 'generic',
            baseUrl: A,
            generic: {
              clusters: { url: '/api/clusters', list: 'clusters', id: 'id', apiBase: 'api' },
              jobs: { url: '{apiBase}/jobs', list: 'jobs', name: 'name' },
            },
          },
        ],
        /Imported 1 source/,
      );
      const before = atB.length;
      await pollNow();
      expect(await lastRunOf('forge/here')).toMatchObject({ status: 'ok' });
      expect(await lastRunOf('forge/there')).toMatchObject({
        status: 'error',
        message: expect.stringContaining(`is on ${B}, which is not this source's origin (${A})`),
      });
      expect(atB.slice(before)).toEqual([]);
      // And the options page, where the source is set up, says why.
      const options = await browser.open('options.html');
      try {
        await shown(
          options,
          /there: .* is on http:\/\/localhost:\d+, which is not this source's origin/,
          'the error',
        );
      } finally {
        await options.close();
      }
    });

    it("B never saw the token or A's session", () => {
      expect(atB.length).toBeGreaterThan(0);
      expect(atB.filter((h) => h.token || h.cookie?.includes('a_session'))).toEqual([]);
    });
  });
}

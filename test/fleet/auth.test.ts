import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../fleet/index';
import { call, kubePath, login, post } from './test-helpers';

let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet({ seed: 3, clusters: 3, autoRun: false, sessionTtlMs: 60 * 60_000 });
});
afterAll(() => fleet.stop());

describe('Rancher login', () => {
  it('sets R_SESS as an HttpOnly, SameSite=Lax cookie on / with an expiry', async () => {
    const res = await fetch(`${fleet.url}/v3-public/localProviders/local?action=login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: 'oncall',
        password: 'tattler-demo',
        description: 'UI session',
        responseType: 'cookie',
      }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^R_SESS=token-[a-z0-9]{5}:[a-z0-9]+;/);
    const attrs = cookie.split(';').map((s) => s.trim().toLowerCase());
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=lax');
    expect(attrs).toContain('path=/');
    expect(attrs.some((a) => a.startsWith('max-age=3600'))).toBe(true);
    const expires = attrs.find((a) => a.startsWith('expires='));
    expect(expires).toBeDefined();
    const at = Date.parse(
      cookie
        .split(';')
        .find((s) => s.trim().startsWith('Expires='))
        ?.split('=')[1] ?? '',
    );
    expect(Math.abs(at - (Date.now() + 3600_000))).toBeLessThan(5_000);
  });

  it('answers a wrong password with 401 and no cookie', async () => {
    const res = await fetch(`${fleet.url}/v3-public/localProviders/local?action=login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'oncall', password: 'nope', responseType: 'cookie' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.json()).toMatchObject({ type: 'error', status: 401 });
  });

  it('serves an HTML login form whose urlencoded post logs in and redirects to the dashboard', async () => {
    const page = await fetch(`${fleet.url}/dashboard/auth/login`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form');
    expect(html).toContain('action="/v3-public/localProviders/local?action=login"');
    expect(html).toMatch(/<label for="username">Username<\/label>/);
    expect(html).toMatch(/<label for="password">Password<\/label>/);

    const res = await fetch(`${fleet.url}/v3-public/localProviders/local?action=login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'username=oncall&password=tattler-demo&responseType=cookie',
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/dashboard/');
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const home = await call(fleet, '/dashboard/', { cookie });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Clusters');

    const wrong = await fetch(`${fleet.url}/v3-public/localProviders/local?action=login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'username=oncall&password=x',
      redirect: 'manual',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Invalid username or password');
  });
});

describe('without a session', () => {
  const id = () => fleet.clusters()[0]?.id ?? '';

  it('API paths answer 401 with Rancher’s JSON error', async () => {
    for (const path of [
      '/v1/management.cattle.io.clusters',
      '/v3/clusters',
      kubePath(id(), '/apis/apps/v1/deployments'),
    ]) {
      const res = await call(fleet, path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.json()).toEqual({
        type: 'error',
        baseType: 'error',
        links: {},
        code: 'Unauthorized',
        message: 'must authenticate',
        status: 401,
      });
    }
  });

  it('dashboard pages redirect to the login page', async () => {
    for (const path of [
      '/dashboard/',
      `/dashboard/c/${id()}/explorer/apps.deployment`,
      '/dashboard/users/bob/jobs',
    ]) {
      const res = await call(fleet, path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location')).toBe('/dashboard/auth/login');
    }
  });

  it('a forged or unknown R_SESS is no session', async () => {
    const res = await call(fleet, '/v1/management.cattle.io.clusters', {
      cookie: 'R_SESS=token-abcde:forged',
    });
    expect(res.status).toBe(401);
  });

  it('the API token is accepted as a bearer token on API paths, but is not a console session', async () => {
    expect(fleet.apiToken).toMatch(/^token-[a-z0-9]{5}:[a-z0-9]{20,}$/);
    expect((await call(fleet, '/v1/management.cattle.io.clusters', { token: fleet.apiToken })).status).toBe(
      200,
    );
    expect((await call(fleet, kubePath(id(), '/api'), { token: fleet.apiToken })).status).toBe(200);
    expect(
      (await call(fleet, '/v1/management.cattle.io.clusters', { token: 'token-abcde:wrong' })).status,
    ).toBe(401);
  });
});

describe('session lifetime', () => {
  it('a session works until every session is expired through the control API', async () => {
    const cookie = await login(fleet);
    expect((await call(fleet, '/v1/management.cattle.io.clusters', { cookie })).status).toBe(200);
    const { status, body } = await post(fleet, '/_fleet/expire-sessions', {});
    expect(status).toBe(200);
    expect(body.expired).toBeGreaterThanOrEqual(1);
    expect((await call(fleet, '/v1/management.cattle.io.clusters', { cookie })).status).toBe(401);
    expect((await call(fleet, '/dashboard/', { cookie })).status).toBe(302);
    // The API token is not a session and keeps working.
    expect((await call(fleet, '/v1/management.cattle.io.clusters', { token: fleet.apiToken })).status).toBe(
      200,
    );
  });

  it('a session expires after sessionTtlMs', async () => {
    const short = await startFleet({ seed: 3, clusters: 1, autoRun: false, sessionTtlMs: 1500 });
    try {
      const cookie = await login(short);
      expect((await call(short, '/v1/management.cattle.io.clusters', { cookie })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1700));
      expect((await call(short, '/v1/management.cattle.io.clusters', { cookie })).status).toBe(401);
    } finally {
      await short.stop();
    }
  });

  it('the session-expiry event logs everyone out', async () => {
    const cookie = await login(fleet);
    fleet.control.apply('session-expiry');
    expect((await call(fleet, '/v1/management.cattle.io.clusters', { cookie })).status).toBe(401);
  });
});

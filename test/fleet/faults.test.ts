import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../fleet/index';
import { call, getJson, kubePath, post } from './test-helpers';

let fleet: Fleet;
let id: string;
const deployments = () => kubePath(id, '/apis/apps/v1/deployments');

beforeAll(async () => {
  fleet = await startFleet({ seed: 4, clusters: 2, autoRun: false });
  id = fleet.clusters()[0]?.id ?? '';
});
afterAll(() => fleet.stop());

const get = (path: string) => call(fleet, path, { token: fleet.apiToken });

describe('faults', () => {
  it('500: the next N requests to that cluster fail with a Status, then it recovers', async () => {
    const { status, body } = await post(fleet, '/_fleet/fault', { cluster: id, kind: '500', count: 2 });
    expect(status).toBe(200);
    expect(body.fault).toMatchObject({ target: id, kind: '500', remaining: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await get(deployments());
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
    }
    expect((await get(deployments())).status).toBe(200);
  });

  it('only the targeted cluster is affected', async () => {
    const other = fleet.clusters()[1]?.id ?? '';
    fleet.control.fault({ cluster: other, kind: '500' });
    expect((await get(deployments())).status).toBe(200);
    expect((await get(kubePath(other, '/apis/apps/v1/deployments'))).status).toBe(500);
  });

  it('slow: the answer comes after the delay, and is complete', async () => {
    fleet.control.fault({ cluster: id, kind: 'slow', ms: 400 });
    const t = Date.now();
    const res = await get(deployments());
    expect(Date.now() - t).toBeGreaterThanOrEqual(380);
    expect(res.status).toBe(200);
    expect((await res.json()).kind).toBe('DeploymentList');
  });

  it('login-page: a 200 HTML login page instead of JSON', async () => {
    fleet.control.fault({ cluster: id, kind: 'login-page' });
    const res = await get(deployments());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('<form');
  });

  it('truncated: the body ends halfway and does not parse', async () => {
    fleet.control.fault({ cluster: id, kind: 'truncated' });
    const res = await get(deployments());
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(100);
    expect(() => JSON.parse(text)).toThrow();
    const whole = await (await get(deployments())).text();
    expect(whole.startsWith(text)).toBe(true);
  });

  it('down: the connection closes without an answer', async () => {
    fleet.control.fault({ cluster: id, kind: 'down' });
    await expect(get(deployments())).rejects.toThrow();
    expect((await get(deployments())).status).toBe(200);
  });

  it('without a cluster, faults hit discovery (Rancher’s cluster list)', async () => {
    fleet.control.fault({ kind: '500' });
    expect((await get(deployments())).status).toBe(200);
    const res = await get('/v1/management.cattle.io.clusters');
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ type: 'error', status: 500 });
    expect((await getJson(fleet, '/v1/management.cattle.io.clusters')).status).toBe(200);
  });

  it('a cluster can be named by its display name; bad requests are refused', async () => {
    const name = fleet.clusters()[0]?.displayName ?? '';
    expect(fleet.control.fault({ cluster: name, kind: '500' }).target).toBe(id);
    expect((await get(deployments())).status).toBe(500);
    expect((await post(fleet, '/_fleet/fault', { kind: 'explode' })).status).toBe(400);
    expect((await post(fleet, '/_fleet/fault', { cluster: 'nope', kind: '500' })).status).toBe(400);
    expect((await post(fleet, '/_fleet/fault', { kind: '500', count: 0 })).status).toBe(400);
  });
});

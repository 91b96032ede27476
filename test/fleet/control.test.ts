import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../fleet/index';
import { getJson, kubePath, post } from './test-helpers';

let fleet: Fleet;
const logged: string[] = [];

beforeAll(async () => {
  fleet = await startFleet({ seed: 14, clusters: 4, autoRun: false, log: (l) => logged.push(l) });
});
afterAll(() => fleet.stop());

describe('control API over HTTP', () => {
  it('GET /_fleet/state describes clock, clusters, events, people', async () => {
    const { status, body } = await getJson(fleet, '/_fleet/state');
    expect(status).toBe(200);
    expect(body).toMatchObject({ seed: 14, speed: 1, autoRun: false });
    expect(Date.parse(body.clock.now)).toBeGreaterThan(0);
    expect(body.clusters).toHaveLength(4);
    expect(body.clusters[0]).toMatchObject({
      id: expect.stringMatching(/^c-m-[a-z0-9]{8}$/),
      state: 'active',
    });
    expect(body.people.map((p: { username: string }) => p.username)).toEqual(
      expect.arrayContaining(['alice', 'bob', 'carol', 'dave', 'erin', 'ci-bot']),
    );
    expect(body.knownEvents.length).toBeGreaterThanOrEqual(11);
    expect(body.events).toEqual([]);
  });

  it('POST /_fleet/apply applies a named event, aimed at a cluster, and logs it', async () => {
    const target = fleet.clusters()[1]?.displayName ?? '';
    const { status, body } = await post(fleet, '/_fleet/apply', { name: 'rollout', cluster: target });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      name: 'rollout',
      cluster: target,
      source: 'control',
      lines: [`bob rolled checkout to 1.4.2 in ${target}`],
    });
    expect(logged).toContain(`bob rolled checkout to 1.4.2 in ${target}`);
    expect((await post(fleet, '/_fleet/apply', { name: 'nope' })).status).toBe(400);
    expect((await post(fleet, '/_fleet/apply', {})).status).toBe(400);
  });

  it('POST /_fleet/advance runs the next scheduled event', async () => {
    const { body } = await post(fleet, '/_fleet/advance', { steps: 1 });
    expect(body.applied.map((e: { name: string }) => e.name)).toEqual(['rollout']);
    expect((await getJson(fleet, '/_fleet/state')).body.upcoming[0].name).toBe('kubectl-edit');
  });

  it('POST /_fleet/tick and /_fleet/settle move simulated time and converge', async () => {
    const before = (await getJson(fleet, '/_fleet/state')).body.clock.simMs;
    const { body } = await post(fleet, '/_fleet/tick', { ms: 60_000 });
    expect(body.simMs - before).toBeGreaterThanOrEqual(60_000);
    expect((await post(fleet, '/_fleet/settle', {})).status).toBe(200);
    expect(
      (await getJson(fleet, '/_fleet/state')).body.pending.filter(
        (p: { tag: string }) => p.tag === 'controller',
      ),
    ).toEqual([]);
  });

  it('POST /_fleet/reset rebuilds the fleet from its seed', async () => {
    const id = fleet.clusters()[1]?.id ?? '';
    const image = async () =>
      (await getJson(fleet, kubePath(id, '/apis/apps/v1/namespaces/shop/deployments/checkout'))).body.spec
        .template.spec.containers[0].image;
    expect(await image()).toMatch(/:1\.4\.\d$/);
    expect(await image()).not.toMatch(/:1\.4\.1$/);
    expect((await post(fleet, '/_fleet/reset', {})).status).toBe(200);
    expect(fleet.clusters()[1]?.id).toBe(id);
    expect(await image()).toMatch(/:1\.4\.1$/);
    const state = (await getJson(fleet, '/_fleet/state')).body;
    expect(state.events).toEqual([]);
    expect(state.upcoming[0].name).toBe('rollout');
  });

  it('refuses GET on actions and unknown actions', async () => {
    expect((await getJson(fleet, '/_fleet/apply')).status).toBe(405);
    expect((await post(fleet, '/_fleet/explode', {})).status).toBe(404);
  });
});

describe('main.ts', () => {
  it('starts the fleet, prints URLs and credentials, and stops on SIGTERM', async () => {
    const root = resolve(import.meta.dirname, '../..');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'fleet/main.ts', '--seed', '3', '--speed', '5', '--clusters', '2', '--port', '0'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    for (let i = 0; i < 200 && !/Alertmanager\s+http/.test(out); i++)
      await new Promise((r) => setTimeout(r, 50));
    const url = /Rancher console\s+(http:\/\/127\.0\.0\.1:\d+)\/dashboard\//.exec(out)?.[1];
    const alertUrl = /Alertmanager\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(out).toContain('oncall / tattler-demo');
    expect(url).toBeDefined();
    expect((await fetch(`${url}/dashboard/auth/login`)).status).toBe(200);
    expect((await fetch(`${alertUrl}/api/v2/status`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

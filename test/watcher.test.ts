import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type TattlerDb } from '../lib/db';
import { createHttp, PollError } from '../lib/http';
import { type DiscoveredCluster, type JobSnapshot, jobKeyOf, type PollStatus } from '../lib/model';
import { defaultSettings, type Settings, validateSettings } from '../lib/settings';
import type { PollContext, SourceAdapter } from '../lib/sources/types';
import { runPass } from '../lib/watcher';
import { snapshot } from './builders';

/** An adapter whose answers the test scripts: clusters to discover, jobs or a failure per cluster. */
class ScriptedAdapter implements SourceAdapter {
  clusters: DiscoveredCluster[] | PollError = [];
  answers = new Map<string, JobSnapshot[] | Error>();
  inFlight = 0;
  maxInFlight = 0;
  polled: string[] = [];

  async discover() {
    if (this.clusters instanceof PollError) throw this.clusters;
    return { clusters: this.clusters, bytes: 10 };
  }

  async poll(ctx: PollContext) {
    this.polled.push(ctx.nativeId);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 2));
    this.inFlight--;
    const answer = this.answers.get(ctx.nativeId) ?? [];
    if (answer instanceof Error) throw answer;
    // Stamp the cluster id the watcher asked for, as a real adapter does.
    return {
      jobs: answer.map((j) => ({ ...j, clusterId: ctx.clusterId, key: jobKeyOf(ctx.clusterId, j.rowKey) })),
      bytes: 100,
    };
  }
}

function settingsWith(over: Record<string, unknown> = {}): Settings {
  const parsed = validateSettings({
    version: 1,
    concurrency: 2,
    sources: [
      {
        id: 'demo',
        name: 'Demo',
        type: 'rancher',
        baseUrl: 'http://127.0.0.1:9',
        owner: { labelSelector: 'app.kubernetes.io/part-of=shop' },
        ...over,
      },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

const cluster = (id: string, name = id): DiscoveredCluster => ({
  nativeId: id,
  name,
  apiBase: `http://127.0.0.1:9/k8s/clusters/${id}`,
});

describe('runPass', () => {
  let db: TattlerDb;
  let adapter: ScriptedAdapter;
  let clock: number;
  let settings: Settings;
  const pass = (s: Settings = settings) =>
    runPass({ db, settings: s, http: createHttp(), adapterFor: () => adapter, now: () => clock });

  beforeEach(async () => {
    db = openDb(`t-${Math.random()}`);
    adapter = new ScriptedAdapter();
    clock = 1_000_000;
    settings = settingsWith();
    adapter.clusters = [cluster('c-1', 'prod-eu-1'), cluster('c-2', 'prod-eu-2')];
    adapter.answers.set('c-1', [snapshot({ name: 'checkout' }), snapshot({ name: 'cart' })]);
    adapter.answers.set('c-2', [snapshot({ name: 'checkout' })]);
  });
  afterEach(() => db.delete());

  it('records a baseline on first sight, not a flood of created changes', async () => {
    const s = await pass();
    expect(s.changes).toBe(0);
    expect(s.clusters.ok).toBe(2);
    expect(await db.changes.count()).toBe(0);
    expect(await db.jobs.count()).toBe(3);
    expect((await db.clusters.get('demo/c-1'))?.name).toBe('prod-eu-1');
  });

  it('records a change in the window between two complete polls', async () => {
    await pass();
    const firstStart = clock;
    clock += 60_000;
    adapter.answers.set('c-1', [
      snapshot({
        name: 'checkout',
        versionToken: '200',
        version: 5,
        changedAt: clock - 1_000,
        changedBy: { name: 'bob', kind: 'person' },
        fields: { ...snapshot().fields, 'containers[app].image': 'registry.example.com/shop/checkout:1.4.2' },
      }),
      snapshot({ name: 'cart' }),
    ]);
    const s = await pass();
    expect(s.changes).toBe(1);
    const [c] = await db.changes.toArray();
    expect(c).toMatchObject({
      clusterId: 'demo/c-1',
      name: 'checkout',
      type: 'updated',
      windowStart: firstStart,
      windowEnd: clock,
      at: clock - 1_000,
      actor: { name: 'bob' },
    });
    expect((await db.jobs.get(c?.jobKey as string))?.versionToken).toBe('200');
  });

  it('records a job missing from a complete poll as deleted', async () => {
    await pass();
    clock += 60_000;
    adapter.answers.set('c-1', [snapshot({ name: 'checkout' })]);
    await pass();
    const changes = await db.changes.toArray();
    expect(changes.map((c) => [c.type, c.name])).toEqual([['deleted', 'cart']]);
    expect(await db.jobs.where('clusterId').equals('demo/c-1').count()).toBe(1);
  });

  const faults: [string, Error, PollStatus][] = [
    [
      '401',
      new PollError('auth', '401 on /k8s/clusters/c-1/apis/apps/v1/deployments', undefined, 'http://x/'),
      'auth',
    ],
    ['login page', new PollError('auth', 'needs login: got an HTML page'), 'auth'],
    ['timeout', new PollError('unreachable', 'timed out after 10 s'), 'unreachable'],
    ['500', new PollError('error', '500 on /apis/apps/v1/deployments'), 'error'],
    ['truncated JSON', new PollError('error', 'not JSON'), 'error'],
    ['410 twice', new PollError('partial', 'continue token expired twice'), 'partial'],
    ['adapter bug', new TypeError('cannot read properties of undefined'), 'error'],
  ];
  for (const [name, error, status] of faults) {
    it(`records ${name} as ${status}, with zero changes and the last good state kept`, async () => {
      await pass();
      clock += 60_000;
      adapter.answers.set('c-1', error);
      const s = await pass();
      expect(s.changes).toBe(0);
      expect(s.clusters[status]).toBe(1);
      expect(await db.changes.count()).toBe(0);
      expect(await db.jobs.where('clusterId').equals('demo/c-1').count()).toBe(2);
      const runs = await db.polls.where('target').equals('demo/c-1').toArray();
      expect(runs.map((r) => r.status)).toEqual(['ok', status]);
      // The next good poll compares against the last good one: the job list never went empty.
      clock += 60_000;
      adapter.answers.set('c-1', [snapshot({ name: 'checkout' }), snapshot({ name: 'cart' })]);
      await pass();
      expect(await db.changes.count()).toBe(0);
    });
  }

  it('reports where to log in when a session is missing', async () => {
    adapter.answers.set(
      'c-2',
      new PollError('auth', '401 on /k8s/clusters/c-2/api', undefined, 'http://127.0.0.1:9/'),
    );
    const s = await pass();
    expect(s.logins).toEqual([{ sourceId: 'demo', url: 'http://127.0.0.1:9/' }]);
    const [run] = await db.polls.where('target').equals('demo/c-2').toArray();
    expect(run?.loginUrl).toBe('http://127.0.0.1:9/');
  });

  it('marks a cluster that left discovery gone, never its jobs deleted, and stops polling it', async () => {
    await pass();
    clock += 60_000;
    adapter.clusters = [cluster('c-1', 'prod-eu-1')];
    adapter.polled = [];
    const s = await pass();
    expect(adapter.polled).toEqual(['c-1']);
    expect((await db.clusters.get('demo/c-2'))?.goneSince).toBe(clock);
    expect(s.clusters.gone).toBe(1);
    expect(await db.changes.count()).toBe(0);
    // It comes back: no longer gone, and compared against what it had.
    clock += 60_000;
    adapter.clusters = [cluster('c-1', 'prod-eu-1'), cluster('c-2', 'prod-eu-2')];
    await pass();
    expect((await db.clusters.get('demo/c-2'))?.goneSince).toBeUndefined();
    expect(await db.changes.count()).toBe(0);
  });

  it('keeps polling the clusters it knows when discovery fails, and marks none gone', async () => {
    await pass();
    clock += 60_000;
    adapter.clusters = new PollError(
      'auth',
      '401 on /v1/management.cattle.io.clusters',
      undefined,
      'http://127.0.0.1:9/',
    );
    adapter.polled = [];
    const s = await pass();
    expect(adapter.polled.sort()).toEqual(['c-1', 'c-2']);
    expect((await db.clusters.toArray()).every((c) => c.goneSince === undefined)).toBe(true);
    expect(s.logins[0]?.url).toBe('http://127.0.0.1:9/');
    const [, run] = await db.polls.where('target').equals('discovery:demo').toArray();
    expect(run).toMatchObject({
      status: 'auth',
      message: 'discovery: 401 on /v1/management.cattle.io.clusters',
    });
  });

  it('merges a static cluster list with discovery', async () => {
    settings = settingsWith({
      clusters: [{ id: 'edge-1', apiBase: 'http://127.0.0.1:9/edge', group: 'edge' }],
    });
    await pass();
    const ids = (await db.clusters.toArray()).map((c) => c.id).sort();
    expect(ids).toEqual(['demo/c-1', 'demo/c-2', 'demo/edge-1']);
    expect((await db.clusters.get('demo/edge-1'))?.group).toBe('edge');
  });

  it('re-baselines instead of reporting deletions when the owner filter changes', async () => {
    await pass();
    clock += 60_000;
    adapter.answers.set('c-1', [snapshot({ name: 'checkout' })]);
    await pass(settingsWith({ owner: { labelSelector: 'app.kubernetes.io/part-of=other' } }));
    expect(await db.changes.count()).toBe(0);
  });

  it('compresses consecutive polls with one outcome into one run', async () => {
    await pass();
    clock += 60_000;
    await pass();
    clock += 60_000;
    await pass();
    const runs = await db.polls.where('target').equals('demo/c-1').toArray();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'ok', count: 3, from: 1_000_000, to: 1_120_000 });
  });

  it('polls with bounded concurrency', async () => {
    adapter.clusters = Array.from({ length: 9 }, (_, i) => cluster(`c-${i}`));
    await pass(settingsWith());
    expect(adapter.polled).toHaveLength(9);
    expect(adapter.maxInFlight).toBe(2);
  });

  it('does not poll an origin the browser has not granted, and says so', async () => {
    const s = await runPass({
      db,
      settings,
      http: createHttp(),
      adapterFor: () => adapter,
      now: () => clock,
      canRead: async () => false,
    });
    expect(adapter.polled).toEqual([]);
    expect(s.clusters.ok).toBe(0);
    const [run] = await db.polls.where('target').equals('discovery:demo').toArray();
    expect(run?.message).toMatch(/no permission to read http:\/\/127\.0\.0\.1:9/);
  });

  it('retires the clusters of a source that was removed from settings', async () => {
    await pass();
    clock += 60_000;
    await pass(defaultSettings());
    expect((await db.clusters.toArray()).every((c) => c.goneSince === clock)).toBe(true);
  });
});

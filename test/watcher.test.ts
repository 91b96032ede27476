import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDb, type TattlerDb } from '../lib/db';
import { createHttp, PollError } from '../lib/http';
import {
  type Cluster,
  type DiscoveredCluster,
  type JobSnapshot,
  jobKeyOf,
  type PollStatus,
} from '../lib/model';
import { unpaced } from '../lib/pace';
import { defaultSettings, type Settings, validateSettings } from '../lib/settings';
import type { PollContext, SourceAdapter } from '../lib/sources/types';
import { putJobs } from '../lib/store/write';
import { runPass } from '../lib/watcher';
import { snapshot } from './builders';
import { changeCount, changesIn, jobIn, jobsIn } from './store-view';

/** An adapter whose answers the test scripts: clusters to discover, jobs or a failure per cluster. */
class ScriptedAdapter implements SourceAdapter {
  confirmGone?: SourceAdapter['confirmGone'];
  clusters: DiscoveredCluster[] | PollError = [];
  answers = new Map<string, JobSnapshot[] | Error>();
  /** A poll of this cluster answers what was scripted when it started, once the gate opens. */
  gates = new Map<string, Promise<void>>();
  inFlight = 0;
  maxInFlight = 0;
  polled: string[] = [];

  async discover() {
    if (this.clusters instanceof PollError) throw this.clusters;
    return { clusters: this.clusters, bytes: 10 };
  }

  async poll(ctx: PollContext) {
    this.polled.push(ctx.nativeId);
    const answer = this.answers.get(ctx.nativeId) ?? [];
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 2));
    await this.gates.get(ctx.nativeId);
    this.inFlight--;
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
    runPass({
      db,
      settings: s,
      http: createHttp(),
      adapterFor: () => adapter,
      now: () => clock,
      pace: unpaced(s),
    });

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
    expect(await changeCount(db)).toBe(0);
    expect((await jobsIn(db)).length).toBe(3);
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
    const [c] = await changesIn(db);
    expect(c).toMatchObject({
      clusterId: 'demo/c-1',
      name: 'checkout',
      type: 'updated',
      windowStart: firstStart,
      windowEnd: clock,
      at: clock - 1_000,
      actor: { name: 'bob' },
    });
    expect((await jobIn(db, c?.jobKey as string))?.versionToken).toBe('200');
  });

  it('records a job missing from two complete polls as deleted, between the last poll that saw it and now', async () => {
    await pass();
    const lastSeen = clock;
    clock += 60_000;
    adapter.answers.set('c-1', [snapshot({ name: 'checkout' })]);
    await pass();
    expect(await changeCount(db)).toBe(0);
    clock += 60_000;
    await pass();
    const changes = await changesIn(db);
    expect(changes.map((c) => [c.type, c.name, c.windowStart, c.windowEnd])).toEqual([
      ['deleted', 'cart', lastSeen, clock],
    ]);
    expect((await jobsIn(db, 'demo/c-1')).length).toBe(1);
  });

  it('never takes a well-formed empty list for "every job deleted", and nothing comes back "created"', async () => {
    await pass();
    clock += 60_000;
    adapter.answers.set('c-1', []);
    const s = await pass();
    expect(s.changes).toBe(0);
    expect((await jobsIn(db, 'demo/c-1')).length).toBe(2);
    // Meanwhile a real change to checkout: it must read as that change, not as "created".
    clock += 60_000;
    adapter.answers.set('c-1', [
      snapshot({
        name: 'checkout',
        versionToken: '300',
        version: 5,
        fields: { ...snapshot().fields, 'spec.replicas': 6 },
      }),
      snapshot({ name: 'cart' }),
    ]);
    await pass();
    const changes = await changesIn(db);
    expect(changes.map((c) => [c.type, c.name, c.fields.map((f) => f.path)])).toEqual([
      ['updated', 'checkout', ['spec.replicas']],
    ]);
  });

  it('asks the API about vanished jobs: one still there makes the poll suspect, and nothing is recorded', async () => {
    const asked: string[][] = [];
    adapter.confirmGone = async (_ctx, jobs) => {
      asked.push(jobs.map((j) => j.name));
      return new Map(jobs.map((j) => [j.key, 'present' as const]));
    };
    await pass();
    clock += 60_000;
    adapter.answers.set('c-1', []);
    const s = await pass();
    expect(asked).toEqual([['cart', 'checkout']]);
    expect(s.clusters.partial).toBe(1);
    expect(await changeCount(db)).toBe(0);
    expect((await jobsIn(db, 'demo/c-1')).length).toBe(2);
    const runs = await db.polls.where('target').equals('demo/c-1').toArray();
    expect(runs.at(-1)?.message).toMatch(/the list left out 2 jobs that still exist/);
    // The window did not move: the next good poll compares with the last good one.
    expect((await db.clusters.get('demo/c-1'))?.lastOkPoll).toBe(clock - 60_000);
  });

  it('records a job the API confirms gone (404) at once', async () => {
    adapter.confirmGone = async (_ctx, jobs) => new Map(jobs.map((j) => [j.key, 'gone' as const]));
    await pass();
    clock += 60_000;
    adapter.answers.set('c-1', [snapshot({ name: 'checkout' })]);
    await pass();
    expect((await changesIn(db)).map((c) => [c.type, c.name])).toEqual([['deleted', 'cart']]);
  });

  it('asks about a few first when many vanish at once, and stops at the first that is still there', async () => {
    const many = Array.from({ length: 10 }, (_, i) => snapshot({ name: `svc-${i}` }));
    adapter.answers.set('c-1', many);
    let asked = 0;
    adapter.confirmGone = async (_ctx, jobs) => {
      asked += jobs.length;
      return new Map(jobs.map((j) => [j.key, 'present' as const]));
    };
    await pass();
    clock += 60_000;
    adapter.answers.set('c-1', []);
    await pass();
    expect(asked).toBe(3);
  });

  it('drops a job that left the owner filter without calling it deleted', async () => {
    adapter.confirmGone = async (_ctx, jobs) => new Map(jobs.map((j) => [j.key, 'elsewhere' as const]));
    await pass();
    clock += 60_000;
    adapter.answers.set('c-1', [snapshot({ name: 'checkout' })]);
    await pass();
    expect(await changeCount(db)).toBe(0);
    expect((await jobsIn(db, 'demo/c-1')).length).toBe(1);
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
      expect(await changeCount(db)).toBe(0);
      expect((await jobsIn(db, 'demo/c-1')).length).toBe(2);
      const runs = await db.polls.where('target').equals('demo/c-1').toArray();
      expect(runs.map((r) => r.status)).toEqual(['ok', status]);
      // The next good poll compares against the last good one: the job list never went empty.
      clock += 60_000;
      adapter.answers.set('c-1', [snapshot({ name: 'checkout' }), snapshot({ name: 'cart' })]);
      await pass();
      expect(await changeCount(db)).toBe(0);
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
    expect(await changeCount(db)).toBe(0);
    // It comes back: no longer gone, and compared against what it had.
    clock += 60_000;
    adapter.clusters = [cluster('c-1', 'prod-eu-1'), cluster('c-2', 'prod-eu-2')];
    await pass();
    expect((await db.clusters.get('demo/c-2'))?.goneSince).toBeUndefined();
    expect(await changeCount(db)).toBe(0);
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
    expect(await changeCount(db)).toBe(0);
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
      pace: unpaced(settings),
      canRead: async () => false,
    });
    expect(adapter.polled).toEqual([]);
    expect(s.clusters.ok).toBe(0);
    const [run] = await db.polls.where('target').equals('discovery:demo').toArray();
    expect(run?.message).toMatch(/no permission to read http:\/\/127\.0\.0\.1:9/);
  });

  it('takes jobs an adapter lists as unchanged (not in full) as present and as stored', async () => {
    await pass();
    clock += 60_000;
    const listedAs = adapter.poll.bind(adapter);
    adapter.poll = async (ctx) => {
      const { bytes } = await listedAs(ctx);
      // Nothing moved: a metadata-only list says so without the objects.
      return { jobs: [], unchanged: [...(ctx.known?.keys() ?? [])], bytes };
    };
    const s = await pass();
    expect(s.changes).toBe(0);
    expect((await jobsIn(db)).length).toBe(3);
    expect((await jobsIn(db)).filter((j) => j.missing)).toEqual([]);
  });

  it('numbers every flap of a status that goes back and forth under one version: none is lost', async () => {
    const as = (state: 'healthy' | 'degraded') =>
      snapshot({ name: 'cart', versionToken: `v4:${state}`, health: { state } });
    adapter.answers.set('c-1', [snapshot({ name: 'checkout' }), as('healthy')]);
    await pass();
    for (const state of ['degraded', 'healthy', 'degraded', 'healthy'] as const) {
      clock += 60_000;
      adapter.answers.set('c-1', [snapshot({ name: 'checkout' }), as(state)]);
      await pass();
    }
    const changes = await changesIn(db);
    expect(changes.map((c) => c.fields[0]?.after)).toEqual(['degraded', 'healthy', 'degraded', 'healthy']);
    expect(new Set(changes.map((c) => c.id)).size).toBe(4);
  });

  it('refuses to store the same observation twice, loudly, and loses nothing', async () => {
    await pass();
    const before = await jobIn(db, jobKeyOf('demo/c-1', snapshot({ name: 'checkout' }).rowKey));
    const cluster1 = await db.clusters.get('demo/c-1');
    clock += 60_000;
    adapter.answers.set('c-1', [
      snapshot({
        name: 'checkout',
        versionToken: '300',
        version: 5,
        fields: { ...snapshot().fields, 'spec.replicas': 6 },
      }),
      snapshot({ name: 'cart' }),
    ]);
    await pass();
    expect(await changeCount(db)).toBe(1);
    // Put the cluster back as it was, as a bug replaying a commit would, and poll at the same moment.
    await putJobs(db, [before as JobSnapshot]);
    await db.clusters.put(cluster1 as Cluster);
    const s = await pass();
    expect(s.clusters.error).toBe(1);
    expect(s.storageError).toMatch(/recorded twice.*a bug in Tattler/);
    expect(await changeCount(db)).toBe(1);
  });

  it('judges reported times by the cluster clock, measured from the Date of its answers', async () => {
    const skew = -10_000; // the cluster's clock is 10 s behind the browser's
    const timed: SourceAdapter = {
      discover: async () => ({ clusters: [cluster('c-1', 'prod-eu-1')], bytes: 0 }),
      poll: async (ctx) => {
        await ctx.http.getJson(`${ctx.apiBase}/apis/apps/v1/deployments`);
        return { jobs: adapter.answers.get('c-1') as JobSnapshot[], bytes: 1 };
      },
    };
    const http = createHttp({
      fetch: async () =>
        new Response('{}', {
          headers: { 'content-type': 'application/json', date: new Date(clock + skew).toUTCString() },
        }),
    });
    const run = () =>
      runPass({ db, settings, http, adapterFor: () => timed, now: () => clock, pace: unpaced(settings) });
    clock = Date.parse('2026-12-01T10:00:00Z');
    await run();
    clock += 60_000;
    // Changed 5 s ago by the browser's clock: the cluster stamps its own time, 10 s behind.
    adapter.answers.set('c-1', [
      snapshot({
        name: 'checkout',
        versionToken: '300',
        version: 5,
        changedAt: clock - 5_000 + skew,
        fields: { ...snapshot().fields, 'spec.replicas': 6 },
      }),
      snapshot({ name: 'cart' }),
    ]);
    await run();
    const [c] = await changesIn(db);
    expect(c?.actorStale).toBeUndefined();
    expect(Math.abs((c?.at ?? 0) - (clock - 5_000))).toBeLessThanOrEqual(600);
    expect(Math.abs(((await db.clusters.get('demo/c-1'))?.clockOffsetMs ?? 0) - skew)).toBeLessThanOrEqual(
      600,
    );
  });

  it('keeps recording after the browser clock was set back (a commit race is told by count, not time)', async () => {
    await pass();
    clock -= 10 * 60_000;
    adapter.answers.set('c-1', [
      snapshot({
        name: 'checkout',
        versionToken: '300',
        version: 5,
        fields: { ...snapshot().fields, 'spec.replicas': 6 },
      }),
      snapshot({ name: 'cart' }),
    ]);
    const s = await pass();
    expect(s.changes).toBe(1);
    const [c] = await changesIn(db);
    expect(c?.windowStart).toBeLessThanOrEqual(c?.windowEnd as number);
  });

  it('retires the clusters of a source that was removed from settings', async () => {
    await pass();
    clock += 60_000;
    await pass(defaultSettings());
    expect((await db.clusters.toArray()).every((c) => c.goneSince === clock)).toBe(true);
  });
});

describe('runPass under faults of its own storage and of concurrent passes', () => {
  let db: TattlerDb;
  let adapter: ScriptedAdapter;
  let clock: number;
  /** Writes to these tables fail with the browser's "quota exceeded" while set. */
  const failing = new Set<string>();
  /** How many writes have failed so far. */
  let failed = 0;
  const settings = settingsWith();
  const pass = () =>
    runPass({
      db,
      settings,
      http: createHttp(),
      adapterFor: () => adapter,
      now: () => clock,
      pace: unpaced(settings),
    });

  beforeEach(() => {
    db = openDb(`t-${Math.random()}`);
    db.use({
      stack: 'dbcore',
      name: 'fail-writes',
      create: (down) => ({
        ...down,
        table: (name) => {
          const table = down.table(name);
          return {
            ...table,
            mutate: (req) => {
              if (!failing.has(name)) return table.mutate(req);
              failed++;
              const error = new Error('The quota has been exceeded.');
              error.name = 'QuotaExceededError';
              return Promise.reject(error);
            },
          };
        },
      }),
    });
    failing.clear();
    failed = 0;
    adapter = new ScriptedAdapter();
    clock = 1_000_000;
    adapter.clusters = [cluster('c-1', 'prod-eu-1'), cluster('c-2', 'prod-eu-2')];
    adapter.answers.set('c-1', [snapshot({ name: 'checkout' })]);
    adapter.answers.set('c-2', [snapshot({ name: 'checkout' })]);
  });
  afterEach(() => db.delete());

  const moved = () => [
    snapshot({
      name: 'checkout',
      versionToken: '300',
      version: 5,
      fields: { ...snapshot().fields, 'spec.replicas': 6 },
    }),
  ];

  it('says "storage full" for the pass, records the outcome it can, and loses nothing', async () => {
    await pass();
    clock += 60_000;
    adapter.answers.set('c-1', moved());
    failing.add('log');
    const s = await pass();
    expect(s.storageError).toBe('history could not be written: storage full');
    expect(s.clusters.error).toBe(1);
    expect(s.clusters.ok).toBe(1);
    expect(await changeCount(db)).toBe(0);
    // Nothing of the failed commit was written: the snapshot is the old one …
    expect((await jobIn(db, jobKeyOf('demo/c-1', snapshot().rowKey)))?.versionToken).toBe('100');
    // … so once storage works again, the next poll records the change.
    failing.clear();
    clock += 60_000;
    await pass();
    expect((await changesIn(db)).map((c) => [c.clusterId, c.type])).toEqual([['demo/c-1', 'updated']]);
  });

  it('ends a pass only when every cluster it started has finished, even when one failed to write', async () => {
    await pass();
    clock += 60_000;
    let releaseSlow: () => void = () => {};
    adapter.gates.set('c-2', new Promise<void>((r) => (releaseSlow = r)));
    adapter.answers.set('c-1', moved());
    adapter.answers.set('c-2', moved());
    failing.add('log');
    let ended = false;
    const running = pass().then((s) => {
      ended = true;
      return s;
    });
    await vi.waitFor(() => expect(failed).toBeGreaterThan(0), { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 30));
    expect(ended).toBe(false); // c-1 failed, c-2 is still out: the pass is not over
    failing.clear();
    releaseSlow();
    const s = await running;
    expect(s.clusters.ok + s.clusters.error).toBe(2);
    expect((await changesIn(db)).map((c) => c.clusterId)).toEqual(['demo/c-2']);
  });

  it('drops a slow, old poll rather than write an older state over a newer one', async () => {
    await pass();
    // Pass A starts; its poll of c-1 sees the job as it was, then hangs.
    clock += 60_000;
    let releaseA: () => void = () => {};
    adapter.gates.set('c-1', new Promise<void>((r) => (releaseA = r)));
    const passA = pass();
    await new Promise((r) => setTimeout(r, 10));
    // Pass B (a new worker, the lease gone) sees the job moved, and records it.
    adapter.gates.delete('c-1');
    clock += 60_000;
    adapter.answers.set('c-1', moved());
    await pass();
    expect(await changeCount(db)).toBe(1);
    // A's poll comes back with the old state: it must not be written over B's.
    releaseA();
    await passA;
    expect((await jobIn(db, jobKeyOf('demo/c-1', snapshot().rowKey)))?.versionToken).toBe('300');
    clock += 60_000;
    await pass();
    expect((await changesIn(db)).map((c) => c.type)).toEqual(['updated']);
  });
});

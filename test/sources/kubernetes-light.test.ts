/**
 * Light on the API servers (lib/sources/kubernetes/poll.ts) against the demo fleet's API server,
 * whose traffic counters say what each pass cost: a steady pass reads metadata from the watch
 * cache and no full object; a change costs exactly that object; an empty kind is not asked again
 * until its re-probe; and a 429 keeps the whole host quiet until its Retry-After.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../fleet/index';
import type { TrafficRow } from '../../fleet/traffic';
import { openDb, type TattlerDb } from '../../lib/db';
import { createHttp } from '../../lib/http';
import { unpaced } from '../../lib/pace';
import { type Settings, validateSettings } from '../../lib/settings';
import { EMPTY_REPROBE_MS } from '../../lib/sources/kubernetes/memo';
import { adapterFor } from '../../lib/sources/registry';
import { runPass, type WatcherDeps } from '../../lib/watcher';
import { changesIn, jobsIn } from '../store-view';

const MIN = 60_000;
let fleet: Fleet;
let db: TattlerDb;
let clock: number;

beforeAll(async () => {
  fleet = await startFleet({ seed: 3, clusters: 3, autoRun: false });
});
afterAll(() => fleet.stop());
beforeEach(() => {
  db = openDb(`light-${Math.random()}`);
  clock = Date.now();
  fleet.control.reset();
  fleet.control.settle();
});
afterEach(() => db.delete());

function settings(over: Record<string, unknown> = {}): Settings {
  const parsed = validateSettings({
    version: 1,
    concurrency: 2,
    sources: [
      {
        id: 'demo',
        name: 'Demo',
        type: 'rancher',
        baseUrl: fleet.url,
        owner: { labelSelector: 'app.kubernetes.io/part-of=shop', namespaces: ['shop'] },
        actorAnnotation: 'fleet.example.com/changed-by',
      },
    ],
    ...over,
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

/** A pass with the fleet's API token as the session, every cluster every pass unless `paced`. */
function pass(extra: Partial<WatcherDeps> = {}, s = settings()) {
  return runPass({
    db,
    settings: s,
    http: createHttp({
      fetch: (url, init) =>
        fetch(url, {
          ...init,
          headers: { ...(init.headers as object), Authorization: `Bearer ${fleet.apiToken}` },
        }),
    }),
    adapterFor,
    now: () => clock,
    pace: unpaced(s),
    ...extra,
  });
}

const rows = (match: Partial<TrafficRow>) =>
  fleet.control
    .traffic()
    .filter((r) =>
      Object.entries(match).every(([k, v]) => (r as unknown as Record<string, unknown>)[k] === v),
    );
const requests = (match: Partial<TrafficRow>) => rows(match).reduce((n, r) => n + r.requests, 0);
const clusterIds = () => fleet.clusters().map((c) => c.id);

describe('Kubernetes, light on the API servers', () => {
  it('a steady pass over an unchanged fleet reads metadata from the watch cache and fetches no full object', async () => {
    await pass();
    // First sight: full lists, read plainly (there is no version to be "not older than" yet).
    expect(requests({ system: 'kubernetes', as: 'object', verb: 'list', from: 'etcd' })).toBeGreaterThan(0);
    fleet.control.resetTraffic();
    clock += MIN;
    const steady = await pass();
    expect(steady.clusters.ok).toBe(3);
    expect(steady.changes).toBe(0);
    expect(requests({ system: 'kubernetes', as: 'object' })).toBe(0);
    expect(requests({ system: 'kubernetes', from: 'etcd' })).toBe(0);
    // One metadata list per non-empty kind per cluster (no DaemonSets in shop: not asked).
    for (const id of clusterIds()) {
      expect(
        rows({ cluster: id, verb: 'list' })
          .map((r) => `${r.resource} ${r.as} ${r.from}`)
          .sort(),
      ).toEqual(['cronjobs metadata cache', 'deployments metadata cache', 'statefulsets metadata cache']);
    }
    expect((await jobsIn(db)).length).toBeGreaterThan(0);
  });

  it('a state stored before links were read gets them from the next metadata list, reading nothing in full', async () => {
    await pass();
    const states = await db.states.toArray();
    const marks = states.flatMap((st) => Object.values(st.jobs));
    expect(marks.length).toBeGreaterThan(0);
    // The demo's part-of is the owner filter's (left out); its name label is each job's own.
    expect(marks.every((m) => typeof m.l?.name === 'string')).toBe(true);
    // As an older version stored them: no links.
    for (const st of states) for (const m of Object.values(st.jobs)) delete m.l;
    await db.states.bulkPut(states);
    fleet.control.resetTraffic();
    clock += MIN;
    const steady = await pass();
    expect(steady.changes).toBe(0);
    expect(requests({ system: 'kubernetes', as: 'object' })).toBe(0);
    const after = (await db.states.toArray()).flatMap((st) => Object.entries(st.jobs));
    expect(after.length).toBe(marks.length);
    for (const [rowKey, m] of after) expect(m.l).toEqual({ name: rowKey.slice(rowKey.indexOf('/') + 1) });
  });

  it('a change fetches exactly the object that moved, and records it', async () => {
    await pass();
    // What the first sight recovered from the fleet's ReplicaSets (issue 15) is not this change.
    const recovered = new Set((await changesIn(db)).map((c) => c.id));
    const [id] = clusterIds();
    fleet.control.apply('kubectl-edit', id); // pricing, in shop
    fleet.control.settle();
    fleet.control.resetTraffic();
    clock += MIN;
    const s = await pass();
    expect(s.changes).toBeGreaterThan(0);
    expect(
      rows({ system: 'kubernetes', as: 'object' }).map((r) => [r.cluster, r.resource, r.verb, r.requests]),
    ).toEqual([[id, 'deployments', 'get', 1]]);
    expect(rows({ verb: 'get' })[0]?.from).toBe('cache');
    const changes = (await changesIn(db)).filter((c) => !recovered.has(c.id));
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.map((c) => [c.clusterId, c.name])).toEqual(changes.map(() => [`demo/${id}`, 'pricing']));
    expect(changes.find((c) => c.type === 'updated')?.actor?.name).toBe('kubectl-edit');
  });

  it('does not list an empty kind again until its re-probe, and at once when settings change', async () => {
    await pass();
    const daemonsets = () => requests({ system: 'kubernetes', resource: 'daemonsets', verb: 'list' });
    expect(daemonsets()).toBe(3);
    for (let i = 0; i < 3; i++) {
      clock += 5 * MIN;
      await pass();
    }
    expect(daemonsets()).toBe(3);
    clock += EMPTY_REPROBE_MS;
    await pass();
    expect(daemonsets()).toBe(6);
    // A new owner filter: a new baseline, and every kind asked again at once.
    clock += MIN;
    const wider = settings();
    const [demo] = wider.sources;
    if (demo) demo.owner = { ...demo.owner, namespaces: ['shop', 'platform'] };
    await pass({}, wider);
    expect(daemonsets()).toBe(12);
  });

  it('honours a 429: no request to that host before its Retry-After', async () => {
    // One poll at a time, every cluster every pass, holds as the pace keeps them.
    const s = settings({ concurrency: 1 });
    const pace = { ...unpaced(s), maxHoldMs: 3_600_000 };
    await pass({ pace }, s);
    const [first] = clusterIds(); // asked first: discovery lists it first
    fleet.control.fault({ cluster: first, kind: '429', ms: 120_000 });
    fleet.control.resetTraffic();
    clock += MIN;
    const refused = await pass({ pace }, s);
    expect(refused.clusters.error).toBe(1);
    expect(refused.paced).toEqual({ quiet: 0, held: 2, overBudget: 0 });
    // The cluster list, then the one request that was refused: the other clusters were not asked.
    expect(rows({}).map((r) => [r.system, r.status, r.requests])).toEqual([
      ['rancher', 200, 1],
      ['kubernetes', 429, 1],
    ]);
    // A minute later, then just before Retry-After: nothing at all goes to the host.
    for (const later of [MIN, 59_000]) {
      clock += later;
      await pass({ pace }, s);
      expect(requests({})).toBe(2);
    }
    clock += 2000;
    const back = await pass({ pace }, s);
    expect(back.clusters.ok).toBe(3);
  });
});

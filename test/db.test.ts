import { describe, expect, it } from 'vitest';
import { countSince, newestOf, totalOf } from '../lib/aggregate';
import { openDb, SCHEMA_VERSIONS, type TattlerDb } from '../lib/db';
import type { Change, Cluster, JobSnapshot } from '../lib/model';
import { changesBetween, changesOfCell, decodeChange, encodeChange } from '../lib/store/changes';
import { type GridRecord, packedAgg, readGrid } from '../lib/store/grid';
import { presences } from '../lib/store/presence';
import { prune } from '../lib/store/prune';
import { allSnapshots } from '../lib/store/state';
import { putChanges, putJobs } from '../lib/store/write';
import * as build from './builders';

const DAY = 86_400_000;

const change = (id: string, at: number, over: Partial<Change> = {}): Change =>
  build.change({ clusterId: 'demo/c-1', name: 'checkout' }, at, { id, fields: [], ...over });

const cluster = (id: string, over: Partial<Cluster> = {}): Cluster => ({
  id,
  sourceId: id.split('/')[0] as string,
  nativeId: id.split('/')[1] as string,
  name: id,
  apiBase: 'http://x',
  firstSeen: 1,
  lastSeen: 2,
  ...over,
});

describe('schema versions', () => {
  // Data written by every earlier version opens in the newest: in version 3 that means moved
  // into the new shapes, nothing lost.
  for (let older = 1; older < SCHEMA_VERSIONS.length; older++) {
    it(`moves what version ${older} wrote into version ${SCHEMA_VERSIONS.length}, losing nothing`, async () => {
      const name = `mig-${older}-${Math.random()}`;
      const old = openDb(name, older);
      const checkout = build.snapshot({ name: 'checkout', health: { state: 'degraded' } });
      const cart = build.snapshot({ name: 'cart' });
      const changes = [
        change('demo/c-1|Deployment:shop/checkout|updated|v5', 5_000, {
          fields: [{ path: 'containers[app].image', before: 'a:1', after: 'a:2' }],
          actor: { name: 'bob', kind: 'person', via: 'annotation x' },
        }),
        // An id of the first version's form for a status change, and one of no known form.
        change('demo/c-1|Deployment:shop/checkout|status|degraded@101', 7_000, {
          type: 'status',
          fields: [{ path: 'health', before: 'healthy', after: 'degraded' }],
        }),
        change('odd-id', 9_000, { clusterId: 'demo/c-2', jobKey: 'demo/c-2|Deployment:shop/checkout' }),
      ];
      await old.table('changes').bulkPut(changes);
      await old.table('jobs').bulkPut([checkout, cart]);
      await old.clusters.put(cluster('demo/c-1'));
      await old.polls.add({ target: 'demo/c-1', sourceId: 'demo', status: 'ok', from: 1, to: 2, count: 2 });
      old.close();

      const db = openDb(name);
      await db.open();
      expect(db.verno).toBe(SCHEMA_VERSIONS[SCHEMA_VERSIONS.length - 1]?.version);
      expect(db.tables.map((t) => t.name).sort()).toEqual(
        ['cells', 'clusters', 'log', 'meta', 'polls', 'snapshots', 'states'].sort(),
      );
      // Every change, with its id and everything it said.
      expect(await changesBetween(db, 0)).toEqual([...changes].reverse());
      // Every job's snapshot, and where it runs (degraded or not).
      expect(await allSnapshots(db, 'demo/c-1')).toHaveLength(2);
      expect((await allSnapshots(db, 'demo/c-1')).find((j) => j.name === 'checkout')).toEqual(checkout);
      expect((await presences(db)).map((p) => [p.rowKey, p.degraded]).sort()).toEqual([
        ['Deployment:shop/cart', false],
        ['Deployment:shop/checkout', true],
      ]);
      // The aggregates and the grid, built from them.
      const grid = await readGrid(db);
      expect(grid?.rows.sort()).toEqual(['Deployment:shop/cart', 'Deployment:shop/checkout']);
      const cells = grid?.cells.count ?? 0;
      expect(
        Array.from({ length: cells }, (_, k) => totalOf(packedAgg(grid as GridRecord, k))).sort(),
      ).toEqual([1, 2]);
      expect(await db.clusters.count()).toBe(1);
      expect(await db.polls.count()).toBe(1);
      await db.delete();
    });
  }

  it('only ever appends versions, in order', () => {
    expect(SCHEMA_VERSIONS.map((v) => v.version)).toEqual(SCHEMA_VERSIONS.map((_, i) => i + 1));
  });
});

describe('compact changes', () => {
  it('read back exactly as written, whatever they hold', () => {
    const full = change('demo/c-1|Deployment:shop/checkout|updated|u/1>u/2#2', 5_000, {
      reportedAt: 4_000,
      actor: { name: 'bob', kind: 'token', via: 'NomadTokenID' },
      actorStale: true,
      fields: [
        { path: 'a', before: 1, after: 2 },
        { path: 'b', after: null },
        { path: 'c', before: ['x', 'y'] },
        { path: 'd', before: false, after: true },
      ],
      fromVersion: 3,
      toVersion: 5,
      skipped: 1,
      changeCause: 'kubectl set image',
      clockOffsetMs: -12_000,
      link: 'https://console/x',
    });
    const cell = {
      clusterId: full.clusterId,
      rowKey: full.rowKey,
      kind: full.kind,
      namespace: full.namespace,
      name: full.name,
      link: 'https://console/x',
    };
    expect(decodeChange(encodeChange(full, 7), cell)).toEqual(full);
  });

  it('keep an Argo CD sync, a Kubernetes job’s managing application and deploy ids, never a joined cause', () => {
    const sync = change('s', 5_000, {
      kind: 'Application',
      sync: { app: 'cart-prod-eu-1', startedAt: 3_000, finishedAt: 4_500, revision: '0b0f8f9' },
    });
    const running = change('r', 5_000, { kind: 'Application', sync: { app: 'cart', startedAt: 3_000 } });
    const effect = change('k', 5_000, { argoApp: 'cart-prod-eu-1' });
    const cellOf = (c: Change) => ({
      clusterId: c.clusterId,
      rowKey: c.rowKey,
      kind: c.kind,
      namespace: c.namespace,
      name: c.name,
    });
    // A home-grown manager's deploy, and the Kubernetes change that stamped its id.
    const deploy = change('d', 5_000, { kind: 'Job', deploy: 'd-1234' });
    const stamped = change('t', 5_000, { deployStamp: 'd-1234' });
    for (const c of [sync, running, effect, deploy, stamped])
      expect(decodeChange(encodeChange(c, 1), cellOf(c))).toEqual(c);
    // A cause is what a read joins (lib/identity/cause.ts): storing it would freeze a guess.
    const joined = { ...effect, cause: { operation: sync } };
    expect(decodeChange(encodeChange(joined, 1), cellOf(effect))).toEqual(effect);
  });
});

async function seeded(): Promise<TattlerDb> {
  const db = openDb(`q-${Math.random()}`);
  await putChanges(db, [
    change('a', 1_000),
    change('b', 3_000),
    change('c', 2_000, { clusterId: 'demo/c-2', jobKey: 'demo/c-2|Deployment:shop/checkout' }),
    change('d', 9_000),
  ]);
  return db;
}

describe('queries', () => {
  it('lists changes in a time range newest first, and per cell', async () => {
    const db = await seeded();
    expect((await changesBetween(db, 1_500, 5_000)).map((c) => c.id)).toEqual(['b', 'c']);
    expect((await changesOfCell(db, 'Deployment:shop/checkout', 'demo/c-1')).map((c) => c.id)).toEqual([
      'd',
      'b',
      'a',
    ]);
    expect((await changesOfCell(db, 'Deployment:shop/checkout', 'demo/c-1', 2_000)).map((c) => c.id)).toEqual(
      ['d', 'b'],
    );
    await db.delete();
  });

  it('keeps each cell’s aggregate in step with its changes', async () => {
    const db = await seeded();
    const cell = (await db.states.get('demo/c-1'))?.cells['Deployment:shop/checkout'];
    expect(cell?.agg.times).toEqual([1_000, 3_000, 9_000]);
    expect(newestOf(cell?.agg ?? { times: [], recent: [] })).toBe(9_000);
    expect(countSince(cell?.agg ?? { times: [], recent: [] }, 2_000)).toBe(2);
    await db.delete();
  });
});

describe('retention', () => {
  it('prunes changes, poll runs and long-gone clusters, and the aggregates exactly with them', async () => {
    const db = openDb(`p-${Math.random()}`);
    const now = 100 * DAY;
    await putChanges(db, [
      change('old', now - 32 * DAY),
      change('new', now - 29 * DAY),
      change('gone-old', now - 33 * DAY, {
        clusterId: 's/long-gone',
        jobKey: 's/long-gone|Deployment:shop/checkout',
      }),
    ]);
    await db.polls.bulkAdd([
      { target: 't', sourceId: 's', status: 'auth', from: 0, to: now - 40 * DAY, count: 1 },
      { target: 't', sourceId: 's', status: 'ok', from: now - 40 * DAY, to: now, count: 9 },
    ]);
    await db.clusters.bulkPut([
      cluster('s/long-gone', { goneSince: now - 31 * DAY }),
      cluster('s/recently-gone', { goneSince: now - DAY }),
      cluster('s/here'),
    ]);
    await putJobs(db, [
      build.snapshot({ clusterId: 's/long-gone', name: 'j' }),
      build.snapshot({ clusterId: 's/here', name: 'j' }),
    ] as JobSnapshot[]);
    expect(await prune(db, now, 30)).toEqual({ changes: 2, polls: 1, clusters: 1 });
    expect((await db.clusters.toCollection().primaryKeys()).sort()).toEqual(['s/here', 's/recently-gone']);
    expect((await presences(db)).map((p) => p.key)).toEqual(['s/here|Deployment:shop/j']);
    expect((await changesBetween(db, 0)).map((c) => c.id)).toEqual(['new']);
    expect((await db.polls.toArray()).map((r) => r.status)).toEqual(['ok']);
    // The aggregate holds exactly what the log holds; a cell with nothing left is gone.
    const state = await db.states.get('demo/c-1');
    expect(state?.cells['Deployment:shop/checkout']?.agg.times).toEqual([now - 29 * DAY]);
    expect(await db.states.get('s/long-gone')).toBeUndefined();
    expect(await db.cells.count()).toBe(1);
    // The grid the popup reads says the same (the change left is older than any window shows).
    const grid = await readGrid(db);
    expect(grid?.clusters.sort()).toEqual(['demo/c-1', 's/here']);
    expect(grid?.rows).toEqual(['Deployment:shop/j']);
    expect(grid?.cells.count).toBe(0);
    await db.delete();
  });
});

import { describe, expect, it } from 'vitest';
import { changesBetween, changesOfCell, openDb, prune, SCHEMA_VERSIONS } from '../lib/db';
import type { Change, JobSnapshot } from '../lib/model';
import * as build from './builders';

const change = (id: string, at: number, over: Partial<Change> = {}): Change =>
  build.change({ clusterId: 'demo/c-1', name: 'checkout' }, at, { id, fields: [], ...over });

describe('schema versions', () => {
  // Each earlier version's data must open in the newest schema. With one version this checks
  // that a closed database reopens with its rows; every appended version joins the loop.
  for (let older = 1; older <= SCHEMA_VERSIONS.length; older++) {
    it(`opens data written by schema version ${older} in version ${SCHEMA_VERSIONS.length}`, async () => {
      const name = `mig-${older}-${Math.random()}`;
      const old = openDb(name, older);
      await old.changes.put(change('a', 5_000));
      await old.clusters.put({
        id: 'demo/c-1',
        sourceId: 'demo',
        nativeId: 'c-1',
        name: 'prod',
        apiBase: 'http://x',
        firstSeen: 1,
        lastSeen: 2,
      });
      await old.polls.add({ target: 'demo/c-1', sourceId: 'demo', status: 'ok', from: 1, to: 2, count: 2 });
      old.close();

      const db = openDb(name);
      await db.open();
      expect(db.verno).toBe(SCHEMA_VERSIONS[SCHEMA_VERSIONS.length - 1]?.version);
      expect(await db.changes.get('a')).toMatchObject({ at: 5_000 });
      expect(await db.clusters.count()).toBe(1);
      expect(await db.polls.count()).toBe(1);
      await db.delete();
    });
  }

  it('indexes health from version 2, also for snapshots written by version 1', async () => {
    const name = `health-${Math.random()}`;
    const old = openDb(name, 1);
    const job = (key: string, state: 'healthy' | 'degraded') =>
      ({ key, clusterId: 'c', rowKey: key, health: { state } }) as unknown as JobSnapshot;
    await old.jobs.bulkPut([job('a', 'healthy'), job('b', 'degraded')]);
    old.close();
    const db = openDb(name);
    expect(await db.jobs.where('health.state').equals('degraded').primaryKeys()).toEqual(['b']);
    await db.delete();
  });

  it('only ever appends versions, in order', () => {
    expect(SCHEMA_VERSIONS.map((v) => v.version)).toEqual(SCHEMA_VERSIONS.map((_, i) => i + 1));
  });
});

describe('queries', () => {
  it('lists changes in a time range newest first, and per cell', async () => {
    const db = openDb(`q-${Math.random()}`);
    await db.changes.bulkPut([
      change('a', 1_000),
      change('b', 3_000),
      change('c', 2_000, { clusterId: 'demo/c-2' }),
      change('d', 9_000),
    ]);
    expect((await changesBetween(db, 1_500, 5_000)).map((c) => c.id)).toEqual(['b', 'c']);
    expect((await changesOfCell(db, 'Deployment:shop/checkout', 'demo/c-1')).map((c) => c.id)).toEqual([
      'd',
      'b',
      'a',
    ]);
    await db.delete();
  });

  it('prunes changes and poll runs older than the retention', async () => {
    const db = openDb(`p-${Math.random()}`);
    const day = 86_400_000;
    const now = 100 * day;
    await db.changes.bulkPut([change('old', now - 31 * day), change('new', now - 29 * day)]);
    await db.polls.bulkAdd([
      { target: 't', sourceId: 's', status: 'auth', from: 0, to: now - 40 * day, count: 1 },
      { target: 't', sourceId: 's', status: 'ok', from: now - 40 * day, to: now, count: 9 },
    ]);
    const base = { sourceId: 's', name: 'x', apiBase: 'http://x', firstSeen: 0, lastSeen: 0 };
    await db.clusters.bulkPut([
      { ...base, id: 's/long-gone', nativeId: 'long-gone', goneSince: now - 31 * day },
      { ...base, id: 's/recently-gone', nativeId: 'recently-gone', goneSince: now - day },
      { ...base, id: 's/here', nativeId: 'here' },
    ]);
    await db.jobs.bulkPut([
      { key: 's/long-gone|j', clusterId: 's/long-gone' } as never,
      { key: 's/here|j', clusterId: 's/here' } as never,
    ]);
    expect(await prune(db, now, 30)).toEqual({ changes: 1, polls: 1, clusters: 1 });
    expect((await db.clusters.toCollection().primaryKeys()).sort()).toEqual(['s/here', 's/recently-gone']);
    expect(await db.jobs.toCollection().primaryKeys()).toEqual(['s/here|j']);
    expect((await db.changes.toArray()).map((c) => c.id)).toEqual(['new']);
    expect((await db.polls.toArray()).map((r) => r.status)).toEqual(['ok']);
    await db.delete();
  });
});

/**
 * Cause across sources, through the store: whichever record is committed first — the Rancher
 * cluster's Deployment change or the Argo CD Application's sync, in one pass or in two — what is
 * read back is one change, carol's, with both views: in a cell's detail (over several jobs, or
 * the Deployment's row alone), in the badge's answer and in the export. Nothing of the join is
 * stored: the log holds the two records as they were observed.
 */
import { describe, expect, it } from 'vitest';
import { answerCorrelate } from '../lib/correlate/query';
import { openDb, type TattlerDb } from '../lib/db';
import { exportHistory } from '../lib/history';
import { identityRulesOf } from '../lib/identity/clusters';
import type { Change } from '../lib/model';
import { popupData } from '../lib/popup-data';
import { putChanges, putJobs } from '../lib/store/write';
import { expectGridCountsPairOnce, expectStoredAsObserved } from './cause-checks';
import {
  APPLICATION,
  APPLICATION_CHANGE,
  ARGO_EU,
  CLUSTERS,
  DEPLOYMENT,
  DEPLOYMENT_CHANGE,
  NOW,
  RANCHER_EU,
  REVISION,
  SETTINGS,
} from './cause-fixture';

const SINCE = NOW - 60 * 60_000;

type Order = { name: string; commit(db: TattlerDb): Promise<void> };
const ORDERS: Order[] = [
  {
    name: 'Kubernetes first, one pass',
    commit: (db) => putChanges(db, [DEPLOYMENT_CHANGE, APPLICATION_CHANGE]),
  },
  {
    name: 'Argo CD first, one pass',
    commit: (db) => putChanges(db, [APPLICATION_CHANGE, DEPLOYMENT_CHANGE]),
  },
  {
    name: 'Kubernetes first, a later pass brings the sync',
    commit: async (db) => {
      await putChanges(db, [DEPLOYMENT_CHANGE]);
      await putChanges(db, [APPLICATION_CHANGE]);
    },
  },
  {
    name: 'Argo CD first, a later pass brings the Deployment’s change',
    commit: async (db) => {
      await putChanges(db, [APPLICATION_CHANGE]);
      await putChanges(db, [DEPLOYMENT_CHANGE]);
    },
  },
];

async function stored(order: Order): Promise<TattlerDb> {
  const db = openDb(`cause-${Math.random()}`);
  await db.clusters.bulkPut(CLUSTERS);
  await putJobs(db, [DEPLOYMENT, APPLICATION]);
  await order.commit(db);
  return db;
}

/** The one paired change: carol at its head, the controller kept, both views. */
function expectPaired(list: readonly Change[]) {
  expect(list).toHaveLength(1);
  const [one] = list as [Change];
  expect(one.id).toBe(DEPLOYMENT_CHANGE.id);
  expect(one.actor).toMatchObject({ name: 'carol', kind: 'person' });
  expect(one.cause?.direct).toEqual({ name: 'argocd-controller', kind: 'client', via: 'managedFields' });
  expect(one.fields).toEqual([
    { path: 'containers[cart].image', before: 'shop/cart:2.0.1', after: 'shop/cart:2.1.0' },
  ]);
  expect(one.cause?.operation.id).toBe(APPLICATION_CHANGE.id);
  expect(one.cause?.operation.sync?.revision).toBe(REVISION);
  expect(one.cause?.operation.fields.find((f) => f.path === 'sync.revision')?.after).toBe(REVISION);
}

describe('cause across sources, whichever record is stored first', () => {
  for (const order of ORDERS) {
    it(`${order.name}: one change with two views, in the cell, the badge and the export`, async () => {
      const db = await stored(order);
      const data = popupData(db);
      const place = [RANCHER_EU.id, ARGO_EU.id];

      // A cell that holds both jobs (a service in one cluster identity): each job's cell read,
      // merged newest first, as the detail reads a service's cell.
      const cells = await Promise.all([
        data.cellChanges(DEPLOYMENT.rowKey, [RANCHER_EU.id], SINCE),
        data.cellChanges(APPLICATION.rowKey, [ARGO_EU.id], SINCE),
      ]);
      expect(cells.flat()).toHaveLength(2);
      expectPaired(
        await data.withCauses(
          cells.flat().sort((a, b) => b.at - a.at),
          place,
        ),
      );
      // The Deployment's own row: the sync is read from where it is stored.
      const own = await data.cellChanges(DEPLOYMENT.rowKey, [RANCHER_EU.id], SINCE);
      expectPaired(await data.withCauses(own, place));

      // The badge on an alert naming cart in prod-eu-1.
      const answer = await answerCorrelate(
        db,
        SETTINGS,
        [{ key: 'a', labels: { cluster: 'prod-eu-1', job_name: 'cart' }, startsAt: NOW }],
        NOW,
      );
      const result = answer.results[0];
      expect(result?.ranked.map((r) => r.id)).toEqual([DEPLOYMENT_CHANGE.id]);
      expect(result?.headline).toMatchObject({ count: 1, actor: 'carol' });
      expect(answer.changes[DEPLOYMENT_CHANGE.id]?.cause?.operation.link).toBe(APPLICATION_CHANGE.link);

      // The export: one record, with both views.
      const exported = JSON.parse(
        (await exportHistory(db, 'json', NOW, identityRulesOf(SETTINGS))).text,
      ) as Change[];
      expectPaired(exported);

      // The grid: the two cells, merged into one (a service in one place), count the pair once.
      await expectGridCountsPairOnce(db, SINCE);

      // What is stored is what was observed: two records, neither rewritten.
      await expectStoredAsObserved(db, [APPLICATION_CHANGE.id, DEPLOYMENT_CHANGE.id], {
        id: DEPLOYMENT_CHANGE.id,
        actor: 'argocd-controller',
      });
      await db.delete();
    });
  }

  it('keeps the two apart where the sync ran in another cluster', async () => {
    const db = openDb(`cause-${Math.random()}`);
    const elsewhere = { ...ARGO_EU, id: 'cd/https://other.example', nativeId: 'https://other.example' };
    await db.clusters.bulkPut([RANCHER_EU, elsewhere]);
    const moved: Change = {
      ...APPLICATION_CHANGE,
      id: APPLICATION_CHANGE.id.replace(ARGO_EU.id, elsewhere.id),
      clusterId: elsewhere.id,
      jobKey: APPLICATION_CHANGE.jobKey.replace(ARGO_EU.id, elsewhere.id),
    };
    await putChanges(db, [DEPLOYMENT_CHANGE, moved]);
    const data = popupData(db);
    const list = await data.withCauses(await data.cellChanges(DEPLOYMENT.rowKey, [RANCHER_EU.id], SINCE), [
      RANCHER_EU.id,
    ]);
    expect(list.map((c) => [c.id, c.actor?.name, c.cause])).toEqual([
      [DEPLOYMENT_CHANGE.id, 'argocd-controller', undefined],
    ]);
    const exported = JSON.parse(
      (await exportHistory(db, 'json', NOW, identityRulesOf(SETTINGS))).text,
    ) as Change[];
    expect(exported).toHaveLength(2);
    await db.delete();
  });
});

describe('cause across sources, at the edge of an alert’s window', () => {
  it('reads the sync recorded just before the window for a change within it', async () => {
    // The Deployment's change has no reported time: known only within its poll window, which
    // began during the sync and ended 5 minutes ago; the sync's record is dated by its finish.
    const late: Change = {
      ...DEPLOYMENT_CHANGE,
      windowStart: (APPLICATION_CHANGE.sync?.startedAt as number) + 2_000,
      windowEnd: NOW - 5 * 60_000,
      at: NOW - 5 * 60_000,
    };
    delete late.reportedAt;
    const db = openDb(`cause-${Math.random()}`);
    await db.clusters.bulkPut(CLUSTERS);
    await putJobs(db, [DEPLOYMENT, APPLICATION]);
    await putChanges(db, [late, APPLICATION_CHANGE]);
    // The alert looks back 6 minutes: the Deployment's change is in, the sync's record is not.
    const lookBackMs = 6 * 60_000;
    expect(APPLICATION_CHANGE.at).toBeLessThan(NOW - lookBackMs);
    const answer = await answerCorrelate(
      db,
      SETTINGS,
      [{ key: 'a', labels: { cluster: 'prod-eu-1', job_name: 'cart' }, startsAt: NOW }],
      NOW,
      { lookBackMs },
    );
    expect(answer.results[0]?.headline).toMatchObject({ count: 1, actor: 'carol' });
    expect(answer.changes[late.id]?.cause?.operation.id).toBe(APPLICATION_CHANGE.id);
    await db.delete();
  });
});

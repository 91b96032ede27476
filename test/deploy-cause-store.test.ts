/**
 * Cause across sources through the store, for a home-grown manager's deploy: alice deploys cart
 * with Forge (deploy d-1234), which applies the Deployment in prod-eu-1 with its own field manager
 * and stamps the id in an annotation. Both records are made as Tattler makes them — Forge's JSON
 * through the generic mapping (`deployId`), the Deployment through the Kubernetes normalizer
 * (`deployIdAnnotation`), then diffed — and stored in either order, in one pass or two. What is
 * read back is one change, alice's via Forge deploy d-1234, with both views: in a cell's detail,
 * the badge's answer, the export and the grid's count. A hand edit afterwards stays its own.
 */
import { describe, expect, it } from 'vitest';
import { countSince } from '../lib/aggregate';
import { changeParts, changeViewOf } from '../lib/change-view';
import { answerCorrelate } from '../lib/correlate/query';
import { openDb, type TattlerDb } from '../lib/db';
import { diffJob } from '../lib/diff';
import { exportHistory } from '../lib/history';
import { pairsSince } from '../lib/identity/cause';
import { identityRulesOf } from '../lib/identity/clusters';
import type { Change, JobSnapshot } from '../lib/model';
import { popupData } from '../lib/popup-data';
import { type Settings, validateSettings } from '../lib/settings';
import { normalizeItem } from '../lib/sources/generic/normalize';
import { type KubeObject, normalizeObject } from '../lib/sources/kubernetes/normalize';
import { packedAgg, readGrid } from '../lib/store/grid';
import { putChanges, putJobs } from '../lib/store/write';
import * as build from './builders';
import { expectGridCountsPairOnce, expectStoredAsObserved } from './cause-checks';

const NOW = Date.UTC(2025, 2, 3, 9, 30, 0);
const MIN = 60_000;
const SINCE = NOW - 60 * MIN;
const RANCHER = 'https://rancher.example';
const FORGE = 'https://forge.example';
const ANNOTATION = 'forge.example.com/deploy-id';

const parsed = validateSettings({
  version: 1,
  sources: [
    { id: 'rancher', name: 'Rancher', type: 'rancher', baseUrl: RANCHER, deployIdAnnotation: ANNOTATION },
    {
      id: 'forge',
      name: 'Forge',
      type: 'generic',
      baseUrl: FORGE,
      clusters: [{ id: 'prod-eu-1', apiBase: `${FORGE}/api/clusters/prod-eu-1` }],
      generic: {
        jobs: {
          url: '{apiBase}/jobs',
          list: 'jobs',
          name: 'name',
          namespace: 'team',
          kind: 'ForgeJob',
          fields: { image: 'image' },
          changedAt: 'deployedAt',
          changedBy: 'deployedBy',
          deployId: 'deployId',
        },
      },
    },
  ],
});
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const SETTINGS = parsed.value as Settings;
const [RANCHER_SOURCE, FORGE_SOURCE] = SETTINGS.sources as [Settings['sources'][0], Settings['sources'][0]];

const RANCHER_EU = build.cluster('rancher', 'c-m-eu', NOW, {
  name: 'prod-eu-1',
  apiBase: `${RANCHER}/k8s/clusters/c-m-eu`,
});
const FORGE_EU = build.cluster('forge', 'prod-eu-1', NOW, {
  name: 'prod-eu-1',
  apiBase: `${FORGE}/api/clusters/prod-eu-1`,
});
const FORGE_US = build.cluster('forge', 'prod-us-1', NOW, {
  name: 'prod-us-1',
  apiBase: `${FORGE}/api/clusters/prod-us-1`,
});

const DEPLOYED = NOW - 10 * MIN;
const iso = (t: number) => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
const window = { windowStart: DEPLOYED - 30_000, windowEnd: NOW - MIN };

/** The Deployment as the API gives it: written last by `manager` at `t`, stamped with `stamp`. */
function deployment(image: string, rv: string, manager: string, t: number, stamp?: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'cart',
      namespace: 'shop',
      uid: 'uid-cart',
      resourceVersion: rv,
      generation: Number(rv) - 90,
      annotations: stamp ? { [ANNOTATION]: stamp } : {},
      managedFields: [
        { manager, operation: manager === 'forge' ? 'Apply' : 'Update', apiVersion: 'apps/v1', time: iso(t) },
      ],
    },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'cart', image }] } } },
    status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 },
  };
}

const kube = (obj: KubeObject): JobSnapshot =>
  normalizeObject('Deployment', obj, {
    source: RANCHER_SOURCE,
    now: NOW - MIN,
    clusterId: RANCHER_EU.id,
    clusterName: RANCHER_EU.name,
    nativeId: RANCHER_EU.nativeId,
    apiBase: RANCHER_EU.apiBase,
  });

/** Forge's record of the job as its API gives it. */
const forge = (cluster: typeof FORGE_EU, item: Record<string, unknown>): JobSnapshot =>
  normalizeItem(
    item,
    0,
    {
      source: FORGE_SOURCE,
      now: NOW - MIN,
      clusterId: cluster.id,
      clusterName: cluster.name,
      nativeId: cluster.nativeId,
      apiBase: cluster.apiBase,
    },
    'jobs',
  );

const forgeJob = (image: string, deployId: string, by: string, t: number) => ({
  name: 'cart',
  team: 'shop',
  image,
  deployedBy: by,
  deployedAt: iso(t),
  deployId,
});

const K_BEFORE = kube(deployment('shop/cart:2.0.1', '100', 'forge', DEPLOYED - 60 * MIN, 'd-1233'));
const K_AFTER = kube(deployment('shop/cart:2.1.0', '101', 'forge', DEPLOYED + 1_000, 'd-1234'));
const DEPLOYMENT_CHANGE = diffJob(K_BEFORE, K_AFTER, window)[0] as Change;
const F_BEFORE = forge(FORGE_EU, forgeJob('shop/cart:2.0.1', 'd-1233', 'bob', DEPLOYED - 60 * MIN));
const F_AFTER = forge(FORGE_EU, forgeJob('shop/cart:2.1.0', 'd-1234', 'alice', DEPLOYED));
const FORGE_CHANGE = diffJob(F_BEFORE, F_AFTER, window)[0] as Change;
/** dave's hand edit five minutes later: the stamp stands, so it is his own. */
const K_EDITED = kube(deployment('shop/cart:2.1.1', '102', 'kubectl-edit', DEPLOYED + 5 * MIN, 'd-1234'));
const EDIT_CHANGE = diffJob(K_AFTER, K_EDITED, {
  windowStart: NOW - 6 * MIN,
  windowEnd: NOW - 30_000,
})[0] as Change;

type Order = { name: string; commit(db: TattlerDb): Promise<void> };
const ORDERS: Order[] = [
  { name: 'Kubernetes first, one pass', commit: (db) => putChanges(db, [DEPLOYMENT_CHANGE, FORGE_CHANGE]) },
  { name: 'Forge first, one pass', commit: (db) => putChanges(db, [FORGE_CHANGE, DEPLOYMENT_CHANGE]) },
  {
    name: 'Kubernetes first, a later pass brings Forge’s record',
    commit: async (db) => {
      await putChanges(db, [DEPLOYMENT_CHANGE]);
      await putChanges(db, [FORGE_CHANGE]);
    },
  },
  {
    name: 'Forge first, a later pass brings the Deployment’s change',
    commit: async (db) => {
      await putChanges(db, [FORGE_CHANGE]);
      await putChanges(db, [DEPLOYMENT_CHANGE]);
    },
  },
];

async function stored(commit: (db: TattlerDb) => Promise<void>, clusters = [RANCHER_EU, FORGE_EU]) {
  const db = openDb(`deploy-cause-${Math.random()}`);
  await db.clusters.bulkPut(clusters);
  await putJobs(db, [K_AFTER, F_AFTER]);
  await commit(db);
  return db;
}

function expectPaired(list: readonly Change[]) {
  expect(list).toHaveLength(1);
  const [one] = list as [Change];
  expect(one.id).toBe(DEPLOYMENT_CHANGE.id);
  expect(one.actor).toMatchObject({ name: 'alice', kind: 'person' });
  expect(one.cause?.direct).toEqual({ name: 'forge', kind: 'client', via: 'managedFields' });
  expect(one.fields).toEqual([
    { path: 'containers[cart].image', before: 'shop/cart:2.0.1', after: 'shop/cart:2.1.0' },
  ]);
  expect(one.cause?.operation.id).toBe(FORGE_CHANGE.id);
  expect(one.cause?.operation.deploy).toBe('d-1234');
}

describe('the records as Tattler makes them', () => {
  it('stamps the Deployment’s change and Forge’s with the deploy id; the hand edit with none', () => {
    expect(DEPLOYMENT_CHANGE).toMatchObject({ deployStamp: 'd-1234', actor: { name: 'forge' } });
    expect(FORGE_CHANGE).toMatchObject({ deploy: 'd-1234', actor: { name: 'alice', kind: 'person' } });
    expect(EDIT_CHANGE).toMatchObject({ actor: { name: 'kubectl-edit' } });
    expect(EDIT_CHANGE).not.toHaveProperty('deployStamp');
  });
});

describe('a home-grown deploy and the change it stamped, whichever is stored first', () => {
  for (const order of ORDERS) {
    it(`${order.name}: one change with two views, in the cell, the badge, the export and the grid`, async () => {
      const db = await stored(order.commit);
      const data = popupData(db);
      const place = [RANCHER_EU.id, FORGE_EU.id];

      // A service's cell in prod-eu-1: both jobs' cells, merged newest first.
      const cells = await Promise.all([
        data.cellChanges(K_AFTER.rowKey, [RANCHER_EU.id], SINCE),
        data.cellChanges(F_AFTER.rowKey, [FORGE_EU.id], SINCE),
      ]);
      expect(cells.flat()).toHaveLength(2);
      const shown = await data.withCauses(
        cells.flat().sort((a, b) => b.at - a.at),
        place,
      );
      expectPaired(shown);
      // The Deployment's own row: Forge's record is read from where it is stored.
      expectPaired(
        await data.withCauses(await data.cellChanges(K_AFTER.rowKey, [RANCHER_EU.id], SINCE), place),
      );

      // As the detail says it: alice, via Forge deploy d-1234, applied by forge.
      const clusters = new Map([RANCHER_EU, FORGE_EU].map((c) => [c.id, c]));
      const parts = changeParts(
        changeViewOf(shown[0] as Change, RANCHER_EU, SETTINGS, (id) => clusters.get(id)),
      );
      expect(parts.actor?.name).toBe('alice');
      expect(parts.sync?.provenance).toBe('via Forge deploy d-1234');
      expect(parts.sync?.direct).toContain('applied by forge');

      // The badge on an alert naming cart in prod-eu-1.
      const answer = await answerCorrelate(
        db,
        SETTINGS,
        [{ key: 'a', labels: { cluster: 'prod-eu-1', job_name: 'cart' }, startsAt: NOW }],
        NOW,
      );
      expect(answer.results[0]?.ranked.map((r) => r.id)).toEqual([DEPLOYMENT_CHANGE.id]);
      expect(answer.results[0]?.headline).toMatchObject({ count: 1, actor: 'alice' });

      // The export: one record with both views; its CSV says where the actor comes from.
      const exported = JSON.parse(
        (await exportHistory(db, 'json', NOW, identityRulesOf(SETTINGS))).text,
      ) as Change[];
      expectPaired(exported);
      const csv = (await exportHistory(db, 'csv', NOW, identityRulesOf(SETTINGS))).text;
      expect(csv).toContain('via deploy d-1234');

      // The grid: the two cells merged (a service in one place) count the pair once.
      await expectGridCountsPairOnce(db, SINCE);

      // What is stored is what was observed: two records, neither rewritten.
      await expectStoredAsObserved(db, [DEPLOYMENT_CHANGE.id, FORGE_CHANGE.id], {
        id: DEPLOYMENT_CHANGE.id,
        actor: 'forge',
      });
      await db.delete();
    });
  }

  it('keeps a hand edit after the deploy as its own, and counts it apart', async () => {
    const db = await stored((db) => putChanges(db, [FORGE_CHANGE, DEPLOYMENT_CHANGE, EDIT_CHANGE]));
    const data = popupData(db);
    const own = await data.cellChanges(K_AFTER.rowKey, [RANCHER_EU.id], SINCE);
    const shown = await data.withCauses(own, [RANCHER_EU.id, FORGE_EU.id]);
    expect(shown.map((c) => [c.id, c.actor?.name])).toEqual([
      [EDIT_CHANGE.id, 'kubectl-edit'],
      [DEPLOYMENT_CHANGE.id, 'alice'],
    ]);
    const grid = await readGrid(db);
    if (!grid) throw new Error('no grid');
    const aggs = Array.from({ length: grid.cells.count }, (_, k) => packedAgg(grid, k));
    expect(aggs.reduce((n, a) => n + countSince(a, SINCE), 0) - pairsSince(aggs, SINCE)).toBe(2);
    await db.delete();
  });

  it('keeps the two apart where Forge deployed the id in another cluster', async () => {
    const elsewhere = diffJob(
      forge(FORGE_US, forgeJob('shop/cart:2.0.1', 'd-1233', 'bob', DEPLOYED - 60 * MIN)),
      forge(FORGE_US, forgeJob('shop/cart:2.1.0', 'd-1234', 'alice', DEPLOYED)),
      window,
    )[0] as Change;
    const db = await stored(
      (db) => putChanges(db, [DEPLOYMENT_CHANGE, elsewhere]),
      [RANCHER_EU, FORGE_EU, FORGE_US],
    );
    const data = popupData(db);
    const list = await data.withCauses(await data.cellChanges(K_AFTER.rowKey, [RANCHER_EU.id], SINCE), [
      RANCHER_EU.id,
      FORGE_EU.id,
    ]);
    expect(list.map((c) => [c.id, c.actor?.name, c.cause])).toEqual([
      [DEPLOYMENT_CHANGE.id, 'forge', undefined],
    ]);
    const exported = JSON.parse(
      (await exportHistory(db, 'json', NOW, identityRulesOf(SETTINGS))).text,
    ) as Change[];
    expect(exported).toHaveLength(2);
    await db.delete();
  });
});

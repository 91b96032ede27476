/**
 * An alert naming a service gets one answer for the service (lib/correlate/answer.ts
 * servicesByName): the jobs of the named job's service — an Argo CD application and the
 * Deployment it manages under another name, a Nomad job — are the alert's job, whatever their own
 * name, as every source's view of a named cluster is the cluster. Run through the real query
 * (answerCorrelate over fake-indexeddb), with the jobs' links stored as a pass stores them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerCorrelate, watchedJobNames } from '../lib/correlate/query';
import type { SubjectResult } from '../lib/correlate/wire';
import { openDb, type TattlerDb } from '../lib/db';
import type { Change, Cluster, PollRun } from '../lib/model';
import { type Settings, validateSettings } from '../lib/settings';
import { putChanges, putJobs } from '../lib/store/write';
import * as build from './builders';
import { HOUR, MINUTE } from './builders';

const T = Date.UTC(2025, 0, 15, 12, 0, 0);
const NOW = T + 10 * MINUTE;

const EU1 = 'rancher/c-m-eu1';
const ARGO_EU1 = 'argocd/https://10.20.0.1:6443';
const NOMAD = 'nomad/eu-west';

function settings(over: Record<string, unknown> = {}): Settings {
  const parsed = validateSettings({
    version: 1,
    sources: [
      { id: 'rancher', name: 'Rancher', type: 'rancher', baseUrl: 'https://rancher.example' },
      { id: 'argocd', name: 'Argo CD', type: 'argocd', baseUrl: 'https://argocd.example' },
      { id: 'nomad', name: 'Nomad', type: 'nomad', baseUrl: 'https://nomad.example' },
    ],
    ...over,
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

const cluster = (id: string, name: string): Cluster => {
  const [sourceId, ...rest] = id.split('/');
  return build.cluster(sourceId as string, rest.join('/'), NOW, { name, lastOkPoll: NOW });
};
const okRun = (target: string): PollRun => ({
  target,
  sourceId: target.split('/')[0] as string,
  status: 'ok',
  from: T - 6 * HOUR,
  to: NOW,
  count: 360,
});

const app = { clusterId: ARGO_EU1, kind: 'Application', namespace: 'shop', name: 'cart' };
const web = { clusterId: EU1, kind: 'Deployment', namespace: 'shop', name: 'cart-web' };
const nomadCart = { clusterId: NOMAD, kind: 'Job', namespace: 'default', name: 'cart' };
const checkout = { clusterId: EU1, kind: 'Deployment', namespace: 'shop', name: 'checkout' };

const change = (id: string, ref: typeof app, ago: number, actor: string, over: Partial<Change> = {}) =>
  build.change(ref, T - ago, { id, reportedAt: T - ago, actor: { name: actor, kind: 'person' }, ...over });

let db: TattlerDb;
let n = 0;

beforeEach(async () => {
  n += 1;
  db = openDb(`correlate-services-${n}`);
  await db.clusters.bulkPut([
    cluster(EU1, 'prod-eu-1'),
    cluster(ARGO_EU1, 'prod-eu-1'),
    cluster(NOMAD, 'eu-west'),
  ]);
  await putJobs(db, [
    build.job(app, NOW, { links: { manages: ['Deployment:shop/cart-web'] } }),
    build.job(web, NOW, { links: { name: 'cart-web' } }),
    build.job(nomadCart, NOW),
    build.job(checkout, NOW),
  ]);
  await db.polls.bulkAdd([EU1, ARGO_EU1, NOMAD].map(okRun));
  await putChanges(db, [
    change('sync', app, 5 * MINUTE, 'carol'),
    change('rollout', web, 5 * MINUTE, 'argocd-controller'),
    change('nomad', nomadCart, 20 * MINUTE, 'bob'),
    change('neighbour', checkout, 3 * MINUTE, 'alice'),
  ]);
});

afterEach(async () => {
  db.close();
  await db.delete();
});

async function answer(labels: Record<string, string>, s = settings()): Promise<SubjectResult[]> {
  return (await answerCorrelate(db, s, [{ key: 's', labels, startsAt: T }], NOW)).results;
}

const relations = (r: SubjectResult) => Object.fromEntries(r.ranked.map((x) => [x.id, x.relation]));

describe('an alert naming a service', () => {
  it('gets one answer: the Argo CD application, the Deployment it manages and the Nomad job are its job', async () => {
    const [r, ...more] = await answer({ cluster: 'prod-eu-1', app: 'cart' });
    expect(more).toEqual([]);
    expect(relations(r as SubjectResult)).toEqual({
      sync: 'same-job-same-cluster',
      rollout: 'same-job-same-cluster',
      nomad: 'same-job-other-cluster',
      // Another service in the same cluster stays a neighbour.
      neighbour: 'same-cluster',
    });
    expect(r?.watched).toBe(true);
    expect(r?.covered.map((c) => c.name)).toEqual(['prod-eu-1', 'prod-eu-1']);
  });

  it('reaches the service from any of its jobs’ names', async () => {
    const [r] = await answer({ app: 'cart-web' });
    expect(relations(r as SubjectResult)).toEqual({
      sync: 'same-job',
      rollout: 'same-job',
      nomad: 'same-job',
    });
  });

  it('does not reach a service through a job of that name in another namespace', async () => {
    const [r] = await answer({ namespace: 'payments', app: 'cart-web' });
    expect(r?.ranked).toEqual([]);
    expect(r?.watched).toBe(false);
  });

  it('follows the service rules: a rule joins a job of another name into the service', async () => {
    const s = settings({ serviceRules: [{ name: 'cart', match: ['checkout'] }] });
    const [r] = await answer({ app: 'cart-web' }, s);
    // The rule takes checkout into `cart`; cart-web's own service is its Argo CD application's.
    expect(Object.keys(relations(r as SubjectResult)).sort()).toEqual([
      'neighbour',
      'nomad',
      'rollout',
      'sync',
    ]);
  });

  it('names a service by its name alone, as a word of an incident title', async () => {
    const s = settings({ serviceRules: [{ name: 'storefront', match: ['cart*'] }] });
    const [r] = await answer({ 'tattler/words': 'storefront is down' }, s);
    expect(Object.keys(relations(r as SubjectResult)).sort()).toEqual(['nomad', 'rollout', 'sync']);
  });

  it('is among the names a page is searched for (the watched-jobs answer)', async () => {
    expect(await watchedJobNames(db)).toEqual(['cart', 'cart-web', 'checkout']);
    const s = settings({ serviceRules: [{ name: 'storefront', match: ['cart*'] }] });
    expect(await watchedJobNames(db, s)).toEqual(['cart', 'cart-web', 'checkout', 'storefront']);
  });
});

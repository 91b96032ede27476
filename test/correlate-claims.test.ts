/**
 * Only true claims. A badge's "nothing changed" is a claim about a job in a cluster: it may
 * only be made for a job Tattler watches there, over time it could see. These run the whole
 * answer (answerCorrelate over fake-indexeddb) on a small fleet: two sources that both know a
 * cluster called prod-eu-1, a job watched in some clusters and not in others, another team's
 * job, deleted jobs, and clusters Tattler could not see for part of the window.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerCorrelate } from '../lib/correlate/query';
import type { SubjectResult } from '../lib/correlate/wire';
import { openDb, type TattlerDb } from '../lib/db';
import type { Change, Cluster, PollRun } from '../lib/model';
import { type Settings, validateSettings } from '../lib/settings';
import { dropJobs, putChanges, putJobs } from '../lib/store/write';
import * as build from './builders';
import { HOUR, MINUTE } from './builders';

/** The alert starts at T; the answer is asked for ten minutes later. */
const T = Date.UTC(2025, 0, 15, 12, 0, 0);
const NOW = T + 10 * MINUTE;

const EU1 = 'rancher/c-m-eu1';
const EU2 = 'rancher/c-m-eu2';
const AP1 = 'rancher/c-m-ap1';
const ARGO_EU1 = 'argocd/https://10.20.0.1:6443';

function settings(): Settings {
  const parsed = validateSettings({
    version: 1,
    pollIntervalSec: 60,
    sources: [
      { id: 'rancher', name: 'Rancher', type: 'rancher', baseUrl: 'https://rancher.example' },
      { id: 'argocd', name: 'Argo CD', type: 'argocd', baseUrl: 'https://argocd.example' },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

const cluster = (id: string, name: string, over: Partial<Cluster> = {}): Cluster => {
  const [sourceId, ...rest] = id.split('/');
  return build.cluster(sourceId as string, rest.join('/'), NOW, { name, lastOkPoll: NOW, ...over });
};

const okRun = (target: string, from: number, to: number): PollRun => ({
  target,
  sourceId: target.split('/')[0] as string,
  status: 'ok',
  from,
  to,
  count: Math.max(1, Math.round((to - from) / MINUTE)),
});

const failedRun = (target: string, from: number, to: number, message = 'timeout'): PollRun => ({
  ...okRun(target, from, to),
  status: 'unreachable',
  message,
});

const change = (id: string, clusterId: string, name: string, at: number, over: Partial<Change> = {}) =>
  build.change({ clusterId, name }, at, { id, reportedAt: at, ...over });

let db: TattlerDb;
let n = 0;

beforeEach(async () => {
  n += 1;
  db = openDb(`correlate-claims-${n}`);
  await db.clusters.bulkPut([
    cluster(EU1, 'prod-eu-1'),
    cluster(EU2, 'prod-eu-2'),
    cluster(AP1, 'ap-south-1'),
    cluster(ARGO_EU1, 'prod-eu-1'),
  ]);
  // checkout runs (and is watched) in prod-eu-1 and prod-eu-2; cart in ap-south-1; Argo CD's
  // prod-eu-1 holds one application of the team's, not checkout.
  await putJobs(db, [
    build.job({ clusterId: EU1, name: 'checkout' }, NOW),
    build.job({ clusterId: EU2, name: 'checkout' }, NOW),
    build.job({ clusterId: AP1, name: 'cart' }, NOW),
    build.job({ clusterId: ARGO_EU1, name: 'shop-web', kind: 'Application', namespace: 'argocd' }, NOW),
  ]);
  await db.polls.bulkAdd([EU1, EU2, AP1, ARGO_EU1].map((id) => okRun(id, T - 6 * HOUR, NOW)));
});

afterEach(async () => {
  db.close();
  await db.delete();
});

async function answer(
  labels: Record<string, string>,
  startsAt: number | undefined = T,
): Promise<SubjectResult> {
  const a = await answerCorrelate(
    db,
    settings(),
    [{ key: 's', labels, ...(startsAt !== undefined ? { startsAt } : {}) }],
    NOW,
  );
  return a.results[0] as SubjectResult;
}

describe('what "nothing changed" may claim', () => {
  it("claims nothing about another team's job in a watched cluster: no badge", async () => {
    const r = await answer({ cluster: 'ap-south-1', deployment: 'indexer' });
    expect(r.watched).toBe(false);
    expect(r.covered).toEqual([]);
    expect(r.notWatched).toEqual([{ job: 'indexer', cluster: 'ap-south-1' }]);
  });

  it('claims nothing about a job in a cluster where Tattler does not watch it, though it watches it elsewhere', async () => {
    const quiet = await answer({ cluster: 'ap-south-1', deployment: 'checkout' });
    expect(quiet.watched).toBe(false);
    expect(quiet.notWatched).toEqual([{ job: 'checkout', cluster: 'ap-south-1' }]);

    // Changed elsewhere: the change is shown (a fact), and the answer still claims nothing
    // about ap-south-1.
    await putChanges(db, [change('x', EU1, 'checkout', T - 8 * MINUTE)]);
    const hot = await answer({ cluster: 'ap-south-1', deployment: 'checkout' });
    expect(hot.watched).toBe(true);
    expect(hot.ranked.map((x) => [x.id, x.relation])).toEqual([['x', 'same-job-other-cluster']]);
    expect(hot.covered).toEqual([]);
    expect(hot.notWatched).toEqual([{ job: 'checkout', cluster: 'ap-south-1' }]);
  });

  it('claims for a job where it is watched, whichever source knows the cluster by that name', async () => {
    // Argo CD's prod-eu-1 could not be seen all along; it does not hold checkout, so it says
    // nothing about checkout — Rancher's prod-eu-1 does, and was seen throughout.
    await db.polls.add(failedRun(ARGO_EU1, T - 3 * HOUR, NOW));
    await db.clusters.update(ARGO_EU1, { lastOkPoll: T - 3 * HOUR });
    const r = await answer({ cluster: 'prod-eu-1', namespace: 'shop', deployment: 'checkout' });
    expect(r.blind).toEqual([]);
    expect(r.headline).toMatchObject({ count: 0, glyph: '' });
    expect(r.watched).toBe(true);
    expect(r.covered).toEqual([{ id: EU1, name: 'prod-eu-1' }]);
    expect(r.notWatched).toEqual([]);
  });

  it('speaks for a job deleted within the window, not for one deleted before it', async () => {
    await dropJobs(db, EU2, [build.jobIdentity({ clusterId: EU2, name: 'checkout' }).key]);
    await putChanges(db, [
      change('gone', EU2, 'checkout', T - 30 * MINUTE, { type: 'deleted' }),
      change('long-gone', AP1, 'payments', T - 5 * HOUR, { type: 'deleted' }),
    ]);
    const deleted = await answer({ cluster: 'prod-eu-2', deployment: 'checkout' });
    expect(deleted.watched).toBe(true);
    expect(deleted.covered).toEqual([{ id: EU2, name: 'prod-eu-2' }]);
    expect(deleted.ranked.map((x) => x.id)).toEqual(['gone']);

    const before = await answer({ cluster: 'ap-south-1', deployment: 'payments' });
    expect(before.watched).toBe(false);
    expect(before.notWatched).toEqual([{ job: 'payments', cluster: 'ap-south-1' }]);
  });

  it("claims for the watched jobs of a cluster when the alert names no job, and says which named cluster it doesn't know", async () => {
    const r = await answer({ cluster: 'prod-eu-2' });
    expect(r.watched).toBe(true);
    expect(r.covered).toEqual([{ id: EU2, name: 'prod-eu-2' }]);
    const unknown = await answer({ cluster: 'staging-7' });
    expect(unknown.watched).toBe(false);
    expect(unknown.notWatched).toEqual([{ cluster: 'staging-7' }]);
  });

  it('gives no badge to a console row of a job outside the owner filter', async () => {
    const r = await answer(
      {
        'tattler/cluster': 'c-m-ap1',
        'tattler/namespace': 'search',
        'tattler/job': 'indexer',
        'tattler/kind': 'Deployment',
      },
      undefined,
    );
    expect(r.watched).toBe(false);
  });
});

describe('one place seen through two sources', () => {
  /** Argo CD deploys into Rancher's prod-eu-1 through its proxy URL, and calls it by its Rancher id. */
  const ARGO_PROXY = 'argocd/https://rancher.example/k8s/clusters/c-m-eu1';

  beforeEach(async () => {
    await db.clusters.put(cluster(ARGO_PROXY, 'c-m-eu1', { apiBase: 'https://argocd.example' }));
    await putJobs(db, [build.job({ clusterId: ARGO_PROXY, name: 'checkout', kind: 'Application' }, NOW)]);
    await db.polls.add(okRun(ARGO_PROXY, T - 6 * HOUR, NOW));
  });

  it('gives an alert naming prod-eu-1 one answer over both sources, naming the cluster once', async () => {
    await putChanges(db, [
      change('sync', ARGO_PROXY, 'checkout', T - 6 * MINUTE, { kind: 'Application' }),
      change('image', EU1, 'checkout', T - 5 * MINUTE),
    ]);
    // A `service` label names no kind: the Deployment and the Application are both its job.
    const r = await answer({ cluster: 'prod-eu-1', service: 'checkout' });
    expect(r.ranked.map((x) => [x.id, x.relation])).toEqual([
      ['image', 'same-job-same-cluster'],
      ['sync', 'same-job-same-cluster'],
    ]);
    // The Argo CD view of Rancher's cluster is that cluster, named once; the other Argo CD
    // `prod-eu-1` (another server) is another cluster of the same name, and stays one.
    expect(r.looked.clusters).toEqual([
      { id: ARGO_EU1, name: 'prod-eu-1' },
      { id: EU1, name: 'prod-eu-1' },
    ]);
    expect(r.covered).toEqual([{ id: EU1, name: 'prod-eu-1' }]);
  });

  it('names the source whose view of the place has a gap', async () => {
    await db.polls.add(failedRun(ARGO_PROXY, T - 20 * MINUTE, NOW));
    await db.clusters.update(ARGO_PROXY, { lastOkPoll: T - 20 * MINUTE });
    const r = await answer({ cluster: 'prod-eu-1', service: 'checkout' });
    expect(r.blind.map((b) => b.clusterName)).toEqual(['prod-eu-1 (through Argo CD)']);
  });
});

describe('gaps in what Tattler could see', () => {
  it('names the time before Tattler first saw a cluster: its first poll is a baseline', async () => {
    await db.clusters.update(EU2, { firstSeen: T - 30 * MINUTE });
    await db.polls.where('target').equals(EU2).delete();
    await db.polls.add(okRun(EU2, T - 30 * MINUTE, NOW));
    const r = await answer({ cluster: 'prod-eu-2', deployment: 'checkout' });
    expect(r.blind).toEqual([
      {
        clusterId: EU2,
        clusterName: 'prod-eu-2',
        ms: 90 * MINUTE,
        from: T - 2 * HOUR,
        to: T - 30 * MINUTE,
        reason: 'not-watched-yet',
      },
    ]);
    expect(r.headline.glyph).toBe('?');
  });

  it('names a cluster no poll reached lately (the browser was closed), up to now', async () => {
    await db.clusters.update(AP1, { lastOkPoll: T - 50 * MINUTE });
    await db.polls
      .where('target')
      .equals(AP1)
      .modify({ to: T - 50 * MINUTE });
    const r = await answer({ cluster: 'ap-south-1', deployment: 'cart' });
    expect(r.blind).toEqual([
      {
        clusterId: AP1,
        clusterName: 'ap-south-1',
        ms: 55 * MINUTE,
        from: T - 50 * MINUTE,
        to: T + 5 * MINUTE,
        reason: 'not-polled',
      },
    ]);
  });

  it('counts a failed poll until the next good one, not as an instant', async () => {
    await db.polls.where('target').equals(EU1).delete();
    await db.polls.bulkAdd([
      okRun(EU1, T - 6 * HOUR, T - 21 * MINUTE),
      failedRun(
        EU1,
        T - 20 * MINUTE,
        T - 20 * MINUTE,
        '401 on /k8s/clusters/c-m-eu1/apis/apps/v1/deployments',
      ),
      okRun(EU1, T - 19 * MINUTE, NOW),
    ]);
    const r = await answer({ cluster: 'prod-eu-1', deployment: 'checkout' });
    expect(r.blind).toEqual([
      {
        clusterId: EU1,
        clusterName: 'prod-eu-1',
        ms: MINUTE,
        from: T - 20 * MINUTE,
        to: T - 19 * MINUTE,
        reason: 'unreachable',
        message: '401 on /k8s/clusters/c-m-eu1/apis/apps/v1/deployments',
        recovered: true,
      },
    ]);
  });

  it('names the gaps wherever a job is watched when the alert names no cluster', async () => {
    await db.polls.add(failedRun(EU2, T - 12 * MINUTE, NOW));
    await db.clusters.update(EU2, { lastOkPoll: T - 13 * MINUTE });
    const r = await answer({ deployment: 'checkout' });
    expect(r.covered.map((c) => c.id).sort()).toEqual([EU1, EU2]);
    expect(r.blind.map((b) => [b.clusterName, b.ms, b.reason, b.recovered])).toEqual([
      ['prod-eu-2', 17 * MINUTE, 'unreachable', undefined],
    ]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESERVED } from '../lib/correlate/identity';
import { answerCorrelate, handlePageRequest, watchedJobNames } from '../lib/correlate/query';
import { HOUR, MINUTE } from '../lib/correlate/rank';
import type { CorrelateAnswer } from '../lib/correlate/wire';
import { openDb, type TattlerDb } from '../lib/db';
import { parseRequest } from '../lib/messages';
import type { Change, Cluster, JobSnapshot } from '../lib/model';
import { type Settings, validateSettings } from '../lib/settings';
import { putChanges, putJobs } from '../lib/store/write';
import * as build from './builders';

const T = Date.UTC(2025, 0, 15, 12, 0, 0);

function settings(): Settings {
  const parsed = validateSettings({
    version: 1,
    sources: [
      {
        id: 'rancher',
        name: 'Rancher',
        type: 'rancher',
        baseUrl: 'https://rancher.example',
        links: { user: 'https://rancher.example/dashboard/users?who={user}&c={cluster}' },
      },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

const cluster = (nativeId: string, name: string): Cluster =>
  build.cluster('rancher', nativeId, T, {
    name,
    apiBase: `https://rancher.example/k8s/clusters/${nativeId}`,
    lastOkPoll: T + HOUR,
  });

const job = (clusterId: string, name: string, namespace = 'shop'): JobSnapshot =>
  build.job({ clusterId, name, namespace }, T);

function change(
  id: string,
  clusterId: string,
  name: string,
  at: number,
  extra: Partial<Change> = {},
): Change {
  return build.change({ clusterId, name }, at, {
    id,
    fields: [{ path: 'containers[app].image', before: 'shop/checkout:1.4.1', after: 'shop/checkout:1.4.2' }],
    ...extra,
  });
}

let db: TattlerDb;
let n = 0;

beforeEach(async () => {
  n += 1;
  db = openDb(`correlate-query-${n}`);
  await db.clusters.bulkPut([cluster('c-m-eu1', 'prod-eu-1'), cluster('c-m-us1', 'prod-us-1')]);
  await putJobs(db, [
    job('rancher/c-m-eu1', 'checkout'),
    job('rancher/c-m-us1', 'checkout'),
    job('rancher/c-m-eu1', 'cart'),
    job('rancher/c-m-eu1', 'payments', 'billing'),
  ]);
  await putChanges(db, [
    change('a', 'rancher/c-m-eu1', 'checkout', T - 4 * MINUTE, {
      actor: { name: 'alice', kind: 'person', via: 'annotation example.com/changed-by' },
      reportedAt: T - 4 * MINUTE,
      link: 'https://rancher.example/dashboard/c/c-m-eu1/explorer/apps.deployment/shop/checkout',
    }),
    change('b', 'rancher/c-m-us1', 'checkout', T - 30 * MINUTE, { actor: { name: 'bob', kind: 'person' } }),
    change('c', 'rancher/c-m-eu1', 'cart', T - 10 * MINUTE, {
      actor: { name: 'kubectl-client-side-apply', kind: 'client' },
      fields: [{ path: 'env', before: ['A'], after: Array.from({ length: 40 }, (_, i) => `VAR_${i}`) }],
    }),
    change('old', 'rancher/c-m-eu1', 'checkout', T - 5 * HOUR),
    change('later', 'rancher/c-m-eu1', 'checkout', T + 40 * MINUTE, { reportedAt: T + 40 * MINUTE }),
  ]);
  await db.polls.bulkAdd([
    {
      target: 'rancher/c-m-eu1',
      sourceId: 'rancher',
      status: 'ok',
      from: T - 3 * HOUR,
      to: T - 40 * MINUTE,
      count: 140,
    },
    {
      target: 'rancher/c-m-eu1',
      sourceId: 'rancher',
      status: 'unreachable',
      from: T - 40 * MINUTE,
      to: T - 26 * MINUTE,
      count: 14,
      message: 'timeout',
    },
    {
      target: 'rancher/c-m-eu1',
      sourceId: 'rancher',
      status: 'ok',
      from: T - 25 * MINUTE,
      to: T + HOUR,
      count: 85,
    },
    {
      target: 'rancher/c-m-us1',
      sourceId: 'rancher',
      status: 'ok',
      from: T - 3 * HOUR,
      to: T + HOUR,
      count: 240,
    },
  ]);
});

afterEach(async () => {
  db.close();
  await db.delete();
});

describe('answerCorrelate', () => {
  it('answers an alert with ranked changes, reasons, names and links', async () => {
    const answer = await answerCorrelate(
      db,
      settings(),
      [
        {
          key: 's1',
          labels: { cluster: 'prod-eu-1', namespace: 'shop', deployment: 'checkout' },
          startsAt: T,
        },
      ],
      T + HOUR,
    );
    const [r] = answer.results;
    expect(r?.watched).toBe(true);
    expect(r?.mode).toBe('alert');
    expect(r?.ranked.map((x) => x.id)).toEqual(['a', 'b', 'c', 'later']);
    expect(r?.ranked[0]?.reason).toBe('same job, same cluster, changed 4 min before the alert started');
    expect(r?.headline).toMatchObject({ count: 3, afterCount: 1, actor: 'alice', level: 4 });
    expect(r?.looked.clusters).toEqual([{ id: 'rancher/c-m-eu1', name: 'prod-eu-1' }]);
    expect(r?.looked).toMatchObject({ from: T - 2 * HOUR, to: T + 5 * MINUTE, startsAt: T });

    const a = answer.changes.a;
    expect(a?.clusterName).toBe('prod-eu-1');
    expect(a?.userLink).toBe('https://rancher.example/dashboard/users?who=alice&c=c-m-eu1');
    expect(a?.link).toContain('/explorer/apps.deployment/shop/checkout');
    // A client name is not a person: no "their jobs" link.
    expect(answer.changes.c?.userLink).toBeUndefined();
    // Long lists are trimmed for the message.
    const env = answer.changes.c?.fields[0]?.after as string[];
    expect(env).toHaveLength(21);
    expect(env.at(-1)).toBe('… 20 more');
    expect(answer.changes.old).toBeUndefined();
  });

  it('reports the time polls of a named cluster failed within the window, until the next good poll', async () => {
    const answer = await answerCorrelate(
      db,
      settings(),
      [{ key: 's', labels: { cluster: 'prod-eu-1', deployment: 'checkout' }, startsAt: T }],
      T + HOUR,
    );
    expect(answer.results[0]?.blind).toEqual([
      {
        clusterId: 'rancher/c-m-eu1',
        clusterName: 'prod-eu-1',
        ms: 15 * MINUTE,
        from: T - 40 * MINUTE,
        to: T - 25 * MINUTE,
        reason: 'unreachable',
        message: 'timeout',
        recovered: true,
      },
    ]);
  });

  it('says "not watched" for subjects that name nothing we know', async () => {
    const answer = await answerCorrelate(
      db,
      settings(),
      [
        { key: 'x', labels: { cluster: 'staging', deployment: 'nobody' }, startsAt: T },
        { key: 'y', labels: { severity: 'critical' }, startsAt: T },
      ],
      T,
    );
    expect(answer.results.map((r) => [r.key, r.watched, r.ranked.length])).toEqual([
      ['x', false, 0],
      ['y', false, 0],
    ]);
    expect(answer.changes).toEqual({});
  });

  it('answers a console row (reserved labels, no start time) relative to now', async () => {
    const now = T + 50 * MINUTE;
    const answer = await answerCorrelate(
      db,
      settings(),
      [
        {
          key: 'row',
          labels: {
            [RESERVED.cluster]: 'c-m-eu1',
            [RESERVED.namespace]: 'shop',
            [RESERVED.job]: 'checkout',
            [RESERVED.kind]: 'Deployment',
            [RESERVED.origin]: 'https://rancher.example',
          },
        },
      ],
      now,
    );
    const [r] = answer.results;
    expect(r?.mode).toBe('console');
    // Neighbours (cart) are left out on a job's row; the job elsewhere is kept.
    expect(r?.ranked.map((x) => [x.id, x.reason])).toEqual([
      ['later', 'same job, same cluster, changed 10 min ago'],
      ['a', 'same job, same cluster, changed 54 min ago'],
      ['old', 'same job, same cluster, changed 5 h 50 min ago'],
      ['b', 'same job, other cluster, changed 1 h 20 min ago'],
    ]);
    expect(r?.headline.timing).toBe('ago');
  });

  it('finds a watched job named only in an incident title', async () => {
    const answer = await answerCorrelate(
      db,
      settings(),
      [
        {
          key: 'pd',
          labels: { [RESERVED.words]: 'HighErrorRate payments (prod-eu-1 critical)' },
          startsAt: T,
        },
      ],
      T,
    );
    expect(answer.results[0]?.watched).toBe(true);
    expect(answer.results[0]?.looked.jobs).toEqual([]);
    expect(answer.results[0]?.looked.clusters.map((c) => c.name)).toEqual(['prod-eu-1']);
  });
});

describe('watched job names and the request handler', () => {
  it('lists each watched job name once', async () => {
    expect(await watchedJobNames(db)).toEqual(['cart', 'checkout', 'payments']);
  });

  it('handles the page requests and leaves the others', async () => {
    const watched = parseRequest({ type: 'watched-jobs' });
    expect(watched).toEqual({ type: 'watched-jobs' });
    expect(await handlePageRequest(watched as never, db, settings(), T)).toEqual({
      names: ['cart', 'checkout', 'payments'],
    });
    const correlate = parseRequest({
      type: 'correlate',
      subjects: [{ key: 'k', labels: { deployment: 'cart' } }],
    });
    const answer = (await handlePageRequest(correlate as never, db, settings(), T)) as { results: unknown[] };
    expect(answer.results).toHaveLength(1);
    expect(handlePageRequest({ type: 'status' }, db, settings(), T)).toBeUndefined();
    expect(parseRequest({ type: 'watched-jobs', extra: 1 })).toBeUndefined();
  });

  it('answers a collapsed group with one summary of its alerts, from one read', async () => {
    const request = parseRequest({
      type: 'correlate-groups',
      groups: [
        {
          key: 'g1',
          members: [
            { labels: { cluster: 'prod-eu-1', namespace: 'shop', deployment: 'checkout' }, startsAt: T },
            { labels: { cluster: 'prod-eu-1', namespace: 'shop', deployment: 'cart' }, startsAt: T },
          ],
        },
        { key: 'g2', members: [{ labels: { cluster: 'prod-us-1', deployment: 'checkout' }, startsAt: T }] },
      ],
    });
    expect(request?.type).toBe('correlate-groups');
    const answer = (await handlePageRequest(request as never, db, settings(), T)) as CorrelateAnswer;
    expect(answer.results.map((r) => r.key)).toEqual(['g1', 'g2']);
    const [g1, g2] = answer.results;
    // checkout's change (alice, 4 min before) and cart's (10 min before), each once although
    // each alert also sees the other's as a neighbour's; checkout in prod-us-1; and the change
    // after the start.
    expect(g1?.ranked.map((r) => [r.id, r.relation])).toEqual([
      ['a', 'same-job-same-cluster'],
      ['c', 'same-job-same-cluster'],
      ['b', 'same-job-other-cluster'],
      ['later', 'same-job-same-cluster'],
    ]);
    expect(g1?.alerts).toBe(2);
    expect(g1?.headline).toMatchObject({
      count: 3,
      afterCount: 1,
      actor: 'alice',
      relation: 'same-job-same-cluster',
    });
    expect(g1?.looked.jobs).toEqual(['checkout', 'cart']);
    expect(g1?.blind.map((b) => b.clusterName)).toEqual(['prod-eu-1']);
    expect(g2?.ranked.map((r) => r.id)).toEqual(['b', 'a', 'later']);
    // Only the changes shown travel.
    expect(Object.keys(answer.changes).sort()).toEqual(['a', 'b', 'c', 'later']);
  });

  it('refuses a group message with too many alerts or an empty group', () => {
    const member = { labels: { deployment: 'cart' } };
    const big = Array.from({ length: 3 }, (_, i) => ({ key: `g${i}`, members: Array(900).fill(member) }));
    expect(parseRequest({ type: 'correlate-groups', groups: big })).toBeUndefined();
    expect(parseRequest({ type: 'correlate-groups', groups: [{ key: 'g', members: [] }] })).toBeUndefined();
    expect(parseRequest({ type: 'correlate-groups', groups: big.slice(0, 2) })).toBeDefined();
  });
});

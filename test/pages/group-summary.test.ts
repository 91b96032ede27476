/**
 * A group's summary from its members' results: each change once (ranked as it ranks best), the
 * headline over the union, what the watched members looked for, every blind spot.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeView } from '../../lib/change-view';
import { MINUTE, type RankedChange } from '../../lib/correlate/rank';
import type { BlindSpot, SubjectResult } from '../../lib/correlate/wire';
import { flattenGroups, memberKey, summariseGroup, summariseGroups } from '../../lib/pages/group-summary';

const T = Date.UTC(2025, 0, 15, 12, 0, 0);

const view = (id: string, name: string, actor: string, extra: Partial<ChangeView> = {}): ChangeView => ({
  id,
  clusterId: 'rancher/c-eu1',
  clusterName: 'prod-eu-1',
  kind: 'Deployment',
  namespace: 'shop',
  name,
  type: 'updated',
  at: T,
  windowStart: T - MINUTE,
  windowEnd: T,
  fields: [],
  actor: { name: actor, kind: 'person' },
  ...extra,
});

const ranked = (id: string, offsetMs: number, extra: Partial<RankedChange> = {}): RankedChange => ({
  id,
  relation: 'same-job-same-cluster',
  timing: 'before',
  offsetMs,
  reason: `reason for ${id}`,
  ...extra,
});

function member(
  key: string,
  job: string,
  startsAt: number,
  list: RankedChange[],
  extra: Partial<SubjectResult> = {},
): SubjectResult {
  return {
    key,
    watched: true,
    covered: [{ id: 'rancher/c-eu1', name: 'prod-eu-1' }],
    notWatched: [],
    mode: 'alert',
    looked: {
      jobs: [job],
      clusterLabels: ['prod-eu-1'],
      clusters: [{ id: 'rancher/c-eu1', name: 'prod-eu-1' }],
      from: startsAt - 2 * 60 * MINUTE,
      to: startsAt + 5 * MINUTE,
      namespace: 'shop',
      startsAt,
    },
    ranked: list,
    total: list.length,
    headline: { count: list.length, afterCount: 0, level: 1, glyph: '' },
    blind: [],
    ...extra,
  };
}

const changes = {
  a: view('a', 'cart', 'erin'),
  b: view('b', 'checkout', 'bob'),
  c: view('c', 'cart', 'ci-bot', { type: 'created' }),
};

describe('summariseGroup', () => {
  it('counts each change once, ranked as it ranks best, with the best one heading the badge', () => {
    const cart = member('m0', 'cart', T, [
      ranked('a', 4 * MINUTE),
      ranked('b', 40 * MINUTE, { relation: 'same-cluster' }),
    ]);
    const checkout = member('m1', 'checkout', T + 2 * MINUTE, [ranked('b', 10 * MINUTE)]);
    const s = summariseGroup('g', [cart, checkout], changes);
    expect(s.ranked.map((r) => [r.id, r.offsetMs, r.relation])).toEqual([
      ['a', 4 * MINUTE, 'same-job-same-cluster'],
      ['b', 10 * MINUTE, 'same-job-same-cluster'],
    ]);
    expect(s.ranked[1]?.reason).toBe('reason for b');
    expect(s.total).toBe(2);
    expect(s.headline).toMatchObject({ count: 2, offsetMs: 4 * MINUTE, actor: 'erin', timing: 'before' });
    expect(s.alerts).toBe(2);
    expect(s.watched).toBe(true);
    expect(s.looked).toMatchObject({
      jobs: ['cart', 'checkout'],
      clusters: [{ id: 'rancher/c-eu1', name: 'prod-eu-1' }],
      namespace: 'shop',
      startsAt: T,
    });
  });

  it('marks the headline as the top change does (created), and keeps changes after the start apart', () => {
    const s = summariseGroup(
      'g',
      [member('m0', 'cart', T, [ranked('c', MINUTE), ranked('b', 5 * MINUTE, { timing: 'after' })])],
      changes,
    );
    expect(s.headline).toMatchObject({ count: 1, afterCount: 1, mark: 'created' });
  });

  it('is about its watched members only, and unwatched when none is', () => {
    const unwatched = member('m1', 'indexer', T, [], {
      watched: false,
      looked: { jobs: ['indexer'], clusterLabels: ['ap-south-1'], clusters: [], from: T, to: T },
    });
    const s = summariseGroup('g', [member('m0', 'cart', T, []), unwatched], changes);
    expect(s.looked.jobs).toEqual(['cart']);
    expect(s.alerts).toBe(2);
    expect(summariseGroup('g', [unwatched], changes).watched).toBe(false);
  });

  it('keeps every blind spot, with the longest time each cluster could not be seen', () => {
    const blind = (ms: number, id = 'rancher/c-eu1'): BlindSpot => ({
      clusterId: id,
      clusterName: id,
      ms,
      from: T - ms,
      to: T,
      reason: 'unreachable',
    });
    const s = summariseGroup(
      'g',
      [
        member('m0', 'cart', T, [], { blind: [blind(5 * MINUTE)] }),
        member('m1', 'checkout', T, [], { blind: [blind(12 * MINUTE), blind(MINUTE, 'rancher/c-us1')] }),
      ],
      changes,
    );
    expect(s.blind.map((b) => [b.clusterId, b.ms])).toEqual([
      ['rancher/c-eu1', 12 * MINUTE],
      ['rancher/c-us1', MINUTE],
    ]);
    expect(s.headline.mark).toBe('blind');
  });

  it('keeps at most the limit of ranked changes, counting them all', () => {
    const many = Array.from({ length: 30 }, (_, i) => ranked(`x${i}`, i * MINUTE));
    const views = Object.fromEntries(many.map((r) => [r.id, view(r.id, 'cart', 'erin')]));
    const s = summariseGroup('g', [member('m0', 'cart', T, many)], views, 20);
    expect(s.ranked).toHaveLength(20);
    expect(s.total).toBe(30);
    expect(s.headline.count).toBe(30);
  });
});

describe('summariseGroups', () => {
  it('flattens groups into member subjects and folds the answers back, sending only the changes shown', () => {
    const groups = [
      {
        key: 't1',
        members: [
          { labels: { deployment: 'cart' }, startsAt: T },
          { labels: { deployment: 'checkout' }, startsAt: T + MINUTE },
        ],
      },
      { key: 't2', members: [{ labels: { deployment: 'ledger' } }] },
    ];
    const subjects = flattenGroups(groups);
    expect(subjects.map((s) => s.key)).toEqual([memberKey('t1', 0), memberKey('t1', 1), memberKey('t2', 0)]);
    expect(subjects[2]).toEqual({ key: memberKey('t2', 0), labels: { deployment: 'ledger' } });
    const answer = summariseGroups(
      {
        generatedAt: T,
        results: [
          member(memberKey('t1', 0), 'cart', T, [ranked('a', MINUTE)]),
          member(memberKey('t1', 1), 'checkout', T, []),
          member(memberKey('t2', 0), 'ledger', T, []),
        ],
        changes: { ...changes, unused: view('unused', 'x', 'y') },
      },
      groups,
    );
    expect(answer.results.map((r) => [r.key, r.alerts, r.ranked.length])).toEqual([
      ['t1', 2, 1],
      ['t2', 1, 0],
    ]);
    expect(Object.keys(answer.changes)).toEqual(['a']);
  });
});

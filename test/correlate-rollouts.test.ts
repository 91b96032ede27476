/**
 * One entry per rollout: the same new version reaching several clusters is one entry of a
 * badge's answer, found by the grid's own rule (lib/heat/rollout.ts), in the place of its
 * best-ranked change; trimming an answer keeps a rollout whole, so its count of clusters is true.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answerCorrelate } from '../lib/correlate/query';
import type { Placed } from '../lib/correlate/rank';
import { groupRollouts, keepEntries } from '../lib/correlate/rollouts';
import { rolloutTitle } from '../lib/correlate/words';
import { openDb } from '../lib/db';
import { buildHeatIndex } from '../lib/heat/build';
import type { Rollout } from '../lib/heat/types';
import type { Change } from '../lib/model';
import { defaultSettings } from '../lib/settings';
import { putChanges, putJobs } from '../lib/store/write';
import * as build from './builders';
import { HOUR, MINUTE } from './builders';

const T = Date.UTC(2025, 0, 15, 14, 30, 0);
const IMAGE = (tag: string) => `registry.example.com/shop/checkout:${tag}`;

/** checkout's image set to `tag` in cluster `c` by bob, `m` minutes before T. */
const roll = (id: string, c: string, m: number, tag = '1.4.2', over: Partial<Change> = {}): Change =>
  build.change({ clusterId: `rancher/${c}`, name: 'checkout' }, T - m * MINUTE, {
    id,
    actor: { name: 'bob', kind: 'person' },
    fields: [{ path: 'containers[app].image', before: IMAGE('1.4.1'), after: IMAGE(tag) }],
    ...over,
  });

const placed = (changes: readonly Change[]): Placed[] =>
  changes.map((c) => ({ id: c.id, relation: 'same-job', timing: 'before', offsetMs: T - c.at }));

const lookup = (changes: readonly Change[]) => {
  const byId = new Map(changes.map((c) => [c.id, c]));
  return (id: string) => byId.get(id);
};

const hhmm = (at: number) => new Date(at).toISOString().slice(11, 16);

describe('groupRollouts', () => {
  it('folds the same new image in seven clusters into one entry, where its best change ranks', () => {
    const scale = build.change({ clusterId: 'rancher/eu1', name: 'cart' }, T - 3 * MINUTE, { id: 'scale' });
    const rollout = [1, 2, 3, 4, 5, 6, 7].map((i) => roll(`r${i}`, `c${i}`, 29 - i));
    const all = [scale, ...rollout];
    const entries = groupRollouts(placed(all), lookup(all));
    expect(entries.map((e) => (e.kind === 'change' ? e.ranked.id : e.members.map((m) => m.id)))).toEqual([
      'scale',
      ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'],
    ]);
    const entry = entries[1];
    if (entry?.kind !== 'rollout') throw new Error('no rollout');
    expect(rolloutTitle(entry.rollout, 'checkout', hhmm)).toBe(
      'bob rolled checkout:1.4.2 to 7 clusters, 14:02–14:08',
    );
  });

  it("is the grid's rule: what the grid names a row's rollout is what the popover folds", () => {
    // Three clusters got 1.4.2 from bob, a fourth 1.4.2 from carol; one change also moved the
    // chart: the grid reads each change's first rollout field, and so must the popover.
    const rollout = [
      ...[1, 2, 3].map((i) => roll(`r${i}`, `c${i}`, 10 - i)),
      roll('r4', 'c4', 5, '1.4.2', { actor: { name: 'carol', kind: 'person' } }),
      roll('r5', 'c5', 4, '1.4.2', {
        fields: [
          { path: 'chart', before: 'shop-1.0.0', after: 'shop-1.1.0' },
          { path: 'containers[app].image', before: IMAGE('1.4.1'), after: IMAGE('1.4.2') },
        ],
      }),
    ];
    const clusters = [1, 2, 3, 4, 5].map((i) => build.cluster('rancher', `c${i}`, T));
    const jobs = clusters.map((c) => build.job({ clusterId: c.id, name: 'checkout' }, T));
    const grid = buildHeatIndex({
      clusters,
      polls: [],
      windowMs: HOUR,
      now: T,
      grid: build.gridOf(jobs, rollout, T),
    }).rows[0]?.rollout;
    const [entry] = groupRollouts(placed(rollout), lookup(rollout));
    if (entry?.kind !== 'rollout' || !grid) throw new Error('no rollout');
    const same = (r: Rollout) => ({
      field: r.field,
      value: r.value,
      clusters: r.clusters,
      actor: r.actor,
      actors: r.actors,
      firstAt: r.firstAt,
      lastAt: r.lastAt,
    });
    expect(same(entry.rollout)).toEqual(same(grid));
    expect(same(entry.rollout)).toMatchObject({ value: IMAGE('1.4.2'), clusters: 4, actors: 2 });
    expect(entry.members.map((m) => m.id)).toEqual(['r1', 'r2', 'r3', 'r4']);
  });

  it('leaves single changes single: one cluster, different versions, other kinds of change', () => {
    const changes = [
      roll('a', 'c1', 5),
      roll('b', 'c2', 6, '1.4.3'),
      roll('c', 'c3', 7, '1.4.2', { type: 'deleted' }),
      build.change({ clusterId: 'rancher/c4', name: 'checkout' }, T - 8 * MINUTE, { id: 'd' }),
    ];
    expect(groupRollouts(placed(changes), lookup(changes)).map((e) => e.kind)).toEqual([
      'change',
      'change',
      'change',
      'change',
    ]);
  });

  it('finds each of two rollouts of one job, and keeps another job apart', () => {
    const cart = (id: string, c: string, m: number) =>
      build.change({ clusterId: `rancher/${c}`, name: 'cart' }, T - m * MINUTE, {
        id,
        fields: [{ path: 'containers[app].image', before: 'cart:1', after: 'checkout:1.4.2' }],
      });
    const changes = [
      roll('new1', 'c1', 2, '1.4.3'),
      roll('old1', 'c1', 40),
      roll('new2', 'c2', 3, '1.4.3'),
      roll('old2', 'c2', 41),
      roll('old3', 'c3', 42),
      cart('cart1', 'c1', 50),
      cart('cart2', 'c2', 51),
    ];
    const entries = groupRollouts(placed(changes), lookup(changes));
    expect(
      entries.map((e) =>
        e.kind === 'change' ? e.ranked.id : `${e.rollout.value}: ${e.members.map((m) => m.id)}`,
      ),
    ).toEqual([
      `${IMAGE('1.4.3')}: new1,new2`,
      `${IMAGE('1.4.2')}: old1,old2,old3`,
      'checkout:1.4.2: cart1,cart2',
    ]);
  });

  it('keeps a rollout whole when an answer is trimmed', () => {
    const rollout = Array.from({ length: 30 }, (_, i) => roll(`r${i}`, `c${i}`, 60 - i));
    const other = build.change({ clusterId: 'rancher/c0', name: 'cart' }, T - 1 * MINUTE, { id: 'first' });
    const all = [other, ...rollout];
    expect(keepEntries(placed(all), lookup(all), 1).map((r) => r.id)).toEqual(['first']);
    expect(keepEntries(placed(all), lookup(all), 2)).toHaveLength(31);
  });
});

describe('a rollout in the answer', () => {
  const db = openDb('correlate-rollouts');
  afterEach(async () => {
    await db.delete();
    await db.open();
  });

  it('sends every cluster a rollout reached, past the limit of entries', async () => {
    const clusters = Array.from({ length: 25 }, (_, i) =>
      build.cluster('rancher', `c${i}`, T, { name: `prod-${i}`, lastOkPoll: T + HOUR }),
    );
    await db.clusters.bulkPut(clusters);
    await putJobs(
      db,
      clusters.map((c) => build.job({ clusterId: c.id, name: 'checkout' }, T)),
    );
    await putChanges(
      db,
      clusters.map((c, i) => roll(`r${i}`, c.nativeId, 50 - i)),
    );
    const answer = await answerCorrelate(
      db,
      defaultSettings(),
      [{ key: 'k', labels: { cluster: 'prod-3', deployment: 'checkout' }, startsAt: T }],
      T + 10 * MINUTE,
    );
    const [r] = answer.results;
    expect(r?.total).toBe(25);
    expect(r?.ranked).toHaveLength(25);
    const entries = groupRollouts(r?.ranked ?? [], (id) => answer.changes[id]);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.kind === 'rollout' ? entries[0].rollout.clusters : 0).toBe(25);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addChange,
  aggregateOf,
  countSince,
  MAX_RECENT,
  MAX_TIMES,
  newestOf,
  pruneAgg,
  totalOf,
} from '../lib/aggregate';
import type { Change } from '../lib/model';
import * as build from './builders';

const DAY = 86_400_000;
const at = (t: number, over: Partial<Change> = {}) =>
  build.change({ clusterId: 'demo/c-1', name: 'checkout' }, t, over);

describe('a cell aggregate', () => {
  it('counts the changes in any window exactly, whatever order they were added in (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 * DAY }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 30 * DAY }),
        (times, since) => {
          const agg = aggregateOf(times.map((t) => at(t)));
          expect(countSince(agg, since)).toBe(times.filter((t) => t >= since).length);
          expect(totalOf(agg)).toBe(times.length);
          expect(newestOf(agg)).toBe(times.length ? Math.max(...times) : undefined);
        },
      ),
    );
  });

  it('folds a flapping cell’s oldest changes into whole days, and still counts them', () => {
    const agg = aggregateOf(Array.from({ length: MAX_TIMES + 50 }, (_, i) => at(i * 1000)));
    expect(agg.times).toHaveLength(MAX_TIMES);
    expect(totalOf(agg)).toBe(MAX_TIMES + 50);
    expect(countSince(agg, 0)).toBe(MAX_TIMES + 50);
  });

  it('keeps the marks and the newest rollout value, and the newest few in brief', () => {
    const agg = aggregateOf([
      at(1_000, { type: 'created', fields: [{ path: 'containers[app].image', after: 'app:1.0' }] }),
      at(2_000, {
        fields: [{ path: 'containers[app].image', before: 'app:1.0', after: 'app:1.1' }],
        actor: { name: 'bob', kind: 'person' },
      }),
      at(3_000, { type: 'status', fields: [{ path: 'health', before: 'healthy', after: 'degraded' }] }),
      at(4_000, { fields: [{ path: 'spec.replicas', before: 2, after: 3 }] }),
    ]);
    expect(agg.createdAt).toBe(1_000);
    expect(agg.degradedAt).toBe(3_000);
    expect(agg.deletedAt).toBeUndefined();
    expect(agg.rollout).toEqual({
      field: 'containers[app].image',
      value: 'app:1.1',
      at: 2_000,
      actor: 'bob',
      actorKind: 'person',
    });
    expect(agg.recent.map((r) => r.at)).toEqual([4_000, 3_000, 2_000]);
    expect(agg.recent).toHaveLength(MAX_RECENT);
  });

  it('prunes exactly what retention drops, marks included', () => {
    const agg = aggregateOf([at(1 * DAY, { type: 'created' }), at(5 * DAY), at(9 * DAY)]);
    expect(pruneAgg(agg, 4 * DAY)).toBe(true);
    expect(agg.times).toEqual([5 * DAY, 9 * DAY]);
    expect(agg.createdAt).toBeUndefined();
    expect(pruneAgg(agg, 10 * DAY)).toBe(false);
    expect(agg.recent).toEqual([]);
  });

  it('adds a late change in its place', () => {
    const agg = aggregateOf([at(3_000), at(1_000)]);
    addChange(agg, at(2_000));
    expect(agg.times).toEqual([1_000, 2_000, 3_000]);
  });
});

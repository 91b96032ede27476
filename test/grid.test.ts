import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateOf, countSince, MAX_TIMES } from '../lib/aggregate';
import type { Change } from '../lib/model';
import {
  DEGRADED,
  GRID_HORIZON_MS,
  PRESENT,
  packedActors,
  packedAgg,
  packedCountSince,
  packedNewest,
  packGrid,
} from '../lib/store/grid';
import { emptyState } from '../lib/store/state';
import * as build from './builders';

const DAY = 86_400_000;

describe('the packed grid', () => {
  it('gives every cell back as it was aggregated (property)', () => {
    const change = fc.record({
      at: fc.integer({ min: 0, max: 20 * DAY }),
      type: fc.constantFrom<Change['type']>('created', 'updated', 'deleted', 'status'),
      actor: fc.option(fc.constantFrom('alice', 'bob'), { nil: undefined }),
      image: fc.option(fc.constantFrom('app:1', 'app:2'), { nil: undefined }),
      // Halves of a pair (lib/identity/cause.ts): a sync (finished or running), the controller's write.
      argo: fc.option(fc.constantFrom('sync', 'running', 'controller'), { nil: undefined }),
    });
    const argo = (kind: string | undefined, at: number): Partial<Change> =>
      kind === 'controller'
        ? {
            argoApp: 'cart',
            reportedAt: at,
            actor: { name: 'argocd-controller', kind: 'client', via: 'managedFields' },
          }
        : kind
          ? { sync: { app: 'cart', startedAt: at - 9_000, ...(kind === 'sync' ? { finishedAt: at } : {}) } }
          : {};
    fc.assert(
      fc.property(fc.array(fc.array(change, { maxLength: 8 }), { minLength: 1, maxLength: 6 }), (cells) => {
        const state = emptyState('s/c-1');
        const aggs = cells.map((list, i) =>
          aggregateOf(
            list.map((c) =>
              build.change({ clusterId: 's/c-1', name: `j${i}` }, c.at, {
                type: c.type,
                ...(c.actor ? { actor: { name: c.actor, kind: 'person' as const } } : {}),
                fields: c.image ? [{ path: 'containers[app].image', after: c.image }] : [],
                ...argo(c.argo, c.at),
              }),
            ),
          ),
        );
        aggs.forEach((agg, i) => {
          state.cells[`Deployment:shop/j${i}`] = { n: i + 1, agg };
        });
        const grid = packGrid([state], 0);
        for (let k = 0; k < grid.cells.count; k++) {
          const row = grid.rows[grid.cells.at[k] as number] as string;
          const original = state.cells[row]?.agg;
          // The grid keeps the newest change in brief and who made the last few; the rest is read on demand.
          expect(packedAgg(grid, k)).toEqual({ ...original, recent: original?.recent.slice(0, 1) });
          const actors = new Set(original?.recent.flatMap((r) => (r.actor ? [r.actor] : [])));
          expect(packedActors(grid, k)).toEqual([...actors]);
          expect(packedNewest(grid, k)).toBe(original?.times.at(-1));
          expect(packedCountSince(grid, k, 5 * DAY)).toBe(countSince(original as never, 5 * DAY));
        }
      }),
    );
  });

  it('keeps folded days of a flapping cell', () => {
    const state = emptyState('s/c-1');
    const agg = aggregateOf(
      Array.from({ length: MAX_TIMES + 10 }, (_, i) =>
        build.change({ clusterId: 's/c-1', name: 'x' }, i * 60_000),
      ),
    );
    state.cells['Deployment:shop/x'] = { n: 1, agg };
    const grid = packGrid([state], 0);
    expect(packedAgg(grid, 0)).toEqual({ ...agg, recent: agg.recent.slice(0, 1) });
    expect(packedCountSince(grid, 0, 0)).toBe(MAX_TIMES + 10);
  });

  it('orders rows for display once (names, numbers as numbers), and flags where jobs run', () => {
    const state = emptyState('s/c-1');
    for (const name of ['svc-10', 'svc-2', 'api']) {
      state.jobs[`Deployment:shop/${name}`] = { t: '1', b: 0, ...(name === 'api' ? { d: 1 as const } : {}) };
    }
    const grid = packGrid([state, emptyState('s/c-2')], 0);
    expect(grid.rows).toEqual(['Deployment:shop/api', 'Deployment:shop/svc-2', 'Deployment:shop/svc-10']);
    expect(Array.from(grid.flags)).toEqual([PRESENT | DEGRADED, 0, PRESENT, 0, PRESENT, 0]);
  });

  it('leaves out cells no window shows, but never where a job runs', () => {
    const state = emptyState('s/c-1');
    state.jobs['Deployment:shop/old'] = { t: '1', b: 0 };
    state.cells['Deployment:shop/old'] = {
      n: 1,
      agg: aggregateOf([build.change({ clusterId: 's/c-1', name: 'old' }, 0)]),
    };
    state.cells['Deployment:shop/gone'] = {
      n: 2,
      agg: aggregateOf([build.change({ clusterId: 's/c-1', name: 'gone' }, 0)]),
    };
    const fresh = packGrid([state], GRID_HORIZON_MS);
    expect(fresh.cells.count).toBe(2);
    const later = packGrid([state], GRID_HORIZON_MS + 1);
    expect(later.rows).toEqual(['Deployment:shop/old']);
    expect(later.cells.count).toBe(0);
    expect(Array.from(later.flags)).toEqual([PRESENT]);
  });
});

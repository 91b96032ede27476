/** lib/pace.ts: which clusters a pass polls, and how it answers a server that asks for less. */
import { describe, expect, it } from 'vitest';
import type { PaceRecord } from '../lib/model';
import {
  AlertedClusters,
  backoffMs,
  clustersNamedByAlerts,
  describePace,
  type PacePolicy,
  type PaceTarget,
  paceAfter,
  pacePolicy,
  planPass,
} from '../lib/pace';

const MIN = 60_000;
const T0 = Date.parse('2026-12-01T14:00:00Z');

const policy: PacePolicy = {
  passMs: MIN,
  hotForMs: 15 * MIN,
  quietEveryMs: 10 * MIN,
  hostBudget: 300,
  hostConcurrency: 6,
  maxBackoffMs: 15 * MIN,
  maxHoldMs: 60 * MIN,
};

const record = (r: Partial<PaceRecord> & { lastTry: number }): PaceRecord => ({
  passMs: policy.passMs,
  quietMs: policy.quietEveryMs,
  hotForMs: policy.hotForMs,
  ...r,
});

const RANCHER = 'https://rancher.example.com';
const target = (id: string, pace?: PaceRecord, host = RANCHER): PaceTarget => ({
  id,
  host,
  ...(pace ? { pace } : {}),
});

const plan = (targets: PaceTarget[], now: number, extra: Partial<Parameters<typeof planPass>[2]> = {}) =>
  planPass(targets, (t) => t, { now, policy, ...extra });
const ids = (list: PaceTarget[]) => list.map((t) => t.id);

describe('planPass', () => {
  it('polls a cluster never polled, first', () => {
    const p = plan([target('quiet', record({ lastTry: T0 - 20 * MIN })), target('new')], T0);
    expect(ids(p.due)[0]).toBe('new');
  });

  it('polls a hot cluster every pass while a change is recent, then at the quiet pace', () => {
    const hot = record({ lastTry: T0 - MIN, lastChange: T0 - 5 * MIN });
    expect(ids(plan([target('c', hot)], T0).due)).toEqual(['c']);
    // 15 minutes after the change it is quiet: polled a minute ago, so not due for a while.
    const cooled = record({ lastTry: T0 + 15 * MIN, lastChange: T0 - 5 * MIN });
    const later = plan([target('c', cooled)], T0 + 16 * MIN);
    expect(later.due).toEqual([]);
    expect(later.waiting).toEqual([{ item: target('c', cooled), why: 'quiet' }]);
  });

  it('polls each quiet cluster once per quiet period, and spreads the fleet over the passes', () => {
    const fleet = Array.from({ length: 200 }, (_, i) => ({ id: `rancher/c-${i}`, lastTry: T0 }));
    const perPass: number[] = [];
    const polledAt = new Map<string, number[]>();
    for (let pass = 1; pass <= 30; pass++) {
      const now = T0 + pass * MIN;
      const due = plan(
        fleet.map((c) => target(c.id, record({ lastTry: c.lastTry }))),
        now,
      ).due;
      perPass.push(due.length);
      for (const t of due) {
        const c = fleet.find((f) => f.id === t.id) as { lastTry: number };
        c.lastTry = now;
        polledAt.set(t.id, [...(polledAt.get(t.id) ?? []), pass]);
      }
    }
    // Every cluster, every 10 passes, within the period (never twice in one, never skipped).
    for (const c of fleet) {
      const passes = polledAt.get(c.id) ?? [];
      expect(passes.length, c.id).toBe(3);
      const [first = 0, second = 0, third = 0] = passes;
      expect(second - first).toBe(10);
      expect(third - second).toBe(10);
    }
    // Spread: no pass polls more than a few times its share of 20.
    expect(Math.max(...perPass)).toBeLessThanOrEqual(40);
    expect(perPass.reduce((a, b) => a + b, 0)).toBe(600);
  });

  it('polls a cluster an open alert names every pass, before hot ones', () => {
    const quiet = record({ lastTry: T0 - MIN });
    const hot = record({ lastTry: T0 - MIN, lastChange: T0 - 2 * MIN });
    const alerted = new Map([['paged', T0 + 5 * MIN]]);
    const p = plan([target('hot', hot), target('paged', quiet), target('other', quiet)], T0, { alerted });
    expect(ids(p.due)).toEqual(['paged', 'hot']);
    // Once the alert's mention expires, the cluster is quiet again.
    const after = plan([target('paged', quiet)], T0 + 6 * MIN, { alerted });
    expect(after.due).toEqual([]);
  });

  it('"poll now" makes quiet clusters due too, but not held ones', () => {
    const quiet = record({ lastTry: T0 - MIN });
    const held = record({ lastTry: T0 - MIN, hold: { until: T0 + 5 * MIN, status: 503 } });
    const p = plan([target('q', quiet), target('h', held, 'https://other.example')], T0, { eager: true });
    expect(ids(p.due)).toEqual(['q']);
    expect(p.waiting.map((w) => [w.item.id, w.why])).toEqual([['h', 'held']]);
  });

  it("holds every cluster of a host that answered 429, until its Retry-After, and no other host's", () => {
    const asked = record({ lastTry: T0 - MIN, hold: { until: T0 + 3 * MIN, status: 429, host: true } });
    const sibling = record({ lastTry: T0 - MIN, lastChange: T0 - MIN });
    const elsewhere = record({ lastTry: T0 - MIN, lastChange: T0 - MIN });
    const targets = [
      target('a', asked),
      target('b', sibling),
      target('argo', elsewhere, 'https://argocd.example.com'),
    ];
    const p = plan(targets, T0);
    expect(ids(p.due)).toEqual(['argo']);
    expect(p.waiting.map((w) => [w.item.id, w.until])).toEqual([
      ['a', T0 + 3 * MIN],
      ['b', T0 + 3 * MIN],
    ]);
    expect(p.hostHolds).toEqual(new Map([[RANCHER, T0 + 3 * MIN]]));
    expect(ids(plan(targets, T0 + 3 * MIN).due).sort()).toEqual(['a', 'argo', 'b']);
  });

  it('a 5xx holds only that cluster', () => {
    const failing = record({ lastTry: T0 - MIN, hold: { until: T0 + 2 * MIN, status: 503 } });
    const fine = record({ lastTry: T0 - MIN, lastChange: T0 - MIN });
    expect(ids(plan([target('down', failing), target('up', fine)], T0).due)).toEqual(['up']);
  });

  it('ignores a hold further ahead than any it would honour (a clock that moved), and a last poll in the future', () => {
    const far = record({ lastTry: T0 - MIN, hold: { until: T0 + 3 * 60 * MIN, status: 429, host: true } });
    const future = record({ lastTry: T0 + 60 * MIN });
    expect(
      ids(plan([target('far', far), target('future', future, 'https://x.example')], T0).due).sort(),
    ).toEqual(['far', 'future']);
  });

  it('orders quiet clusters by how long they have waited', () => {
    // Both due (eager); the one polled longer ago first.
    const older = record({ lastTry: T0 - 30 * MIN });
    const newer = record({ lastTry: T0 - 12 * MIN });
    expect(ids(plan([target('newer', newer), target('older', older)], T0, { eager: true }).due)).toEqual([
      'older',
      'newer',
    ]);
  });
});

describe('paceAfter', () => {
  const ok = { startedAt: T0, at: T0 + 2000, status: 'ok' as const, changes: 0 };

  it('remembers the poll, and a change as the start of a hot spell', () => {
    const p = paceAfter(undefined, { ...ok, changes: 2 }, policy);
    expect(p).toEqual(record({ lastTry: T0, lastChange: T0 + 2000 }));
    const next = paceAfter(p, { ...ok, startedAt: T0 + MIN, at: T0 + MIN }, policy);
    expect(next.lastChange).toBe(T0 + 2000);
  });

  it("holds the host until a 429's Retry-After, capped", () => {
    const p = paceAfter(undefined, { ...ok, status: 'error', httpStatus: 429, retryAfterMs: 90_000 }, policy);
    expect(p.hold).toEqual({ until: T0 + 2000 + 90_000, status: 429, host: true });
    expect(p.failures).toBe(1);
    const capped = paceAfter(
      undefined,
      { ...ok, status: 'error', httpStatus: 429, retryAfterMs: 86_400_000 },
      policy,
    );
    expect(capped.hold?.until).toBe(T0 + 2000 + policy.maxHoldMs);
  });

  it('backs off on 5xx with jitter, doubling from one pass, capped; an ok poll ends it', () => {
    let p: PaceRecord | undefined;
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      p = paceAfter(p, { ...ok, status: 'error', httpStatus: 503 }, policy, () => 1);
      waits.push((p.hold?.until ?? 0) - (T0 + 2000));
      expect(p.hold?.host).toBeUndefined();
    }
    expect(waits).toEqual([1, 2, 4, 8, 15, 15].map((m) => m * MIN));
    const low = paceAfter(undefined, { ...ok, status: 'error', httpStatus: 500 }, policy, () => 0);
    expect(low.hold?.until).toBe(T0 + 2000 + MIN / 2);
    const healed = paceAfter(p, ok, policy);
    expect(healed.hold).toBeUndefined();
    expect(healed.failures).toBeUndefined();
  });

  it('does not hold on failures that are not the server asking for less (a login, a timeout)', () => {
    expect(paceAfter(undefined, { ...ok, status: 'auth', httpStatus: 401 }, policy).hold).toBeUndefined();
    expect(paceAfter(undefined, { ...ok, status: 'unreachable' }, policy).hold).toBeUndefined();
  });

  it('backoffMs stays within the upper half of its step', () => {
    for (const r of [0, 0.3, 0.999]) {
      const ms = backoffMs(3, policy, () => r);
      expect(ms).toBeGreaterThanOrEqual(2 * MIN);
      expect(ms).toBeLessThanOrEqual(4 * MIN);
    }
  });
});

describe('describePace', () => {
  it('says how a cluster is polled, and why', () => {
    const now = T0 + 5 * MIN;
    expect(describePace(record({ lastTry: T0 }), now)).toBe('polled every 10 min (quiet)');
    expect(describePace(record({ lastTry: T0, lastChange: T0 }), now)).toMatch(
      /^polled every pass \(changed at \d\d:\d\d\)$/,
    );
    expect(describePace(record({ lastTry: T0, alertedUntil: now + MIN }), now)).toBe(
      'polled every pass (an open alert names it)',
    );
    expect(
      describePace(record({ lastTry: T0, hold: { until: now + MIN, status: 429, host: true } }), now),
    ).toMatch(/^backing off after 429 until \d\d:\d\d$/);
    expect(describePace(record({ lastTry: T0 }), now, now + MIN)).toMatch(
      /^backing off after 429 from its host until/,
    );
    expect(describePace(undefined, now)).toBeUndefined();
  });
});

describe('pacePolicy', () => {
  it('turns settings into periods and a budget per pass', () => {
    const p = pacePolicy({
      pollIntervalSec: 30,
      concurrency: 4,
      quietPollSec: 300,
      hostRequestsPerMinute: 120,
    });
    expect(p).toMatchObject({ passMs: 30_000, quietEveryMs: 300_000, hostBudget: 60, hostConcurrency: 4 });
    // A quiet period shorter than a pass is a pass.
    expect(
      pacePolicy({ pollIntervalSec: 600, concurrency: 4, quietPollSec: 60, hostRequestsPerMinute: 120 })
        .quietEveryMs,
    ).toBe(600_000);
  });
});

describe('clusters named by alerts', () => {
  it('takes the clusters of watched alert subjects, not console rows', () => {
    const answer = {
      generatedAt: T0,
      changes: {},
      results: [
        { mode: 'alert', watched: true, looked: { clusters: [{ id: 'rancher/c-1', name: 'prod-eu-1' }] } },
        { mode: 'console', watched: true, looked: { clusters: [{ id: 'rancher/c-2', name: 'x' }] } },
        { mode: 'alert', watched: false, looked: { clusters: [{ id: 'rancher/c-3', name: 'y' }] } },
      ],
    };
    expect(clustersNamedByAlerts(answer)).toEqual(['rancher/c-1']);
    expect(clustersNamedByAlerts(undefined)).toEqual([]);
    expect(clustersNamedByAlerts({ results: 'nonsense' })).toEqual([]);
  });

  it('remembers them for a while', () => {
    const book = new AlertedClusters();
    book.note(['a'], T0);
    book.note(['b'], T0 + 5 * MIN);
    expect([...book.current(T0 + 6 * MIN).keys()]).toEqual(['a', 'b']);
    expect([...book.current(T0 + 11 * MIN).keys()]).toEqual(['b']);
  });
});

/**
 * The watcher with its pace (lib/pace.ts, lib/host-gate.ts) and adapters' memos: which clusters a
 * pass asks about, that a server's 429 is honoured across the whole host, that a cluster not due
 * is no gap in coverage, and that a memo is remembered only with a complete, ok poll.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type TattlerDb } from '../lib/db';
import { buildColumns } from '../lib/heat/columns';
import { createHttp, type FetchLike } from '../lib/http';
import { type DiscoveredCluster, jobKeyOf } from '../lib/model';
import { type Settings, validateSettings } from '../lib/settings';
import type { PollContext, SourceAdapter } from '../lib/sources/types';
import { runPass, type WatcherDeps } from '../lib/watcher';
import { MINUTE, snapshot } from './builders';
import { changesIn } from './store-view';

const HOST = 'http://rancher.test';
const cluster = (id: string): DiscoveredCluster => ({
  nativeId: id,
  name: id,
  apiBase: `${HOST}/k8s/clusters/${id}`,
});

/**
 * An adapter that reads one URL per poll through the pass's Http (so the host rules apply), and
 * remembers what it is told to: `memos` by cluster, and what the watcher handed it.
 */
class ReadingAdapter implements SourceAdapter {
  clusters: DiscoveredCluster[] = [];
  /** Per cluster: a change to report at its next poll (a new version token). */
  version = new Map<string, number>();
  memoGiven = new Map<string, unknown>();
  polled: string[] = [];

  async discover(http: WatcherDeps['http']) {
    await http.getJson(`${HOST}/v1/management.cattle.io.clusters`);
    return { clusters: this.clusters, bytes: 1 };
  }

  async poll(ctx: PollContext) {
    this.polled.push(ctx.nativeId);
    this.memoGiven.set(ctx.nativeId, ctx.memo);
    await ctx.http.getJson(`${ctx.apiBase}/apis/apps/v1/deployments`);
    const v = this.version.get(ctx.nativeId) ?? 1;
    const job = snapshot({ name: 'checkout', versionToken: String(v), version: v });
    return {
      jobs: [{ ...job, clusterId: ctx.clusterId, key: jobKeyOf(ctx.clusterId, job.rowKey) }],
      bytes: 10,
      memo: { polls: ((ctx.memo as { polls?: number } | undefined)?.polls ?? 0) + 1 },
    };
  }
}

function settingsWith(over: Record<string, unknown> = {}): Settings {
  const parsed = validateSettings({
    version: 1,
    pollIntervalSec: 60,
    quietPollSec: 600,
    concurrency: 1,
    sources: [{ id: 'demo', name: 'Demo', type: 'rancher', baseUrl: HOST }],
    ...over,
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

describe('the watcher and its pace', () => {
  let db: TattlerDb;
  let adapter: ReadingAdapter;
  let clock: number;
  let sent: string[];
  /** Per path suffix: the status (and Retry-After) to answer with. */
  let refuse: Map<string, { status: number; retryAfter?: string }>;

  const fetch: FetchLike = async (url) => {
    sent.push(url);
    const rule = [...refuse].find(([suffix]) => url.includes(suffix))?.[1];
    if (rule) {
      return new Response('{"kind":"Status"}', {
        status: rule.status,
        headers: {
          'content-type': 'application/json',
          ...(rule.retryAfter ? { 'retry-after': rule.retryAfter } : {}),
        },
      });
    }
    return new Response('{"items":[]}', { headers: { 'content-type': 'application/json' } });
  };
  const pass = (extra: Partial<WatcherDeps> = {}, settings = settingsWith()) =>
    runPass({
      db,
      settings,
      http: createHttp({ fetch }),
      adapterFor: () => adapter,
      now: () => clock,
      random: () => 0.5,
      ...extra,
    });

  beforeEach(() => {
    db = openDb(`pace-${Math.random()}`);
    adapter = new ReadingAdapter();
    adapter.clusters = ['c-1', 'c-2', 'c-3'].map(cluster);
    clock = Date.parse('2026-12-01T14:00:00Z');
    sent = [];
    refuse = new Map();
  });
  afterEach(() => db.delete());

  it('asks a quiet cluster again when its turn comes, a hot one every pass; waiting is no gap in coverage', async () => {
    await pass();
    expect(adapter.polled).toEqual(['c-1', 'c-2', 'c-3']);
    // c-2 changes; the next pass (a minute later) does not ask anyone: all are quiet.
    adapter.version.set('c-2', 2);
    clock += MINUTE;
    adapter.polled = [];
    const quiet = await pass();
    expect(adapter.polled).toEqual([]);
    expect(quiet.paced).toEqual({ quiet: 3, held: 0, overBudget: 0 });
    // Within ten minutes every cluster's turn comes once: c-2's change is found, and from then
    // on c-2 is hot, asked every pass.
    const asked: string[][] = [];
    for (let i = 0; i < 10; i++) {
      clock += MINUTE;
      adapter.polled = [];
      await pass();
      asked.push(adapter.polled);
    }
    const turns = (id: string) => asked.flatMap((a, i) => (a.includes(id) ? [i] : []));
    expect(turns('c-1')).toHaveLength(1);
    expect(turns('c-3')).toHaveLength(1);
    const [found = -1] = turns('c-2');
    expect(turns('c-2')).toEqual(Array.from({ length: 10 - found }, (_, i) => found + i));
    expect((await changesIn(db)).map((c) => [c.clusterId, c.type])).toEqual([['demo/c-2', 'updated']]);
    // The grid: none of the clusters waiting for its turn is "could not see", even in a short window.
    const clusters = await db.clusters.toArray();
    const { columns } = buildColumns(
      { clusters, polls: await db.polls.toArray(), windowMs: 5 * MINUTE, now: clock },
      clock - 5 * MINUTE,
      new Set(),
    );
    expect(columns.map((c) => c.blind)).toEqual([undefined, undefined, undefined]);
    expect(columns.map((c) => c.pace)).toEqual([
      'polled every 10 min (quiet)',
      expect.stringMatching(/^polled every pass \(changed at \d\d:\d\d\)$/),
      'polled every 10 min (quiet)',
    ]);
  });

  it('polls every cluster an open alert names, every pass', async () => {
    await pass();
    adapter.polled = [];
    clock += MINUTE;
    await pass({ alerted: new Map([['demo/c-3', clock + 5 * MINUTE]]) });
    expect(adapter.polled).toEqual(['c-3']);
    const c3 = await db.clusters.get('demo/c-3');
    expect(c3?.pace?.alertedUntil).toBe(clock + 5 * MINUTE);
  });

  it('after a 429, sends the host nothing — no poll, no discovery — until its Retry-After', async () => {
    await pass();
    clock += MINUTE;
    refuse.set('/c-1/', { status: 429, retryAfter: '120' });
    sent = [];
    adapter.polled = [];
    const s = await pass({ eager: true });
    // c-1 was asked and said 429: c-2 and c-3, on the same host, were not asked in that pass.
    expect(adapter.polled).toEqual(['c-1']);
    expect(sent.filter((u) => u.includes('/k8s/'))).toEqual([
      `${HOST}/k8s/clusters/c-1/apis/apps/v1/deployments`,
    ]);
    expect(s.clusters.error).toBe(1);
    expect(s.paced).toEqual({ quiet: 0, held: 2, overBudget: 0 });
    const [run] = await db.polls.where('target').equals('demo/c-1').reverse().sortBy('to');
    expect(run?.message).toBe(
      '429 Too Many Requests on /k8s/clusters/c-1/apis/apps/v1/deployments: asked to wait 120 s',
    );
    // A minute later, even asked now: nothing at all goes to that host.
    refuse.clear();
    for (const later of [MINUTE, 119_000 - MINUTE]) {
      clock += later;
      sent = [];
      await pass({ eager: true });
      expect(sent).toEqual([]);
    }
    clock += 1000;
    await pass({ eager: true });
    expect(sent).toContain(`${HOST}/k8s/clusters/c-2/apis/apps/v1/deployments`);
  });

  it('backs off one cluster that answers 5xx, and only that one', async () => {
    await pass();
    refuse.set('/c-1/', { status: 503 });
    const asked: string[][] = [];
    for (let i = 0; i < 6; i++) {
      clock += MINUTE;
      adapter.polled = [];
      await pass({ eager: true });
      asked.push([...adapter.polled]);
    }
    // Backoffs of ¾ of one pass, two, four (jitter fixed at the middle): asked again at the next
    // pass after the first 503, then one pass skipped, then two.
    expect(asked.map((a) => a.includes('c-1'))).toEqual([true, true, false, true, false, false]);
    expect(asked.every((a) => a.includes('c-2') && a.includes('c-3'))).toBe(true);
    expect((await db.clusters.get('demo/c-1'))?.pace?.hold?.status).toBe(503);
  });

  it('stops starting polls on a host whose request budget this pass has spent', async () => {
    // 10 requests a minute: discovery and three polls fit, the fourth waits for the next pass.
    adapter.clusters = ['c-1', 'c-2', 'c-3', 'c-4', 'c-5'].map(cluster);
    const s = await pass({}, settingsWith({ hostRequestsPerMinute: 10, pollIntervalSec: 30 }));
    expect(adapter.polled).toEqual(['c-1', 'c-2', 'c-3', 'c-4']);
    expect(s.paced).toEqual({ quiet: 0, held: 0, overBudget: 1 });
    clock += 30_000;
    adapter.polled = [];
    await pass({}, settingsWith({ hostRequestsPerMinute: 10, pollIntervalSec: 30 }));
    // Never polled: first in line.
    expect(adapter.polled[0]).toBe('c-5');
  });

  it('remembers a memo only with a complete, ok poll, and hands it back', async () => {
    await pass();
    expect((await db.clusters.get('demo/c-1'))?.memo).toEqual({ polls: 1 });
    expect(adapter.memoGiven.get('c-1')).toBeUndefined();
    refuse.set('/c-1/', { status: 500 });
    clock += 11 * MINUTE;
    await pass({ eager: true });
    expect((await db.clusters.get('demo/c-1'))?.memo).toEqual({ polls: 1 });
    refuse.clear();
    clock += 20 * MINUTE;
    await pass({ eager: true });
    expect(adapter.memoGiven.get('c-1')).toEqual({ polls: 1 });
    expect((await db.clusters.get('demo/c-1'))?.memo).toEqual({ polls: 2 });
  });

  it('forgets the memo when the owner filter changes: the new baseline starts afresh', async () => {
    await pass();
    clock += 11 * MINUTE;
    await pass(
      { eager: true },
      settingsWith({
        sources: [
          { id: 'demo', name: 'Demo', type: 'rancher', baseUrl: HOST, owner: { labelSelector: 'team=shop' } },
        ],
      }),
    );
    expect(adapter.memoGiven.get('c-1')).toBeUndefined();
    expect((await db.clusters.get('demo/c-1'))?.memo).toEqual({ polls: 1 });
  });
});

/**
 * Passes that keep running and restart promptly (issue 10): a pass longer than the lease TTL
 * keeps its background alive and its lease fresh by a heartbeat on a timer; the alarm's event
 * lasts as long as the pass; a lease left by a background stopped mid-pass, or written by a
 * clock that was ahead, does not hold up the next pass; "Poll now" says why when it starts none.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { type BrowserApi, PASS_ALARM, startBackground } from '../entrypoints/background/service';
import { openDb } from '../lib/db';
import type { FetchLike } from '../lib/http';
import { acquireLease } from '../lib/lease';
import type { StatusAnswer } from '../lib/messages';
import type { Cluster } from '../lib/model';
import { adapterFor } from '../lib/sources/registry';
import { type FakeBackgroundBrowser, resetFakeBrowser } from './helpers/fake-background';
import { ACTOR_ANNOTATION, FakeKubeApi } from './sources/helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SETTINGS = {
  version: 1,
  pollIntervalSec: 30,
  sources: [
    {
      id: 'demo',
      name: 'Demo',
      type: 'rancher',
      baseUrl: 'http://rancher.test',
      actorAnnotation: ACTOR_ANNOTATION,
    },
  ],
};

describe('passes that keep running and restart promptly', () => {
  const api = new FakeKubeApi();
  let fake: FakeBackgroundBrowser;
  let delayMs = 0;
  let dbName = '';
  const fetch: FetchLike = async (url, init) => {
    if (delayMs) await sleep(delayMs);
    return api.fetch(url, init);
  };
  const start = (extra: { leaseTtlMs?: number; heartbeatMs?: number } = {}) =>
    startBackground({
      browser: fakeBrowser as unknown as BrowserApi,
      adapterFor,
      dbName,
      fetch,
      canRead: async () => true,
      ...extra,
    });
  const pollNow = async () => {
    const [answer] = await fakeBrowser.runtime.onMessage.trigger(
      { type: 'poll-now' },
      { id: fakeBrowser.runtime.id },
    );
    return (await answer) as unknown as StatusAnswer;
  };

  beforeEach(async () => {
    fake = resetFakeBrowser();
    delayMs = 0;
    dbName = `bg-pass-${Math.random()}`;
    // Stored before the background starts, so no settings change starts a pass of its own.
    await fakeBrowser.storage.local.set({ settings: SETTINGS });
  });

  it('does not wait for the lease of a background that was stopped mid-pass', async () => {
    const left = openDb(dbName);
    // What a worker killed 10 s into its pass leaves behind.
    await left.meta.put({
      key: 'pass-lease',
      value: {
        owner: 'background/the-stopped-worker',
        since: Date.now() - 10_000,
        expiresAt: Date.now() + 50_000,
      },
    });
    left.close();
    const bg = start();
    const summary = await bg.runPassNow();
    expect(summary?.clusters.ok).toBe(6);
  });

  it('the alarm event lasts as long as its pass', async () => {
    const bg = start();
    await fakeBrowser.alarms.onAlarm.trigger({
      name: PASS_ALARM,
      scheduledTime: Date.now(),
      periodInMinutes: 0.5,
    });
    expect((await bg.db.meta.get('last-pass'))?.value).toMatchObject({ clusters: { ok: 6 } });
    expect(await bg.db.meta.get('pass-lease')).toBeUndefined();
  });

  it('keeps its background alive and its lease fresh through a pass longer than the TTL, on a timer', async () => {
    delayMs = 150; // per request: the pass lasts about 750 ms, several times the 200 ms TTL
    const bg = start({ leaseTtlMs: 200, heartbeatMs: 40 });
    const pass = bg.runPassNow();
    await sleep(500);
    // Past two TTLs, yet the lease is this pass's and alive: another holder is kept out.
    const lease = (await bg.db.meta.get('pass-lease'))?.value as { expiresAt: number } | undefined;
    expect(lease?.expiresAt).toBeGreaterThan(Date.now());
    expect(await acquireLease(bg.db, 'someone-else', Date.now(), 200)).toMatchObject({ ok: false });
    expect(fake.beats()).toBeGreaterThanOrEqual(5);
    expect((await pass)?.clusters.ok).toBe(6);
    // The beat stops with the pass: an idle background may be stopped.
    const beats = fake.beats();
    await sleep(150);
    expect(fake.beats()).toBe(beats);
  });

  it('ignores a lease a clock that was ahead wrote, and a prune time from the future', async () => {
    const bg = start();
    await bg.runPassNow(); // start-up done; now what a clock a day ahead would have left
    const tomorrow = Date.now() + 86_400_000;
    await acquireLease(bg.db, 'a-worker-when-the-clock-was-ahead', tomorrow, 60_000);
    await bg.db.meta.put({ key: 'last-prune', value: tomorrow });
    const answer = await pollNow();
    expect(answer.notStarted).toBeUndefined();
    expect(answer.last?.clusters.ok).toBe(6);
    expect((await bg.db.meta.get('last-prune'))?.value).toBeLessThanOrEqual(Date.now());
  });

  it('replaces an alarm that a clock that was ahead set far in the future', async () => {
    await fakeBrowser.alarms.create(PASS_ALARM, { when: Date.now() + 2 * 3_600_000, periodInMinutes: 0.5 });
    start();
    for (let i = 0; i < 100; i++) {
      const alarm = await fakeBrowser.alarms.get(PASS_ALARM);
      if (alarm && alarm.scheduledTime <= Date.now() + 30_000) break;
      await sleep(10);
    }
    expect((await fakeBrowser.alarms.get(PASS_ALARM))?.scheduledTime).toBeLessThanOrEqual(
      Date.now() + 30_000,
    );
  });

  describe('"Poll now" that starts no pass says why', () => {
    it('another live pass holds the lease', async () => {
      const bg = start();
      await bg.runPassNow();
      await acquireLease(bg.db, 'another-background', Date.now(), 60_000);
      const answer = await pollNow();
      expect(answer.notStarted).toMatchObject({ code: 'lease' });
      expect(answer.notStarted?.message).toMatch(
        /^No pass: another pass holds the lease \(since .*, until .*\)/,
      );
    });

    it('the stored settings are invalid (and the clusters are not retired as if every source was gone)', async () => {
      const bg = start();
      await bg.runPassNow();
      const stored = { ...SETTINGS, pollIntervalSec: 'often' };
      await fakeBrowser.storage.local.set({ settings: stored });
      const answer = await pollNow();
      expect(answer.notStarted).toMatchObject({ code: 'settings' });
      expect(answer.notStarted?.message).toMatch(
        /^No pass: the stored settings are invalid \(pollIntervalSec: /,
      );
      const clusters = await bg.db.clusters.toArray();
      expect(clusters.filter((c: Cluster) => c.goneSince !== undefined)).toEqual([]);
    });

    it('a pass was already running: the answer is its result, and says so', async () => {
      delayMs = 30;
      start();
      const [first, second] = await Promise.all([pollNow(), sleep(20).then(pollNow)]);
      expect(first.notStarted).toBeUndefined();
      expect(second.notStarted).toMatchObject({ code: 'joined' });
      expect(second.notStarted?.message).toMatch(
        /^A pass was already running \(since .*\); this is its result\.$/,
      );
      expect(second.last?.finishedAt).toBe(first.last?.finishedAt);
    });
  });
});

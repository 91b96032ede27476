/**
 * The background service under WXT's fakeBrowser: an alarm fires, a pass runs against a
 * Rancher-style server on 127.0.0.1, rows land in (fake) IndexedDB; a second pass records the
 * change made in between; messages are validated.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  type BackgroundHandle,
  type BrowserApi,
  PASS_ALARM,
  startBackground,
} from '../entrypoints/background/service';
import { adapterFor } from '../lib/sources/registry';
import { type FakeBackgroundBrowser, resetFakeBrowser } from './helpers/fake-background';
import { ACTOR_ANNOTATION, FakeKubeApi } from './sources/helpers';
import { changeCount, changesIn, jobsIn } from './store-view';

describe('background service', () => {
  const api = new FakeKubeApi({ pageSize: 2 });
  let server: Server;
  let origin = '';
  let bg: BackgroundHandle;

  beforeAll(async () => {
    ({ server, origin } = await api.listen());
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  let fake: FakeBackgroundBrowser;
  /** How far the background's clock is ahead of the test's: a quiet cluster's turn comes with time. */
  let ahead = 0;
  const granted = new Set(['https://am.example.com/*']);

  beforeEach(async () => {
    fake = resetFakeBrowser(granted);
    ahead = 0;
    bg = startBackground({
      now: () => Date.now() + ahead,
      browser: fakeBrowser as unknown as BrowserApi,
      adapterFor,
      dbName: `bg-${Math.random()}`,
      canRead: async () => true,
    });
  });

  const fireAlarm = () =>
    fakeBrowser.alarms.onAlarm.trigger({ name: PASS_ALARM, scheduledTime: Date.now(), periodInMinutes: 1 });

  /** Waits until a pass other than the one that finished at `previous` has written its summary. */
  async function passSettled(previous?: number): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const last = (await bg.db.meta.get('last-pass'))?.value as { finishedAt: number } | undefined;
      if (last && last.finishedAt !== previous) return last.finishedAt;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no pass finished');
  }

  it('schedules its alarm at the configured interval', async () => {
    await fakeBrowser.storage.local.set({ settings: { version: 1, pollIntervalSec: 120 } });
    await new Promise((r) => setTimeout(r, 50));
    expect((await fakeBrowser.alarms.get(PASS_ALARM))?.periodInMinutes).toBe(2);
  });

  it('runs a pass when the alarm fires, and records the change a second pass sees', async () => {
    await fakeBrowser.storage.local.set({
      settings: {
        version: 1,
        sources: [
          { id: 'demo', name: 'Demo', type: 'rancher', baseUrl: origin, actorAnnotation: ACTOR_ANNOTATION },
        ],
      },
    });
    // The settings change itself starts a pass; wait for it, and for the worker to be idle.
    await passSettled();
    const idle = (await bg.runPassNow())?.finishedAt;
    expect(await bg.db.clusters.count()).toBeGreaterThan(0);
    const jobs = (await jobsIn(bg.db)).length;
    expect(jobs).toBeGreaterThan(0);
    expect(await changeCount(bg.db)).toBe(0);

    const checkout = api.lists.deployments?.items.find((i) => i.metadata.name === 'checkout') as unknown as {
      metadata: Record<string, unknown> & { annotations: Record<string, string> };
      spec: { replicas: number };
    };
    const saved = structuredClone(checkout);
    checkout.metadata.resourceVersion = '999999';
    checkout.metadata.generation = Number(checkout.metadata.generation) + 1;
    checkout.spec.replicas = 7;
    try {
      // Nothing changed at first sight: the cluster is quiet, and the alarm's pass asks about it
      // when its turn comes (settings.quietPollSec, 10 minutes by default).
      ahead += 10 * 60_000;
      await fireAlarm();
      await passSettled(idle);
      const changes = await changesIn(bg.db);
      expect(changes.length).toBeGreaterThan(0);
      const c = changes.find((x) => x.name === 'checkout');
      expect(c?.type).toBe('updated');
      expect(c?.fields).toContainEqual({ path: 'spec.replicas', before: 3, after: 7 });
      // The toolbar badge counts the changes of the last 15 minutes.
      expect(fake.badgeText()).toBe(String(changes.length));
    } finally {
      Object.assign(checkout, saved);
    }
  });

  it('"poll now" during the alarm\'s pass is answered by a pass that asks every cluster, quiet ones too', async () => {
    await fakeBrowser.storage.local.set({
      settings: { version: 1, sources: [{ id: 'demo', name: 'Demo', type: 'rancher', baseUrl: origin }] },
    });
    await passSettled();
    await bg.runPassNow();
    const clusters = await bg.db.clusters.count();
    expect(clusters).toBeGreaterThan(0);
    // A minute on, nothing changed: every cluster is quiet, and the alarm's pass asks none of them.
    ahead += 60_000;
    const alarm = fireAlarm();
    const asked = await bg.requestPass(true);
    await alarm;
    expect(asked.summary?.clusters.ok).toBe(clusters);
    expect(asked.summary?.paced).toBeUndefined();
  });

  it('registers the page integrations on the origins the user named and granted, and only those', async () => {
    await fakeBrowser.storage.local.set({
      settings: {
        version: 1,
        pages: {
          alertmanager: { origins: ['https://am.example.com:9093'] },
          grafana: { origins: ['https://grafana.example.com'] },
        },
      },
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.registered()).toHaveLength(1);
    expect(fake.registered()[0]?.matches).toEqual(['https://am.example.com/*']);
  });

  it('answers status and refuses messages that are not its own or not well formed', async () => {
    const listeners = fakeBrowser.runtime.onMessage;
    const own = { id: fakeBrowser.runtime.id };
    const answers = await listeners.trigger({ type: 'status' }, own);
    expect(answers).toContainEqual({ running: false });
    expect(await listeners.trigger({ type: 'status' }, { id: 'some-other-extension' })).toEqual([undefined]);
    expect(await listeners.trigger({ type: 'poll-now', extra: 1 }, own)).toEqual([undefined]);
    expect(await listeners.trigger({ type: 'drop-database' }, own)).toEqual([undefined]);
  });
});

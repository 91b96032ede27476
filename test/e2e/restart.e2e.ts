/**
 * A service worker stopped mid-pass (Chromium's DevTools protocol `ServiceWorker.stopAllWorkers`,
 * what Chrome does to an idle or misbehaving worker): the pass it left behind must not hold up
 * the next one. The alarm wakes a new worker, which runs a pass within one poll interval of the
 * stop, and every change made before it is recorded exactly once.
 *
 * Chromium only: Firefox's background is not reachable over WebDriver BiDi to be stopped.
 * Build first: npm run build.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSettings, type Fleet, startFleet } from '../../fleet/index';
import type { PassSummary } from '../../lib/messages';
import type { Cluster } from '../../lib/model';
import { chromiumBrowser, type ExtensionBrowser } from './browsers';
import { importSettingsThroughOptions, type LaunchedExtension, launchExtension } from './harness';
import { logInToFleet } from './people';
import { storedChanges } from './stored';

const POLL_INTERVAL_MS = 30_000;

describe('a worker stopped mid-pass', () => {
  let fleet: Fleet;
  let ext: LaunchedExtension;
  let browser: ExtensionBrowser;
  const meta = async (key: string) =>
    (await browser.readTable<{ key: string; value: unknown }>('meta')).find((m) => m.key === key)?.value;
  const clusterId = (display: string) =>
    `demo/${fleet.clusters().find((c) => c.displayName === display)?.id}`;

  beforeAll(async () => {
    fleet = await startFleet({ seed: 7, autoRun: false });
    ext = await launchExtension();
    browser = chromiumBrowser(ext);
    expect(await importSettingsThroughOptions(ext, demoSettings(fleet))).toMatch(/Imported 1 source/);
    const login = await ext.context.newPage();
    await logInToFleet(login, fleet);
    await login.close();
    expect(((await browser.send({ type: 'poll-now' })) as { last?: PassSummary }).last?.clusters.ok).toBe(12);
  });
  afterAll(async () => {
    await ext?.close();
    await fleet?.stop();
  });

  it('is followed by a pass within one poll interval, with nothing lost or doubled', async () => {
    fleet.control.apply('scale', 'prod-eu-2');
    fleet.control.apply('bad-rollout', 'prod-eu-1');
    fleet.control.settle();
    const before = (await meta('last-pass')) as PassSummary;
    // One cluster answers slowly, so the pass is still running when the worker is stopped.
    fleet.control.fault({ cluster: 'prod-us-1', kind: 'slow', count: 2, ms: 6_000 });
    const page = await ext.openPage('options.html');
    await page.evaluate(() => {
      const api = (
        globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }
      ).chrome;
      void api.runtime.sendMessage({ type: 'poll-now' }).catch(() => {});
    });
    for (let i = 0; i < 40 && !(await meta('pass-lease')); i++) await page.waitForTimeout(100);
    expect(await meta('pass-lease')).toBeDefined();
    await page.waitForTimeout(1_000);

    const cdp = await ext.context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    const stoppedAt = Date.now();
    await cdp.detach();
    // The stopped pass never finished, and left its lease behind.
    expect(((await meta('last-pass')) as PassSummary).finishedAt).toBe(before.finishedAt);
    expect(await meta('pass-lease')).toBeDefined();

    let next: PassSummary | undefined;
    for (let i = 0; i < 120; i++) {
      next = (await meta('last-pass')) as PassSummary;
      if (next.finishedAt !== before.finishedAt) break;
      await page.waitForTimeout(500);
    }
    expect(next?.finishedAt).not.toBe(before.finishedAt);
    expect(next?.startedAt).toBeGreaterThan(stoppedAt);
    expect((next?.startedAt ?? Number.POSITIVE_INFINITY) - stoppedAt).toBeLessThanOrEqual(
      POLL_INTERVAL_MS + 2_000,
    );
    expect(next?.clusters.ok).toBe(12);

    const clusters = await browser.readTable<Cluster>('clusters');
    expect(clusters.filter((c) => (c.lastOkPoll ?? 0) < (next?.startedAt ?? 0))).toEqual([]);
    const changes = await storedChanges((t) => browser.readTable(t));
    const scaled = changes.filter(
      (c) => c.clusterId === clusterId('prod-eu-2') && c.fields.some((f) => f.path === 'spec.replicas'),
    );
    const cart = changes.filter((c) => c.clusterId === clusterId('prod-eu-1') && c.name === 'cart');
    expect(scaled).toHaveLength(1);
    expect(cart).toHaveLength(1);
    expect(cart[0]?.actor).toMatchObject({ name: 'erin', kind: 'person' });
    expect(new Set(changes.map((c) => c.id)).size).toBe(changes.length);
    await page.close();
  });
});

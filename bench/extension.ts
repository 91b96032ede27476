/**
 * What the browser benchmarks share: the built extension launched in Debian's Chromium, settings
 * that keep the background from polling while figures are taken, and the popup opened until its
 * grid is complete.
 */
import { resolve } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { validateSettings } from '../lib/settings';
import { launchExtension } from '../test/e2e/harness';

/** The store build (`npx wxt build`), or BENCH_DIST: what users open, for the page benchmarks. */
export const DIST = resolve(process.env.BENCH_DIST ?? '.output/chrome-mv3');

/**
 * The demo build (`npx wxt build --mode demo`), or BENCH_DIST: the store build asks for no host
 * access up front, and a benchmark that polls the bench fleet on 127.0.0.1 cannot answer a
 * permission prompt; the demo build carries the loopback grant and nothing else that a pass uses.
 */
export const DEMO_DIST = resolve(process.env.BENCH_DIST ?? '.output/chrome-mv3-demo');

/** Set by the popup after its first frame with data, which is the complete grid. */
export const COMPLETE = 'tattler:grid-complete';

// The background runs a pass when settings change, then every pollIntervalSec. An hour keeps it
// from polling (and failing on) the made-up Rancher while the figures are taken.
const parsed = validateSettings({
  version: 1,
  pollIntervalSec: 3600,
  sources: [
    {
      id: 'fleet',
      name: 'Fleet',
      type: 'rancher',
      // Nothing listens there: the pass a settings change starts fails at once, on loopback.
      baseUrl: 'http://127.0.0.1:9',
      links: {
        user: 'https://rancher.example.com/dashboard/c/local/explorer/apps.deployment?changedBy={user}',
      },
    },
  ],
});
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
/** Settings naming the seeded source ('fleet'), whose Rancher answers nothing. */
export const quietSettings = parsed.value;

export async function launch(
  dist: string,
  profileDir = '',
): Promise<{ context: BrowserContext; id: string; close(): Promise<void> }> {
  const ext = await launchExtension({ dist, profileDir, viewport: { width: 800, height: 600 } });
  // esbuild (through tsx) wraps named functions in __name(); functions sent to pages need it defined.
  await ext.context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  return { context: ext.context, id: ext.extensionId, close: ext.close };
}

export const popupUrl = (id: string, query = '') => `chrome-extension://${id}/popup.html${query}`;

export async function openPopup(
  context: BrowserContext,
  id: string,
  query = '',
  scheme: 'light' | 'dark' = 'light',
) {
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(popupUrl(id, query));
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, COMPLETE, {
    timeout: 180_000,
  });
  return page;
}

/**
 * Writes the quiet settings and waits for the pass that triggers to end (it fails: the Rancher
 * is made up), then lets the popup create the database with its own Dexie schema.
 */
export async function prepare(context: BrowserContext, id: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(popupUrl(id));
  await page.evaluate(async (value) => {
    // biome-ignore lint/suspicious/noExplicitAny: the page's own extension API, untyped here.
    const chrome = (globalThis as any).chrome;
    await chrome.storage.local.set({ settings: value });
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const status = await chrome.runtime.sendMessage({ type: 'status' }).catch(() => undefined);
      if (status && !status.running && status.last) break;
    }
  }, quietSettings);
  await page.close();
  await (await openPopup(context, id)).close();
}

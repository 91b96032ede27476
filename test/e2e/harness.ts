/**
 * Launches Debian's Chromium (or CHROME_PATH) with the built extension, headless, the way a
 * person's browser runs it: a real service worker, real IndexedDB, real cookies.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';
import { readStore } from './in-extension';

/**
 * The demo build (`npm run build:demo`: loopback host access and content script built in), which
 * the tests against the demo fleet use; and the store build (`npm run build`), which asks for every
 * origin at run time.
 */
export const DIST = resolve(import.meta.dirname, '../../.output/chrome-mv3-demo');
export const STORE_DIST = resolve(import.meta.dirname, '../../.output/chrome-mv3');

export function chromePath(): string {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) throw new Error('No Chromium found: install Debian\'s "chromium" or set CHROME_PATH');
  return found;
}

/**
 * Closes a tab. Chromium can acknowledge a close that races a navigation's commit (a log-in's
 * redirect that just landed) without closing the tab, and `page.close()` then waits forever
 * (microsoft/playwright#42366; a second `page.close()` only waits on the first). So: let the page
 * finish loading, close, and if the tab is still there after 5 s ask again with CDP's Page.close,
 * which that race does not swallow.
 */
export async function closeTab(page: Page): Promise<void> {
  await page.waitForLoadState('load', { timeout: 10_000 }).catch(() => undefined);
  const closed = new Promise<true>((r) => page.once('close', () => r(true)));
  const within = (ms: number) =>
    Promise.race([closed, new Promise<false>((r) => setTimeout(() => r(false), ms))]);
  void page.close().catch(() => undefined);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (page.isClosed() || (await within(5_000))) return;
    await page.close({ runBeforeUnload: true }).catch(() => undefined);
  }
  if (!(await within(5_000))) throw new Error(`the tab at ${page.url()} did not close`);
}

export interface LaunchedExtension {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  /** Opens an extension page (popup.html, options.html) in a tab. */
  openPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  headless?: boolean;
  dist?: string;
  /** A profile folder to keep between launches; '' (default) is a fresh temporary one. */
  profileDir?: string;
  viewport?: { width: number; height: number };
}

export async function launchExtension(options: LaunchOptions = {}): Promise<LaunchedExtension> {
  const dist = options.dist ?? DIST;
  if (!existsSync(resolve(dist, 'manifest.json')))
    throw new Error(`No built extension at ${dist}: run npm run build:demo (or npm run build)`);
  const context = await chromium.launchPersistentContext(options.profileDir ?? '', {
    executablePath: chromePath(),
    headless: options.headless ?? true,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    args: [
      `--disable-extensions-except=${dist}`,
      `--load-extension=${dist}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const worker =
    context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    worker,
    extensionId,
    async openPage(path: string) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    close: () => context.close(),
  };
}

/** Imports settings the way a person does: the options page's paste-and-import. */
export async function importSettingsThroughOptions(
  ext: LaunchedExtension,
  settings: unknown,
): Promise<string> {
  const page = await ext.openPage('options.html');
  await page.getByLabel('Settings JSON').fill(JSON.stringify(settings, null, 2));
  await page.getByRole('button', { name: 'Import' }).click();
  // While the browser answers the host-access request, the page says it is asking; that is not
  // the outcome (the request may take a moment under load even where access is already granted).
  const outcome = page
    .getByRole('status')
    .or(page.getByRole('alert'))
    .filter({ hasNotText: /is asking whether Tattler may read/ });
  await outcome.first().waitFor();
  const text = (await outcome.first().textContent()) ?? '';
  await closeTab(page);
  return text;
}

/** Asks the background for a pass through the extension's own message API, from an extension page. */
export async function pollNow(ext: LaunchedExtension): Promise<unknown> {
  const page = await ext.openPage('options.html');
  try {
    return await page.evaluate(() => {
      const api = (
        globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }
      ).chrome;
      return api.runtime.sendMessage({ type: 'poll-now' });
    });
  } finally {
    await closeTab(page);
  }
}

/** Reads a table of the extension's IndexedDB, from inside its service worker (same origin, no tab). */
export async function readTable<T = unknown>(ext: LaunchedExtension, table: string): Promise<T[]> {
  return (await ext.worker.evaluate(readStore, table)) as T[];
}

/** What a test can see of an element inside a badge's closed shadow root. */
export interface BadgePart {
  text: string;
  label: string | null;
  href: string | null;
  expanded: string | null;
  /** Centre of the element, for a real mouse click. */
  x: number;
  y: number;
}

/**
 * Finds elements inside Tattler's badges. The badges use closed shadow roots (the page's own
 * scripts must not read them), so this goes through the DevTools protocol, which sees
 * closed roots, the way a person's screen reader sees them.
 */
export async function badgeParts(page: Page, selector: string): Promise<BadgePart[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    type DomNode = { nodeId: number; nodeName: string; children?: DomNode[]; shadowRoots?: DomNode[] };
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
    const shadowRoots: DomNode[] = [];
    const walk = (n: DomNode) => {
      if (n.nodeName === 'TATTLER-BADGE') shadowRoots.push(...(n.shadowRoots ?? []));
      for (const c of [...(n.children ?? []), ...(n.shadowRoots ?? [])]) walk(c);
    };
    walk(root);
    const parts: BadgePart[] = [];
    for (const sr of shadowRoots) {
      const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: sr.nodeId, selector });
      for (const nodeId of nodeIds) {
        const { object } = await cdp.send('DOM.resolveNode', { nodeId });
        const { result } = await cdp.send('Runtime.callFunctionOn', {
          objectId: object.objectId as string,
          returnByValue: true,
          functionDeclaration: `function () {
            const r = this.getBoundingClientRect();
            return { text: this.textContent, label: this.getAttribute('aria-label'), href: this.href || null,
              expanded: this.getAttribute('aria-expanded'), x: r.x + r.width / 2, y: r.y + r.height / 2 };
          }`,
        });
        parts.push(result.value as BadgePart);
      }
    }
    return parts;
  } finally {
    await cdp.detach();
  }
}

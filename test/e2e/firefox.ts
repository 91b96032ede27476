/**
 * Launches Debian's Firefox ESR (or FIREFOX_PATH) with the built Firefox package installed as a
 * temporary add-on, driven by puppeteer-core over WebDriver BiDi — no browser is downloaded.
 *
 * What differs from Chromium, and how this copes:
 * - Extension pages (moz-extension://) send no load event over BiDi, so `page.goto` would time
 *   out: they are opened with BiDi's `browsingContext.navigate(…, wait: 'complete')`, which needs
 *   `--remote-allow-system-access`.
 * - The background page is not reachable over BiDi: IndexedDB is read from an extension page
 *   (the same origin).
 * - Badges live in closed shadow roots: BiDi returns them with `includeShadowTree: 'all'`.
 * - Run-time permission requests show a doorhanger in the browser window; `allowPermissionPrompt`
 *   presses its Allow button in the browser's chrome, as a person would.
 * - The profile keeps Firefox's real cookie jar (Total Cookie Protection), which puppeteer's
 *   default profile turns off.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { BadgePart, ExtensionBrowser, Tab } from './browsers';
import { callExtensionApi, readStore, sendMessage } from './in-extension';

/** The demo build (loopback built in) and the store build, as for Chromium (harness.ts). */
export const FIREFOX_DIST = resolve(import.meta.dirname, '../../.output/firefox-mv3-demo');
export const FIREFOX_STORE_DIST = resolve(import.meta.dirname, '../../.output/firefox-mv3');
const GECKO_ID = 'tattler@tattler.dev';
/** A fixed moz-extension:// host, so tests know the extension's origin before it starts. */
const UUID = '5e1f7a2c-7a77-4e2a-9d5a-7a771e400001';

export function firefoxPath(): string {
  const candidates = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr'];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) throw new Error('No Firefox found: install Debian\'s "firefox-esr" or set FIREFOX_PATH');
  return found;
}

interface BidiConnection {
  send(method: string, params: object): Promise<{ result: Record<string, unknown> }>;
}

type Remote = { type: string; value?: unknown; sharedId?: string };

export async function launchFirefox(options: { dist?: string } = {}): Promise<ExtensionBrowser> {
  const dist = options.dist ?? FIREFOX_DIST;
  if (!existsSync(resolve(dist, 'manifest.json')))
    throw new Error(`No built extension at ${dist}: run npm run build:demo (or npm run build:firefox)`);
  const browser: Browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    args: ['--remote-allow-system-access'],
    defaultViewport: { width: 1280, height: 800 },
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: UUID }),
      // A real profile's cookie jar: Total Cookie Protection on.
      'browser.contentblocking.category': 'custom',
      'network.cookie.cookieBehavior': 5,
      // Background logs on stdout, for a failing run's diagnosis (seen with FIREFOX_LOGS=1).
      'devtools.console.stdout.chrome': true,
      'devtools.console.stdout.content': true,
      // Lets a test read the clipboard without Firefox's paste prompt (what a badge copied).
      'dom.events.testing.asyncClipboard': true,
    },
    dumpio: process.env.FIREFOX_LOGS === '1',
  });
  await browser.installExtension(dist);
  const connection = (browser as unknown as { connection: BidiConnection }).connection;
  const origin = `moz-extension://${UUID}`;
  const contextOf = (page: Page) => (page.mainFrame() as unknown as { _id: string })._id;

  async function navigate(page: Page, url: string) {
    if (url.startsWith('moz-extension:')) {
      await connection.send('browsingContext.navigate', { context: contextOf(page), url, wait: 'complete' });
    } else {
      await page.goto(url, { waitUntil: 'load' });
    }
  }

  /** Evaluates an expression in the browser window's chrome (toolbar, doorhangers, popups). */
  async function inBrowserWindow(expression: string): Promise<unknown> {
    const { result } = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
    const window = (result.contexts as { context: string; url: string }[]).find((c) =>
      c.url.startsWith('chrome://browser/content/browser.'),
    );
    if (!window) throw new Error('no browser window');
    const { result: evaluated } = await connection.send('script.evaluate', {
      expression,
      target: { context: window.context },
      awaitPromise: true,
    });
    if (evaluated.type === 'exception')
      throw new Error(`in the browser window: ${JSON.stringify(evaluated)}`);
    return (evaluated.result as Remote | undefined)?.value;
  }

  /** Calls `fn` with `this` bound to a remote object, in the page; JSON in, JSON out. */
  async function callOn(page: Page, target: Remote | undefined, fn: string, arg: unknown): Promise<unknown> {
    const { result } = await connection.send('script.callFunction', {
      functionDeclaration: `function (json) { return JSON.stringify((${fn}).call(this, JSON.parse(json))); }`,
      target: { context: contextOf(page) },
      ...(target ? { this: target } : {}),
      arguments: [{ type: 'string', value: JSON.stringify(arg ?? null) }],
      awaitPromise: false,
    });
    const out = result.result as Remote;
    if (result.type === 'exception') throw new Error(`in page: ${JSON.stringify(result.exceptionDetails)}`);
    return out.type === 'string' ? JSON.parse(out.value as string) : undefined;
  }

  const tabOf = (page: Page): Tab => ({
    goto: (url) => navigate(page, url.includes('://') ? url : `${origin}/${url}`),
    url: async () => page.url(),
    async fill(label, text) {
      await page.bringToFront();
      const field = await formControl(page, label);
      // As Playwright's fill does: focus, replace the value, and fire `input` (typing 2 kB of
      // JSON key by key over BiDi would take a minute).
      await field.evaluate((el, value) => {
        const input = el as HTMLInputElement;
        input.focus();
        const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(input), 'value')?.set;
        setter?.call(input, value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
      }, text);
    },
    async click(role, name) {
      await page.bringToFront();
      const target = await page.waitForSelector(`::-p-aria([name="${name}"][role="${role}"])`, {
        timeout: 15_000,
      });
      await target?.click();
    },
    async clickAt(x, y) {
      await page.bringToFront();
      await page.mouse.click(x, y);
    },
    // biome-ignore lint/performance/useDomNodeTextContent: the text as shown, line breaks and all
    text: () => page.evaluate(() => document.body.innerText),
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    async badgeParts(selector) {
      // The hosts, with their closed shadow roots serialized (BiDi can see them).
      const { result } = await connection.send('script.callFunction', {
        functionDeclaration: '() => [...document.querySelectorAll("tattler-badge")]',
        target: { context: contextOf(page) },
        awaitPromise: false,
        serializationOptions: { includeShadowTree: 'all', maxDomDepth: 0 },
      });
      const hosts = ((result.result as Remote).value ?? []) as { value?: { shadowRoot?: Remote } }[];
      const parts: BadgePart[] = [];
      for (const host of hosts) {
        const root = host.value?.shadowRoot;
        if (!root?.sharedId) continue;
        const found = (await callOn(
          page,
          { type: 'node', sharedId: root.sharedId },
          `function (selector) {
            return [...this.querySelectorAll(selector)].map((el) => {
              const r = el.getBoundingClientRect();
              return { text: el.textContent, label: el.getAttribute('aria-label'), href: el.href || null,
                expanded: el.getAttribute('aria-expanded'), x: r.x + r.width / 2, y: r.y + r.height / 2 };
            });
          }`,
          selector,
        )) as BadgePart[];
        parts.push(...found);
      }
      return parts;
    },
    async press(key) {
      await page.keyboard.press(key as never);
    },
    readClipboard: () => page.evaluate(() => navigator.clipboard.readText()),
    close: () => page.close(),
  });

  /** One extension page kept open to talk to the background and read IndexedDB. */
  let helper: Promise<Page> | undefined;
  const extensionPage = () => {
    helper ??= browser.newPage().then(async (page) => {
      await navigate(page, `${origin}/options.html`);
      return page;
    });
    return helper;
  };

  return {
    name: 'firefox',
    extensionOrigin: origin,
    async open(url) {
      const page = await browser.newPage();
      const tab = tabOf(page);
      await tab.goto(url);
      // A background tab gets no animation frames in Firefox: the tab a test works in is in front.
      await page.bringToFront();
      return tab;
    },
    async send(message) {
      const page = await extensionPage();
      return page.evaluate(sendMessage, message as never);
    },
    async readTable<T>(table: string) {
      const page = await extensionPage();
      return (await page.evaluate(readStore, table)) as T[];
    },
    async extensionCall(path, args) {
      const page = await extensionPage();
      return page.evaluate(callExtensionApi, { path, args } as never);
    },
    async allowPermissionPrompt() {
      // The doorhanger is part of the browser window (chrome scope), not of any page.
      const deadline = Date.now() + 15_000;
      for (;;) {
        const said = await inBrowserWindow(`(() => {
          const n = document.getElementById('addon-webext-permissions-notification');
          if (!n || n.hidden || !PopupNotifications.isPanelOpen) return '';
          const text = n.textContent;
          n.button.click();
          return text || 'allowed';
        })()`);
        if (typeof said === 'string' && said) return said;
        if (Date.now() > deadline) throw new Error('Firefox showed no permission prompt');
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async toolbarPopupSize() {
      // Tattler's toolbar button, as a person finds it: in the Extensions panel.
      const size = await inBrowserWindow(`(async () => {
        await gUnifiedExtensions.togglePanel();
        for (let i = 0; i < 50; i++) {
          const button = document.querySelector(
            '[data-extensionid="${GECKO_ID}"] .unified-extensions-item-action-button');
          if (button) { button.click(); break; }
          await new Promise((r) => setTimeout(r, 100));
        }
        // Firefox grows the panel to the page once it has loaded: wait until the size holds.
        let last = '', steady = 0;
        for (let i = 0; i < 100 && steady < 5; i++) {
          const popup = document.querySelector('browser.webextension-popup-browser');
          const loaded = popup?.browsingContext?.currentWindowGlobal?.documentURI?.spec?.endsWith('/popup.html');
          const r = popup?.getBoundingClientRect();
          const now = loaded && r.width > 0 ? JSON.stringify({ width: r.width, height: r.height }) : '';
          steady = now && now === last ? steady + 1 : 0;
          last = now;
          await new Promise((r) => setTimeout(r, 200));
        }
        if (steady >= 5) return last;
        return '';
      })()`);
      if (typeof size !== 'string' || !size) throw new Error("Tattler's toolbar popup did not open");
      return JSON.parse(size) as { width: number; height: number };
    },
    close: () => browser.close(),
  };
}

/**
 * The form control whose accessible name is `label`. Firefox's accessibility locator also
 * returns the <label> element itself (its name is its text), so the control is picked out.
 */
async function formControl(page: Page, label: string) {
  const until = Date.now() + 15_000;
  for (;;) {
    for (const el of await page.$$(`::-p-aria(${label})`)) {
      if (await el.evaluate((e) => e.matches('input, textarea, select, [contenteditable]'))) return el;
    }
    if (Date.now() > until) throw new Error(`no field labelled "${label}"`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

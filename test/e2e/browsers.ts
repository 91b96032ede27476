/**
 * One test body, two browsers: what the shared end-to-end flows need from a browser with
 * Tattler in it, and a launcher for each. Chromium is driven by playwright-core (harness.ts),
 * Firefox by puppeteer-core over WebDriver BiDi (firefox.ts); both run Debian's own builds.
 *
 * Tabs are found and worked the way a person (or a screen reader) finds things: fields by their
 * label, buttons and links by role and name, text as it is shown.
 */
import type { Page } from 'playwright-core';
import { FIREFOX_STORE_DIST, launchFirefox } from './firefox';
import {
  type BadgePart,
  badgeParts,
  closeTab,
  type LaunchedExtension,
  launchExtension,
  STORE_DIST,
} from './harness';
import { callExtensionApi, readStore, sendMessage } from './in-extension';

export type { BadgePart };

export type BrowserName = 'chromium' | 'firefox';

export interface Tab {
  /** A web page URL, or an extension page's path (`popup.html`). */
  goto(url: string): Promise<void>;
  url(): Promise<string>;
  /** Types into the field whose accessible name is `label` (exactly). */
  fill(label: string, text: string): Promise<void>;
  click(role: 'button' | 'link', name: string): Promise<void>;
  clickAt(x: number, y: number): Promise<void>;
  /** The page's text as shown. */
  text(): Promise<string>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Elements inside Tattler's badges (closed shadow roots) matching `selector`. */
  badgeParts(selector: string): Promise<BadgePart[]>;
  /** Presses a key (`Enter`) on whatever has the focus, as a keyboard would. */
  press(key: string): Promise<void>;
  /** The clipboard's text, read by the page (the test is allowed to read it). */
  readClipboard(): Promise<string>;
  close(): Promise<void>;
}

export interface ExtensionBrowser {
  readonly name: BrowserName;
  /** `chrome-extension://<id>` or `moz-extension://<uuid>`. */
  readonly extensionOrigin: string;
  /** A new tab at a web page URL, or at an extension page's path (`options.html`). */
  open(url: string): Promise<Tab>;
  /** A message to the background from an extension page, as the popup sends it. */
  send(message: unknown): Promise<unknown>;
  /** Every row of a table of Tattler's IndexedDB, read from an extension page. */
  readTable<T = unknown>(table: string): Promise<T[]>;
  /** Calls an extension API from an extension page, e.g. `permissions.contains`. */
  extensionCall(path: string, args: unknown[]): Promise<unknown>;
  /**
   * Presses Allow on the browser's own run-time permission prompt; resolves with what the
   * prompt said. Chromium's prompt is a native dialog that no automation protocol reaches:
   * there it throws (see `answersPermissionPrompts`).
   */
  allowPermissionPrompt(): Promise<string>;
  /**
   * Opens Tattler's popup from the toolbar and measures it. Chromium cannot open its toolbar
   * popup under automation (it throws there); its popup is the same page with the same size.
   */
  toolbarPopupSize(): Promise<{ width: number; height: number }>;
  close(): Promise<void>;
}

/** Whether a test can press Allow on this browser's permission prompt, and open its toolbar popup. */
export const reachesBrowserUi = (name: BrowserName) => name === 'firefox';

/**
 * `build`: the demo build (loopback built in; `npm run build:demo`) or the store build
 * (`npm run build`, `build:firefox`), which asks for every origin at run time — only Firefox's
 * prompt can be answered by a test.
 */
export function launchBrowser(
  name: BrowserName,
  build: 'demo' | 'store' = 'demo',
): Promise<ExtensionBrowser> {
  if (name === 'firefox') return launchFirefox(build === 'store' ? { dist: FIREFOX_STORE_DIST } : {});
  return launchChromium(build);
}

export async function launchChromium(build: 'demo' | 'store' = 'demo'): Promise<ExtensionBrowser> {
  return chromiumBrowser(await launchExtension(build === 'store' ? { dist: STORE_DIST } : {}));
}

/** The Chromium launcher's extension, seen through the shared interface. */
export function chromiumBrowser(ext: LaunchedExtension): ExtensionBrowser {
  const origin = `chrome-extension://${ext.extensionId}`;
  const tabOf = (page: Page): Tab => ({
    async goto(url) {
      await page.goto(url.includes('://') ? url : `${origin}/${url}`);
    },
    url: async () => page.url(),
    async fill(label, text) {
      await page.getByLabel(label, { exact: true }).fill(text);
    },
    async click(role, name) {
      await page.getByRole(role, { name, exact: true }).click();
    },
    async clickAt(x, y) {
      await page.mouse.click(x, y);
    },
    // biome-ignore lint/performance/useDomNodeTextContent: the text as shown, line breaks and all
    text: () => page.evaluate(() => document.body.innerText),
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    badgeParts: (selector) => badgeParts(page, selector),
    press: (key) => page.keyboard.press(key),
    async readClipboard() {
      await page.context().grantPermissions(['clipboard-read'], { origin: new URL(page.url()).origin });
      return page.evaluate(() => navigator.clipboard.readText());
    },
    close: () => closeTab(page),
  });

  let helper: Promise<Page> | undefined;
  const extensionPage = () => {
    helper ??= ext.openPage('options.html');
    return helper;
  };

  return {
    name: 'chromium',
    extensionOrigin: origin,
    async open(url) {
      const tab = tabOf(await ext.context.newPage());
      await tab.goto(url);
      return tab;
    },
    async send(message) {
      const page = await extensionPage();
      return page.evaluate(sendMessage, message);
    },
    async readTable<T>(table: string) {
      const page = await extensionPage();
      return (await page.evaluate(readStore, table)) as T[];
    },
    async extensionCall(path, args) {
      const page = await extensionPage();
      return page.evaluate(callExtensionApi, { path, args });
    },
    allowPermissionPrompt: () =>
      Promise.reject(new Error("Chromium's permission prompt is a native dialog no automation reaches")),
    toolbarPopupSize: () =>
      Promise.reject(new Error("Chromium's toolbar popup cannot be opened under automation")),
    close: () => ext.close(),
  };
}

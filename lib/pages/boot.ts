/**
 * The content script's wiring (entrypoints/pages.content.ts stays thin): read settings, pick
 * the integrations allowed on this page, run the runtime, and follow the page and the settings.
 *
 *   - settings change (browser.storage.onChanged): restart only when `pages` or `labels`
 *     changed; an integration switched off loses its badges at once;
 *   - navigation without reload (`wxt:locationchange`): rescan;
 *   - the content script's context ends (extension updated or removed, page left): stop,
 *     disconnect, remove badges.
 *
 * Content scripts never open IndexedDB: they ask the background by message.
 */
import type { browser as wxtBrowser } from 'wxt/browser';
import type { CorrelateAnswer } from '../correlate/wire';
import type { PageGroup, PageSubject } from '../messages';
import { defaultSettings, loadSettings, SETTINGS_KEY, type Settings } from '../settings';
import { builtInPatternsOf } from './built-in';
import { integrationsFor } from './registry';
import { type Runtime, startRuntime } from './runtime';
import { sameOriginJson } from './same-origin';
import type { MountBadge } from './types';

type BrowserApi = typeof wxtBrowser;

/** The parts of WXT's ContentScriptContext used here (tests pass a small fake). */
export interface PagesContext {
  onInvalidated(callback: () => void): () => void;
  addEventListener(target: Window, type: 'wxt:locationchange', handler: () => void): void;
}

export interface BootOptions {
  ctx: PagesContext;
  browser: BrowserApi;
  mountBadge: MountBadge;
  doc?: Document;
  win?: Window;
  refreshMs?: number;
}

export interface Pages {
  /** Resolves when the current runtime (if any) has nothing pending. */
  idle(): Promise<void>;
  stop(): void;
}

const relevant = (s: Settings) => JSON.stringify({ pages: s.pages, labels: s.labels });

export function bootPages(options: BootOptions): Pages {
  const { ctx, browser, mountBadge } = options;
  const doc = options.doc ?? document;
  const win = options.win ?? window;
  let runtime: Runtime | undefined;
  let applied: string | undefined;
  let stopped = false;
  let pending: Promise<void> = Promise.resolve();

  const log = (message: string, error?: unknown) => console.warn(`Tattler: ${message}`, error ?? '');

  async function readSettings(): Promise<Settings> {
    const loaded = await loadSettings(browser.storage.local);
    return loaded.ok ? loaded.value : defaultSettings();
  }

  function start(settings: Settings) {
    runtime?.stop();
    runtime = undefined;
    applied = relevant(settings);
    const url = new URL(win.location.href);
    // The manifest's own content script (the demo build's loopback) runs integrations unlisted.
    const integrations = integrationsFor(url, settings.pages, builtInPatternsOf(browser.runtime));
    if (integrations.length === 0) return;
    runtime = startRuntime({
      doc,
      integrations,
      labels: settings.labels,
      mountBadge,
      correlate: (subjects: PageSubject[]) =>
        browser.runtime.sendMessage({ type: 'correlate', subjects }) as Promise<CorrelateAnswer | undefined>,
      correlateGroups: (groups: PageGroup[]) =>
        browser.runtime.sendMessage({ type: 'correlate-groups', groups }) as Promise<
          CorrelateAnswer | undefined
        >,
      watchedJobNames: async () => {
        const answer = (await browser.runtime.sendMessage({ type: 'watched-jobs' })) as { names?: unknown };
        return Array.isArray(answer?.names)
          ? answer.names.filter((n): n is string => typeof n === 'string')
          : [];
      },
      fetchJson: (u) => sameOriginJson(u, win.location.href),
      url: () => new URL(win.location.href),
      log,
      ...(options.refreshMs !== undefined ? { refreshMs: options.refreshMs } : {}),
    });
  }

  function apply(force: boolean) {
    pending = pending
      .then(async () => {
        if (stopped) return;
        const settings = await readSettings();
        if (stopped || (!force && relevant(settings) === applied)) return;
        start(settings);
      })
      .catch((error) => log('could not start the page integrations', error));
  }

  const onStorage = (changes: Record<string, unknown>, area: string) => {
    if (area === 'local' && SETTINGS_KEY in changes) apply(false);
  };
  browser.storage.onChanged.addListener(onStorage);
  ctx.addEventListener(win, 'wxt:locationchange', () => {
    // The same integrations stay allowed (same origin); which of them matches is decided per scan.
    runtime?.rescan();
  });

  function stop() {
    if (stopped) return;
    stopped = true;
    browser.storage.onChanged.removeListener(onStorage);
    runtime?.stop();
    runtime = undefined;
  }
  ctx.onInvalidated(stop);
  apply(true);

  return {
    async idle() {
      await pending;
      await runtime?.idle();
    },
    stop,
  };
}

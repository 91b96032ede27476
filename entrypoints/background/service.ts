/**
 * The background's wiring: browser events → lib/. Everything it does is in lib/; this file
 * only decides when (alarms, messages, settings changes) and holds the one in-memory guard.
 * It takes `browser` and the adapters as parameters so tests can run it with fakeBrowser.
 */
import type { browser as wxtBrowser } from 'wxt/browser';
import { handlePageRequest } from '../../lib/correlate/query';
import { changesBetween, openDb, prune, type TattlerDb } from '../../lib/db';
import { createHttp, type FetchLike } from '../../lib/http';
import { acquireLease, releaseLease, renewLease } from '../../lib/lease';
import { type PassSummary, parseRequest, type Request, type StatusAnswer } from '../../lib/messages';
import { lastPass, lastPrune } from '../../lib/meta';
import { type RegistrationApi, syncContentScripts } from '../../lib/pages/registration';
import { matchPatternOf } from '../../lib/permissions';
import { isSecretKey, loadSecrets } from '../../lib/secrets';
import { defaultSettings, loadSettings, type Settings, type SourceSettings } from '../../lib/settings';
import type { SourceAdapter } from '../../lib/sources/types';
import { applyToolbarBadge, BADGE_WINDOW_MS } from '../../lib/toolbar-badge';
import { runPass } from '../../lib/watcher';

/** The extension API as WXT types it (webextension-polyfill at run time). */
export type BrowserApi = typeof wxtBrowser;

export const PASS_ALARM = 'tattler-pass';
const LEASE_TTL_MS = 5 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;

export interface BackgroundOptions {
  browser: BrowserApi;
  adapterFor: (type: SourceSettings['type']) => SourceAdapter;
  fetch?: FetchLike;
  dbName?: string;
  now?: () => number;
  /** Defaults to asking the browser whether Tattler holds host permission for the origin. */
  canRead?: (origin: string) => Promise<boolean>;
}

export interface BackgroundHandle {
  db: TattlerDb;
  /** Runs a pass unless one is already running (then waits for that one). */
  runPassNow(): Promise<PassSummary | undefined>;
}

export function startBackground(options: BackgroundOptions): BackgroundHandle {
  const { browser } = options;
  const now = options.now ?? Date.now;
  const db = openDb(options.dbName);
  const owner = crypto.randomUUID();
  let running: Promise<PassSummary | undefined> | undefined;

  const canRead =
    options.canRead ??
    ((origin: string) => {
      const pattern = matchPatternOf(origin);
      return pattern ? browser.permissions.contains({ origins: [pattern] }) : Promise.resolve(false);
    });

  async function currentSettings(): Promise<Settings> {
    const loaded = await loadSettings(browser.storage.local);
    if (loaded.ok) return loaded.value;
    // Stored settings that no longer validate are left as they are for the options page to
    // show; polling nothing is safer than polling with half a configuration.
    console.warn('Tattler: stored settings are invalid:', loaded.errors.join('; '));
    return defaultSettings();
  }

  async function pass(): Promise<PassSummary | undefined> {
    const settings = await currentSettings();
    if (!(await acquireLease(db, owner, now(), LEASE_TTL_MS))) return undefined;
    try {
      const summary = await runPass({
        db,
        settings,
        http: createHttp({
          timeoutMs: settings.requestTimeoutSec * 1000,
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
        adapterFor: options.adapterFor,
        now,
        canRead,
        secrets: await loadSecrets(
          browser.storage.local,
          settings.sources.map((s) => s.id),
        ),
        log: (line) => console.info(`Tattler: ${line}`),
        onClusterDone: async () => {
          await renewLease(db, owner, now(), LEASE_TTL_MS);
        },
      });
      await db.meta.put({ key: 'last-pass', value: summary });
      await updateToolbarBadge();
      await pruneNowAndThen(settings);
      return summary;
    } finally {
      await releaseLease(db, owner);
    }
  }

  async function updateToolbarBadge() {
    const at = now();
    try {
      await applyToolbarBadge(browser.action, await changesBetween(db, at - BADGE_WINDOW_MS), at);
    } catch (error) {
      // A badge that cannot be drawn is cosmetic; the pass itself succeeded.
      console.warn('Tattler: could not update the toolbar badge', error);
    }
  }

  async function pruneNowAndThen(settings: Settings) {
    const last = await lastPrune(db);
    if (last !== undefined && now() - last < PRUNE_EVERY_MS) return;
    await prune(db, now(), settings.retentionDays);
    await db.meta.put({ key: 'last-prune', value: now() });
  }

  function runPassNow(): Promise<PassSummary | undefined> {
    running ??= pass()
      .catch((error) => {
        console.error('Tattler: pass failed', error);
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  async function scheduleAlarm() {
    const settings = await currentSettings();
    const periodInMinutes = settings.pollIntervalSec / 60;
    const existing = await browser.alarms.get(PASS_ALARM);
    if (existing?.periodInMinutes === periodInMinutes) return;
    await browser.alarms.create(PASS_ALARM, { periodInMinutes, delayInMinutes: periodInMinutes });
  }

  async function status(): Promise<StatusAnswer> {
    const last = await lastPass(db);
    return { running: running !== undefined, ...(last ? { last } : {}) };
  }

  async function answer(request: Request): Promise<unknown> {
    switch (request.type) {
      case 'poll-now':
        await runPassNow();
        return status();
      case 'status':
        return status();
      default: {
        // Page integrations: correlate an alert with changes, list watched job names.
        const handled = handlePageRequest(request, db, await currentSettings(), now());
        if (handled === undefined) throw new Error(`Tattler: no handler for ${request.type}`);
        return handled;
      }
    }
  }

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === PASS_ALARM) void runPassNow();
  });

  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    // Only the extension's own pages and content scripts reach onMessage; check anyway, and
    // never act on a message that does not match its schema.
    if (sender.id !== browser.runtime.id) return undefined;
    const request = parseRequest(message);
    if (!request) return undefined;
    return answer(request);
  });

  /** Content scripts on the origins the user named for page integrations (and granted). */
  async function syncPages() {
    try {
      await syncContentScripts(await currentSettings(), browser as unknown as RegistrationApi);
    } catch (error) {
      console.warn('Tattler: could not register page integrations', error);
    }
  }

  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local' || !Object.keys(changes).some((k) => k === 'settings' || isSecretKey(k))) return;
    // New or edited sources (or a token entered): adjust the schedule and look at once.
    void scheduleAlarm().then(runPassNow);
    void syncPages();
  });
  browser.permissions?.onAdded?.addListener(() => void syncPages());
  browser.permissions?.onRemoved?.addListener(() => void syncPages());

  void scheduleAlarm();
  void syncPages();
  return { db, runPassNow };
}

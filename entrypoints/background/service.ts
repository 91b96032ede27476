/**
 * The background's wiring: browser events → lib/. Everything it does is in lib/; this file
 * only decides when (alarms, messages, settings changes) and holds the one in-memory guard.
 * It takes `browser` and the adapters as parameters so tests can run it with fakeBrowser.
 */
import type { browser as wxtBrowser } from 'wxt/browser';
import { openDb, prune, type TattlerDb } from '@/lib/db';
import { createHttp, type FetchLike } from '@/lib/http';
import { acquireLease, releaseLease, renewLease } from '@/lib/lease';
import { type PassSummary, parseRequest, type Request, type StatusAnswer } from '@/lib/messages';
import { isSecretKey, loadSecrets } from '@/lib/secrets';
import { defaultSettings, loadSettings, type Settings, type SourceSettings } from '@/lib/settings';
import type { SourceAdapter } from '@/lib/sources/types';
import { runPass } from '@/lib/watcher';

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
  /** Extra message handlers (page integrations); return undefined for requests they don't own. */
  handle?: (request: Request, db: TattlerDb, settings: Settings) => Promise<unknown> | undefined;
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
    options.canRead ?? ((origin: string) => browser.permissions.contains({ origins: [`${origin}/*`] }));

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
      await pruneNowAndThen(settings);
      return summary;
    } finally {
      await releaseLease(db, owner);
    }
  }

  async function pruneNowAndThen(settings: Settings) {
    const last = (await db.meta.get('last-prune'))?.value as number | undefined;
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
    const last = (await db.meta.get('last-pass'))?.value as PassSummary | undefined;
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
        const handled = options.handle?.(request, db, await currentSettings());
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

  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local' || !Object.keys(changes).some((k) => k === 'settings' || isSecretKey(k))) return;
    // New or edited sources (or a token entered): adjust the schedule and look at once.
    void scheduleAlarm().then(runPassNow);
  });

  void scheduleAlarm();
  return { db, runPassNow };
}

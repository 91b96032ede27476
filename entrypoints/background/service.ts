/**
 * The background's wiring: browser events → lib/. Everything it does is in lib/; this file
 * only decides when (alarms, messages, settings changes) and holds the one in-memory guard.
 * It takes `browser` and the adapters as parameters so tests can run it with fakeBrowser.
 */
import type { browser as wxtBrowser } from 'wxt/browser';
import { handlePageRequest } from '../../lib/correlate/query';
import { openDb, type TattlerDb } from '../../lib/db';
import { createHttp, type FetchLike } from '../../lib/http';
import { joinAcross } from '../../lib/identity/cause';
import { identityRulesOf } from '../../lib/identity/clusters';
import {
  acquireLease,
  backgroundOwner,
  HEARTBEAT_MS,
  LEASE_TTL_MS,
  releaseDeadLease,
  releaseLease,
  renewLease,
} from '../../lib/lease';
import {
  type NotStarted,
  type PassSummary,
  parseRequest,
  type Request,
  type StatusAnswer,
} from '../../lib/messages';
import { lastPass, lastPrune, setLastPass, setLastPrune } from '../../lib/meta';
import { AlertedClusters, clustersNamedByAlerts } from '../../lib/pace';
import { builtInPatternsOf } from '../../lib/pages/built-in';
import type { RegistrationApi } from '../../lib/pages/registration';
import { matchPatternOf } from '../../lib/permissions';
import { openSecretStore } from '../../lib/secret-store';
import { loadSecrets, migrateLegacySecrets, SECRETS_CHANGED_KEY, type SecretStore } from '../../lib/secrets';
import { defaultSettings, loadSettings, type Settings, type SourceSettings } from '../../lib/settings';
import type { SourceAdapter } from '../../lib/sources/types';
import { changesBetween } from '../../lib/store/changes';
import { prune } from '../../lib/store/prune';
import { applyToolbarBadge, BADGE_WINDOW_MS } from '../../lib/toolbar-badge';
import { runPass } from '../../lib/watcher';
import { startHeartbeat } from './heartbeat';
import { serializedPageSync } from './page-scripts';

/** The extension API as WXT types it (webextension-polyfill at run time). */
export type BrowserApi = typeof wxtBrowser;

export const PASS_ALARM = 'tattler-pass';
const PRUNE_EVERY_MS = 60 * 60_000;

export interface BackgroundOptions {
  browser: BrowserApi;
  adapterFor: (type: SourceSettings['type']) => SourceAdapter;
  fetch?: FetchLike;
  dbName?: string;
  now?: () => number;
  /** Defaults to asking the browser whether Tattler holds host permission for the origin. */
  canRead?: (origin: string) => Promise<boolean>;
  /** Where tokens are kept (lib/secret-store.ts: the extension's IndexedDB). */
  secretStore?: SecretStore;
  /** The pass lease's TTL and the heartbeat that renews it (lib/lease.ts); tests shorten them. */
  leaseTtlMs?: number;
  heartbeatMs?: number;
}

/** What asking for a pass came to: the pass's summary, or why none ran. */
export interface PassAttempt {
  summary?: PassSummary;
  notStarted?: NotStarted;
}

export interface BackgroundHandle {
  db: TattlerDb;
  /**
   * Runs a pass unless one is already running (then waits for that one). `eager`: the user (or
   * new settings) asked, so quiet clusters are polled too (lib/pace.ts).
   */
  runPassNow(eager?: boolean): Promise<PassSummary | undefined>;
  /** The same, saying why when no pass ran. */
  requestPass(eager?: boolean): Promise<PassAttempt>;
}

export function startBackground(options: BackgroundOptions): BackgroundHandle {
  const { browser } = options;
  const now = options.now ?? Date.now;
  const db = openDb(options.dbName);
  const leaseTtlMs = options.leaseTtlMs ?? LEASE_TTL_MS;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  // One id per background instance: a lease with another owner is not this instance's.
  const owner = backgroundOwner();
  let running: { since: number; eager: boolean; attempt: Promise<PassAttempt> } | undefined;
  // A pass cut off by the worker's end left clusters unasked, and what it was asked to do (a
  // "poll now"?) is not known: the first pass of this instance asks every cluster.
  let resumeEagerly = false;
  // Clusters the alerts open on pages name: polled every pass while they are (lib/pace.ts).
  const alerted = new AlertedClusters();

  // A browser runs one background instance at a time: a lease found now was left by the one
  // before, stopped mid-pass. Passes wait for this, so the first one (often the alarm that woke
  // this instance) is not turned away by it.
  const secretStore = options.secretStore ?? openSecretStore();
  const ready = Promise.all([
    releaseDeadLease(db, owner)
      .then((dead) => {
        if (dead) resumeEagerly = true;
        if (dead)
          console.info(
            `Tattler: released the lease of a pass cut off at start-up (held since ${new Date(dead.since).toISOString()})`,
          );
      })
      .catch((error) => console.warn('Tattler: could not check the pass lease at start-up', error)),
    moveLegacySecrets(),
  ]);

  /** Tokens an older version kept where content scripts can read them move to the secret store. */
  async function moveLegacySecrets() {
    try {
      const loaded = await loadSettings(browser.storage.local);
      // With invalid settings no token can be tied to its origin: they move once settings are fixed.
      if (!loaded.ok) return;
      const moved = await migrateLegacySecrets(
        browser.storage.local,
        secretStore,
        loaded.value.sources,
        now(),
      );
      if (moved) console.info(`Tattler: moved ${moved} stored token(s) to the extension's own database`);
    } catch (error) {
      console.warn('Tattler: could not move stored tokens', error);
    }
  }

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

  async function pass(asked: boolean): Promise<PassAttempt> {
    await ready;
    const eager = asked || resumeEagerly;
    resumeEagerly = false;
    const loaded = await loadSettings(browser.storage.local);
    if (!loaded.ok) {
      // Not a pass with default settings: with no sources it would retire every cluster.
      return {
        notStarted: {
          code: 'settings',
          message: `No pass: the stored settings are invalid (${loaded.errors[0] ?? 'unknown error'}). Fix them on the options page.`,
        },
      };
    }
    const settings = loaded.value;
    const lease = await acquireLease(db, owner, now(), leaseTtlMs);
    if (!lease.ok) {
      return {
        notStarted: {
          code: 'lease',
          message: `No pass: another pass holds the lease (since ${clock(lease.held.since)}, until ${clock(lease.held.expiresAt)} unless renewed).`,
          until: lease.held.expiresAt,
        },
      };
    }
    const stopHeartbeat = startHeartbeat(async () => {
      // The API call is what keeps the background alive; the lease shows the pass is.
      await browser.runtime.getPlatformInfo();
      if (!(await renewLease(db, owner, now(), leaseTtlMs)))
        console.warn('Tattler: another pass took the lease over while this one was running');
    }, heartbeatMs);
    try {
      // Each token with the origin it was entered for: http.ts sends it nowhere else.
      const secrets = await loadSecrets(secretStore, settings.sources);
      const summary = await runPass({
        db,
        settings,
        http: createHttp({
          timeoutMs: settings.requestTimeoutSec * 1000,
          secrets: secrets.bound,
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
        adapterFor: options.adapterFor,
        now,
        canRead,
        alerted: alerted.current(now()),
        eager,
        secrets: secrets.tokens,
        log: (line) => console.info(`Tattler: ${line}`),
      });
      await setLastPass(db, summary);
      await updateToolbarBadge(settings);
      await pruneNowAndThen(settings);
      return { summary };
    } finally {
      stopHeartbeat();
      await releaseLease(db, owner);
    }
  }

  async function updateToolbarBadge(settings: Settings) {
    const at = now();
    try {
      const [recent, clusters] = await Promise.all([
        changesBetween(db, at - BADGE_WINDOW_MS),
        db.clusters.toArray(),
      ]);
      // A sync and the change it caused are one change here too (lib/identity/cause.ts).
      await applyToolbarBadge(browser.action, joinAcross(recent, clusters, identityRulesOf(settings)), at);
    } catch (error) {
      // A badge that cannot be drawn is cosmetic; the pass itself succeeded.
      console.warn('Tattler: could not update the toolbar badge', error);
    }
  }

  async function pruneNowAndThen(settings: Settings) {
    const last = await lastPrune(db);
    // A time from the future was written by a clock that was ahead: prune now, not in an hour
    // after the clock catches up with it.
    if (last !== undefined && last <= now() && now() - last < PRUNE_EVERY_MS) return;
    await prune(db, now(), settings.retentionDays);
    await setLastPrune(db, now());
  }

  function requestPass(eager = false): Promise<PassAttempt> {
    if (running) {
      const { since, attempt } = running;
      // "Poll now" while the alarm's pass (which asks only the clusters due) runs: after it, a
      // pass that asks every cluster — joining it would answer with a pass that skipped some.
      if (eager && !running.eager) return attempt.then(() => requestPass(true));
      return attempt.then((result) =>
        result.summary
          ? {
              ...result,
              notStarted: {
                code: 'joined',
                message: `A pass was already running (since ${clock(since)}); this is its result.`,
              },
            }
          : result,
      );
    }
    const attempt = pass(eager)
      .catch((error): PassAttempt => {
        console.error('Tattler: pass failed', error);
        return {
          notStarted: {
            code: 'failed',
            message: `The pass failed: ${error instanceof Error ? error.message : String(error)}`,
          },
        };
      })
      .finally(() => {
        running = undefined;
      });
    running = { since: now(), eager, attempt };
    return attempt;
  }

  const runPassNow = (eager = false) => requestPass(eager).then((a) => a.summary);

  async function scheduleAlarm() {
    const settings = await currentSettings();
    const periodInMinutes = settings.pollIntervalSec / 60;
    const existing = await browser.alarms.get(PASS_ALARM);
    // An alarm due further ahead than one period was set while the clock was ahead: replace it.
    if (
      existing?.periodInMinutes === periodInMinutes &&
      existing.scheduledTime <= now() + periodInMinutes * 60_000
    )
      return;
    await browser.alarms.create(PASS_ALARM, { periodInMinutes, delayInMinutes: periodInMinutes });
  }

  async function status(): Promise<StatusAnswer> {
    const last = await lastPass(db);
    return { running: running !== undefined, ...(last ? { last } : {}) };
  }

  async function pollNow(): Promise<StatusAnswer> {
    const { notStarted } = await requestPass(true);
    return { ...(await status()), ...(notStarted ? { notStarted } : {}) };
  }

  async function answer(request: Request): Promise<unknown> {
    switch (request.type) {
      case 'poll-now':
        return pollNow();
      case 'status':
        return status();
      default: {
        // Page integrations: correlate an alert with changes, list watched job names.
        const handled = handlePageRequest(request, db, await currentSettings(), now());
        if (handled === undefined) throw new Error(`Tattler: no handler for ${request.type}`);
        // An alert open on a page makes the clusters it names hot for a while.
        return handled.then((answer) => {
          alerted.note(clustersNamedByAlerts(answer), now());
          return answer;
        });
      }
    }
  }

  // The listener returns the pass, so the event is not over until the pass is.
  browser.alarms.onAlarm.addListener((alarm) => (alarm.name === PASS_ALARM ? runPassNow(false) : undefined));

  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    // Only the extension's own pages and content scripts reach onMessage; check anyway, and
    // never act on a message that does not match its schema.
    if (sender.id !== browser.runtime.id) return undefined;
    const request = parseRequest(message);
    if (!request) return undefined;
    return answer(request);
  });

  /** Content scripts on the origins the user named for page integrations (and granted). */
  const syncPages = serializedPageSync(
    currentSettings,
    browser as unknown as RegistrationApi,
    builtInPatternsOf(browser.runtime),
  );

  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local' || !Object.keys(changes).some((k) => k === 'settings' || k === SECRETS_CHANGED_KEY))
      return;
    // New or edited sources (or a token entered): adjust the schedule and look at once.
    if ('settings' in changes) void moveLegacySecrets();
    void scheduleAlarm().then(() => runPassNow(true));
    void syncPages();
  });
  browser.permissions?.onAdded?.addListener(() => void syncPages());
  browser.permissions?.onRemoved?.addListener(() => void syncPages());

  void scheduleAlarm();
  void syncPages();
  return { db, runPassNow, requestPass };
}

const clock = (at: number) => new Date(at).toLocaleTimeString();

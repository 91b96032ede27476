/**
 * The core flows, one test body run in Chromium and in Firefox (two launchers: browsers.ts;
 * one file per browser, core.chromium.e2e.ts and core.firefox.e2e.ts, so the two can run at
 * once):
 * Tattler configured through its options page (settings import, and the run-time permissions),
 * a log-in through the fleet's console, a pass, a change with the right actor
 * in IndexedDB, the popup grid, a badge and its popover on the alert page, and a slow pass that
 * outlives the 30 s after which both browsers stop an idle extension background — with nothing
 * lost.
 *
 * Firefox runs the store build, whose manifest names no host: every origin — the fleet's too — is
 * granted at its prompt, pressed as a person would, and the alert page gets its badges from the
 * run-time registration. Chromium's prompt is out of any automation's reach, so Chromium runs the
 * demo build, which has loopback built in.
 *
 * Build first: npm run build:firefox && npm run build:demo.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSettings, type Fleet, startFleet } from '../../fleet/index';
import type { PassSummary, StatusAnswer } from '../../lib/messages';
import type { Cluster } from '../../lib/model';
import {
  type BrowserName,
  type ExtensionBrowser,
  launchBrowser,
  reachesBrowserUi,
  type Tab,
} from './browsers';
import { storedChanges } from './stored';

/** Reads until `ok` holds; the error names what was awaited and what was last seen. */
export async function eventually<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  ms = 30_000,
) {
  const until = Date.now() + ms;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

/** Waits until the tab shows text matching `pattern`; resolves with all its text. */
export const shown = (tab: Tab, pattern: RegExp, what: string) =>
  eventually(
    () => tab.text(),
    (t) => pattern.test(t),
    what,
  );

export function coreFlows(name: BrowserName) {
  describe(`core flows in ${name}`, () => {
    let fleet: Fleet;
    let browser: ExtensionBrowser;
    const clusterId = (display: string) =>
      `demo/${fleet.clusters().find((c) => c.displayName === display)?.id}`;
    // Slow clusters get a minute (the slow pass below needs 35 s); passes run when asked, not on
    // a 30 s alarm, whose event would itself keep the background alive through the slow pass.
    const alertOrigin = () => new URL(fleet.alertUrl).origin;
    const settings = (extraOrigins: string[] = []) => ({
      ...demoSettings(fleet),
      requestTimeoutSec: 60,
      pollIntervalSec: 600,
      // The store build runs no page integration unless asked: the team lists its Alertmanager.
      pages: { alertmanager: { origins: [alertOrigin(), ...extraOrigins] } },
    });
    const pollNow = async () => (await browser.send({ type: 'poll-now' })) as StatusAnswer;
    const changes = () => storedChanges((t) => browser.readTable(t));
    /** The changes the first pass recovered from the fleet's history. */
    const baseline = new Set<string>();
    const lastPass = async () =>
      (await browser.readTable<{ key: string; value: unknown }>('meta')).find((m) => m.key === 'last-pass')
        ?.value as PassSummary | undefined;

    beforeAll(async () => {
      fleet = await startFleet({ seed: 5, autoRun: false });
      browser = await launchBrowser(name, reachesBrowserUi(name) ? 'store' : 'demo');
    });
    afterAll(async () => {
      await browser?.close();
      await fleet?.stop();
    });

    it('is configured through its options page: a settings import, and run-time access to a second origin', async () => {
      // The store build holds no host permission: the fleet's origin is asked for in the click.
      if (reachesBrowserUi(name))
        expect(await browser.extensionCall('permissions.getAll', [])).toMatchObject({ origins: [] });
      const options = await browser.open('options.html');
      await options.fill('Settings JSON', JSON.stringify(settings()));
      await options.click('button', 'Import');
      if (reachesBrowserUi(name)) {
        await shown(
          options,
          /Your browser is asking whether Tattler may read http:\/\/127\.0\.0\.1\/\*\. Answer its prompt/,
          'the page saying what it waits for',
        );
        expect(await browser.allowPermissionPrompt()).toMatch(/127\.0\.0\.1/);
      }
      await shown(options, /Imported 1 source\. Tattler is polling now\./, 'the import');

      // The team's own Alertmanager: an origin the manifest does not name, so the browser asks the
      // person at run time. (Only the grant and the page integration's registration are checked:
      // tests reach nothing but 127.0.0.1.)
      const secondOrigin = 'https://alertmanager.example.com/*';
      expect(await browser.extensionCall('permissions.contains', [{ origins: [secondOrigin] }])).toBe(false);
      if (reachesBrowserUi(name)) {
        const withPages = settings(['https://alertmanager.example.com']);
        await options.fill('Settings JSON', JSON.stringify(withPages));
        await options.click('button', 'Import');
        await shown(
          options,
          /Your browser is asking whether Tattler may read https:\/\/alertmanager\.example\.com\/\*\. Answer its prompt/,
          'the page saying what it waits for',
        );
        expect(await browser.allowPermissionPrompt()).toMatch(/alertmanager\.example\.com/);
        await shown(options, /Imported 1 source\. Tattler is polling now\./, 'the import, once allowed');
        expect(await browser.extensionCall('permissions.contains', [{ origins: [secondOrigin] }])).toBe(true);
        // The grant, the settings change and start-up each sync the registration: one script.
        const scripts = await eventually(
          () =>
            browser.extensionCall('scripting.getRegisteredContentScripts', []) as Promise<
              { matches?: string[] }[]
            >,
          (list) => list.some((s) => s.matches?.includes(secondOrigin)),
          'the page integration registered on the granted origin',
        );
        expect(scripts).toHaveLength(1);
      }
      await options.close();
    });

    it('polls with the session of a log-in through the console: the first pass is a baseline', async () => {
      const login = await browser.open(`${fleet.url}/dashboard/auth/login`);
      await login.fill('Username', fleet.credentials.username);
      await login.fill('Password', fleet.credentials.password);
      await login.click('button', 'Log in');
      await eventually(
        () => login.url(),
        (u) => /\/dashboard\/(?!auth)/.test(u),
        'the console after logging in',
      );
      await login.close();
      const status = await pollNow();
      expect(status.last?.clusters.ok).toBe(12);
      // What exists is not news; what the ReplicaSets remember within retention is, recovered.
      const first = await changes();
      expect(first.filter((c) => c.type !== 'updated' || !c.recovered)).toEqual([]);
      for (const c of first) baseline.add(c.id);
    });

    it("records dave's change and erin's bad rollout of cart, made between two polls, each with its own name", async () => {
      // Two people, one job, one poll window: the poll sees only erin's revision; dave's is
      // recovered from the ReplicaSet the controller made for it.
      fleet.control.apply('log-level', 'prod-eu-1');
      fleet.control.settle();
      fleet.control.apply('bad-rollout', 'prod-eu-1');
      fleet.control.settle();
      const status = await pollNow();
      expect(status.last?.changes).toBeGreaterThanOrEqual(2);
      const cart = (await changes())
        .filter((c) => c.name === 'cart' && c.clusterId === clusterId('prod-eu-1') && !baseline.has(c.id))
        .sort((a, b) => a.at - b.at);
      expect(cart).toHaveLength(2);
      expect(cart.map((c) => [c.type, c.actor?.name, c.actor?.kind])).toEqual([
        ['updated', 'dave', 'person'],
        ['updated', 'erin', 'person'],
      ]);
      expect(cart[0]?.recovered?.from).toMatch(/^ReplicaSet shop\/cart-\w+ \(revision \d+\)$/);
      expect(cart[0]?.fields.map((f) => f.path)).toEqual(['containers[cart].env']);
      expect(cart[1]?.recovered).toBeUndefined();
      expect(cart[1]?.skipped).toBeUndefined();
    });

    it('shows the change in the popup grid', async () => {
      const popup = await browser.open('popup.html');
      await popup.fill('Filter jobs (name, namespace, kind, or who changed them)', 'cart');
      const cell = await eventually(
        () =>
          popup.evaluate(
            () =>
              [...document.querySelectorAll('[role=gridcell]')].map(
                (c) => c.getAttribute('aria-label') ?? '',
              ),
            undefined,
          ),
        (labels) => labels.some((l) => /^cart in prod-eu-1: 2 changes, last .* by erin$/.test(l)),
        "cart's cell in prod-eu-1",
      );
      expect(cell.length).toBeGreaterThan(1);
      // The page sizes itself to the largest popup both browsers allow.
      expect(
        await popup.evaluate(() => {
          const r = document.body.getBoundingClientRect();
          return [r.width, r.height];
        }, undefined),
      ).toEqual([800, 600]);
      await popup.close();
      if (reachesBrowserUi(name)) {
        // Opened from the toolbar, the popup gets all of it, not a squeezed panel.
        expect(await browser.toolbarPopupSize()).toEqual({ width: 800, height: 600 });
      }
    });

    it('puts a badge on the alert, and its popover says why and links to erin’s jobs', async () => {
      // The alert rule must hold for 2 minutes, evaluated every 15 s.
      fleet.control.tick(150_000);
      const alerts = await browser.open(fleet.alertUrl);
      // The real button's accessible name starts with its Font Awesome glyph (CSS content counts
      // in a name): find it by its text, as a person reads it.
      await eventually(
        () =>
          alerts.evaluate(() => {
            const button = [...document.querySelectorAll('button')].find((b) =>
              b.textContent?.includes('Expand all groups'),
            );
            button?.click();
            return button !== undefined;
          }, undefined),
        (clicked) => clicked,
        'the "Expand all groups" button',
      );
      const badges = await eventually(
        () => alerts.badgeParts('button.badge'),
        (list) => list.some((b) => /cart/.test(b.label ?? '') && /erin/.test(b.label ?? '')),
        'a badge naming cart and erin',
      );
      const badge = badges.find((b) => /erin/.test(b.label ?? ''));
      expect(badge?.text).toMatch(/2 changes · .* before · erin/);
      await alerts.clickAt(badge?.x ?? 0, badge?.y ?? 0);
      const pop = await eventually(
        () => alerts.badgeParts('.pop'),
        (list) => list.length > 0,
        'the popover',
      );
      const popText = pop.map((p) => p.text).join(' ');
      expect(popText).toMatch(/same job, same cluster/);
      // Both people, each with their own change; dave's says where it was read from.
      expect(popText).toMatch(/by erin/);
      expect(popText).toMatch(/by dave/);
      expect(popText).toMatch(/recovered from ReplicaSet shop\/cart-\w+ \(revision \d+\), not seen live/);
      const links = await alerts.badgeParts('.pop a');
      expect(links.find((l) => /erin's jobs/.test(l.text))?.href).toBe(
        `${fleet.url}/dashboard/users/erin/jobs`,
      );
      await alerts.close();
    });

    it("shows bob's rollout of checkout as one entry, and copies the popover as an incident note", async () => {
      // bob rolls checkout 1.4.2 out, one cluster every 15 s; one pass sees it everywhere.
      fleet.control.apply('rollout');
      for (let i = 0; i < 12; i++) fleet.control.tick(15_000);
      fleet.control.settle();
      await pollNow();
      const rolled = (await changes()).filter(
        (c) =>
          c.name === 'checkout' &&
          c.fields.some((f) => /image/.test(f.path) && /:1\.4\.2$/.test(String(f.after))),
      );
      const reached = new Set(rolled.map((c) => c.clusterId)).size;
      expect(reached).toBeGreaterThanOrEqual(3);
      fleet.control.raiseAlert({
        labels: {
          alertname: 'CheckoutErrorBudgetBurn',
          severity: 'critical',
          cluster: 'prod-eu-1',
          namespace: 'shop',
          deployment: 'checkout',
        },
      });

      const alerts = await browser.open(fleet.alertUrl);
      // Expanded already: the UI remembers "Expand all groups" (the step above pressed it).
      const badges = await eventually(
        () => alerts.badgeParts('button.badge'),
        (list) =>
          list.some((b) => /\(checkout in prod-eu-1\)/.test(b.label ?? '') && /bob/.test(b.label ?? '')),
        "a badge on checkout's alert naming bob",
      );
      const badge = badges.find(
        (b) => /\(checkout in prod-eu-1\)/.test(b.label ?? '') && /bob/.test(b.label ?? ''),
      );
      await alerts.clickAt(badge?.x ?? 0, badge?.y ?? 0);
      const [roll] = await eventually(
        () => alerts.badgeParts('.pop .roll'),
        (list) => list.length > 0,
        "the popover's rollout entry",
      );
      expect(roll?.text).toMatch(new RegExp(`^▸bob rolled checkout:1\\.4\\.2 to ${reached} clusters, `));
      expect(roll?.expanded).toBe('false');
      // checkout's changes are that one entry, not one entry per cluster.
      const heads = await alerts.badgeParts('.pop > ol > li > .change-context > .what');
      expect(heads.filter((h) => /checkout/.test(h.text))).toHaveLength(1);

      // Its disclosure button opens it (a click), and closes it (the keyboard).
      await alerts.clickAt(roll?.x ?? 0, roll?.y ?? 0);
      await eventually(
        () => alerts.badgeParts('.pop .roll'),
        (list) => list[0]?.expanded === 'true',
        'the rollout opened',
      );
      expect(await alerts.badgeParts('.pop .members > li')).toHaveLength(reached);
      await alerts.press('Enter');
      await eventually(
        () => alerts.badgeParts('.pop .roll'),
        (list) => list[0]?.expanded === 'false',
        'the rollout closed by the keyboard',
      );

      const [copy] = await alerts.badgeParts('.pop button.copy');
      await alerts.clickAt(copy?.x ?? 0, copy?.y ?? 0);
      await eventually(
        () => alerts.badgeParts('.pop .copied'),
        (list) => list[0]?.text === 'Copied the incident note (Markdown).',
        'the popover saying "Copied"',
      );
      const note = await alerts.readClipboard();
      expect(note).toMatch(/^## `CheckoutErrorBudgetBurn`: \d+ changes? before this alert \(Tattler\)\n/);
      expect(note).toContain(
        '- Labels: `alertname="CheckoutErrorBudgetBurn"` `severity="critical"` `cluster="prod-eu-1"` `namespace="shop"` `deployment="checkout"`',
      );
      expect(note).toMatch(
        new RegExp(
          `\\n- \\*\\*Rollout\\*\\* of \`Deployment shop/checkout\`: \`bob\` rolled \`checkout:1\\.4\\.2\` to ${reached} clusters, `,
        ),
      );
      expect(note.match(/^ {2}- `[^`]+`: \*\*updated\*\* — /gm)).toHaveLength(reached);
      expect(note).toContain('By `bob` (person');
      expect(note).toContain('### What Tattler does not know');
      await alerts.close();
    });

    it('keeps a slow pass alive past 30 s (the browsers’ idle limit) and loses nothing', async () => {
      const before = await lastPass();
      fleet.control.apply('scale', 'prod-us-1');
      fleet.control.settle();
      // One request of one cluster answers after 35 s (under the 60 s request timeout): for that
      // long the background makes no request and gets no event.
      fleet.control.fault({ cluster: 'prod-us-1', kind: 'slow', count: 1, ms: 35_000 });
      // A settings change starts the pass (no message is left waiting for it: Firefox keeps a
      // background alive once more while a listener's promise is pending, and the popup is
      // usually closed anyway).
      const options = await browser.open('options.html');
      await options.fill('Settings JSON', JSON.stringify({ ...settings(), retentionDays: 29 }));
      await options.click('button', 'Import');
      await options.close();

      const pass = await eventually(
        lastPass,
        (p) => p !== undefined && p.finishedAt !== before?.finishedAt,
        'the slow pass to finish',
        90_000,
      );
      expect((pass?.finishedAt ?? 0) - (pass?.startedAt ?? 0)).toBeGreaterThan(30_000);
      expect(pass?.clusters.ok).toBe(12);
      const slow = (await browser.readTable<Cluster>('clusters')).find(
        (c) => c.id === clusterId('prod-us-1'),
      );
      expect(slow?.lastOkPoll).toBeGreaterThanOrEqual(pass?.startedAt ?? 0);
      // The scaling is recorded, once.
      const scaled = (await changes()).filter(
        (c) => c.clusterId === clusterId('prod-us-1') && c.fields.some((f) => f.path === 'spec.replicas'),
      );
      expect(scaled).toHaveLength(1);
    });

    it('gets a 304 to a conditional request through fetch with cache: no-store, and the ETag before it', async () => {
      // The generic source's conditional requests (lib/sources/generic/adapter.ts) need both: the
      // ETag header readable by the extension, and the 304 handed to script rather than answered
      // from (or revalidated against) the browser's HTTP cache.
      const tag = '"forge-v1"';
      const asked: (string | undefined)[] = [];
      const server = createServer((req, res) => {
        const ifNoneMatch = req.headers['if-none-match'];
        asked.push(typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined);
        if (ifNoneMatch === tag) {
          res.writeHead(304, { etag: tag });
          return res.end();
        }
        res.writeHead(200, { 'content-type': 'application/json', etag: tag });
        res.end('{"jobs":[]}');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2/clusters/c-1/jobs`;
      const page = await browser.open('options.html');
      try {
        // Exactly the request lib/http.ts makes.
        const seen = await page.evaluate(async (target: string) => {
          const init: RequestInit = {
            method: 'GET',
            credentials: 'include',
            redirect: 'follow',
            cache: 'no-store',
          };
          const first = await fetch(target, { ...init, headers: { Accept: 'application/json' } });
          const etag = first.headers.get('etag');
          await first.text();
          const second = await fetch(target, {
            ...init,
            headers: { Accept: 'application/json', 'If-None-Match': etag ?? '' },
          });
          return { first: first.status, etag, second: second.status, body: await second.text() };
        }, url);
        expect(seen).toEqual({ first: 200, etag: tag, second: 304, body: '' });
        expect(asked).toEqual([undefined, tag]);
      } finally {
        await page.close();
        await new Promise<void>((r) => server.close(() => r()));
      }
    });
  });
}

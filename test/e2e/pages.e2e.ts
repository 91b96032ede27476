/**
 * Badges on the pages on-call people already use, end to end: the fleet's Alertmanager page as
 * the real classic UI opens it (several groups, all collapsed, no alert in the DOM; behind a
 * route prefix), then expanded (remembered), then grouped by every label; and its console. The
 * built extension's content script asks the background, which answers from Chromium's IndexedDB.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSettings, type Fleet, startFleet } from '../../fleet/index';
import {
  badgeParts,
  importSettingsThroughOptions,
  type LaunchedExtension,
  launchExtension,
  pollNow,
} from './harness';

/** erin's bad release of cart in prod-eu-1, and the alert that fires two (simulated) minutes later. */
function breakCart(fleet: Fleet) {
  fleet.control.apply('bad-rollout', 'prod-eu-1');
  fleet.control.settle();
  // Rules are evaluated every 15 simulated seconds and must hold for 2 minutes: 150 s is
  // enough whatever the phase of the evaluation timer.
  fleet.control.tick(150_000);
}

/** Where the badges are: how many in group headers and in alert items, and none twice in one. */
const placement = (page: Page) =>
  page.evaluate(() => {
    const headers = [...document.querySelectorAll('div.mb-3')].filter((h) =>
      h.querySelector(':scope > button > i'),
    );
    const items = [...document.querySelectorAll('li.list-group-item')];
    const count = (els: Element[]) => els.map((e) => e.querySelectorAll('tattler-badge').length);
    return { headers: count(headers), items: count(items) };
  });

describe('change badges on alert pages and consoles', () => {
  let fleet: Fleet;
  let ext: LaunchedExtension;
  let page: Page;

  const waitForBadges = async (p: Page, ok: (labels: string[]) => boolean) => {
    let labels: string[] = [];
    for (let i = 0; i < 100; i++) {
      labels = (await badgeParts(p, 'button.badge')).map((b) => b.label ?? '');
      if (ok(labels)) return labels;
      await p.waitForTimeout(100);
    }
    return labels;
  };

  beforeAll(async () => {
    // The Alertmanager behind a route prefix, as `--web.route-prefix=/alertmanager` serves it.
    fleet = await startFleet({ seed: 5, autoRun: false, alertRoutePrefix: '/alertmanager' });
    ext = await launchExtension();
    page = await ext.context.newPage();
    expect(await importSettingsThroughOptions(ext, demoSettings(fleet))).toMatch(/Imported 1 source/);
    await page.goto(`${fleet.url}/dashboard/auth/login`);
    await page.getByLabel(/user/i).fill(fleet.credentials.username);
    await page.getByLabel(/password/i).fill(fleet.credentials.password);
    await Promise.all([
      page.waitForURL(/\/dashboard\/(?!auth)/),
      page.getByRole('button', { name: /log in/i }).click(),
    ]);
    await pollNow(ext); // baseline
    fleet.control.apply('bad-rollout', 'prod-eu-1');
    fleet.control.settle();
    await pollNow(ext);
    fleet.control.tick(150_000);
    await pollNow(ext);
  });
  afterAll(async () => {
    await ext?.close();
    await fleet?.stop();
  });

  it('badges the collapsed group whose alert names the changed job, on the page as it opens, without a click', async () => {
    const firing = fleet.control.state().alerts.find((a) => a.labels.deployment === 'cart');
    expect(firing?.labels.cluster).toBe('prod-eu-1');

    // `/` redirects to the prefix; the page reads its API under it.
    await page.goto(fleet.alertUrl.replace(/\/alertmanager$/, '/'));
    expect(new URL(page.url()).pathname).toBe('/alertmanager/');
    // The header's expand button names the receiver (no aria-expanded, as on the real UI).
    await page.getByRole('button', { name: 'oncall-shop' }).first().waitFor();
    expect(await page.locator('li.list-group-item').count()).toBe(0);
    expect(await page.locator('div.mb-3 > button').count()).toBeGreaterThanOrEqual(3);

    const labels = await waitForBadges(page, (ls) => ls.some((l) => /cart in prod-eu-1/.test(l)));
    const cart = labels.find((l) => /1 alert: cart in prod-eu-1/.test(l));
    expect(cart).toMatch(/^Tattler: 1 change · .* before · erin, same job, same cluster/);
    // On the header, not on an alert (there is none in the DOM).
    const where = await placement(page);
    expect(where.items).toEqual([]);
    expect(where.headers.filter((n) => n === 1).length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...where.headers)).toBe(1);
  });

  it('expands every group with "Expand all groups": a badge per alert too, each element once, and remembered', async () => {
    await page.getByRole('button', { name: 'Expand all groups' }).click();
    const labels = await waitForBadges(page, (ls) => ls.some((l) => /\(cart in prod-eu-1\)/.test(l)));
    const cart = labels.find((l) => /\(cart in prod-eu-1\)/.test(l) && /erin/.test(l));
    expect(cart).toMatch(/^Tattler: 1 change · .* before · erin/);

    // Expanding more, or re-scanning, never doubles a badge.
    await page.waitForTimeout(500);
    const where = await placement(page);
    expect(where.items.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...where.items, ...where.headers)).toBe(1);

    // The UI keeps "expand all" in localStorage: opened again, the page is expanded at once.
    await page.reload();
    await page.getByRole('button', { name: 'Collapse all groups' }).waitFor();
    await waitForBadges(page, (ls) => ls.some((l) => /\(cart in prod-eu-1\)/.test(l)));
    expect(await page.locator('li.list-group-item').count()).toBeGreaterThanOrEqual(3);
  });

  it("opens the popover with the reason and a link to erin's job view, which lists cart", async () => {
    const cart = (await badgeParts(page, 'button.badge')).find(
      (b) => /\(cart in prod-eu-1\)/.test(b.label ?? '') && /erin/.test(b.label ?? ''),
    );
    if (!cart) throw new Error('no badge for erin');
    await page.mouse.click(cart.x, cart.y);
    const links = await badgeParts(page, '.pop a');
    expect((await badgeParts(page, '.pop')).map((p) => p.text).join(' ')).toMatch(/same job, same cluster/);
    const userLink = links.find((l) => /erin's jobs/.test(l.text));
    expect(userLink?.href).toBe(`${fleet.url}/dashboard/users/erin/jobs`);

    const userPage = await ext.context.newPage();
    await userPage.goto(userLink?.href ?? '');
    await expect(userPage.getByRole('cell', { name: 'cart', exact: true }).first().isVisible()).resolves.toBe(
      true,
    );
    await userPage.close();
  });

  it("badges alerts that show no labels of their own (group_by: ['...'])", async () => {
    // The same production watched the same way; its Alertmanager groups by every label.
    const byAll = await startFleet({ seed: 5, autoRun: false, alertGroupBy: ['...'] });
    try {
      breakCart(byAll);
      const p = await ext.context.newPage();
      await p.goto(`${byAll.alertUrl}/`);
      await p.getByRole('button', { name: /(Expand|Collapse) all groups/ }).waitFor();
      // Remembered from the other Alertmanager? No: localStorage is per origin.
      expect(await p.locator('li.list-group-item').count()).toBe(0);
      await p.getByRole('button', { name: 'Expand all groups' }).click();
      const labels = await waitForBadges(p, (ls) => ls.some((l) => /\(cart in prod-eu-1\)/.test(l)));
      expect(labels.find((l) => /\(cart in prod-eu-1\)/.test(l))).toMatch(/erin/);
      // The alert item shows no label of its own: its badge comes from the header's labels.
      const item = await p.evaluate(() => {
        const li = [...document.querySelectorAll('li.list-group-item')].find((l) =>
          l.closest('div')?.querySelector('div.mb-3')?.textContent?.includes('deployment="cart"'),
        );
        return li
          ? {
              own: li.querySelectorAll('.btn-group').length,
              badges: li.querySelectorAll('tattler-badge').length,
            }
          : undefined;
      });
      expect(item).toEqual({ own: 0, badges: 1 });
      await p.close();
    } finally {
      await byAll.stop();
    }
  });

  it("badges Prometheus' own alerts page: the rule without a click, then its alert with the start time from /api/v1/alerts", async () => {
    const p = await ext.context.newPage();
    await p.goto(`${fleet.promUrl}/alerts`);
    const rule = p.locator('button[data-accordion-control]', { hasText: 'KubeDeploymentReplicasMismatch' });
    await rule.waitFor();
    expect(await rule.getAttribute('aria-expanded')).toBe('false');
    expect(await p.locator('[role="region"]').count()).toBe(0);
    const onRule = await waitForBadges(p, (ls) => ls.some((l) => /1 alert: cart in prod-eu-1/.test(l)));
    expect(onRule.find((l) => /1 alert: cart in prod-eu-1/.test(l))).toMatch(
      /^Tattler: 1 change · .* before · erin, same job, same cluster/,
    );

    await rule.click();
    const labels = await waitForBadges(p, (ls) => ls.some((l) => /\(cart in prod-eu-1\)/.test(l)));
    // The page prints only a duration: "before" needs the start time the API gave.
    expect(labels.find((l) => /\(cart in prod-eu-1\)/.test(l))).toMatch(
      /^Tattler: 1 change · .* before · erin/,
    );
    await p.close();
  });

  it('puts the same badge on the job in the console', async () => {
    const cluster = fleet.clusters().find((c) => c.displayName === 'prod-eu-1');
    const consolePage = await ext.context.newPage();
    await consolePage.goto(`${fleet.url}/dashboard/c/${cluster?.id}/explorer/apps.deployment`);
    const labels = await waitForBadges(consolePage, (ls) =>
      ls.some((l) => /cart/.test(l) && /erin/.test(l) && /ago/.test(l)),
    );
    expect(labels.some((l) => /cart/.test(l) && /erin/.test(l) && /ago/.test(l))).toBe(true);
    await consolePage.close();
  });
});

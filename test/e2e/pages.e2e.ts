/**
 * Badges on the pages on-call people already use, end to end: the fleet's Alertmanager page
 * (classic UI markup, groups collapsed until expanded) and its console, with the built
 * extension's content script asking the background, and the background answering from
 * Chromium's IndexedDB.
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

describe('change badges on alert pages and consoles', () => {
  let fleet: Fleet;
  let ext: LaunchedExtension;
  let page: Page;

  const waitForBadges = async (p: Page, min: number) => {
    for (let i = 0; i < 100; i++) {
      const parts = await badgeParts(p, 'button.badge');
      if (parts.length >= min) return parts;
      await p.waitForTimeout(100);
    }
    return badgeParts(p, 'button.badge');
  };

  beforeAll(async () => {
    fleet = await startFleet({ seed: 5, autoRun: false });
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
    // erin's bad release of cart in prod-eu-1; the alert fires two (simulated) minutes later.
    fleet.control.apply('bad-rollout', 'prod-eu-1');
    fleet.control.settle();
    await pollNow(ext);
    // Rules are evaluated every 15 simulated seconds and must hold for 2 minutes: 150 s is
    // enough whatever the phase of the evaluation timer.
    fleet.control.tick(150_000);
    await pollNow(ext);
  });
  afterAll(async () => {
    await ext?.close();
    await fleet?.stop();
  });

  it('annotates a collapsed alert group once it is expanded, naming the change, its timing and erin', async () => {
    const firing = fleet.control.state().alerts.find((a) => a.labels.deployment === 'cart');
    expect(firing?.labels.cluster).toBe('prod-eu-1');

    await page.goto(fleet.alertUrl);
    // The group headers' expand buttons name the receiver (no aria-expanded, as on the real UI).
    await page.getByRole('button', { name: 'oncall-shop' }).first().waitFor();
    // Collapsed: the alert's labels are not on the page yet, so nothing names cart.
    const before = (await badgeParts(page, 'button.badge')).filter((b) => /cart/.test(b.label ?? ''));
    expect(before).toEqual([]);

    await page.getByRole('button', { name: 'Expand all groups' }).click();
    const badges = await waitForBadges(page, 1);
    const cart = badges.find((b) => /cart/.test(b.label ?? '') && /erin/.test(b.label ?? ''));
    expect(cart?.label).toMatch(/1 change/);
    expect(cart?.label).toMatch(/before/);
    expect(cart?.text).toMatch(/1 change · .* before · erin/);

    // Expanding more, or re-scanning, never doubles a badge.
    await page.waitForTimeout(500);
    const again = (await badgeParts(page, 'button.badge')).filter((b) => b.label === cart?.label);
    expect(again).toHaveLength(1);
  });

  it("opens the popover with the reason and a link to erin's job view, which lists cart", async () => {
    const cart = (await badgeParts(page, 'button.badge')).find((b) => /erin/.test(b.label ?? ''));
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

  it('puts the same badge on the job in the console', async () => {
    const cluster = fleet.clusters().find((c) => c.displayName === 'prod-eu-1');
    const consolePage = await ext.context.newPage();
    await consolePage.goto(`${fleet.url}/dashboard/c/${cluster?.id}/explorer/apps.deployment`);
    const badges = await waitForBadges(consolePage, 1);
    expect(
      badges.some(
        (b) => /cart/.test(b.label ?? '') && /erin/.test(b.label ?? '') && /ago/.test(b.label ?? ''),
      ),
    ).toBe(true);
    await consolePage.close();
  });
});

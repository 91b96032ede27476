/**
 * The popup against the demo fleet: after a rollout walks across the clusters and a burst of
 * edits lands in one, the right cells are hot with the right accessible names, a cell's detail
 * shows actor and fields, and its links open the console's job page and the person's job view.
 * A screenshot of the popup is kept in test-results/.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSettings, type Fleet, startFleet } from '../../fleet/index';
import { importSettingsThroughOptions, type LaunchedExtension, launchExtension, pollNow } from './harness';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-results');

describe('the popup heat grid against the fleet', () => {
  let fleet: Fleet;
  let ext: LaunchedExtension;
  let popup: Page;
  let burstCluster = '';

  beforeAll(async () => {
    fleet = await startFleet({ seed: 11, autoRun: false });
    ext = await launchExtension();
    expect(await importSettingsThroughOptions(ext, demoSettings(fleet))).toMatch(/Imported 1 source/);
    const login = await ext.context.newPage();
    await login.goto(`${fleet.url}/dashboard/auth/login`);
    await login.getByLabel(/user/i).fill(fleet.credentials.username);
    await login.getByLabel(/password/i).fill(fleet.credentials.password);
    await Promise.all([
      login.waitForURL(/\/dashboard\/(?!auth)/),
      login.getByRole('button', { name: /log in/i }).click(),
    ]);
    await login.close();
    await pollNow(ext); // baseline

    fleet.control.apply('rollout'); // bob: checkout 1.4.2, one cluster every 15 s
    fleet.control.tick(400_000);
    const burst = fleet.control.apply('burst', 'prod-eu-2'); // carol: a stack of edits in one cluster
    burstCluster = burst.cluster ?? 'prod-eu-2';
    fleet.control.tick(60_000);
    fleet.control.settle();
    await pollNow(ext);

    popup = await ext.openPage('popup.html');
    await popup.setViewportSize({ width: 800, height: 600 });
  });
  afterAll(async () => {
    await ext?.close();
    await fleet?.stop();
  });

  it('shows the rollout as a hot stripe: every cluster of checkout, by bob, summarized on the row', async () => {
    await popup.getByLabel(/Filter jobs/).fill('checkout');
    const row = popup.getByRole('rowheader', { name: /^checkout \(Deployment in shop\)/ });
    await row.waitFor();
    expect(await row.getAttribute('aria-label')).toMatch(
      /bob rolled .*checkout:1\.4\.2 to 12 of 12 clusters/,
    );
    const cells = popup.getByRole('gridcell', { name: /^checkout in .*: 1 change, last .* by bob$/ });
    // The grid is virtualized: count what is rendered, and there must be several side by side.
    expect(await cells.count()).toBeGreaterThanOrEqual(5);
    mkdirSync(ARTIFACTS, { recursive: true });
    await popup.screenshot({ path: resolve(ARTIFACTS, 'popup-rollout.png') });
  });

  it("shows the burst as a hot column: carol's edits stacked in one cluster", async () => {
    await popup.getByLabel(/Filter jobs/).fill('carol');
    const column = popup.getByRole('columnheader', {
      name: new RegExp(`^${burstCluster}.*: \\d+ changes in \\d+ jobs, churn`),
    });
    await column.waitFor();
    const label = (await column.getAttribute('aria-label')) ?? '';
    expect(Number(/: (\d+) changes/.exec(label)?.[1])).toBeGreaterThanOrEqual(5);
    const carols = popup.getByRole('gridcell', {
      name: new RegExp(` in ${burstCluster}: 1 change, last .*`),
    });
    expect(await carols.count()).toBeGreaterThanOrEqual(5);
    await popup.screenshot({ path: resolve(ARTIFACTS, 'popup-burst.png') });
  });

  it("opens a cell's detail with actor and fields, and its links lead to the console and bob's jobs", async () => {
    await popup.getByLabel(/Filter jobs/).fill('checkout');
    const cell = popup.getByRole('gridcell', { name: /^checkout in prod-eu-1: 1 change/ });
    await cell.click();
    await cell.press('Enter');
    const detail = popup.getByRole('dialog', { name: /Changes of checkout/ });
    await detail.waitFor();
    const text = (await detail.textContent()) ?? '';
    expect(text).toMatch(/bob/);
    expect(text).toMatch(/person/);
    expect(text).toMatch(/containers\[checkout\]\.image/);
    expect(text).toMatch(/checkout:1\.4\.1/);
    expect(text).toMatch(/checkout:1\.4\.2/);
    await popup.screenshot({ path: resolve(ARTIFACTS, 'popup-detail.png') });

    const consoleHref = await detail.getByRole('link', { name: /in its console/ }).getAttribute('href');
    const userHref = await detail.getByRole('link', { name: "Open bob's jobs" }).getAttribute('href');
    expect(userHref).toBe(`${fleet.url}/dashboard/users/bob/jobs`);
    const page = await ext.context.newPage();
    await page.goto(consoleHref ?? '');
    expect(page.url()).toContain(`${fleet.url}/dashboard/c/`);
    expect(await page.textContent('body')).toMatch(/checkout/);
    await page.goto(userHref ?? '');
    expect(await page.getByRole('cell', { name: 'checkout', exact: true }).count()).toBeGreaterThan(0);
    await page.close();
  });
});

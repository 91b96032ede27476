/**
 * What the cross-source deploy tests share (argo-sync, forge-deploy, one-fleet): the demo fleet
 * with a second system that deploys into its Rancher clusters, the built extension watching both
 * with passes only when a test asks, an event applied through the fleet's control API, and the
 * badges an alert page shows for one job in one cluster.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { type ExtraSystems, startExtraSystems } from '../../fleet/extra/index';
import { demoSettings, type Fleet, startFleet } from '../../fleet/index';
import type { Change, Cluster } from '../../lib/model';
import {
  badgeParts,
  importSettingsThroughOptions,
  type LaunchedExtension,
  launchExtension,
  pollNow,
  readTable,
} from './harness';
import { logInToFleet } from './people';
import { storedChanges } from './stored';

export interface DeployWorld {
  fleet: Fleet;
  extra: ExtraSystems;
  ext: LaunchedExtension;
  close(): Promise<void>;
}

/**
 * The fleet (four clusters keep each pass short; prod-eu-1 and prod-us-1 are among them), the
 * extra system of `type` deploying into it, and the extension watching both, after one baseline
 * pass. Passes run when the test asks: an alarm's pass in the middle of a deploy would split it.
 */
export async function startDeployWorld(
  type: 'argocd' | 'generic',
  logIn: (tab: Page, extra: ExtraSystems) => Promise<void>,
): Promise<DeployWorld> {
  const fleet = await startFleet({ seed: 5, clusters: 4, autoRun: false });
  const extra = await startExtraSystems({
    seed: 5,
    rancher: { url: fleet.url, clusters: fleet.clusters(), gitops: fleet.gitops },
  });
  const ext = await launchExtension();
  const base = demoSettings(fleet);
  const other = extra.settingsFragment().filter((s) => (s as { type: string }).type === type);
  const settings = { ...base, sources: [...(base.sources ?? []), ...other], pollIntervalSec: 3600 };
  expect(await importSettingsThroughOptions(ext, settings)).toMatch(/Imported 2 sources/);
  const tab = await ext.context.newPage();
  await logInToFleet(tab, fleet);
  await logIn(tab, extra);
  await tab.close();
  await pollNow(ext); // baseline
  return {
    fleet,
    extra,
    ext,
    async close() {
      await ext.close();
      await extra.close();
      await fleet.stop();
    },
  };
}

/** Applies a scenario event (fleet/scenario/events.ts) to one cluster; what the fleet said it did. */
export async function applyEvent(fleet: Fleet, name: string, cluster: string): Promise<string[]> {
  const res = await fetch(`${fleet.url}/_fleet/apply`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, cluster }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { lines: string[] }).lines;
}

/** Every change Tattler stored, decoded, and the clusters it knows. */
export const readStored = (ext: LaunchedExtension): Promise<[Change[], Cluster[]]> =>
  Promise.all([storedChanges((table) => readTable(ext, table)), readTable<Cluster>(ext, 'clusters')]);

/** The stored changes of job `name` in prod-eu-1 as the source `sourceId` sees that cluster. */
export function changesInProdEu1(
  [changes, clusters]: [Change[], Cluster[]],
  sourceId: string,
  name: string,
): Change[] {
  const eu = clusters.find((c) => c.sourceId === sourceId && c.name === 'prod-eu-1');
  expect(eu, `${sourceId} lists prod-eu-1`).toBeDefined();
  return changes.filter((c) => c.clusterId === eu?.id && c.name === name);
}

/**
 * Raises an alert on the fleet's Alertmanager, opens its page in a new tab with every group
 * expanded, and waits (up to 10 s) for the badges whose label names `place` ("cart in
 * prod-eu-1"): their accessible labels.
 */
export async function alertBadgeLabels(
  ext: LaunchedExtension,
  fleet: Fleet,
  labels: Record<string, string>,
  place: string,
): Promise<string[]> {
  fleet.control.raiseAlert({ labels, annotations: { summary: `${labels.alertname} is firing` } });
  const page = await ext.context.newPage();
  try {
    await page.goto(fleet.alertUrl);
    const expand = page.getByRole('button', { name: /(Expand|Collapse) all groups/ });
    if ((await expand.textContent())?.includes('Expand')) await expand.click();
    let named: string[] = [];
    for (let i = 0; i < 100 && named.length === 0; i++) {
      named = (await badgeParts(page, 'button.badge'))
        .map((b) => b.label ?? '')
        .filter((l) => l.includes(`(${place})`));
      if (named.length === 0) await page.waitForTimeout(100);
    }
    return named;
  } finally {
    await page.close();
  }
}

/** The popup, filtered to `cart`, at the size the tests read it at. */
export async function openCartPopup(ext: LaunchedExtension): Promise<Page> {
  const popup = await ext.openPage('popup.html');
  await popup.setViewportSize({ width: 900, height: 600 });
  await popup.getByRole('searchbox', { name: /Filter jobs/ }).fill('cart');
  return popup;
}

/** The accessible labels of every `prod-eu-1` column header and every cart cell in it, once shown. */
export async function cartInProdEu1(popup: Page): Promise<{ columns: string[]; cells: string[] }> {
  const labels = async (role: 'columnheader' | 'gridcell', name: RegExp) => {
    const found = popup.getByRole(role, { name });
    await found.first().waitFor();
    return found.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  };
  return {
    columns: await labels('columnheader', /^prod-eu-1\b/),
    cells: await labels('gridcell', /^cart in prod-eu-1: /),
  };
}

/** Opens the cart cell's detail in prod-eu-1 (pinned, as a click and Enter do). */
export async function openCartDetail(popup: Page): Promise<Locator> {
  const cell = popup.getByRole('gridcell', { name: /^cart in prod-eu-1: / }).first();
  await cell.click();
  await cell.press('Enter');
  const detail = popup.getByRole('dialog', { name: /Changes of cart/ });
  await detail.waitFor();
  return detail;
}

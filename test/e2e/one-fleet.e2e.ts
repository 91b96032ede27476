/**
 * One fleet, not four, end to end: the demo fleet's Argo CD deploys into its Rancher clusters
 * (destinations = the clusters' Rancher proxy URLs) and the home-grown manager lists a
 * `prod-eu-1` too. The built extension (demo build) watches all three; the popup must show one
 * `prod-eu-1` column, seen through the three sources, counting a change Argo CD reports (carol's
 * sync of cart) and one the Kubernetes API reports (dave's kubectl edit of pricing); an alert
 * naming prod-eu-1 and cart gets one answer naming carol.
 *
 * Build first: npm run build:demo.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtraSystems, startExtraSystems } from '../../fleet/extra/index';
import { demoSettings, type Fleet, startFleet } from '../../fleet/index';
import type { Cluster } from '../../lib/model';
import { alertBadgeLabels } from './deploys';
import {
  importSettingsThroughOptions,
  type LaunchedExtension,
  launchExtension,
  pollNow,
  readTable,
} from './harness';
import { logInToExtraSystems, logInToFleet } from './people';

describe('one prod-eu-1 across Rancher, Argo CD and a home-grown manager', () => {
  let fleet: Fleet;
  let extra: ExtraSystems;
  let ext: LaunchedExtension;
  let tabs: Page;
  let popup: Page;

  beforeAll(async () => {
    fleet = await startFleet({ seed: 5, autoRun: false });
    extra = await startExtraSystems({ seed: 5, rancher: { url: fleet.url, clusters: fleet.clusters() } });
    ext = await launchExtension();
    tabs = await ext.context.newPage();
    const base = demoSettings(fleet);
    // Nomad's regions are not Kubernetes clusters: left out here.
    const others = extra.settingsFragment().filter((s) => (s as { type: string }).type !== 'nomad');
    const settings = { ...base, sources: [...(base.sources ?? []), ...others] };
    expect(await importSettingsThroughOptions(ext, settings)).toMatch(/Imported 3 sources/);
    await logInToFleet(tabs, fleet);
    await logInToExtraSystems(tabs, extra);
    await pollNow(ext); // baseline

    extra.control.argocd({
      type: 'sync',
      app: 'cart-prod-eu-1',
      by: 'carol',
      image: 'registry.example.com/shop/cart:1.1.0',
    });
    fleet.control.apply('kubectl-edit', 'prod-eu-1'); // dave edits pricing by hand
    fleet.control.settle();
    await pollNow(ext);
    popup = await ext.openPage('popup.html');
    await popup.setViewportSize({ width: 900, height: 600 });
  });
  afterAll(async () => {
    await ext?.close();
    await extra?.close();
    await fleet?.stop();
  });

  it('stores three views of prod-eu-1, one per source', async () => {
    const clusters = await readTable<Cluster>(ext, 'clusters');
    const eu = clusters.filter((c) => c.name === 'prod-eu-1').map((c) => c.sourceId);
    expect(eu.sort()).toEqual(['argocd', 'demo', 'homegrown']);
    const argo = clusters.find((c) => c.sourceId === 'argocd' && c.name === 'prod-eu-1');
    const rancher = clusters.find((c) => c.sourceId === 'demo' && c.name === 'prod-eu-1');
    expect(argo?.nativeId).toBe(rancher?.apiBase);
  });

  it('shows one prod-eu-1 column that names its sources and counts the changes seen through each', async () => {
    const filter = popup.getByRole('searchbox', { name: /Filter jobs/ });
    await filter.waitFor();
    const headers = popup.getByRole('columnheader', { name: /^prod-eu-1\b/ });
    await headers.first().waitFor();
    const labels = await headers.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    expect(labels).toHaveLength(1);
    const label = labels[0] as string;
    expect(label).not.toMatch(/^prod-eu-1 of /);
    expect(label).toMatch(/seen through Demo fleet \(Rancher\), Argo CD \(demo\) and Forge/);
    expect(Number(/: (\d+) changes? in/.exec(label)?.[1])).toBeGreaterThanOrEqual(2);
    const column = await headers.first().getAttribute('aria-colindex');

    /** The changed cell of `job` once the filter brought it into view, and its column. */
    const changedCell = async (text: string, job: string) => {
      await filter.fill(text);
      const cell = popup.getByRole('gridcell', { name: new RegExp(`^${job} in prod-eu-1: 1 change, `) });
      await cell.first().waitFor({ timeout: 10_000 });
      expect(await cell.count()).toBe(1);
      return {
        label: (await cell.first().getAttribute('aria-label')) ?? '',
        column: await cell.first().getAttribute('aria-colindex'),
      };
    };
    const sync = await changedCell('carol', 'cart');
    expect(sync.label).toMatch(/by carol$/);
    // One cart row: the service of the Argo CD application, the Deployment it manages and the
    // home-grown job, expandable into them.
    const cart = popup.getByRole('button', { name: /^cart \(service, \d jobs: / });
    expect(await cart.count()).toBe(1);
    expect(await cart.getAttribute('aria-label')).toMatch(/jobs: Application, Deployment, ForgeJob\)/);
    expect(await cart.getAttribute('aria-expanded')).toBe('false');
    await cart.click();
    await popup.getByRole('rowheader', { name: /^cart \(Application in shop, in service cart\)/ }).waitFor();
    expect(await cart.getAttribute('aria-expanded')).toBe('true');
    await cart.click();
    const edit = await changedCell('pricing', 'pricing');
    expect(edit.label).toMatch(/by kubectl-edit$/);
    expect([sync.column, edit.column]).toEqual([column, column]);
  });

  it('gives an alert naming prod-eu-1 and cart one answer, naming carol', async () => {
    const named = await alertBadgeLabels(
      ext,
      fleet,
      { alertname: 'ShopErrorBudgetBurn', cluster: 'prod-eu-1', namespace: 'shop', app: 'cart' },
      'cart in prod-eu-1',
    );
    // One badge: carol's sync ranked first, dave's edit of pricing (same cluster) counted with it.
    expect(named).toEqual([
      expect.stringMatching(
        /^Tattler: 2 changes · [^·]+ before · carol, same job, same cluster \(cart in prod-eu-1\)\. /,
      ),
    ]);
  });
});

/**
 * An Argo CD sync by carol, end to end, as data: the demo fleet's Argo CD deploys into its Rancher
 * clusters (destinations = their proxy URLs, and its controller applies there), the built
 * extension (demo build) watches both the Rancher source and the Argo CD source, and carol's sync
 * of cart into prod-eu-1 is triggered through the fleet's control API. Tattler must store one Argo
 * CD change for cart (carol, the synced revision) and one Kubernetes change of the Deployment
 * (argocd-controller, the new image, at a time inside the sync's window) — and show them as one:
 * one `cart` row (the service of the Application and the Deployment it manages), one `prod-eu-1`
 * column, one change by carol via the sync with both views in the cell detail, and an alert badge
 * naming carol that counts the pair once.
 *
 * Build first: npm run build:demo.
 */

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtraSystems } from '../../fleet/extra/index';
import type { Fleet } from '../../fleet/index';
import type { Change, Cluster } from '../../lib/model';
import {
  alertBadgeLabels,
  applyEvent,
  cartInProdEu1,
  changesInProdEu1,
  type DeployWorld,
  openCartDetail,
  openCartPopup,
  readStored,
  startDeployWorld,
} from './deploys';
import { pollNow } from './harness';
import { logInToArgoCd } from './people';

// biome-ignore lint/suspicious/noExplicitAny: the test reads Argo CD's Application as JSON
type Loose = any;

describe("carol's Argo CD sync of cart into the Rancher fleet's prod-eu-1", () => {
  let world: DeployWorld;
  let fleet: Fleet;
  let extra: ExtraSystems;
  let image: string;
  let changes: Change[];
  let clusters: Cluster[];

  beforeAll(async () => {
    world = await startDeployWorld('argocd', (tab, systems) => logInToArgoCd(tab, systems.urls.argocd));
    ({ fleet, extra } = world);

    // carol presses Sync through the fleet's control API (the scenario's argo-sync event).
    const lines = await applyEvent(fleet, 'argo-sync', 'prod-eu-1');
    const tag = /^carol synced cart-prod-eu-1 in Argo CD \(cart:(\S+)\)$/.exec(lines[0] ?? '')?.[1];
    expect(tag, lines.join('\n')).toBeDefined();
    image = `registry.example.com/shop/cart:${tag}`;
    await extra.argocd.idle();
    fleet.control.settle(); // the Deployment's controllers converge before Tattler looks

    await pollNow(world.ext);
    [changes, clusters] = await readStored(world.ext);
  });
  afterAll(async () => {
    await world?.close();
  });

  const app = (): Loose => extra.argocd.app('cart-prod-eu-1');
  const changesOf = (sourceId: string, name: string) => changesInProdEu1([changes, clusters], sourceId, name);

  it('stores one Argo CD change of cart: carol, and the revision she synced', () => {
    const state = app().status.operationState;
    expect(state.phase).toBe('Succeeded');
    const argo = changesOf('argocd', 'cart');
    expect(argo).toHaveLength(1);
    const [sync] = argo as [Change];
    expect(sync.actor?.name).toBe('carol');
    expect(sync.fields).toContainEqual(
      expect.objectContaining({ path: 'sync.revision', after: state.syncResult.revision }),
    );
    // When, on Argo CD's clock: the history entry's deployedAt, the operation's finishedAt.
    expect(sync.reportedAt).toBe(Date.parse(state.finishedAt));
  });

  it("stores one change of the Deployment: argocd-controller's new image, inside the sync's window", () => {
    const state = app().status.operationState;
    const kube = changesOf('demo', 'cart');
    expect(kube).toHaveLength(1);
    const [deploy] = kube as [Change];
    expect(deploy.kind).toBe('Deployment');
    expect(deploy.actor).toMatchObject({ name: 'argocd-controller', kind: 'client' });
    expect(deploy.fields).toContainEqual(expect.objectContaining({ after: image }));
    // When, on the cluster's clock (the controller's managedFields time): inside the operation.
    expect(deploy.reportedAt).toBeGreaterThanOrEqual(Date.parse(state.startedAt));
    expect(deploy.reportedAt).toBeLessThanOrEqual(Date.parse(state.finishedAt));
  });

  it('sees nothing else happen live: the rest is the history recovered at the baseline', () => {
    const live = changes.filter((c) => !c.recovered);
    expect(live.map((c) => [c.kind, c.name, c.actor?.name]).sort()).toEqual([
      ['Application', 'cart', 'carol'],
      ['Deployment', 'cart', 'argocd-controller'],
    ]);
  });

  describe('in the popup and on the alert page', () => {
    let popup: Page;
    beforeAll(async () => {
      popup = await openCartPopup(world.ext);
    });
    afterAll(async () => {
      await popup?.close();
    });

    it('shows one cart row and one prod-eu-1 column, the pair as one change by carol', async () => {
      const { columns, cells } = await cartInProdEu1(popup);
      // One column, counting the pair once, as its cell does.
      expect(columns).toEqual([expect.stringMatching(/: 1 change in /)]);
      const cart = popup.getByRole('button', { name: /^cart \(service, \d jobs: / });
      await cart.waitFor();
      expect(await cart.count()).toBe(1);
      expect(await cart.getAttribute('aria-label')).toMatch(/jobs: Application, Deployment\)/);
      expect(cells).toEqual([expect.stringMatching(/^cart in prod-eu-1: 1 change, .* by carol$/)]);
    });

    it("opens carol's change with both views: the Deployment's image and the Application's revision", async () => {
      const detail = await openCartDetail(popup);
      const text = (await detail.textContent()) ?? '';
      const revision = app().status.operationState.syncResult.revision as string;
      expect(text).toMatch(/carol/);
      expect(text).toContain('via Argo CD sync of cart');
      expect(text).toContain(revision.slice(0, 7));
      expect(text).toMatch(/applied by argocd-controller/);
      expect(text).toContain(image);
      // One item, not two: the pair is listed once.
      expect(await detail.getByRole('listitem').filter({ hasText: 'argocd-controller' }).count()).toBe(1);
    });

    it('gives the alert on cart in prod-eu-1 a badge naming carol, counting the pair once', async () => {
      const named = await alertBadgeLabels(
        world.ext,
        fleet,
        { alertname: 'CartErrors', cluster: 'prod-eu-1', namespace: 'shop', app: 'cart' },
        'cart in prod-eu-1',
      );
      expect(named).toEqual([expect.stringMatching(/^Tattler: 1 change · [^·]+ before · carol, /)]);
    });
  });
});

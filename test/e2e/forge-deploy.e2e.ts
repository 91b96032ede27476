/**
 * A home-grown deploy by alice, end to end: the demo fleet's Forge (a home-grown manager, read
 * through the generic source) deploys cart into the Rancher fleet's prod-eu-1, applying the
 * Deployment as field manager `forge` and stamping its deploy id; the built extension (demo build)
 * watches both, with the demo settings' `deployId` mapping and `deployIdAnnotation`. The deploy
 * is triggered through the fleet's control API. Tattler must store Forge's change of cart
 * (alice, the new deploy id) and the Deployment's (the new image, the stamp moved) — and show
 * them as one: one `cart` row, one `prod-eu-1` column, one change by alice via Forge's deploy
 * with both views in the cell detail, and an alert badge naming alice that counts the pair once.
 *
 * Build first: npm run build:demo.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { logInToHomegrown } from './people';

describe("alice's Forge deploy of cart into the Rancher fleet's prod-eu-1", () => {
  let world: DeployWorld;
  let fleet: Fleet;
  let deployId: string;
  let image: string;
  let changes: Change[];
  let clusters: Cluster[];

  beforeAll(async () => {
    world = await startDeployWorld('generic', (tab, systems) =>
      logInToHomegrown(tab, systems.urls.homegrown),
    );
    fleet = world.fleet;

    const lines = await applyEvent(fleet, 'forge-deploy', 'prod-eu-1');
    const said = /^forge: alice deployed cart \((\S+)\) into prod-eu-1 as deploy (d-\d+)$/.exec(
      lines[0] ?? '',
    );
    expect(said, lines.join('\n')).not.toBeNull();
    [, image, deployId] = said as unknown as [string, string, string];
    fleet.control.settle();

    await pollNow(world.ext);
    [changes, clusters] = await readStored(world.ext);
  });
  afterAll(async () => {
    await world?.close();
  });

  /** What was seen live (the baseline's recovered history left out). */
  const changesOf = (sourceId: string, name: string) =>
    changesInProdEu1([changes, clusters], sourceId, name).filter((c) => !c.recovered);

  it("stores Forge's change of cart (alice, the deploy id) and the Deployment's (the image, the stamp)", () => {
    const forge = changesOf('homegrown', 'cart');
    expect(forge.map((c) => [c.actor?.name, c.deploy])).toEqual([['alice', deployId]]);
    const kube = changesOf('demo', 'cart');
    expect(kube).toHaveLength(1);
    expect(kube[0]?.deployStamp).toBe(deployId);
    expect(kube[0]?.fields).toContainEqual(expect.objectContaining({ after: image }));
  });

  describe('in the popup and on the alert page', () => {
    let popup: Page;
    beforeAll(async () => {
      popup = await openCartPopup(world.ext);
    });
    afterAll(async () => {
      await popup?.close();
    });

    it('shows one cart cell in one prod-eu-1 column, the pair as one change by alice', async () => {
      const { columns, cells } = await cartInProdEu1(popup);
      expect(columns).toEqual([expect.stringMatching(/: 1 change in /)]);
      expect(cells).toEqual([expect.stringMatching(/^cart in prod-eu-1: 1 change, .* by alice$/)]);
    });

    it("opens alice's change with both views: via Forge's deploy, applied by forge", async () => {
      const detail = await openCartDetail(popup);
      const text = (await detail.textContent()) ?? '';
      expect(text).toContain(`via Forge deploy ${deployId}`);
      expect(text).toContain(image);
      expect(
        await detail
          .getByRole('listitem')
          .filter({ hasText: `deploy ${deployId}` })
          .count(),
      ).toBe(1);
    });

    it('gives the alert on cart in prod-eu-1 a badge naming alice, counting the pair once', async () => {
      const named = await alertBadgeLabels(
        world.ext,
        fleet,
        { alertname: 'CartErrors', cluster: 'prod-eu-1', namespace: 'shop', app: 'cart' },
        'cart in prod-eu-1',
      );
      expect(named).toEqual([expect.stringMatching(/^Tattler: 1 change · [^·]+ before · alice, /)]);
    });
  });
});

/**
 * The demo fleet's Forge deploying into the Rancher fleet's prod-eu-1 (`forge-deploy`, through the
 * fleet's control API): its job record gets a new deploy id, and the Deployment is server-side
 * applied as `forge`, stamped with that id — read back as Tattler reads them (Forge's job list
 * through the generic mapping, the Deployment through the Kubernetes normalizer), whose two
 * changes read as one: alice's, via the deploy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homegrownSource } from '../../fleet/extra/homegrown';
import { type ExtraSystems, startExtraSystems } from '../../fleet/extra/index';
import { demoSettings, type Fleet, startFleet } from '../../fleet/index';
import { diffJob } from '../../lib/diff';
import { joinCauses } from '../../lib/identity/cause';
import type { Change, JobSnapshot } from '../../lib/model';
import { type Settings, validateSettings } from '../../lib/settings';
import { normalizeItem } from '../../lib/sources/generic/normalize';
import { type KubeObject, normalizeObject } from '../../lib/sources/kubernetes/normalize';
import { clusterId, getJson, kubePath, post } from './test-helpers';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
type Loose = any;

const DEPLOY_ID = 'forge.example.com/deploy-id';

let fleet: Fleet;
let extra: ExtraSystems;
let eu: string;
let settings: Settings;

beforeAll(async () => {
  fleet = await startFleet({ seed: 5, autoRun: false });
  extra = await startExtraSystems({
    seed: 5,
    rancher: { url: fleet.url, clusters: fleet.clusters(), gitops: fleet.gitops },
  });
  eu = clusterId(fleet, 'prod-eu-1');
  const base = demoSettings(fleet);
  const parsed = validateSettings({
    ...base,
    sources: [...(base.sources ?? []), homegrownSource(extra.urls.homegrown)],
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  settings = parsed.value;
});
afterAll(async () => {
  await extra?.close();
  await fleet?.stop();
});

const deployment = async (): Promise<KubeObject> =>
  (await getJson(fleet, kubePath(eu, '/apis/apps/v1/namespaces/shop/deployments/cart'))).body;

async function forgeJob(): Promise<Loose> {
  const cookie = await extra.homegrown.login('tattler');
  const res = await fetch(`${extra.urls.homegrown}/api/v2/clusters/c-101/jobs`, { headers: { cookie } });
  const body = (await res.json()) as Loose;
  return body.jobs.find((j: Loose) => j.name === 'cart');
}

const source = (type: string) => settings.sources.find((s) => s.type === type) as Settings['sources'][0];
const kube = (obj: KubeObject, now: number): JobSnapshot =>
  normalizeObject('Deployment', obj, {
    source: source('rancher'),
    now,
    clusterId: `demo/${eu}`,
    clusterName: 'prod-eu-1',
    nativeId: eu,
    apiBase: `${fleet.url}/k8s/clusters/${eu}`,
  });
const forge = (item: unknown, now: number): JobSnapshot =>
  normalizeItem(
    item,
    0,
    {
      source: source('generic'),
      now,
      clusterId: 'forge/c-101',
      clusterName: 'prod-eu-1',
      nativeId: 'c-101',
      apiBase: `${extra.urls.homegrown}/api/v2/clusters/c-101`,
    },
    'jobs',
  );

describe("a Forge deploy into the Rancher fleet's prod-eu-1", () => {
  it('stamps the deploy id on the job record and on the Deployment it applies as forge', async () => {
    const start = Date.now() - 1_000;
    const [beforeObj, beforeJob] = [await deployment(), await forgeJob()];
    expect(beforeJob.deployId).toMatch(/^d-\d+$/);

    const { status, body } = await post(fleet, '/_fleet/apply', { name: 'forge-deploy' });
    expect(status).toBe(200);
    expect(body.lines[0]).toMatch(/^forge: alice deployed cart \(.+\) into prod-eu-1 as deploy d-\d+$/);
    fleet.control.settle();
    const end = Date.now() + 1_000;

    const [afterObj, afterJob] = [await deployment(), await forgeJob()];
    const id = afterJob.deployId as string;
    expect(id).not.toBe(beforeJob.deployId);
    expect(afterJob).toMatchObject({
      lastModifiedBy: 'alice',
      spec: { image: 'registry.example.com/shop/cart:2.0.0' },
    });
    const meta = afterObj.metadata as Loose;
    expect(meta.annotations[DEPLOY_ID]).toBe(id);
    const forgeEntry = meta.managedFields.find((e: Loose) => e.manager === 'forge');
    expect(forgeEntry).toMatchObject({ operation: 'Apply', apiVersion: 'apps/v1' });
    expect(forgeEntry.fieldsV1['f:metadata']['f:annotations'][`f:${DEPLOY_ID}`]).toEqual({});
    expect((afterObj as Loose).spec.template.spec.containers.map((c: Loose) => [c.name, c.image])).toEqual([
      ['cart', 'registry.example.com/shop/cart:2.0.0'],
    ]);

    // As Tattler reads them: the two changes carry the id, and read as one change, alice's.
    const k = diffJob(kube(beforeObj, start), kube(afterObj, end), { windowStart: start, windowEnd: end })[0];
    const m = diffJob(forge(beforeJob, start), forge(afterJob, end), {
      windowStart: start,
      windowEnd: end,
    })[0];
    expect(k?.deployStamp).toBe(id);
    expect(m?.deploy).toBe(id);
    const shown = joinCauses([k, m] as Change[], () => 'prod-eu-1');
    expect(shown.map((c) => [c.actor?.name, c.cause?.operation.deploy])).toEqual([['alice', id]]);
  });

  it('says so, and applies nothing, when Forge does not deploy into the fleet', async () => {
    await extra.close();
    const { body } = await post(fleet, '/_fleet/apply', { name: 'forge-deploy' });
    expect(body.lines).toEqual(['forge-deploy: Forge does not deploy into this fleet']);
    extra = await startExtraSystems({ seed: 5 });
  });
});

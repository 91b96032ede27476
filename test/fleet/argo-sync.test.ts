/**
 * The demo fleet's Argo CD deploying into its Rancher clusters: a sync of `cart-prod-eu-1` is an
 * operation of a few seconds in which the controller server-side applies the Deployment in
 * prod-eu-1, read back here through the Kubernetes API as Tattler reads it (a metadata-only list,
 * then the object in full), and through Argo CD's Application.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtraSystems, startExtraSystems } from '../../fleet/extra/index';
import { type Fleet, startFleet } from '../../fleet/index';
import { actorOf } from '../../lib/sources/kubernetes/normalize';
import { clusterId, getJson, kubePath } from './test-helpers';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
type Loose = any;

const META = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const ACTOR = 'fleet.example.com/changed-by';
const TRACKING = 'argocd.argoproj.io/tracking-id';
const REVISION = 'deployment.kubernetes.io/revision';

let fleet: Fleet;
let extra: ExtraSystems;
let eu: string;

beforeAll(async () => {
  fleet = await startFleet({ seed: 5, autoRun: false });
  extra = await startExtraSystems({
    seed: 5,
    rancher: { url: fleet.url, clusters: fleet.clusters(), gitops: fleet.gitops },
  });
  eu = clusterId(fleet, 'prod-eu-1');
});
afterAll(async () => {
  await extra?.close();
  await fleet?.stop();
});

/** The Deployment's item in a metadata-only list of the namespace, as Tattler's poll reads it. */
async function listed(name: string): Promise<Loose> {
  const { status, body } = await getJson(
    fleet,
    kubePath(eu, '/apis/apps/v1/namespaces/shop/deployments'),
    META,
  );
  expect(status).toBe(200);
  expect(body.kind).toBe('PartialObjectMetadataList');
  return body.items.find((i: Loose) => i.metadata.name === name);
}
const full = async (name: string): Promise<Loose> =>
  (await getJson(fleet, kubePath(eu, `/apis/apps/v1/namespaces/shop/deployments/${name}`))).body;
const app = (name: string): Loose => extra.argocd.app(name);
const entry = (obj: Loose, manager: string) =>
  obj.metadata.managedFields.find((e: Loose) => e.manager === manager && !e.subresource);
const within = (time: string, op: Loose) =>
  Date.parse(op.startedAt) <= Date.parse(time) && Date.parse(time) <= Date.parse(op.finishedAt);

describe("an Argo CD sync into the Rancher fleet's prod-eu-1", () => {
  it("applies cart's Deployment as argocd-controller inside the operation's window, with Argo CD's tracking", async () => {
    const before = await listed('cart');
    const historyBefore = app('cart-prod-eu-1').status.history.length;
    const image = 'registry.example.com/shop/cart:2.1.0';
    const op = extra.control.argocd({ type: 'sync', app: 'cart-prod-eu-1', by: 'carol', image });
    if (!op) throw new Error('a sync into a fleet cluster runs as an operation');

    // Running: the Application says who asked, and when it started; nothing is in history yet.
    expect(app('cart-prod-eu-1').operation.initiatedBy).toEqual({ username: 'carol' });
    expect(app('cart-prod-eu-1').status.operationState).toMatchObject({ phase: 'Running' });
    expect(app('cart-prod-eu-1').status.history).toHaveLength(historyBefore);
    expect((await listed('cart')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);

    await op.finished;
    fleet.control.settle();
    const a = app('cart-prod-eu-1');
    const state = a.status.operationState;
    expect(state).toMatchObject({ phase: 'Succeeded', operation: { initiatedBy: { username: 'carol' } } });
    const seconds = (Date.parse(state.finishedAt) - Date.parse(state.startedAt)) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(2);
    expect(seconds).toBeLessThanOrEqual(10);
    expect(a.operation).toBeUndefined();
    const last = a.status.history.at(-1);
    expect(last).toMatchObject({
      initiatedBy: { username: 'carol' },
      deployStartedAt: state.startedAt,
      deployedAt: state.finishedAt,
    });
    expect(state.syncResult.revision).toBe(last.revision);
    expect(a.status.sync).toEqual({ status: 'Synced', revision: last.revision });
    expect(state.syncResult.resources).toEqual([
      expect.objectContaining({
        group: 'apps',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'cart',
        status: 'Synced',
      }),
    ]);
    expect(a.status.resources).toContainEqual(
      expect.objectContaining({ group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'cart' }),
    );
    expect(a.status.summary.images).toEqual([image]);

    // The list Tattler polls moved: new resourceVersion and generation, the controller's Apply
    // inside the window, the tracking annotation, and no person in the deploy tooling's stamp.
    const item = await listed('cart');
    expect(item.spec).toBeUndefined();
    expect(Number(item.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(item.metadata.generation).toBe(before.metadata.generation + 1);
    expect(item.metadata.annotations[TRACKING]).toBe('cart-prod-eu-1:apps/Deployment:shop/cart');
    expect(item.metadata.annotations[ACTOR]).toBe('');
    const applied = entry(item, 'argocd-controller');
    expect(applied).toMatchObject({ operation: 'Apply', apiVersion: 'apps/v1' });
    expect(within(applied.time, state)).toBe(true);
    expect(applied.fieldsV1['f:spec']['f:template']).toBeDefined();
    expect(actorOf(item, ACTOR)).toEqual({
      changedBy: { name: 'argocd-controller', kind: 'client', via: 'managedFields' },
      changedAt: Date.parse(applied.time),
    });

    // The object in full: the new image, and a new ReplicaSet for it as the controller makes one.
    const obj = await full('cart');
    expect(obj.spec.template.spec.containers[0].image).toBe(image);
    const { body: rsList } = await getJson(fleet, kubePath(eu, '/apis/apps/v1/namespaces/shop/replicasets'));
    const owned = rsList.items.filter((rs: Loose) =>
      rs.metadata.ownerReferences?.some((o: Loose) => o.uid === obj.metadata.uid),
    );
    const newest = owned.reduce((x: Loose, y: Loose) =>
      Number(y.metadata.annotations[REVISION]) > Number(x.metadata.annotations[REVISION]) ? y : x,
    );
    expect(newest.spec.template.spec.containers[0].image).toBe(image);
    expect(newest.metadata.annotations[REVISION]).toBe(obj.metadata.annotations[REVISION]);

    // The fleet's ground truth: carol, through Argo CD.
    expect(fleet.control.state().changes.at(-1)).toMatchObject({
      cluster: 'prod-eu-1',
      name: 'cart',
      by: 'carol',
      tool: 'argocd',
      manager: 'argocd-controller',
      summary: 'image → 2.1.0',
    });
  });

  it("keeps a hand edit made during the window as the hand editor's own write", async () => {
    const op = extra.control.argocd({
      type: 'sync',
      app: 'cart-prod-eu-1',
      by: 'carol',
      image: 'registry.example.com/shop/cart:2.1.1',
    });
    if (!op) throw new Error('a sync into a fleet cluster runs as an operation');
    await op.applied;
    // A second later (managedFields times are whole seconds), still inside the window.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(app('cart-prod-eu-1').status.operationState.phase).toBe('Running');
    expect(fleet.control.apply('kubectl-edit-cart', 'prod-eu-1').lines).toEqual([
      expect.stringMatching(/^dave set LOG_LEVEL=\w+ on cart with kubectl edit in prod-eu-1$/),
    ]);
    await op.finished;
    const state = app('cart-prod-eu-1').status.operationState;
    const item = await listed('cart');
    const hand = entry(item, 'kubectl-edit');
    expect(within(hand.time, state)).toBe(true);
    expect(within(entry(item, 'argocd-controller').time, state)).toBe(true);
    expect(actorOf(item, ACTOR).changedBy).toEqual({
      name: 'kubectl-edit',
      kind: 'client',
      via: 'managedFields',
    });
    const obj = await full('cart');
    expect(obj.spec.template.spec.containers[0].image).toBe('registry.example.com/shop/cart:2.1.1');
    expect(obj.spec.template.spec.containers[0].env).toContainEqual(
      expect.objectContaining({ name: 'LOG_LEVEL' }),
    );
  });

  it('refuses a second sync while one runs, as Argo CD does', async () => {
    const op = extra.control.argocd({ type: 'auto-sync', app: 'cart-prod-eu-1' });
    expect(() => extra.control.argocd({ type: 'sync', app: 'cart-prod-eu-1', by: 'bob' })).toThrow(
      /another operation is already in progress/,
    );
    await op?.finished;
    expect(app('cart-prod-eu-1').status.history.at(-1).initiatedBy).toEqual({ automated: true });
  });

  it('lists and applies only the Deployments the destination runs: payments has none in prod-eu-1', async () => {
    const payments = app('payments-prod-eu-1');
    expect(payments.status.resources.some((r: Loose) => r.kind === 'Deployment')).toBe(false);
    expect(app('checkout-prod-eu-1').status.resources.some((r: Loose) => r.kind === 'Deployment')).toBe(true);
    fleet.control.settle();
    const changes = fleet.control.state().changes.length;
    const rv = fleet.control.state().clusters.find((c) => c.displayName === 'prod-eu-1')?.resourceVersion;
    await extra.control.argocd({ type: 'sync', app: 'payments-prod-eu-1', by: 'alice' })?.finished;
    expect(payments.status.operationState).toMatchObject({
      phase: 'Succeeded',
      syncResult: { resources: [] },
    });
    expect(fleet.control.state().changes).toHaveLength(changes);
    expect(fleet.control.state().clusters.find((c) => c.displayName === 'prod-eu-1')?.resourceVersion).toBe(
      rv,
    );
  });

  it('fails the operation, with no history entry, while the cluster is unreachable', async () => {
    fleet.control.apply('outage', 'prod-eu-1');
    const history = app('checkout-prod-eu-1').status.history.length;
    await extra.control.argocd({ type: 'sync', app: 'checkout-prod-eu-1', by: 'bob' })?.finished;
    fleet.control.tick(90_000); // the outage ends
    const state = app('checkout-prod-eu-1').status.operationState;
    expect(state.phase).toBe('Failed');
    expect(state.syncResult.resources[0]).toMatchObject({ name: 'checkout', status: 'SyncFailed' });
    expect(app('checkout-prod-eu-1').status.history).toHaveLength(history);
  });
});

describe("the scenario's argo-sync event", () => {
  it('has carol push the next cart image and sync it into prod-eu-1', async () => {
    const image = (await full('cart')).spec.template.spec.containers[0].image as string;
    const [, minor, patch] = /:(\d+\.\d+)\.(\d+)$/.exec(image) ?? [];
    const next = `${minor}.${Number(patch) + 1}`;
    expect(fleet.control.apply('argo-sync').lines).toEqual([
      `carol synced cart-prod-eu-1 in Argo CD (cart:${next})`,
    ]);
    await extra.argocd.idle();
    expect((await full('cart')).spec.template.spec.containers[0].image).toBe(
      `registry.example.com/shop/cart:${next}`,
    );
  });

  it('says so, and changes nothing, when no Argo CD deploys into the fleet', async () => {
    const alone = await startFleet({ seed: 5, clusters: 3, autoRun: false });
    try {
      const changes = alone.control.state().changes.length;
      expect(alone.control.apply('argo-sync').lines).toEqual([
        'argo-sync: no Argo CD deploys into this fleet',
      ]);
      expect(alone.control.state().changes).toHaveLength(changes);
    } finally {
      await alone.stop();
    }
  });
});

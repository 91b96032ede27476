/**
 * JobSnapshot.links, the ties a job states to its service and its manager (lib/model.ts): from a
 * Kubernetes workload's labels and Argo CD tracking annotation (lib/sources/kubernetes/links.ts),
 * for moved and unmoved jobs alike, and from an Argo CD application's `status.resources`.
 */
import { describe, expect, it } from 'vitest';
import { createHttp, type FetchLike } from '../../lib/http';
import { type ArgoApp, linksOf, MAX_MANAGED, normalizeApp } from '../../lib/sources/argocd/normalize';
import { trackedApp, workloadLinks } from '../../lib/sources/kubernetes/links';
import { pollKubernetes } from '../../lib/sources/kubernetes/poll';
import { pinnedKeys } from '../../lib/sources/label-selector';
import { ctx as argoCtx, source as extraSource, fixture } from './extra-helpers';
import { FakeKubeApi, type KubeItem, type KubeList, makeCtx, makeSource } from './helpers';

const meta = (labels: Record<string, string>, annotations: Record<string, string> = {}) => ({
  name: 'cart',
  namespace: 'shop',
  labels,
  annotations,
});

describe('a Kubernetes workload’s links', () => {
  it('reads part-of, name and the Argo CD tracking annotation that names this object', () => {
    expect(
      workloadLinks(
        'Deployment',
        meta(
          { 'app.kubernetes.io/part-of': 'storefront', 'app.kubernetes.io/name': 'cart-api' },
          { 'argocd.argoproj.io/tracking-id': 'cart:apps/Deployment:shop/cart' },
        ),
        undefined,
      ),
    ).toEqual({ partOf: 'storefront', name: 'cart-api', argoApp: 'cart' });
  });

  it('leaves out a label the owner filter pins: every job of the user carries it', () => {
    const links = workloadLinks(
      'Deployment',
      meta({ 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/name': 'cart' }),
      'app.kubernetes.io/part-of=shop,tier!=batch',
    );
    expect(links).toEqual({ name: 'cart' });
    expect([...pinnedKeys('a=b, c==d, e in (x,y), f!=g, !h, i')]).toEqual(['a', 'c', 'e']);
  });

  it('takes the instance label only without a tracking annotation (label tracking)', () => {
    expect(workloadLinks('Deployment', meta({ 'app.kubernetes.io/instance': 'cart-eu' }), undefined)).toEqual(
      {
        argoApp: 'cart-eu',
      },
    );
    // An annotation copied from another object: annotation tracking, and it is not this object's.
    expect(
      workloadLinks(
        'Deployment',
        meta(
          { 'app.kubernetes.io/instance': 'helm-release' },
          { 'argocd.argoproj.io/tracking-id': 'cart:apps/Deployment:shop/checkout' },
        ),
        undefined,
      ),
    ).toBeUndefined();
  });

  it('parses tracking ids as Argo CD writes them, and refuses the rest', () => {
    const obj = { kind: 'Deployment', namespace: 'shop', name: 'cart' };
    expect(trackedApp('cart:apps/Deployment:shop/cart', obj)).toBe('cart');
    // An application outside Argo CD's namespace is `<namespace>_<name>`.
    expect(trackedApp('team-a_cart:apps/Deployment:shop/cart', obj)).toBe('cart');
    expect(trackedApp('cart:apps/StatefulSet:shop/cart', obj)).toBeUndefined();
    expect(trackedApp('cart:apps/Deployment:other/cart', obj)).toBeUndefined();
    expect(trackedApp('cart', obj)).toBeUndefined();
    expect(trackedApp(':apps/Deployment:shop/cart', obj)).toBeUndefined();
    expect(trackedApp(42, obj)).toBeUndefined();
  });

  it('refuses values longer than Kubernetes allows a label', () => {
    expect(
      workloadLinks('Deployment', meta({ 'app.kubernetes.io/name': 'x'.repeat(64) }), undefined),
    ).toBeUndefined();
  });

  it('come with every snapshot, and with every unmoved job of a metadata list', async () => {
    const api = new FakeKubeApi();
    const items = (api.lists.deployments as KubeList).items as KubeItem[];
    const fetch: FetchLike = async (input, init) => {
      const accept = new Headers(init.headers).get('accept') ?? '';
      const res = await api.fetch(input, init);
      if (!accept.startsWith('application/json;as=PartialObjectMetadataList') || res.status !== 200)
        return res;
      const body = (await res.json()) as { metadata: unknown; items?: KubeItem[] };
      return new Response(
        JSON.stringify({
          kind: 'PartialObjectMetadataList',
          apiVersion: 'meta.k8s.io/v1',
          metadata: body.metadata,
          items: (body.items ?? []).map((i) => ({ kind: 'PartialObjectMetadata', metadata: i.metadata })),
        }),
        { status: 200 },
      );
    };
    const src = makeSource({
      kinds: ['Deployment'],
      owner: { labelSelector: 'app.kubernetes.io/part-of=shop' },
    });
    const ctx = makeCtx(createHttp({ fetch }), src);
    const first = await pollKubernetes(ctx);
    const cart = first.jobs.find((j) => j.name === 'cart');
    expect(cart?.links).toEqual({ name: 'cart' });
    // Labels edited without a new resourceVersion cannot happen; a job stored before links
    // existed is what the unmoved path is for: its links come from the metadata list.
    const known = new Map(first.jobs.map((j) => [j.key, j.versionToken]));
    const tracked = items.find((i) => i.metadata.name === 'cart') as KubeItem;
    (tracked.metadata as Record<string, unknown>).annotations = {
      ...((tracked.metadata as Record<string, unknown>).annotations as object),
      'argocd.argoproj.io/tracking-id': 'cart:apps/Deployment:shop/cart',
    };
    const steady = await pollKubernetes({ ...ctx, now: ctx.now + 60_000, known, memo: first.memo });
    expect(steady.jobs).toEqual([]);
    expect(steady.unchanged).toContain(cart?.key);
    expect(steady.unchangedLinks?.get(cart?.key as string)).toEqual({ name: 'cart', argoApp: 'cart' });
  });
});

describe('an Argo CD application’s links', () => {
  const app = () =>
    structuredClone(fixture<{ items: ArgoApp[] }>('argocd/applications.json').items[0] as ArgoApp);

  it('lists the workloads it manages as row keys', () => {
    const src = extraSource({ type: 'argocd', baseUrl: 'https://argocd.example.com' });
    const cluster = {
      nativeId: 'https://10.20.0.1:6443',
      name: 'prod-eu-1',
      apiBase: 'https://argocd.example.com',
    };
    const snap = normalizeApp(app(), argoCtx(undefined as never, src, cluster));
    expect(snap.links).toEqual({ manages: ['Deployment:shop/checkout'] });
  });

  it('keeps only workload kinds, in the destination namespace when a resource names none, and at most MAX_MANAGED', () => {
    const a = app() as ArgoApp & { status: { resources: unknown[] } };
    a.status.resources = [
      { kind: 'Service', namespace: 'shop', name: 'cart' },
      { group: 'apps', kind: 'StatefulSet', name: 'cart-db' },
      { group: 'batch', kind: 'CronJob', namespace: 'jobs', name: 'cart-sweep' },
      { kind: 'Deployment' },
      'garbage',
    ];
    expect(linksOf(a)).toEqual({ manages: ['CronJob:jobs/cart-sweep', 'StatefulSet:shop/cart-db'] });
    a.status.resources = Array.from({ length: MAX_MANAGED + 5 }, (_, i) => ({
      group: 'apps',
      kind: 'Deployment',
      namespace: 'shop',
      name: `d${i}`,
    }));
    expect(linksOf(a)?.manages).toHaveLength(MAX_MANAGED);
    a.status.resources = [];
    expect(linksOf(a)).toBeUndefined();
  });
});

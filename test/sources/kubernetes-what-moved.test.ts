/**
 * The Kubernetes poll's choices (lib/sources/kubernetes/poll.ts) against a fake API server that
 * answers metadata-only lists when asked: what it reads at first sight and after, GET or list for
 * what moved, what a 403/404 on a GET means, how a refused cache read falls back, and that a memo
 * made for other settings is not used.
 */
import { describe, expect, it } from 'vitest';
import { createHttp, type FetchLike } from '../../lib/http';
import { type KubeMemo, PLAIN_READS_MS } from '../../lib/sources/kubernetes/memo';
import { MAX_GETS, pollKubernetes } from '../../lib/sources/kubernetes/poll';
import type { PollContext, PollOk } from '../../lib/sources/types';
import { FakeKubeApi, type KubeItem, type KubeList, makeCtx, makeSource } from './helpers';

/** The fake's Deployments, to edit. */
const deploymentsOf = (api: FakeKubeApi): KubeItem[] => (api.lists.deployments as KubeList).items;

const META = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/** The fake API server, answering `as=PartialObjectMetadataList` as the real one does when asked to. */
function metadataServer(api = new FakeKubeApi()) {
  const seen: { url: URL; accept: string }[] = [];
  /** Per object name: answer its GET with this status instead. */
  const getStatus = new Map<string, number>();
  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    const accept = new Headers(init.headers).get('accept') ?? '';
    seen.push({ url, accept });
    const name = decodeURIComponent(url.pathname.split('/').pop() ?? '');
    const status = getStatus.get(name);
    if (status) return new Response(JSON.stringify({ kind: 'Status', code: status }), { status });
    const res = await api.fetch(input, init);
    if (!accept.startsWith('application/json;as=PartialObjectMetadataList') || res.status !== 200) return res;
    const body = (await res.json()) as { metadata: unknown; items?: KubeItem[] };
    if (!body.items) return new Response(JSON.stringify(body), { status: 200 });
    return new Response(
      JSON.stringify({
        kind: 'PartialObjectMetadataList',
        apiVersion: 'meta.k8s.io/v1',
        metadata: body.metadata,
        items: body.items.map((i) => ({
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: i.metadata,
        })),
      }),
      { status: 200, headers: { 'content-type': 'application/json' } },
    );
  };
  return { api, seen, getStatus, fetch };
}

const source = makeSource({
  kinds: ['Deployment', 'StatefulSet'],
  owner: { labelSelector: 'app.kubernetes.io/part-of=shop' },
});

/** A first poll (first sight), and a context for the next one that knows what it stored. */
async function firstSight(fetch: FetchLike) {
  const ctx = makeCtx(createHttp({ fetch }), source);
  const first = await pollKubernetes(ctx);
  const known = new Map(first.jobs.map((j) => [j.key, j.versionToken]));
  const next = (over: Partial<PollContext> = {}) =>
    pollKubernetes({ ...ctx, now: ctx.now + 60_000, known, memo: first.memo, ...over });
  return { first, known, next };
}

const listReads = <T extends { url: URL }>(seen: T[]) =>
  seen.filter((s) => !/\/(deployments|statefulsets)\/[^/]+$/.test(s.url.pathname));
const gets = <T extends { url: URL }>(seen: T[]) =>
  seen.filter((s) => /\/(deployments|statefulsets)\/[^/]+$/.test(s.url.pathname));

describe('first sight, then what moved', () => {
  it('reads full lists at first sight, and remembers each list’s resourceVersion', async () => {
    const server = metadataServer();
    const { first } = await firstSight(server.fetch);
    expect(first.jobs).toHaveLength(8);
    expect(first.unchanged).toBeUndefined();
    expect(
      server.seen.every((s) => s.accept === 'application/json' && s.url.searchParams.get('limit') === '500'),
    ).toBe(true);
    expect((first.memo as KubeMemo).lists).toEqual({
      Deployment: { rv: '918273' },
      StatefulSet: { rv: '918300' },
    });
  });

  it('then reads metadata, from the cache not older than the last list, and nothing in full when nothing moved', async () => {
    const server = metadataServer();
    const { next } = await firstSight(server.fetch);
    server.seen.length = 0;
    const steady = await next();
    expect(steady.jobs).toEqual([]);
    expect(steady.unchanged).toHaveLength(8);
    expect(server.seen.map((s) => [s.url.pathname.split('/').pop(), s.accept, s.url.search])).toEqual([
      [
        'deployments',
        META,
        '?resourceVersion=918273&resourceVersionMatch=NotOlderThan&labelSelector=app.kubernetes.io%2Fpart-of%3Dshop',
      ],
      [
        'statefulsets',
        META,
        '?resourceVersion=918300&resourceVersionMatch=NotOlderThan&labelSelector=app.kubernetes.io%2Fpart-of%3Dshop',
      ],
    ]);
  });

  it('GETs exactly what moved, not older than the version the list showed', async () => {
    const server = metadataServer();
    const { next } = await firstSight(server.fetch);
    const cart = server.api.lists.deployments?.items.find((i) => i.metadata.name === 'cart') as KubeItem;
    cart.metadata.resourceVersion = '918999';
    (cart.spec as { replicas: number }).replicas = 9;
    server.seen.length = 0;
    const polled = await next();
    expect(polled.jobs.map((j) => [j.name, j.versionToken, j.fields['spec.replicas']])).toEqual([
      ['cart', '918999', 9],
    ]);
    expect(polled.unchanged).toHaveLength(7);
    expect(gets(server.seen).map((s) => s.url.pathname.split('/').pop() + s.url.search)).toEqual([
      'cart?resourceVersion=918999',
    ]);
  });

  it('reads one full list instead of many GETs when most of a list moved', async () => {
    const server = metadataServer();
    const { next } = await firstSight(server.fetch);
    for (const item of server.api.lists.deployments?.items ?? [])
      item.metadata.resourceVersion = `9${item.metadata.resourceVersion}`;
    server.seen.length = 0;
    const polled = await next();
    expect(polled.jobs.map((j) => j.name).sort()).toEqual([
      'cart',
      'checkout',
      'legacy-worker',
      'payments',
      'recommendations',
      'search',
    ]);
    expect(gets(server.seen)).toEqual([]);
    const deployments = listReads(server.seen).filter((s) => s.url.pathname.endsWith('/deployments'));
    expect(deployments.map((s) => s.accept)).toEqual([META, 'application/json']);
    // The full list is not older than the metadata list it follows.
    expect(deployments[1]?.url.searchParams.get('resourceVersionMatch')).toBe('NotOlderThan');
  });

  it(`reads the full list when more than ${MAX_GETS} objects moved, even in a long list`, async () => {
    const server = metadataServer();
    const template = server.api.lists.deployments?.items[0] as KubeItem;
    (server.api.lists.deployments as KubeList).items = Array.from({ length: 100 }, (_, i) => ({
      ...structuredClone(template),
      metadata: {
        ...structuredClone(template.metadata),
        name: `svc-${i}`,
        resourceVersion: String(1000 + i),
      },
    }));
    const { next } = await firstSight(server.fetch);
    for (const item of deploymentsOf(server.api).slice(0, MAX_GETS + 1))
      item.metadata.resourceVersion = `5${item.metadata.resourceVersion}`;
    server.seen.length = 0;
    const polled = await next();
    expect(polled.jobs).toHaveLength(MAX_GETS + 1);
    expect(gets(server.seen)).toEqual([]);
  });

  it('leaves out an object gone before its GET (404) or out of the owner filter now; a 403 reads the list', async () => {
    const server = metadataServer();
    const { next } = await firstSight(server.fetch);
    const items = server.api.lists.deployments?.items as KubeItem[];
    for (const name of ['cart', 'search']) {
      const item = items.find((i) => i.metadata.name === name) as KubeItem;
      item.metadata.resourceVersion = '919000';
    }
    server.getStatus.set('cart', 404);
    // search: listed with the label (the list was read before), but no longer ours when fetched.
    const search = items.find((i) => i.metadata.name === 'search') as KubeItem;
    const labels = search.metadata.labels;
    const polled = await (async () => {
      const real = server.api.fetch;
      server.api.fetch = async (input, init) => {
        if (input.includes('/deployments/search'))
          search.metadata.labels = { 'app.kubernetes.io/name': 'search' };
        return real(input, init);
      };
      try {
        return await next();
      } finally {
        server.api.fetch = real;
        search.metadata.labels = labels;
      }
    })();
    expect(polled.jobs).toEqual([]);
    expect(polled.unchanged).toHaveLength(6);

    server.getStatus.clear();
    server.getStatus.set('cart', 403);
    server.seen.length = 0;
    const refused = await next();
    expect(refused.jobs.map((j) => j.name).sort()).toEqual(['cart', 'search']);
    expect(
      listReads(server.seen)
        .filter((s) => s.url.pathname.endsWith('/deployments'))
        .map((s) => s.accept),
    ).toEqual([META, 'application/json']);
  });

  it('keeps working with a server that answers full objects whatever it is asked', async () => {
    const api = new FakeKubeApi();
    const { next } = await firstSight(api.fetch);
    (deploymentsOf(api)[0] as KubeItem).metadata.resourceVersion = '920000';
    api.requests.length = 0;
    const polled = await next();
    expect(polled.jobs.map((j) => j.name)).toEqual(['checkout']);
    expect(polled.unchanged).toHaveLength(7);
    expect(api.requests).toHaveLength(2); // the two lists, nothing else
  });
});

describe('reads from the watch cache, and servers that refuse them', () => {
  const refusals: [number, string, unknown][] = [
    [410, 'Expired', { kind: 'Status', code: 410, reason: 'Expired' }],
    [
      504,
      'Too large resource version',
      {
        kind: 'Status',
        code: 504,
        reason: 'Timeout',
        message: 'Timeout: Too large resource version: 9, current: 1',
      },
    ],
    [422, 'an older server', { kind: 'Status', code: 422, reason: 'Invalid' }],
  ];

  it.each(refusals)(
    'a %i (%s) is read again plainly, and plainly for an hour',
    async (status, _what, body) => {
      const server = metadataServer();
      const { next } = await firstSight(server.fetch);
      const plain = server.fetch;
      const refusing: FetchLike = async (input, init) =>
        new URL(input).searchParams.has('resourceVersionMatch')
          ? new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
          : plain(input, init);
      server.seen.length = 0;
      const ctx = makeCtx(createHttp({ fetch: refusing }), source);
      const once: PollOk = await next({ http: ctx.http });
      expect(once.unchanged).toHaveLength(8);
      const memo = once.memo as KubeMemo;
      expect(memo.plainSince).toBe(makeCtx(ctx.http, source).now + 60_000);
      // Within the hour: no cache reads at all; after it, they are tried again.
      const seenLater: URL[] = [];
      const watching: FetchLike = (input, init) => {
        seenLater.push(new URL(input));
        return refusing(input, init);
      };
      await next({
        http: createHttp({ fetch: watching }),
        memo,
        now: (memo.plainSince as number) + 30 * 60_000,
      });
      expect(seenLater.some((u) => u.searchParams.has('resourceVersion'))).toBe(false);
      seenLater.length = 0;
      await next({
        http: createHttp({ fetch: watching }),
        memo,
        now: (memo.plainSince as number) + PLAIN_READS_MS + 1,
      });
      expect(seenLater.some((u) => u.searchParams.has('resourceVersionMatch'))).toBe(true);
    },
  );

  it('does not use a memo made for another API base or other settings', async () => {
    const server = metadataServer();
    const { next } = await firstSight(server.fetch);
    server.seen.length = 0;
    await next({ apiBase: 'https://rancher.example.com/k8s/clusters/c-other' });
    expect(server.seen.some((s) => s.url.searchParams.has('resourceVersion'))).toBe(false);
    server.seen.length = 0;
    await next({
      source: makeSource({
        ...source,
        kinds: ['Deployment', 'StatefulSet'],
        owner: { labelSelector: 'team=x' },
      }),
    });
    expect(server.seen.some((s) => s.url.searchParams.has('resourceVersion'))).toBe(false);
  });
});

describe('empty kinds', () => {
  const withDaemonSets = makeSource({ kinds: ['Deployment', 'DaemonSet'], owner: { namespaces: ['shop'] } });

  it('are skipped until their re-probe, unless Tattler stores a job of that kind there', async () => {
    const server = metadataServer();
    const ctx = makeCtx(createHttp({ fetch: server.fetch }), withDaemonSets);
    const first = await pollKubernetes(ctx);
    expect((first.memo as KubeMemo).lists['DaemonSet/shop']).toEqual({ rv: '918400', emptySince: ctx.now });
    const known = new Map(first.jobs.map((j) => [j.key, j.versionToken]));
    server.seen.length = 0;
    await pollKubernetes({ ...ctx, now: ctx.now + 60_000, known, memo: first.memo });
    expect(server.seen.map((s) => s.url.pathname.split('/').pop())).toEqual(['deployments']);
    // A DaemonSet job stored there (a list that held one, since emptied): asked, whatever the memo says.
    known.set(`${ctx.clusterId}|DaemonSet:shop/agent`, '1');
    server.seen.length = 0;
    await pollKubernetes({ ...ctx, now: ctx.now + 60_000, known, memo: first.memo });
    expect(server.seen.map((s) => s.url.pathname.split('/').pop())).toEqual(['deployments', 'daemonsets']);
  });
});

/**
 * The fleet's Kubernetes API reads what a request's resourceVersion parameters ask for, as the API
 * concepts page documents it (fleet/k8s/read-semantics.ts), answers metadata-only lists in their
 * real shape, refuses with 429 and Retry-After on demand, and counts what each client cost.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../fleet/index';
import { call, getJson, kubePath } from './test-helpers';

let fleet: Fleet;
let id: string;
const k = (rest: string) => kubePath(id, rest);
const META = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/shop/deployments';

beforeAll(async () => {
  fleet = await startFleet({ seed: 11, clusters: 2, autoRun: false, continueTtlMs: 1500 });
  id = fleet.clusters()[0]?.id ?? '';
});
afterAll(() => fleet.stop());
beforeEach(() => fleet.control.resetTraffic());

const traffic = (match: Record<string, unknown>) => {
  let requests = 0;
  let bytes = 0;
  for (const row of fleet.control.traffic()) {
    if (Object.entries(match).some(([key, v]) => (row as unknown as Record<string, unknown>)[key] !== v))
      continue;
    requests += row.requests;
    bytes += row.bytes;
  }
  return { requests, bytes };
};

describe('metadata-only lists', () => {
  it('answer a PartialObjectMetadataList: kind, apiVersion meta.k8s.io/v1, items of metadata only', async () => {
    const { status, body } = await getJson(fleet, k(DEPLOYMENTS), META);
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1' });
    expect(body.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(body.items.length).toBeGreaterThan(0);
    for (const item of body.items) {
      expect(Object.keys(item).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
      expect(item).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' });
      expect(item.metadata.resourceVersion).toMatch(/^\d+$/);
      expect(item.metadata.managedFields.length).toBeGreaterThan(0);
    }
    const full = (await getJson(fleet, k(DEPLOYMENTS))).body;
    const meta = traffic({ resource: 'deployments', as: 'metadata' });
    const objects = traffic({ resource: 'deployments', as: 'object' });
    expect(meta.requests).toBe(1);
    expect(objects.requests).toBe(1);
    // Smaller than the objects (here managedFields are most of an object), still every item.
    expect(meta.bytes).toBeLessThan(objects.bytes);
    expect(full.items.length).toBe(body.items.length);
  });
});

describe('resourceVersion semantics', () => {
  it('reads etcd without a resourceVersion, and the watch cache when one is given (NotOlderThan, or "0")', async () => {
    const first = (await getJson(fleet, k(DEPLOYMENTS), META)).body;
    const rv = first.metadata.resourceVersion;
    const cached = await getJson(
      fleet,
      k(`${DEPLOYMENTS}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`),
      META,
    );
    expect(cached.status).toBe(200);
    expect(Number(cached.body.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(rv));
    await getJson(fleet, k(`${DEPLOYMENTS}?resourceVersion=0`), META);
    expect(traffic({ resource: 'deployments', from: 'etcd' }).requests).toBe(1);
    expect(traffic({ resource: 'deployments', from: 'cache' }).requests).toBe(2);
  });

  it('GET with a resourceVersion reads the cache; without one, etcd', async () => {
    await getJson(fleet, k(`${DEPLOYMENTS}/checkout?resourceVersion=1`));
    await getJson(fleet, k(`${DEPLOYMENTS}/checkout`));
    expect(traffic({ verb: 'get', from: 'cache' }).requests).toBe(1);
    expect(traffic({ verb: 'get', from: 'etcd' }).requests).toBe(1);
  });

  it('answers a revision it has not reached, after waiting for it, with 504 Too large resource version', async () => {
    const now = Number((await getJson(fleet, k(DEPLOYMENTS), META)).body.metadata.resourceVersion);
    const ahead = now + 1_000_000;
    const started = Date.now();
    const { status, body } = await getJson(
      fleet,
      k(`${DEPLOYMENTS}?resourceVersion=${ahead}&resourceVersionMatch=NotOlderThan`),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(status).toBe(504);
    expect(body).toMatchObject({ kind: 'Status', reason: 'Timeout', code: 504 });
    expect(body.message).toMatch(
      new RegExp(`^Timeout: Too large resource version: ${ahead}, current: \\d+$`),
    );
    expect(body.details.causes[0].reason).toBe('ResourceVersionTooLarge');
  });

  it('reads an exact revision as it was, and answers 410 once it is compacted — a paginated list with a resourceVersion is exact', async () => {
    const before = (await getJson(fleet, k(`${DEPLOYMENTS}/cart`))).body;
    const rv = (await getJson(fleet, k(DEPLOYMENTS), META)).body.metadata.resourceVersion;
    fleet.control.apply('bad-rollout', id); // changes shop/cart
    fleet.control.settle();
    for (const q of [`resourceVersion=${rv}&resourceVersionMatch=Exact`, `resourceVersion=${rv}&limit=50`]) {
      const { status, body } = await getJson(fleet, k(`${DEPLOYMENTS}?${q}`));
      expect(status, q).toBe(200);
      expect(body.metadata.resourceVersion).toBe(rv);
      const cart = body.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'cart');
      expect(cart.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    }
    // Not older than that revision: the cart as it is now.
    const newer = (
      await getJson(fleet, k(`${DEPLOYMENTS}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`))
    ).body;
    const cartNow = newer.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'cart');
    expect(Number(cartNow.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    // Compaction (the fleet keeps history as long as a continue token lives).
    await new Promise((r) => setTimeout(r, 1700));
    fleet.control.apply('scale', id);
    await getJson(fleet, k('/version'));
    await new Promise((r) => setTimeout(r, 1100));
    const gone = await getJson(fleet, k(`${DEPLOYMENTS}?resourceVersion=${rv}&resourceVersionMatch=Exact`));
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect(gone.body.message).toBe('The resourceVersion for the provided list is too old.');
  });

  it('refuses the combinations the API server refuses', async () => {
    const cases: [string, number, string][] = [
      [
        'resourceVersionMatch=NotOlderThan',
        422,
        'resourceVersionMatch is forbidden unless resourceVersion is provided',
      ],
      ['resourceVersion=5&resourceVersionMatch=Soon', 422, 'Unsupported value: "Soon"'],
      [
        'resourceVersion=0&resourceVersionMatch=Exact',
        422,
        'resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
      ],
      ['resourceVersion=abc', 400, 'invalid resource version: abc'],
    ];
    for (const [query, code, message] of cases) {
      const { status, body } = await getJson(fleet, k(`${DEPLOYMENTS}?${query}`));
      expect(status, query).toBe(code);
      expect(body.message).toContain(message);
    }
    const first = (await getJson(fleet, k('/apis/apps/v1/deployments?limit=2'))).body;
    const token = encodeURIComponent(first.metadata.continue);
    const both = await getJson(
      fleet,
      k(`/apis/apps/v1/deployments?limit=2&continue=${token}&resourceVersion=5`),
    );
    expect(both.status).toBe(400);
    expect(both.body.message).toBe('specifying resource version is not allowed when using continue');
  });
});

describe('429 on demand', () => {
  it('answers Too Many Requests with Retry-After, the API server’s Status, and counts it', async () => {
    fleet.control.fault({ cluster: id, kind: '429', ms: 2500 });
    const res = await call(fleet, k(DEPLOYMENTS), { token: fleet.apiToken });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      reason: 'TooManyRequests',
      code: 429,
      details: { retryAfterSeconds: 3 },
    });
    expect(traffic({ cluster: id, status: 429 }).requests).toBe(1);
    // The fault is used up: the next request is answered.
    expect((await call(fleet, k(DEPLOYMENTS), { token: fleet.apiToken })).status).toBe(200);
  });

  it('on Rancher’s cluster list too', async () => {
    fleet.control.fault({ kind: '429', ms: 1000 });
    const res = await call(fleet, '/v1/management.cattle.io.clusters', { token: fleet.apiToken });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({ type: 'error', status: 429, code: 'TooManyRequests' });
  });
});

/**
 * Each extra source against its fleet server over real HTTP on 127.0.0.1: log in as a browser
 * would, poll, apply a change, poll again, and `diffCluster` must report the change with the
 * right actor and the versions skipped between the polls. Then the injected faults, over the
 * wire, and the rule that Tattler only ever GETs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtraSystems, type SystemName, startExtraSystems } from '../../fleet/extra/index';
import type { FaultName } from '../../fleet/extra/server';
import { diffCluster } from '../../lib/diff';
import { createHttp, type FetchLike, PollError } from '../../lib/http';
import { clusterIdentities } from '../../lib/identity/clusters';
import type { JobSnapshot, PollStatus } from '../../lib/model';
import { type SettingsInput, type SourceSettings, validateSettings } from '../../lib/settings';
import { argocdAdapter } from '../../lib/sources/argocd/adapter';
import { genericAdapter } from '../../lib/sources/generic/adapter';
import { nomadAdapter } from '../../lib/sources/nomad/adapter';
import { toDiscovered } from '../../lib/sources/rancher/adapter';
import type { PollContext, SourceAdapter } from '../../lib/sources/types';

const T0 = Date.parse('2025-03-10T15:00:00Z');
let t = T0;
let systems: ExtraSystems;
const sent: { url: string; method: string | undefined; headers: Record<string, string> }[] = [];

beforeAll(async () => {
  systems = await startExtraSystems({ clock: () => t, seed: 3 });
});
afterAll(async () => {
  await systems.close();
});

/** The browser's part: its cookie jar sends the session cookie with every request to the host. */
const withCookie =
  (cookie: string | undefined): FetchLike =>
  (input, init) =>
    fetch(input, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });

function httpFor(cookie: string | undefined, timeoutMs = 5000) {
  return createHttp({
    fetch: withCookie(cookie),
    timeoutMs,
    onRequest: (url, init) =>
      sent.push({ url, method: init.method, headers: (init.headers ?? {}) as Record<string, string> }),
  });
}

function sourcesBy(): Record<SystemName, SourceSettings> {
  const fragment = systems.settingsFragment() as NonNullable<SettingsInput['sources']>;
  // Nomad's seeded jobs were submitted three days ago: read them in full from the first poll.
  const withWindow = fragment.map((s) =>
    s.type === 'nomad' ? { ...s, nomad: { versionsWithinHours: 24 * 7 } } : s,
  );
  const parsed = validateSettings({ version: 1, sources: withWindow });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const [argocd, nomad, homegrown] = parsed.value.sources as [SourceSettings, SourceSettings, SourceSettings];
  return { argocd, nomad, homegrown };
}

interface Cluster {
  nativeId: string;
  name: string;
  apiBase: string;
}

function pollCtx(
  http: PollContext['http'],
  source: SourceSettings,
  c: Cluster,
  extra: Partial<PollContext> = {},
): PollContext {
  return {
    http,
    source,
    now: t,
    clusterId: `${source.id}/${c.nativeId}`,
    clusterName: c.name,
    nativeId: c.nativeId,
    apiBase: c.apiBase,
    ...extra,
  };
}

const byKey = (jobs: JobSnapshot[]) => new Map(jobs.map((j) => [j.key, j]));

/** Poll, let `change` happen a minute later, poll again a minute after that; the changes between. */
async function pollChangePoll(adapter: SourceAdapter, makeCtx: () => PollContext, change: () => void) {
  const first = await adapter.poll(makeCtx());
  const windowStart = t;
  t += 60_000;
  change();
  t += 60_000;
  const second = await adapter.poll(makeCtx());
  const changes = diffCluster(byKey(first.jobs), second.jobs, { windowStart, windowEnd: t }).changes;
  return { first, second, changes, windowStart };
}

describe('Argo CD over HTTP', () => {
  it('needs the argocd.token session: without it, a missing login', async () => {
    const { argocd } = sourcesBy();
    const error = await argocdAdapter.discover(httpFor(undefined), argocd).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PollError);
    expect(error).toMatchObject({ status: 'auth', message: '401 on /api/v1/clusters' });
  });

  it('discovers destinations, polls, and sees a sync by bob after one by alice: two changes, each its own person', async () => {
    const { argocd } = sourcesBy();
    const cookie = await systems.argocd.login('tattler');
    const { clusters } = await argocdAdapter.discover(httpFor(cookie), argocd);
    expect(clusters.map((c) => c.name)).toEqual(['in-cluster', 'prod-eu-1', 'prod-us-1']);
    const eu = clusters.find((c) => c.name === 'prod-eu-1') as Cluster;

    const { first, second, changes } = await pollChangePoll(
      argocdAdapter,
      () => pollCtx(httpFor(cookie), argocd, eu),
      () => {
        systems.control.argocd({
          type: 'sync',
          app: 'checkout-prod-eu-1',
          by: 'alice',
          image: 'registry.example.com/shop/checkout:1.1.0',
        });
        t += 5_000;
        systems.control.argocd({
          type: 'sync',
          app: 'checkout-prod-eu-1',
          by: 'bob',
          image: 'registry.example.com/shop/checkout:1.2.0',
        });
      },
    );
    expect(first.jobs.map((j) => j.name).sort()).toEqual(['cart', 'checkout', 'payments']);
    expect(second.jobs.find((j) => j.name === 'checkout')?.link).toBe(
      `${systems.urls.argocd}/applications/argocd/checkout-prod-eu-1`,
    );
    // Alice's sync came and went between the polls: recovered from status.history.
    expect(changes).toHaveLength(2);
    expect(changes[0]).toMatchObject({
      type: 'updated',
      rowKey: 'Application:shop/checkout',
      actor: { name: 'alice', kind: 'person' },
      fromVersion: 1,
      toVersion: 2,
      recovered: { from: 'Argo CD history id 2' },
    });
    expect(changes[0]?.fields.map((f) => f.path)).toEqual(['sync.revision']);
    expect(changes[1]).toMatchObject({
      type: 'updated',
      rowKey: 'Application:shop/checkout',
      actor: { name: 'bob', kind: 'person' },
      fromVersion: 2,
      toVersion: 3,
    });
    expect(changes[1]?.skipped).toBeUndefined();
    expect(changes[1]?.recovered).toBeUndefined();
    expect(changes[1]?.actorStale).toBeUndefined();
    // History entries do not record images: the live change carries the images' whole move.
    expect(changes[1]?.fields.find((f) => f.path === 'images')).toEqual({
      path: 'images',
      before: ['registry.example.com/shop/checkout:1.0.0'],
      after: ['registry.example.com/shop/checkout:1.2.0'],
    });
  });

  it('an automated sync is the automation; an edit of the sync policy has no author of its own (stale)', async () => {
    const { argocd } = sourcesBy();
    const cookie = await systems.argocd.login('tattler');
    const us = { nativeId: 'https://10.30.0.1:6443', name: 'prod-us-1', apiBase: systems.urls.argocd };
    const { changes } = await pollChangePoll(
      argocdAdapter,
      () => pollCtx(httpFor(cookie), argocd, us),
      () => {
        systems.control.argocd({
          type: 'auto-sync',
          app: 'cart-prod-us-1',
          image: 'registry.example.com/shop/cart:1.0.1',
        });
        systems.control.argocd({ type: 'set-auto-sync', app: 'payments-prod-us-1', enabled: true });
      },
    );
    const cart = changes.find((c) => c.name === 'cart');
    expect(cart).toMatchObject({ actor: { name: 'automated', kind: 'automation' }, toVersion: 2 });
    expect(cart?.skipped).toBeUndefined();
    const payments = changes.find((c) => c.name === 'payments');
    expect(payments).toMatchObject({ actor: { name: 'alice' }, actorStale: true });
    expect(payments?.fields.map((f) => f.path)).toContain('syncPolicy.automated');
  });
});

describe('Nomad over HTTP', () => {
  const token = () => systems.nomad.tokens['tattler-reader']?.secretId as string;

  it('needs X-Nomad-Token: without it 403 Permission denied, a missing login', async () => {
    const { nomad } = sourcesBy();
    const region = { nativeId: 'eu-west', name: 'eu-west', apiBase: systems.urls.nomad };
    await expect(nomadAdapter.poll(pollCtx(httpFor(undefined), nomad, region))).rejects.toMatchObject({
      status: 'auth',
      message: expect.stringContaining('403 on /v1/jobs'),
    });
    await expect(
      nomadAdapter.poll(pollCtx(httpFor(undefined), nomad, region, { token: 'not-a-token' })),
    ).rejects.toMatchObject({
      status: 'auth',
    });
  });

  it('discovers regions, pages the job list, and sees two submits: two changes, each its own token', async () => {
    const { nomad } = sourcesBy();
    const { clusters } = await nomadAdapter.discover(httpFor(undefined), nomad);
    expect(clusters.map((c) => c.nativeId)).toEqual(['eu-west', 'us-east']);
    const region = clusters[0] as Cluster;
    const before = sent.length;
    const { first, changes } = await pollChangePoll(
      nomadAdapter,
      () => pollCtx(httpFor(undefined), nomad, region, { token: token() }),
      () =>
        systems.control.nomad({
          type: 'submit-twice',
          region: 'eu-west',
          namespace: 'shop',
          job: 'checkout',
          by: ['alice', 'bob'],
          images: [
            'registry.example.com/shop/checkout-app:1.1.0',
            'registry.example.com/shop/checkout-app:1.2.0',
          ],
        }),
    );
    expect(first.jobs.map((j) => j.name).sort()).toEqual(['cart', 'checkout', 'ingest', 'nightly-report']);
    // Four jobs, two per page: two list requests per poll.
    const lists = sent.slice(before).filter((r) => new URL(r.url).pathname === '/v1/jobs');
    expect(lists).toHaveLength(4);
    expect(changes).toHaveLength(2);
    const alice = systems.nomad.tokens.alice?.accessorId as string;
    const bob = systems.nomad.tokens.bob?.accessorId as string;
    // Alice's version came and went between the polls: recovered from the job's versions.
    expect(changes[0]).toMatchObject({
      type: 'updated',
      actor: { name: `token ${alice.slice(0, 8)}`, kind: 'token' },
      fromVersion: 0,
      toVersion: 1,
      recovered: { from: 'Nomad version 1' },
    });
    expect(changes[0]?.fields).toEqual([
      {
        path: 'taskgroups[web].tasks[app].image',
        before: 'registry.example.com/shop/checkout-app:1.0.0',
        after: 'registry.example.com/shop/checkout-app:1.1.0',
      },
    ]);
    expect(changes[1]).toMatchObject({
      type: 'updated',
      rowKey: 'NomadJob:shop/checkout',
      actor: { name: `token ${bob.slice(0, 8)}`, kind: 'token' },
      fromVersion: 1,
      toVersion: 2,
      reportedAt: t - 60_000,
    });
    expect(changes[1]?.skipped).toBeUndefined();
    expect(changes[1]?.fields).toEqual([
      {
        path: 'taskgroups[web].tasks[app].image',
        before: 'registry.example.com/shop/checkout-app:1.1.0',
        after: 'registry.example.com/shop/checkout-app:1.2.0',
      },
    ]);
  });

  it('with the default 24 h window, an old job first read from the list still reports its next change', async () => {
    const { nomad: withWeek } = sourcesBy();
    const nomad = {
      ...withWeek,
      nomad: { ...(withWeek.nomad ?? { includeChildJobs: false }), versionsWithinHours: 24 },
    };
    const region = { nativeId: 'us-east', name: 'us-east', apiBase: systems.urls.nomad };
    const { first, changes } = await pollChangePoll(
      nomadAdapter,
      () => pollCtx(httpFor(undefined), nomad, region, { token: token() }),
      () =>
        systems.control.nomad({
          type: 'stop',
          region: 'us-east',
          namespace: 'data',
          job: 'ingest',
          by: 'ci-deployer',
        }),
    );
    expect(first.jobs.every((j) => j.version === undefined)).toBe(true);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ actor: { kind: 'token' }, toVersion: 1 });
    expect(changes[0]?.fields.find((f) => f.path === 'stop')).toEqual({
      path: 'stop',
      before: false,
      after: true,
    });
    // Details not read at first sight come from the version it was at: nothing reads as new.
    expect(changes[0]?.fields.filter((f) => f.before === undefined)).toEqual([]);
    expect(changes[0]?.fields.find((f) => f.path === 'taskgroups[consumer].count')).toBeUndefined();
  });

  it('the token travels only as X-Nomad-Token, never in a URL', () => {
    const secret = token();
    const nomadRequests = systems.nomad.requests.filter((r) => r.path.startsWith('/v1/'));
    expect(nomadRequests.length).toBeGreaterThan(0);
    for (const r of nomadRequests) {
      expect(decodeURIComponent(r.path)).not.toContain(secret);
      for (const [name, value] of Object.entries(r.headers)) {
        if (String(value).includes(secret)) expect(name).toBe('x-nomad-token');
      }
    }
  });
});

describe('home-grown manager over HTTP', () => {
  it('without a session, the API redirects to its login form: a missing login at its origin, not followed', async () => {
    const { homegrown } = sourcesBy();
    const error = await genericAdapter.discover(httpFor(undefined), homegrown).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 'auth',
      message: `needs login at ${systems.urls.homegrown}: /api/v2/clusters answered with a redirect, which Tattler does not follow`,
      loginUrl: `${systems.urls.homegrown}/`,
    });
  });

  it('two edits between polls: the second hides the first; the state and who/when as reported', async () => {
    const { homegrown } = sourcesBy();
    const cookie = await systems.homegrown.login('tattler');
    const { clusters } = await genericAdapter.discover(httpFor(cookie), homegrown);
    expect(clusters).toEqual([
      {
        nativeId: 'c-101',
        name: 'prod-eu-1',
        apiBase: `${systems.urls.homegrown}/api/v2/clusters/c-101`,
        group: 'prod',
      },
      {
        nativeId: 'c-102',
        name: 'prod-us-1',
        apiBase: `${systems.urls.homegrown}/api/v2/clusters/c-102`,
        group: 'prod',
      },
    ]);
    const { changes, second } = await pollChangePoll(
      genericAdapter,
      () => pollCtx(httpFor(cookie), homegrown, clusters[0] as Cluster),
      () => {
        systems.control.homegrown({
          type: 'edit-twice',
          cluster: 'c-101',
          job: 'checkout',
          by: ['alice', 'bob'],
          images: ['registry.example.com/checkout:1.1.0', 'registry.example.com/checkout:1.2.0'],
        });
        systems.control.homegrown({ type: 'fail', cluster: 'c-101', job: 'search' });
      },
    );
    expect(second.jobs.find((j) => j.name === 'checkout')?.link).toBe(
      `${systems.urls.homegrown}/ui/clusters/c-101/jobs/shop/checkout`,
    );
    const checkout = changes.find((c) => c.name === 'checkout');
    expect(checkout).toMatchObject({
      type: 'updated',
      actor: { name: 'bob', kind: 'person' },
      at: t - 60_000,
      fields: [
        {
          path: 'image',
          before: 'registry.example.com/checkout:1.0.0',
          after: 'registry.example.com/checkout:1.2.0',
        },
      ],
    });
    expect(checkout?.actorStale).toBeUndefined();
    expect(checkout?.skipped).toBeUndefined();
    // The scheduler's doing: state only, "last changed" untouched — a status change, no actor.
    expect(changes.find((c) => c.name === 'search')).toMatchObject({
      type: 'status',
      fields: [{ path: 'health', before: 'healthy', after: 'degraded' }],
    });
  });
});

describe('faults over the wire', () => {
  interface Case {
    system: SystemName;
    fault: FaultName;
    status: Exclude<PollStatus, 'ok'>;
  }
  const cases: Case[] = (['argocd', 'nomad', 'homegrown'] as const).flatMap((system) => [
    { system, fault: 'forbidden', status: 'auth' },
    { system, fault: 'unauthorized', status: 'auth' },
    { system, fault: 'login-page', status: 'auth' },
    { system, fault: 'server-error', status: 'error' },
    { system, fault: 'slow', status: 'unreachable' },
    { system, fault: 'bad-json', status: 'error' },
    { system, fault: 'wrong-shape', status: 'error' },
    { system, fault: 'truncated', status: 'error' },
    { system, fault: 'partial', status: system === 'nomad' ? 'partial' : 'error' },
  ]);

  it.each(cases)('$system: $fault → $status, no jobs', async ({ system, fault, status }) => {
    const sources = sourcesBy();
    const cookie =
      system === 'argocd'
        ? await systems.argocd.login('tattler')
        : system === 'homegrown'
          ? await systems.homegrown.login('tattler')
          : undefined;
    const cluster: Cluster =
      system === 'argocd'
        ? { nativeId: 'https://10.20.0.1:6443', name: 'prod-eu-1', apiBase: systems.urls.argocd }
        : system === 'nomad'
          ? { nativeId: 'eu-west', name: 'eu-west', apiBase: systems.urls.nomad }
          : {
              nativeId: 'c-101',
              name: 'prod-eu-1',
              apiBase: `${systems.urls.homegrown}/api/v2/clusters/c-101`,
            };
    const adapter = { argocd: argocdAdapter, nomad: nomadAdapter, homegrown: genericAdapter }[system];
    const extra =
      system === 'nomad' ? { token: systems.nomad.tokens['tattler-reader']?.secretId as string } : {};
    systems.control.fault(system, fault, { delayMs: 2_000 });
    try {
      const outcome = await adapter.poll(pollCtx(httpFor(cookie, 300), sources[system], cluster, extra)).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      expect(outcome).not.toHaveProperty('value');
      expect((outcome as { error: unknown }).error).toBeInstanceOf(PollError);
      expect((outcome as { error: PollError }).error.status).toBe(status);
    } finally {
      systems.control.fault(system, 'none');
    }
  });
});

describe('read-only', () => {
  it('every request Tattler made to every system was a GET without a body', () => {
    expect(sent.length).toBeGreaterThan(20);
    for (const r of sent) expect({ url: r.url, method: r.method }).toEqual({ url: r.url, method: 'GET' });
    // What the servers saw: GETs only, apart from the test's own logins (the browser's part).
    for (const system of [systems.argocd, systems.nomad, systems.homegrown]) {
      const writes = system.requests.filter((r) => r.method !== 'GET');
      expect(writes.every((r) => r.method === 'POST' && /^\/(api\/v1\/session|login)$/.test(r.path))).toBe(
        true,
      );
    }
  });
});

const historyOf = (app: Record<string, unknown> | undefined): unknown[] =>
  ((app?.status as { history?: unknown[] } | undefined)?.history ?? []) as unknown[];

describe('simulated users', () => {
  it('step() makes one real change at a time, the same sequence for the same seed', async () => {
    const a = await startExtraSystems({ clock: () => T0, seed: 5 });
    const b = await startExtraSystems({ clock: () => T0, seed: 5 });
    try {
      const storyA = Array.from({ length: 12 }, () => a.control.step());
      const storyB = Array.from({ length: 12 }, () => b.control.step());
      expect(storyA).toEqual(storyB);
      expect(new Set(storyA.map((s) => s.split(':')[0])).size).toBe(3);
      // Each step is visible in its system: e.g. the Argo CD steps added history entries.
      const syncs = storyA.filter((s) => s.startsWith('argocd')).length;
      const history = a.argocd
        .appNames()
        .reduce((n, name) => n + historyOf(a.argocd.app(name)).length - 1, 0);
      expect(history).toBe(syncs);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('Argo CD deploying into a Rancher fleet', () => {
  const RANCHER = 'http://127.0.0.1:18080';
  const fleetClusters = [
    { id: 'c-m-eu1aaaaa', displayName: 'prod-eu-1', env: 'prod', region: 'eu-west-1' },
    { id: 'c-m-us1aaaaa', displayName: 'prod-us-1', env: 'prod', region: 'us-east-1' },
    { id: 'c-m-st1aaaaa', displayName: 'staging-eu-1', env: 'staging', region: 'eu-west-1' },
  ];
  let joined: ExtraSystems;
  beforeAll(async () => {
    joined = await startExtraSystems({
      clock: () => t,
      seed: 3,
      rancher: { url: `${RANCHER}/`, clusters: fleetClusters },
    });
  });
  afterAll(async () => {
    await joined.close();
  });

  it("lists the Rancher clusters' proxy URLs as destinations, and its applications deploy there: one cluster to Tattler", async () => {
    const parsed = validateSettings({
      version: 1,
      sources: joined.settingsFragment() as SettingsInput['sources'],
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const argocd = parsed.value.sources[0] as SourceSettings;
    const cookie = await joined.argocd.login('tattler');
    const { clusters } = await argocdAdapter.discover(httpFor(cookie), argocd);
    expect(clusters.map((c) => [c.name, c.nativeId])).toEqual([
      ['in-cluster', 'https://kubernetes.default.svc'],
      ['prod-eu-1', `${RANCHER}/k8s/clusters/c-m-eu1aaaaa`],
      ['prod-us-1', `${RANCHER}/k8s/clusters/c-m-us1aaaaa`],
    ]);
    const eu = clusters[1] as Cluster;
    const polled = await argocdAdapter.poll(pollCtx(httpFor(cookie), argocd, eu));
    if (!('jobs' in polled)) throw new Error('poll failed');
    expect(polled.jobs.map((j) => j.name).sort()).toEqual(['cart', 'checkout', 'payments']);

    // Rancher's view of prod-eu-1 (its proxy URL, as the rancher source builds it) and Argo CD's
    // destination are one identity.
    const rancherView = toDiscovered(RANCHER, {
      id: 'c-m-eu1aaaaa',
      metadata: { name: 'c-m-eu1aaaaa' },
    } as never);
    const asCluster = (sourceId: string, d: { nativeId: string; name: string; apiBase: string }) => ({
      ...d,
      id: `${sourceId}/${d.nativeId}`,
      sourceId,
      firstSeen: t,
      lastSeen: t,
    });
    const { identities } = clusterIdentities(
      [
        asCluster('demo', { ...rancherView, name: 'prod-eu-1' }),
        ...clusters.map((c) => asCluster('argocd', c)),
      ],
      { sourceTypes: { demo: 'rancher', argocd: 'argocd' } },
    );
    expect(identities.map((i) => [i.name, i.members.length]).sort()).toEqual([
      ['in-cluster', 1],
      ['prod-eu-1', 2],
      ['prod-us-1', 1],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { aggregateOf, countSince } from '../lib/aggregate';
import {
  AUTO_SYNC_ACTOR,
  byArgoController,
  causeOf,
  countOnce,
  type IdentityOf,
  joinAcross,
  joinCauses,
  knownSpan,
  pairsSince,
  syncLookup,
  syncSpan,
} from '../lib/identity/cause';
import { clusterIdentities, type IdentityRules } from '../lib/identity/clusters';
import type { Change } from '../lib/model';
import { toolbarBadge } from '../lib/toolbar-badge';
import { cluster, MINUTE, change as made } from './builders';

const NOW = Date.UTC(2026, 0, 5, 12);
const RANCHER = 'https://rancher.example';
const types: IdentityRules['sourceTypes'] = { rancher: 'rancher', argocd: 'argocd' };

// prod-eu-1 seen through Rancher and as an Argo CD destination (its Rancher proxy URL); another
// cluster, prod-us-1, where an application of the same name deploys too.
const clusters = [
  cluster('rancher', 'c-m-eu', NOW, { name: 'prod-eu-1' }),
  cluster('argocd', `${RANCHER}/k8s/clusters/c-m-eu`, NOW, {
    name: 'prod-eu-1',
    apiBase: 'https://cd.example',
  }),
  cluster('rancher', 'c-m-us', NOW, { name: 'prod-us-1' }),
  cluster('argocd', `${RANCHER}/k8s/clusters/c-m-us`, NOW, {
    name: 'prod-us-1',
    apiBase: 'https://cd.example',
  }),
];
const { byCluster } = clusterIdentities(clusters, { sourceTypes: types });
const identityOf: IdentityOf = (id) => byCluster.get(id)?.id;
const EU = 'rancher/c-m-eu';
const ARGO_EU = `argocd/${RANCHER}/k8s/clusters/c-m-eu`;
const ARGO_US = `argocd/${RANCHER}/k8s/clusters/c-m-us`;

const STARTED = NOW - 10 * MINUTE;
const FINISHED = STARTED + 9_000;
const REV = '0b0f8f9a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f';

/** carol's sync of cart in prod-eu-1, seen by the Argo CD poll after it finished. */
function sync(over: Partial<Change> = {}, clusterId = ARGO_EU): Change {
  return made({ clusterId, name: 'cart', kind: 'Application' }, FINISHED + 20_000, {
    id: `sync-${clusterId}`,
    windowStart: STARTED - 40_000,
    reportedAt: FINISHED,
    actor: { name: 'carol', kind: 'person', via: 'operationState.operation.initiatedBy' },
    fields: [{ path: 'sync.revision', before: 'a1b2c3d', after: REV }],
    sync: { app: 'cart', startedAt: STARTED, finishedAt: FINISHED, revision: REV },
    ...over,
  });
}

/** The Deployment's image changed by the controller at `t` (managedFields time), seen by the next Rancher poll. */
function applied(t: number, over: Partial<Change> = {}): Change {
  return made({ clusterId: EU, name: 'cart' }, t, {
    id: `k8s-${t}`,
    windowStart: t - 30_000,
    windowEnd: t + 30_000,
    reportedAt: t,
    actor: { name: 'argocd-controller', kind: 'client', via: 'managedFields' },
    argoApp: 'cart',
    fields: [{ path: 'containers[cart].image', before: 'shop/cart:2.0.1', after: 'shop/cart:2.1.0' }],
    ...over,
  });
}

describe('cause across sources: the rule', () => {
  it('gives a controller change during the sync the sync’s actor, keeping the controller as the direct one', () => {
    const s = sync();
    const k = applied(STARTED + 4_000);
    expect(causeOf(k, [s], identityOf)).toBe(s);
    const [joined, ...rest] = joinCauses([k, s], identityOf);
    expect(rest).toEqual([]);
    expect(joined?.actor).toEqual(s.actor);
    expect(joined?.cause).toEqual({ operation: s, direct: k.actor });
    expect(joined?.fields).toEqual(k.fields);
    expect(countOnce([k, s], identityOf)).toBe(1);
  });

  it('knows both of Argo CD’s field managers, and nothing else, as the controller', () => {
    const at = STARTED + 4_000;
    const as = (name: string) => applied(at, { actor: { name, kind: 'client', via: 'managedFields' } });
    expect(byArgoController(as('argocd-controller'))).toBe(true);
    expect(byArgoController(as('argocd-application-controller'))).toBe(true);
    expect(byArgoController(as('helm'))).toBe(false);
    // A person named by an annotation is a person, not the controller.
    expect(byArgoController(applied(at, { actor: { name: 'argocd-controller', kind: 'person' } }))).toBe(
      false,
    );
    // A stale actor is an earlier change's.
    expect(byArgoController(applied(at, { actorStale: true }))).toBe(false);
  });

  it('keeps a hand edit by someone else during the sync window as it is', () => {
    const edit = applied(STARTED + 3_000, {
      actor: { name: 'kubectl-edit', kind: 'client', via: 'managedFields' },
    });
    const dave = applied(STARTED + 5_000, {
      actor: { name: 'dave', kind: 'person', via: 'annotation x/by' },
    });
    const s = sync();
    const shown = joinCauses([dave, edit, s], identityOf);
    expect(shown).toEqual([dave, edit, s]);
    expect(countOnce([dave, edit, s], identityOf)).toBe(3);
  });

  it('does not join the same application name on another server (another cluster identity)', () => {
    const elsewhere = sync({}, ARGO_US);
    const k = applied(STARTED + 4_000);
    expect(causeOf(k, [elsewhere], identityOf)).toBeUndefined();
    // An unknown cluster is no identity at all.
    expect(causeOf(k, [sync()], (id) => (id === EU ? undefined : identityOf(id)))).toBeUndefined();
  });

  it('does not join a job another application (or none) manages', () => {
    expect(causeOf(applied(STARTED + 4_000, { argoApp: 'checkout' }), [sync()], identityOf)).toBeUndefined();
    expect(causeOf(applied(STARTED + 4_000, { argoApp: undefined }), [sync()], identityOf)).toBeUndefined();
  });

  it('gives an auto-sync as Argo CD auto-sync, not a person', () => {
    const auto = sync({
      actor: { name: 'automated', kind: 'automation', via: 'operationState.operation.initiatedBy' },
    });
    const [joined] = joinCauses([applied(STARTED + 4_000), auto], identityOf);
    expect(joined?.actor).toMatchObject({ name: AUTO_SYNC_ACTOR, kind: 'automation' });
  });
});

describe('cause across sources: the time rule, edge by edge', () => {
  // Without a measured offset, times are doubted by 2 s; the end gets 1 s more (whole seconds).
  const U = 2_000;
  const at = (t: number) => causeOf(applied(t), [sync()], identityOf) !== undefined;

  it('joins from startedAt − u to finishedAt + 1 s + u, with the change’s own doubt on both sides', () => {
    // The change is known within [t − u, t + 1 s + u]: it overlaps the sync until t + 1 s + u < startedAt − u.
    expect(at(STARTED - 2 * U - 1_000)).toBe(true);
    expect(at(STARTED - 2 * U - 1_001)).toBe(false);
    expect(at(FINISHED + 1_000 + 2 * U)).toBe(true);
    expect(at(FINISHED + 1_000 + 2 * U + 1)).toBe(false);
  });

  it('does not join a controller change well outside the sync (the next self-heal, say)', () => {
    expect(at(FINISHED + MINUTE)).toBe(false);
    expect(at(STARTED - MINUTE)).toBe(false);
  });

  it('reads each side through its own measured clock offset, doubted by 0.5 s only', () => {
    // Argo CD's clock runs 30 s ahead: its startedAt..finishedAt are 30 s early on ours.
    const ahead = sync({ clockOffsetMs: 30_000 });
    const onOurClock = STARTED - 30_000 + 4_000;
    expect(causeOf(applied(onOurClock), [ahead], identityOf)).toBe(ahead);
    expect(causeOf(applied(STARTED + 4_000 + 30_000), [ahead], identityOf)).toBeUndefined();
    // The Kubernetes cluster's clock 30 s behind: its reported time is read 30 s later.
    const behind = applied(STARTED + 4_000 - 30_000, {
      clockOffsetMs: -30_000,
      windowStart: STARTED - MINUTE,
      windowEnd: STARTED + MINUTE,
    });
    expect(knownSpan(behind)).toEqual([STARTED + 4_000 - 500, STARTED + 4_000 + 1_500]);
    expect(causeOf(behind, [sync()], identityOf)).toBeDefined();
    expect(syncSpan(ahead)).toEqual([STARTED - 30_000 - 500, FINISHED - 30_000 + 1_500]);
  });

  it('knows a change without a reported time only within its poll window', () => {
    const k = applied(0, {
      reportedAt: undefined,
      windowStart: FINISHED + 500,
      windowEnd: FINISHED + 60_000,
    });
    expect(knownSpan(k)).toEqual([FINISHED + 500, FINISHED + 60_000]);
    expect(causeOf(k, [sync()], identityOf)).toBeDefined();
    const later = applied(0, {
      reportedAt: undefined,
      windowStart: FINISHED + 4_000,
      windowEnd: FINISHED + 60_000,
    });
    expect(causeOf(later, [sync()], identityOf)).toBeUndefined();
  });

  it('takes a sync still running when seen as running until that poll, and prefers it seen finished', () => {
    const running = sync({
      id: 'running',
      windowEnd: STARTED + 5_000,
      sync: { app: 'cart', startedAt: STARTED },
    });
    expect(causeOf(applied(STARTED + 4_000), [running], identityOf)).toBe(running);
    expect(causeOf(applied(STARTED + 8_000), [running], identityOf)).toBeUndefined();
    const done = sync();
    expect(causeOf(applied(STARTED + 4_000), [running, done], identityOf)).toBe(done);
  });

  it('names the later of two back-to-back syncs that both fit', () => {
    const first = sync({
      id: 'first',
      sync: { app: 'cart', startedAt: STARTED - 3_000, finishedAt: STARTED },
    });
    const second = sync();
    expect(causeOf(applied(STARTED + 500), [second, first], identityOf)).toBe(second);
  });

  it('says where to look for syncs only for changes that could have one', () => {
    expect(syncLookup([applied(STARTED, { argoApp: undefined })])).toBeUndefined();
    const span = syncLookup([applied(STARTED)]);
    expect(span?.[0]).toBeLessThan(STARTED - 30 * MINUTE + 1);
    expect(span?.[1]).toBeGreaterThan(STARTED + 30 * MINUTE);
  });
});

describe('counting a pair once from the cells’ aggregates', () => {
  /** What a merged cell counts: the sum of its parts, less the pairs among them. */
  const merged = (changes: Change[], since = 0) => {
    const byCell = new Map<string, Change[]>();
    for (const c of changes) byCell.set(c.jobKey, [...(byCell.get(c.jobKey) ?? []), c]);
    const aggs = [...byCell.values()].map((list) => aggregateOf(list));
    return aggs.reduce((n, a) => n + countSince(a, since), 0) - pairsSince(aggs, since);
  };
  // Every case above, read both ways: the aggregates count what joinCauses lists.
  const cases: Record<string, Change[]> = {
    'a sync and the change it caused': [applied(STARTED + 4_000), sync()],
    'a hand edit and a person during the sync': [
      applied(STARTED + 3_000, { actor: { name: 'kubectl-edit', kind: 'client', via: 'managedFields' } }),
      applied(STARTED + 5_000, { actor: { name: 'dave', kind: 'person' } }),
      sync(),
    ],
    'the same name on another server': [applied(STARTED + 4_000), sync({}, ARGO_US)],
    'a controller change outside the sync': [applied(FINISHED + MINUTE), sync()],
    'one sync, two jobs changed': [applied(STARTED + 4_000), applied(STARTED + 6_000), sync()],
    'the sync seen running, then finished': [
      applied(STARTED + 4_000),
      sync({
        id: 'running',
        at: STARTED + 5_000,
        windowEnd: STARTED + 5_000,
        sync: { app: 'cart', startedAt: STARTED },
      }),
      sync(),
    ],
  };
  for (const [name, changes] of Object.entries(cases)) {
    it(`counts ${name} as joinCauses lists it`, () => {
      // The merged cell is one place: the Argo CD destination of another server is not part of it.
      const here = changes.filter((c) => identityOf(c.clusterId) === identityOf(EU));
      expect(merged(here)).toBe(joinCauses(here, identityOf).length);
    });
  }

  it('counts a pair once only when both halves are in the window', () => {
    const pair = [applied(STARTED + 4_000), sync()];
    expect(merged(pair)).toBe(1);
    // The Deployment's change falls before the window, the sync's record in it: the sync alone counts.
    expect(merged(pair, FINISHED + 10_000)).toBe(1);
    expect(merged(pair, FINISHED + 30_000)).toBe(0);
  });
});

describe('joining over every cluster Tattler knows', () => {
  it('makes clusters one by the identity rules, so the toolbar badge counts the pair once', () => {
    const pair = [applied(STARTED + 4_000), sync()];
    const shown = joinAcross(pair, clusters, { sourceTypes: types });
    expect(shown.map((c) => c.actor?.name)).toEqual(['carol']);
    expect(toolbarBadge(shown, FINISHED + MINUTE).text).toBe('1');
    expect(toolbarBadge(pair, FINISHED + MINUTE).text).toBe('2');
    // Without the rules that say which field is a cluster's address, nothing is one place.
    expect(joinAcross(pair, clusters, { sourceTypes: {} })).toHaveLength(2);
  });
});

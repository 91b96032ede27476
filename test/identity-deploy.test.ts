/**
 * Cause across sources, the deploy-id rule (lib/identity/cause.ts): alice deploys cart with Forge,
 * a home-grown manager that stamps its deploy id (`d-1234`) on the Deployment it applies in
 * prod-eu-1. Forge's own record of the job (a generic source) and the Deployment's change are one
 * change: alice's, via Forge deploy d-1234, with both views.
 */
import { describe, expect, it } from 'vitest';
import { aggregateOf, countSince } from '../lib/aggregate';
import {
  causeOf,
  deployedBy,
  type IdentityOf,
  joinCauses,
  pairsSince,
  syncLookup,
} from '../lib/identity/cause';
import { clusterIdentities, type IdentityRules } from '../lib/identity/clusters';
import type { Change } from '../lib/model';
import { cluster, MINUTE, change as made } from './builders';

const NOW = Date.UTC(2026, 0, 5, 12);
const RANCHER = 'https://rancher.example';
const types: IdentityRules['sourceTypes'] = { rancher: 'rancher', forge: 'generic' };

// prod-eu-1 and prod-us-1 seen through Rancher and through Forge's registry (by name).
const clusters = [
  cluster('rancher', 'c-m-eu', NOW, { name: 'prod-eu-1', apiBase: `${RANCHER}/k8s/clusters/c-m-eu` }),
  cluster('forge', 'prod-eu-1', NOW, { name: 'prod-eu-1', apiBase: '' }),
  cluster('rancher', 'c-m-us', NOW, { name: 'prod-us-1', apiBase: `${RANCHER}/k8s/clusters/c-m-us` }),
  cluster('forge', 'prod-us-1', NOW, { name: 'prod-us-1', apiBase: '' }),
];
const { byCluster } = clusterIdentities(clusters, { sourceTypes: types });
const identityOf: IdentityOf = (id) => byCluster.get(id)?.id;
const EU = 'rancher/c-m-eu';
const FORGE_EU = 'forge/prod-eu-1';
const FORGE_US = 'forge/prod-us-1';

const DEPLOYED = NOW - 10 * MINUTE;

/** Forge's record of alice's deploy d-1234 of cart, seen by the generic source's poll. */
function deploy(over: Partial<Change> = {}, clusterId = FORGE_EU): Change {
  return made({ clusterId, name: 'cart', kind: 'Job', namespace: 'shop' }, DEPLOYED + 20_000, {
    id: `deploy-${clusterId}-${over.deploy ?? 'd-1234'}`,
    reportedAt: DEPLOYED,
    actor: { name: 'alice', kind: 'person', via: 'field updatedBy' },
    fields: [{ path: 'image', before: 'shop/cart:2.0.1', after: 'shop/cart:2.1.0' }],
    deploy: 'd-1234',
    ...over,
  });
}

/** The Deployment's image changed by Forge's field manager, stamped d-1234, seen by the Rancher poll. */
function applied(t = DEPLOYED + 1_000, over: Partial<Change> = {}): Change {
  return made({ clusterId: EU, name: 'cart' }, t, {
    id: `k8s-${t}`,
    windowStart: t - 30_000,
    windowEnd: t + 30_000,
    reportedAt: t,
    actor: { name: 'forge', kind: 'client', via: 'managedFields' },
    deployStamp: 'd-1234',
    fields: [{ path: 'containers[cart].image', before: 'shop/cart:2.0.1', after: 'shop/cart:2.1.0' }],
    ...over,
  });
}

/** A hand edit after the deploy: the stamp stood still, so the diff gives the change none. */
const handEdit = (t = DEPLOYED + 5 * MINUTE) =>
  applied(t, {
    actor: { name: 'kubectl-edit', kind: 'client', via: 'managedFields' },
    deployStamp: undefined,
    fields: [{ path: 'containers[cart].image', before: 'shop/cart:2.1.0', after: 'shop/cart:2.1.1' }],
  });

describe('cause across sources: a home-grown manager’s deploy id', () => {
  it('gives the change that stamped the id the deploy’s actor, the manager’s change as its second view', () => {
    const m = deploy();
    const k = applied();
    expect(deployedBy(k, m, identityOf)).toBe(true);
    const shown = joinCauses([k, m], identityOf);
    expect(shown).toHaveLength(1);
    const [one] = shown as [Change];
    expect(one.id).toBe(k.id);
    expect(one.actor).toEqual(m.actor);
    expect(one.cause).toEqual({ operation: m, direct: k.actor });
    expect(one.fields).toEqual(k.fields);
  });

  it('joins whichever is listed first, and whichever was recorded first', () => {
    const m = deploy();
    // Forge's record polled long after the Deployment's change, or long before: no time is compared.
    const late = deploy({ at: DEPLOYED + 25 * MINUTE, windowEnd: DEPLOYED + 25 * MINUTE });
    const early = applied(DEPLOYED - 20 * MINUTE);
    for (const list of [
      [m, applied()],
      [applied(), m],
      [applied(), late],
      [early, m],
    ]) {
      const shown = joinCauses(list, identityOf);
      expect(shown.map((c) => [c.actor?.name, c.cause?.direct?.name])).toEqual([['alice', 'forge']]);
    }
    // The manager's record read for the purpose only (it is outside what a detail read).
    expect(joinCauses([applied()], identityOf, [m])[0]?.cause?.operation).toBe(m);
  });

  it('keeps a hand edit after the deploy, the stamp left standing, as its own', () => {
    const edit = handEdit();
    expect(causeOf(edit, [deploy()], identityOf)).toBeUndefined();
    const shown = joinCauses([edit, applied(), deploy()], identityOf);
    expect(shown.map((c) => c.actor?.name)).toEqual(['kubectl-edit', 'alice']);
  });

  it('does not join the same deploy id in another cluster identity, or an unknown cluster', () => {
    expect(causeOf(applied(), [deploy({}, FORGE_US)], identityOf)).toBeUndefined();
    expect(joinCauses([applied(), deploy({}, FORGE_US)], identityOf)).toHaveLength(2);
    expect(causeOf(applied(), [deploy()], (id) => (id === EU ? undefined : identityOf(id)))).toBeUndefined();
  });

  it('does not join another deploy’s id, or the manager’s change that kept its id', () => {
    expect(causeOf(applied(), [deploy({ deploy: 'd-1235' })], identityOf)).toBeUndefined();
    expect(causeOf(applied(), [deploy({ deploy: undefined })], identityOf)).toBeUndefined();
  });

  it('traces the change to the latest of the manager’s changes that recorded the id', () => {
    const first = deploy({ id: 'first', at: DEPLOYED + 10_000 });
    const second = deploy({ id: 'second', at: DEPLOYED + 20_000 });
    expect(causeOf(applied(), [second, first], identityOf)).toBe(second);
    expect(causeOf(applied(), [first, second], identityOf)).toBe(second);
    expect(joinCauses([applied(), first, second], identityOf).map((c) => c.id)).toEqual([
      applied().id,
      'first',
    ]);
  });

  it('says where to look for the manager’s record for a change that stamped an id', () => {
    expect(syncLookup([handEdit()])).toBeUndefined();
    const span = syncLookup([applied()]);
    expect(span?.[0]).toBeLessThan(DEPLOYED - 30 * MINUTE);
    expect(span?.[1]).toBeGreaterThan(DEPLOYED + 30 * MINUTE);
  });
});

describe('counting a deploy and the change it caused once, from the cells’ aggregates', () => {
  const merged = (changes: Change[], since = 0) => {
    const byCell = new Map<string, Change[]>();
    for (const c of changes) byCell.set(c.jobKey, [...(byCell.get(c.jobKey) ?? []), c]);
    const aggs = [...byCell.values()].map((list) => aggregateOf(list));
    return aggs.reduce((n, a) => n + countSince(a, since), 0) - pairsSince(aggs, since);
  };
  const cases: Record<string, Change[]> = {
    'a deploy and the change it stamped': [applied(), deploy()],
    'the Deployment’s change long before Forge’s record': [applied(DEPLOYED - 20 * MINUTE), deploy()],
    'a hand edit after the deploy': [handEdit(), applied(), deploy()],
    'the same id in another cluster identity': [applied(), deploy({}, FORGE_US)],
    'another deploy’s id': [applied(), deploy({ deploy: 'd-1235' })],
    'two records of the id': [
      applied(),
      deploy({ id: 'first', at: DEPLOYED + 10_000 }),
      deploy({ id: 'second', at: DEPLOYED + 20_000 }),
    ],
  };
  for (const [name, changes] of Object.entries(cases)) {
    it(`counts ${name} as joinCauses lists it`, () => {
      const here = changes.filter((c) => identityOf(c.clusterId) === identityOf(EU));
      expect(merged(here)).toBe(joinCauses(here, identityOf).length);
    });
  }

  it('counts the pair once, and never pairs a deploy id with an Argo CD application of that name', () => {
    expect(merged([applied(), deploy()])).toBe(1);
    const argo = applied(DEPLOYED + 1_000, {
      id: 'argo',
      deployStamp: undefined,
      argoApp: 'd-1234',
      actor: { name: 'argocd-controller', kind: 'client', via: 'managedFields' },
    });
    expect(merged([argo, deploy()])).toBe(2);
    expect(joinCauses([argo, deploy()], identityOf)).toHaveLength(2);
  });

  it('judges a change that stamped an id by the deploy rule alone, in the list and in the count', () => {
    // The controller's write to a tracked job, in a sync's window, that also moved a stamp.
    const both = applied(DEPLOYED + 1_000, {
      argoApp: 'cart',
      actor: { name: 'argocd-controller', kind: 'client', via: 'managedFields' },
    });
    const sync = made({ clusterId: EU, name: 'cart', kind: 'Application' }, DEPLOYED + 20_000, {
      id: 'sync',
      actor: { name: 'carol', kind: 'person' },
      sync: { app: 'cart', startedAt: DEPLOYED - 2_000, finishedAt: DEPLOYED + 5_000 },
    });
    expect(causeOf(both, [sync], identityOf)).toBeUndefined();
    expect(merged([both, sync])).toBe(joinCauses([both, sync], identityOf).length);
    expect(joinCauses([both, sync, deploy()], identityOf)[0]?.actor?.name).toBe('alice');
    expect(merged([both, sync, deploy()])).toBe(2);
  });
});

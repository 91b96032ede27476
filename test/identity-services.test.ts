/**
 * Service identity across sources (lib/identity/services.ts): each rule, in order, with the
 * near-misses — the same name managed by another Application, a rule that splits a name match,
 * labels the manager overrides.
 */
import { describe, expect, it } from 'vitest';
import {
  compileServiceRules,
  linkedServices,
  ruledService,
  type ServiceJob,
  serviceIdentities,
} from '../lib/identity/services';

const demo: ServiceJob[] = [
  { rowKey: 'Application:shop/cart', links: [{ manages: ['Deployment:shop/cart'] }] },
  { rowKey: 'Deployment:shop/cart', links: [{ name: 'cart' }] },
  { rowKey: 'ForgeJob:shop/cart' },
  { rowKey: 'Job:default/cart' },
  { rowKey: 'Deployment:shop/checkout' },
];

const groups = (jobs: readonly ServiceJob[], rules?: Parameters<typeof serviceIdentities>[1]) =>
  serviceIdentities(jobs, rules).services.map((s) => [s.name, s.rowKeys]);

describe('service identity', () => {
  it('joins the demo’s four cart jobs — Argo CD, Deployment, home-grown, Nomad — into one service', () => {
    expect(groups(demo)).toEqual([
      ['cart', ['Application:shop/cart', 'Deployment:shop/cart', 'ForgeJob:shop/cart', 'Job:default/cart']],
      ['checkout', ['Deployment:shop/checkout']],
    ]);
  });

  it('puts a workload an Application of another name manages in that Application’s service, not its namesake’s', () => {
    const jobs: ServiceJob[] = [
      { rowKey: 'Application:shop/storefront', links: [{ manages: ['Deployment:shop/cart'] }] },
      { rowKey: 'Deployment:shop/cart', links: [{ name: 'cart' }] },
      { rowKey: 'Job:default/cart' },
    ];
    expect(linkedServices(jobs).get('Deployment:shop/cart')).toEqual({
      name: 'storefront',
      reason: 'manager',
      via: 'Application:shop/storefront',
    });
    expect(groups(jobs)).toEqual([
      ['storefront', ['Application:shop/storefront', 'Deployment:shop/cart']],
      ['cart', ['Job:default/cart']],
    ]);
  });

  it('lets the manager win over the workload’s own part-of label', () => {
    const jobs: ServiceJob[] = [
      { rowKey: 'Deployment:shop/cart', links: [{ partOf: 'shop', argoApp: 'cart' }] },
      { rowKey: 'Application:shop/cart' },
    ];
    expect(linkedServices(jobs).get('Deployment:shop/cart')).toEqual({
      name: 'cart',
      reason: 'manager',
      via: 'Application:shop/cart',
    });
  });

  it('follows a tracking id to the Application deploying into the workload’s namespace', () => {
    const jobs: ServiceJob[] = [
      { rowKey: 'Application:shop/cart' },
      { rowKey: 'Application:staging/cart' },
      { rowKey: 'Deployment:staging/cart-api', links: [{ argoApp: 'cart' }] },
    ];
    expect(linkedServices(jobs).get('Deployment:staging/cart-api')?.via).toBe('Application:staging/cart');
  });

  it('follows a tracking id that names the Application with its cluster, as Argo CD rows drop it', () => {
    const jobs: ServiceJob[] = [
      { rowKey: 'Application:shop/cart' },
      { rowKey: 'Deployment:shop/cart-api', links: [{ argoApp: 'cart-prod-eu-1' }] },
      // Another namespace: not that application's.
      { rowKey: 'Deployment:payments/cart-api', links: [{ argoApp: 'cart-prod-eu-1' }] },
    ];
    const linked = linkedServices(jobs);
    expect(linked.get('Deployment:shop/cart-api')?.via).toBe('Application:shop/cart');
    expect(linked.get('Deployment:payments/cart-api')).toEqual({ name: 'cart-api', reason: 'name' });
  });

  it('joins nothing by a tracking id naming an Application Tattler does not watch: the labels or name decide', () => {
    const linked = linkedServices([
      { rowKey: 'Deployment:shop/cart', links: [{ argoApp: 'cart-prod-eu-1' }] },
      { rowKey: 'Deployment:shop/cart-api', links: [{ argoApp: 'cart-prod-eu-1', partOf: 'cart' }] },
    ]);
    expect(linked.get('Deployment:shop/cart')).toEqual({ name: 'cart', reason: 'name' });
    expect(linked.get('Deployment:shop/cart-api')).toEqual({ name: 'cart', reason: 'part-of' });
  });

  it('uses part-of, then name, then the job’s own name', () => {
    const linked = linkedServices([
      { rowKey: 'Deployment:shop/cart-api', links: [{ partOf: 'cart', name: 'cart-api' }] },
      { rowKey: 'StatefulSet:shop/cart-db', links: [{ name: 'cart' }] },
      { rowKey: 'Deployment:shop/search' },
    ]);
    expect(linked.get('Deployment:shop/cart-api')).toEqual({ name: 'cart', reason: 'part-of' });
    expect(linked.get('StatefulSet:shop/cart-db')).toEqual({ name: 'cart', reason: 'name-label' });
    expect(linked.get('Deployment:shop/search')).toEqual({ name: 'search', reason: 'name' });
  });

  it('takes what any cluster says: a label in one cluster is the row’s', () => {
    const linked = linkedServices([{ rowKey: 'Deployment:shop/cart-api', links: [{}, { partOf: 'cart' }] }]);
    expect(linked.get('Deployment:shop/cart-api')?.name).toBe('cart');
  });

  it('joins names in any case, spelled as the first row spells it', () => {
    expect(groups([{ rowKey: 'Job:default/Cart' }, { rowKey: 'Deployment:shop/cart' }])).toEqual([
      ['Cart', ['Job:default/Cart', 'Deployment:shop/cart']],
    ]);
  });
});

describe('service rules', () => {
  it('split a name match: the Nomad job goes its own way, the rest stay', () => {
    expect(groups(demo, [{ name: 'cart-legacy', match: ['Job:default/cart'] }])).toEqual([
      ['cart', ['Application:shop/cart', 'Deployment:shop/cart', 'ForgeJob:shop/cart']],
      ['cart-legacy', ['Job:default/cart']],
      ['checkout', ['Deployment:shop/checkout']],
    ]);
  });

  it('join by job name and glob, the first rule that matches winning', () => {
    const rules = [
      { name: 'payments', match: ['pay-*', 'ledger'] },
      { name: 'everything', match: ['*'] },
    ];
    expect(
      groups(
        [
          { rowKey: 'Deployment:shop/pay-api' },
          { rowKey: 'Job:default/ledger' },
          { rowKey: 'Deployment:shop/x' },
        ],
        rules,
      ),
    ).toEqual([
      ['payments', ['Deployment:shop/pay-api', 'Job:default/ledger']],
      ['everything', ['Deployment:shop/x']],
    ]);
  });

  it('take the workloads of an Application they claim along, unless a rule claims the workload itself', () => {
    const rules = compileServiceRules([
      { name: 'storefront', match: ['Application:shop/cart'] },
      { name: 'cart-api', match: ['Deployment:shop/cart-api'] },
    ]);
    const linked = linkedServices([
      {
        rowKey: 'Application:shop/cart',
        links: [{ manages: ['Deployment:shop/cart', 'Deployment:shop/cart-api'] }],
      },
      { rowKey: 'Deployment:shop/cart' },
      { rowKey: 'Deployment:shop/cart-api' },
    ]);
    expect(ruledService('Deployment:shop/cart', linked.get('Deployment:shop/cart'), rules).name).toBe(
      'storefront',
    );
    expect(ruledService('Deployment:shop/cart-api', linked.get('Deployment:shop/cart-api'), rules)).toEqual({
      name: 'cart-api',
      reason: 'rule',
    });
  });

  it('match any case, and ignore empty entries', () => {
    const rules = compileServiceRules([{ name: 'cart', match: ['', 'CART'] }]);
    expect(rules.claim('Job:default/cart')?.name).toBe('cart');
    expect(rules.claim('Job:default/carts')).toBeUndefined();
  });
});

/**
 * Service rows in the heat grid (lib/heat/services.ts, cells.ts mergeCells, rows.ts viewRows):
 * the demo's four `cart` jobs are one row, expandable into them; a service cell merges its jobs'
 * cells; filtering matches a service by its name and its jobs' text; sorting by recent uses the
 * service's newest change; the user's rules move rows; the packed grid orders rows by service.
 */
import { describe, expect, it } from 'vitest';
import { buildHeatIndex } from '../lib/heat/build';
import { viewRows } from '../lib/heat/rows';
import type { HeatIndex, HeatInput } from '../lib/heat/types';
import type { Change, Cluster, JobSnapshot } from '../lib/model';
import { packedService } from '../lib/store/grid';
import * as build from './builders';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

const cluster = (name: string): Cluster =>
  build.cluster('src', name, NOW, {
    apiBase: `https://rancher.example/k8s/clusters/${name}`,
    firstSeen: NOW - 24 * HOUR,
    lastOkPoll: NOW - MIN,
  });
const clusters = [cluster('eu'), cluster('us')];

const job = (c: string, kind: string, name: string, over: Partial<JobSnapshot> = {}, namespace = 'shop') =>
  build.job({ clusterId: `src/${c}`, kind, name, namespace }, NOW, over);
const change = (c: string, kind: string, name: string, agoMs: number, extra: Partial<Change> = {}) =>
  build.change(
    { clusterId: `src/${c}`, kind, name, namespace: kind === 'Job' ? 'default' : 'shop' },
    NOW - agoMs,
    {
      actor: { name: 'alice', kind: 'person' },
      ...extra,
    },
  );

/** The demo's cart: an Argo CD Application managing the Deployment, a Nomad job, a home-grown job. */
const cartJobs = [
  job('eu', 'Application', 'cart', { links: { manages: ['Deployment:shop/cart'] } }),
  job('eu', 'Deployment', 'cart', { links: { name: 'cart' } }),
  job('us', 'Deployment', 'cart', { health: { state: 'degraded' } }),
  job('eu', 'Job', 'cart', {}, 'default'),
  job('us', 'ForgeJob', 'cart'),
  job('eu', 'Deployment', 'checkout'),
];

const index = (jobs: JobSnapshot[], changes: Change[] = [], over: Partial<HeatInput> = {}): HeatIndex =>
  buildHeatIndex({
    clusters,
    polls: [],
    windowMs: HOUR,
    now: NOW,
    grid: build.gridOf(jobs, changes, NOW),
    ...over,
  });

const names = (idx: HeatIndex, rows: readonly number[]) =>
  rows.map((r) => `${idx.rows[r]?.type === 'job' ? '  ' : ''}${idx.rows[r]?.name}`);
const col = (idx: HeatIndex, c: string) => idx.columnIndexOf(`src/${c}`) as number;
const svc = (idx: HeatIndex, name: string) => idx.rowIndexOf(`service:${name}`) as number;

describe('service rows', () => {
  it('are one row per service, expandable into its jobs', () => {
    const idx = index(cartJobs);
    expect(names(idx, viewRows(idx))).toEqual(['cart', 'checkout']);
    const cart = idx.rows[svc(idx, 'cart')];
    // Jobs by name, then namespace, then kind, as the packed grid orders them.
    expect(cart?.jobs?.map((j) => idx.rows[j]?.rowKey)).toEqual([
      'Job:default/cart',
      'Application:shop/cart',
      'Deployment:shop/cart',
      'ForgeJob:shop/cart',
    ]);
    expect(cart?.clusters).toBe(2);
    expect(names(idx, viewRows(idx, { expanded: new Set(['service:cart']) }))).toEqual([
      'cart',
      '  cart',
      '  cart',
      '  cart',
      '  cart',
      'checkout',
    ]);
    // A service of one job has nothing to expand into, and says what the job is.
    expect(names(idx, viewRows(idx, { expanded: new Set(['service:checkout']) }))).toEqual([
      'cart',
      'checkout',
    ]);
    expect(idx.rows[svc(idx, 'checkout')]).toMatchObject({ kind: 'Deployment', namespace: 'shop' });
  });

  it('merge their jobs’ cells: counts summed, the newest change, degraded and present if any job is', () => {
    const changes = [
      change('eu', 'Application', 'cart', 30 * MIN, { actor: { name: 'carol', kind: 'person' } }),
      change('eu', 'Deployment', 'cart', 29 * MIN, { actor: { name: 'argocd-controller', kind: 'client' } }),
      change('eu', 'Job', 'cart', 5 * MIN, { actor: { name: 'bob', kind: 'person' } }),
    ];
    const idx = index(cartJobs, changes);
    const eu = idx.cell(svc(idx, 'cart'), col(idx, 'eu'));
    expect(eu).toMatchObject({ count: 3, absent: false, degraded: false, glyph: '3' });
    expect(eu.newest).toMatchObject({ at: NOW - 5 * MIN, actor: 'bob' });
    expect(eu.parts?.map((p) => p.rowKey)).toEqual([
      'Job:default/cart',
      'Application:shop/cart',
      'Deployment:shop/cart',
    ]);
    const us = idx.cell(svc(idx, 'cart'), col(idx, 'us'));
    expect(us).toMatchObject({ count: 0, degraded: true, absent: false });
    expect(us.parts?.map((p) => p.rowKey)).toEqual(['Deployment:shop/cart', 'ForgeJob:shop/cart']);
    expect(idx.rows[svc(idx, 'cart')]).toMatchObject({
      changes: 3,
      changedClusters: 1,
      newestAt: NOW - 5 * MIN,
    });
    // Absent only where no job runs.
    expect(idx.cell(svc(idx, 'checkout'), col(idx, 'us')).absent).toBe(true);
  });

  it('count an Argo CD sync and the Deployment change it caused once, and a hand edit on its own', () => {
    const started = NOW - 10 * MIN;
    const sync = change('eu', 'Application', 'cart', 10 * MIN - 9_000, {
      actor: { name: 'carol', kind: 'person' },
      windowStart: started - 40_000,
      sync: { app: 'cart', startedAt: started, finishedAt: started + 9_000 },
    });
    const applied = change('eu', 'Deployment', 'cart', 10 * MIN - 4_000, {
      actor: { name: 'argocd-controller', kind: 'client', via: 'managedFields' },
      argoApp: 'cart',
      windowStart: started - 30_000,
      windowEnd: started + 34_000,
    });
    const idx = index(cartJobs, [sync, applied]);
    const cell = idx.cell(svc(idx, 'cart'), col(idx, 'eu'));
    expect(cell).toMatchObject({ count: 1, glyph: '1' });
    expect(idx.rows[svc(idx, 'cart')]?.changes).toBe(1);
    // So do the column's figure and the grid's total.
    expect(idx.columns[col(idx, 'eu')]?.changes).toBe(1);
    expect(idx.changes).toBe(1);
    // Each job's own row still shows its own record.
    const jobs = idx.rows[svc(idx, 'cart')]?.jobs ?? [];
    expect(jobs.map((j) => idx.cell(j, col(idx, 'eu')).count)).toEqual([0, 1, 1, 0]);
    // A hand edit in the same minutes is a change of its own.
    const edit = change('eu', 'Deployment', 'cart', 10 * MIN - 5_000, {
      actor: { name: 'kubectl-edit', kind: 'client', via: 'managedFields' },
      argoApp: 'cart',
    });
    const both = index(cartJobs, [sync, applied, edit]);
    expect(both.cell(svc(both, 'cart'), col(both, 'eu')).count).toBe(2);
    expect(both.columns[col(both, 'eu')]?.changes).toBe(2);
  });

  it('are found by their name and by their jobs’ names and actors', () => {
    const idx = index(cartJobs, [
      change('eu', 'Job', 'cart', 5 * MIN, { actor: { name: 'dmitri', kind: 'person' } }),
    ]);
    expect(names(idx, viewRows(idx, { text: 'CART' }))).toEqual(['cart']);
    expect(names(idx, viewRows(idx, { text: 'forgejob' }))).toEqual(['cart']);
    expect(names(idx, viewRows(idx, { text: 'dmitri' }))).toEqual(['cart']);
    expect(names(idx, viewRows(idx, { changedOnly: true }))).toEqual(['cart']);
  });

  it('sort by their newest change, and their jobs likewise', () => {
    const changes = [
      change('eu', 'Deployment', 'checkout', 2 * MIN),
      change('eu', 'Job', 'cart', 10 * MIN),
      change('eu', 'Deployment', 'cart', 20 * MIN),
    ];
    const idx = index(cartJobs, changes);
    const rows = viewRows(idx, { sort: 'recent', expanded: new Set(['service:cart']) });
    expect(rows.map((r) => idx.rows[r]?.rowKey)).toEqual([
      'service:checkout',
      'service:cart',
      'Job:default/cart',
      'Deployment:shop/cart',
      // Quiet jobs keep name order.
      'Application:shop/cart',
      'ForgeJob:shop/cart',
    ]);
  });

  it('follow the user’s rules: a rule splits a name match, and services are ordered again', () => {
    const idx = index(cartJobs, [], { serviceRules: [{ name: 'basket', match: ['Job:default/cart'] }] });
    expect(names(idx, viewRows(idx))).toEqual(['basket', 'cart', 'checkout']);
    expect(idx.rows[svc(idx, 'cart')]?.jobs).toHaveLength(3);
  });

  it('keep a workload in the service of the Application that manages it, whatever its name', () => {
    const jobs = [
      job('eu', 'Application', 'storefront', { links: { manages: ['Deployment:shop/cart'] } }),
      job('eu', 'Deployment', 'cart', { links: { partOf: 'basket' } }),
      job('eu', 'Job', 'cart', {}, 'default'),
    ];
    const idx = index(jobs);
    expect(names(idx, viewRows(idx))).toEqual(['cart', 'storefront']);
    expect(idx.rows[svc(idx, 'storefront')]?.jobs?.map((j) => idx.rows[j]?.rowKey)).toEqual([
      'Deployment:shop/cart',
      'Application:shop/storefront',
    ]);
  });

  it('name a rollout across the service’s jobs', () => {
    const image = (c: string, kind: string) =>
      change(c, kind, 'cart', 10 * MIN, {
        actor: { name: 'bob', kind: 'person' },
        fields: [{ path: 'containers[app].image', before: 'registry/cart:1', after: 'registry/cart:2' }],
      });
    const idx = index(cartJobs, [image('eu', 'Deployment'), image('us', 'Deployment')]);
    expect(idx.rows[svc(idx, 'cart')]?.rollout?.summary).toBe(
      'bob rolled registry/cart:2 to 2 of 2 clusters',
    );
  });

  it('read a grid packed before services were as one service per job name', () => {
    const grid = build.gridOf(cartJobs, [], NOW);
    delete grid.service;
    delete grid.via;
    const idx = buildHeatIndex({ clusters, polls: [], windowMs: HOUR, now: NOW, grid });
    expect(names(idx, viewRows(idx))).toEqual(['cart', 'checkout']);
    expect(idx.rows[svc(idx, 'cart')]?.jobs).toHaveLength(4);
  });
});

describe('the packed grid', () => {
  it('holds each row’s service and manager, and orders rows by service, then by name', () => {
    const grid = build.gridOf(
      [
        job('eu', 'Deployment', 'beta'),
        job('eu', 'Deployment', 'zeta', { links: { partOf: 'alpha' } }),
        job('eu', 'Application', 'gamma', { links: { manages: ['Deployment:shop/beta'] } }),
      ],
      [],
      NOW,
    );
    expect(grid.rows).toEqual(['Deployment:shop/zeta', 'Deployment:shop/beta', 'Application:shop/gamma']);
    expect(packedService(grid, 0)).toEqual({ name: 'alpha' });
    expect(packedService(grid, 1)).toEqual({ name: 'gamma', via: 'Application:shop/gamma' });
    expect(packedService(grid, 2)).toEqual({ name: 'gamma' });
    // The job's own name costs no string.
    expect(Array.from(grid.service ?? [])).toEqual([
      grid.strings.indexOf('alpha'),
      grid.strings.indexOf('gamma'),
      -1,
    ]);
  });
});

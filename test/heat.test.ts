import { describe, expect, it } from 'vitest';
import { buildHeatIndex } from '../lib/heat/build';
import { cellGlyph } from '../lib/heat/cells';
import { CHURN_MIN_CHANGES } from '../lib/heat/columns';
import { parseRowKey, viewRows } from '../lib/heat/rows';
import { MARKS } from '../lib/heat/scale';
import type { HeatInput } from '../lib/heat/types';
import type { Change, Cluster, JobSnapshot, PollRun } from '../lib/model';
import * as build from './builders';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

const cluster = (name: string, group?: string, extra: Partial<Cluster> = {}): Cluster =>
  build.cluster('src', name, NOW, {
    apiBase: `https://rancher.example/k8s/clusters/${name}`,
    ...(group ? { group } : {}),
    firstSeen: NOW - 3 * 24 * HOUR,
    lastOkPoll: NOW - MIN,
    ...extra,
  });

const job = (clusterName: string, name: string, health: JobSnapshot['health']['state'] = 'healthy') =>
  build.job({ clusterId: `src/${clusterName}`, name }, NOW, { health: { state: health } });

/** A change by alice `agoMs` before NOW. */
const change = (clusterName: string, name: string, agoMs: number, extra: Partial<Change> = {}): Change =>
  build.change({ clusterId: `src/${clusterName}`, name }, NOW - agoMs, {
    actor: { name: 'alice', kind: 'person' },
    ...extra,
  });

const imageChange = (clusterName: string, name: string, agoMs: number, image: string, actor = 'bob') =>
  change(clusterName, name, agoMs, {
    actor: { name: actor, kind: 'person' },
    fields: [{ path: 'containers[app].image', before: 'registry/app:1.4.1', after: image }],
  });

const failedRun = (
  clusterName: string,
  from: number,
  to: number,
  status: PollRun['status'] = 'auth',
): PollRun => ({
  target: `src/${clusterName}`,
  sourceId: 'src',
  status,
  from,
  to,
  count: 3,
  message: '401 on /k8s/clusters/x/apis/apps/v1/deployments',
  ...(status === 'auth' ? { loginUrl: 'https://rancher.example/login' } : {}),
});

/** The model's input for these clusters, jobs and changes (packed as the store packs them). */
const input = ({
  jobs = [],
  changes = [],
  ...over
}: Partial<Omit<HeatInput, 'grid'>> & { jobs?: JobSnapshot[]; changes?: Change[] }): HeatInput => ({
  clusters: [],
  polls: [],
  windowMs: HOUR,
  now: NOW,
  grid: build.gridOf(jobs, changes, NOW),
  ...over,
});

const cellOf = (index: ReturnType<typeof buildHeatIndex>, name: string, clusterName: string) => {
  const r = index.rowIndexOf(`Deployment:shop/${name}`);
  const c = index.columnIndexOf(`src/${clusterName}`);
  if (r === undefined || c === undefined) throw new Error(`no cell ${name}@${clusterName}`);
  return index.cell(r, c);
};

describe('columns', () => {
  it('groups clusters (named groups first, ungrouped last), then orders by name with numbers as numbers', () => {
    const index = buildHeatIndex(
      input({
        clusters: [
          cluster('prod-us-10', 'us'),
          cluster('lab'),
          cluster('prod-eu-2', 'eu'),
          cluster('prod-us-2', 'us'),
          cluster('prod-eu-1', 'eu'),
        ],
      }),
    );
    expect(index.columns.map((c) => c.name)).toEqual([
      'prod-eu-1',
      'prod-eu-2',
      'prod-us-2',
      'prod-us-10',
      'lab',
    ]);
    expect(index.groups).toEqual([
      { name: 'eu', start: 0, count: 2 },
      { name: 'us', start: 2, count: 2 },
      { name: '', start: 4, count: 1 },
    ]);
  });

  it('marks gone clusters, and does not call them blind for not being polled', () => {
    const index = buildHeatIndex(
      input({
        clusters: [
          cluster('old', 'eu', { goneSince: NOW - 30 * MIN, lastOkPoll: NOW - 3 * HOUR }),
          cluster('new', 'eu'),
        ],
        jobs: [job('old', 'checkout'), job('new', 'checkout')],
      }),
    );
    const old = index.columns[index.columnIndexOf('src/old') as number];
    expect(old?.gone).toBe(true);
    expect(old?.blind).toBeUndefined();
    expect(cellOf(index, 'checkout', 'old').column.gone).toBe(true);
    expect(index.columns[index.columnIndexOf('src/new') as number]?.gone).toBe(false);
  });

  it('retires a gone cluster once it left before the window and nothing in the window happened there', () => {
    const clusters = [
      cluster('left-long-ago', 'eu', { goneSince: NOW - 2 * HOUR }),
      cluster('left-but-changed', 'eu', { goneSince: NOW - 2 * HOUR }),
      cluster('here', 'eu'),
    ];
    const index = buildHeatIndex(
      input({
        clusters,
        jobs: [
          job('here', 'checkout'),
          job('left-long-ago', 'checkout'),
          job('left-but-changed', 'checkout'),
        ],
        changes: [
          change('left-but-changed', 'checkout', 90 * MIN),
          change('left-but-changed', 'checkout', 10 * MIN),
        ],
      }),
    );
    expect(index.columnIndexOf('src/left-long-ago')).toBeUndefined();
    expect(index.columns[index.columnIndexOf('src/left-but-changed') as number]?.gone).toBe(true);
    expect(index.columnIndexOf('src/here')).toBeDefined();
    // A wider window brings it back: it left within that window.
    const week = buildHeatIndex(
      input({ clusters, jobs: [job('here', 'checkout')], windowMs: 7 * 24 * HOUR }),
    );
    expect(week.columnIndexOf('src/left-long-ago')).toBeDefined();
  });

  it('flags churn from several changes in one cluster, with counts of changes and jobs', () => {
    const changes = [
      change('a', 'checkout', 5 * MIN),
      change('a', 'checkout', 10 * MIN),
      change('a', 'cart', 20 * MIN),
      change('b', 'cart', 20 * MIN),
    ];
    const index = buildHeatIndex(input({ clusters: [cluster('a'), cluster('b')], changes }));
    const [a, b] = index.columns;
    expect(CHURN_MIN_CHANGES).toBe(3);
    expect(a).toMatchObject({ changes: 3, jobs: 2, churn: true, level: 3 }); // newest 5 min of 60
    expect(b).toMatchObject({ changes: 1, jobs: 1, churn: false });
  });
});

describe('columns of the same name from different sources', () => {
  it('tells them apart by source name (by id without one), and by native id within one source', () => {
    const argo = (name: string, nativeId: string): Cluster =>
      cluster(name, undefined, { id: `argocd/${nativeId}`, sourceId: 'argocd', nativeId });
    const index = buildHeatIndex(
      input({
        clusters: [
          cluster('prod-eu-1'),
          argo('prod-eu-1', 'https://10.20.0.1:6443'),
          cluster('prod-us-1', undefined, { id: 'forge/c-102', sourceId: 'forge', nativeId: 'c-102' }),
          cluster('PROD-US-1'),
          cluster('staging-eu-1'),
          argo('edge', 'https://10.0.0.1:6443'),
          argo('edge', 'https://10.0.0.2:6443'),
        ],
        sourceNames: { src: 'Production Rancher', argocd: 'Argo CD' },
      }),
    );
    const col = (id: string) => index.columns[index.columnIndexOf(id) as number];
    expect(col('src/prod-eu-1')).toMatchObject({
      source: 'Production Rancher',
      qualifier: 'Production Rancher',
    });
    expect(col('argocd/https://10.20.0.1:6443')).toMatchObject({ source: 'Argo CD', qualifier: 'Argo CD' });
    // Names are compared as people read them: case does not tell two clusters apart.
    expect(col('forge/c-102')).toMatchObject({ source: 'forge', qualifier: 'forge' });
    expect(col('src/PROD-US-1')?.qualifier).toBe('Production Rancher');
    expect(col('argocd/https://10.0.0.1:6443')?.qualifier).toBe('Argo CD https://10.0.0.1:6443');
    // A name only one cluster has needs nothing more.
    expect(col('src/staging-eu-1')).toMatchObject({ source: 'Production Rancher' });
    expect(col('src/staging-eu-1')?.qualifier).toBeUndefined();
  });
});

describe('one column per cluster across sources', () => {
  const PROXY = 'https://rancher.example/k8s/clusters/prod-eu-1';
  /** Argo CD's view of the Rancher cluster `prod-eu-1`: its destination is the proxy URL. */
  const argo = cluster('prod-eu-1', undefined, {
    id: `argocd/${PROXY}`,
    sourceId: 'argocd',
    nativeId: PROXY,
    name: 'prod-eu-1',
    apiBase: 'https://argocd.example',
  });
  const identity = { sourceTypes: { src: 'rancher', argocd: 'argocd' } } as const;
  const sourceNames = { src: 'Rancher', argocd: 'Argo CD' };
  const argoJob = (name: string) =>
    build.job({ clusterId: argo.id, name, kind: 'Application' }, NOW, { health: { state: 'healthy' } });
  const argoChange = (name: string, agoMs: number) =>
    build.change({ clusterId: argo.id, name, kind: 'Application' }, NOW - agoMs, {
      actor: { name: 'carol', kind: 'person' },
    });

  it('shows a Rancher cluster and the Argo CD destination that names its proxy URL as one column counting both', () => {
    const clusters = [cluster('prod-eu-1'), argo, cluster('prod-us-1')];
    const jobs = [job('prod-eu-1', 'cart'), argoJob('cart'), job('prod-us-1', 'cart')];
    const changes = [change('prod-eu-1', 'cart', 5 * MIN), argoChange('cart', 6 * MIN)];
    const index = buildHeatIndex(input({ clusters, jobs, changes, identity, sourceNames }));
    expect(index.columns.map((c) => c.name)).toEqual(['prod-eu-1', 'prod-us-1']);
    const col = index.columns[0];
    expect(col?.members.map((m) => m.cluster.id)).toEqual(['src/prod-eu-1', argo.id]);
    expect(col).toMatchObject({ source: 'Rancher + Argo CD', changes: 2, jobs: 2 });
    expect(col?.qualifier).toBeUndefined();
    expect(index.columnIndexOf(argo.id)).toBe(0);
    expect(index.columnIndexOf('src/prod-eu-1')).toBe(0);
    const r = index.rowIndexOf('Application:shop/cart') as number;
    expect(index.cell(r, 0)).toMatchObject({ count: 1, absent: false, clusterIds: [argo.id] });
    expect(index.cell(r, 1).absent).toBe(true);
    // Without the rules, as before: two columns of one name, told apart by source.
    const apart = buildHeatIndex(input({ clusters, jobs, changes, sourceNames }));
    expect(apart.columns.map((c) => c.qualifier ?? '')).toEqual(['Argo CD', 'Rancher', '']);
  });

  it('merges the same job seen in both clusters of a column into one cell', () => {
    // A static Kubernetes source and Rancher both list the cluster: the same Deployment twice.
    const stat = cluster('eu1', undefined, {
      id: 'k/eu1',
      sourceId: 'k',
      nativeId: 'eu1',
      apiBase: `${PROXY}/`,
    });
    const clusters = [cluster('prod-eu-1'), stat];
    const jobs = [job('prod-eu-1', 'cart'), build.job({ clusterId: 'k/eu1', name: 'cart' }, NOW)];
    const changes = [
      change('prod-eu-1', 'cart', 5 * MIN, { created: true } as Partial<Change>),
      build.change({ clusterId: 'k/eu1', name: 'cart' }, NOW - 2 * MIN, {
        actor: { name: 'dave', kind: 'person' },
      }),
    ];
    const index = buildHeatIndex(
      input({ clusters, jobs, changes, identity: { sourceTypes: { src: 'rancher', k: 'kubernetes' } } }),
    );
    expect(index.columns).toHaveLength(1);
    const cell = index.cell(0, 0);
    expect(cell.count).toBe(2);
    expect(cell.newest?.at).toBe(NOW - 2 * MIN);
    expect([...cell.clusterIds].sort()).toEqual(['k/eu1', 'src/prod-eu-1']);
    expect(index.searchText(0)).toContain('dave');
    expect(index.searchText(0)).toContain('alice');
    expect(index.rows[0]?.changes).toBe(2);
    // One cell of one column: one changed cluster for the row, one changed job for the column.
    expect(index.rows[0]).toMatchObject({ changedClusters: 1, clusters: 1, newestAt: NOW - 2 * MIN });
    expect(index.columns[0]).toMatchObject({ changes: 2, jobs: 1 });
    expect(index.changes).toBe(2);
  });

  it('says which sources fail: a cell is blind only where the sources that list its job could not see', () => {
    const clusters = [cluster('prod-eu-1'), { ...argo, lastOkPoll: NOW - 2 * HOUR }];
    const jobs = [job('prod-eu-1', 'cart'), argoJob('cart')];
    const polls = [{ ...failedRun('x', NOW - 30 * MIN, NOW - MIN), target: argo.id, sourceId: 'argocd' }];
    const index = buildHeatIndex(input({ clusters, jobs, polls, identity, sourceNames }));
    const col = index.columns[0];
    expect(col?.blind).toBeUndefined();
    expect(col?.members.map((m) => [m.source, m.blind?.reason])).toEqual([
      ['Rancher', undefined],
      ['Argo CD', 'auth'],
    ]);
    const argoRow = index.rowIndexOf('Application:shop/cart') as number;
    const deployRow = index.rowIndexOf('Deployment:shop/cart') as number;
    expect(index.cell(argoRow, 0).blind?.reason).toBe('auth');
    expect(index.cell(deployRow, 0).blind).toBeUndefined();
  });
});

describe('cells', () => {
  const clusters = [cluster('a'), cluster('b'), cluster('c')];

  it('heat follows the newest change, relative to the window; count counts changes in the window', () => {
    const changes = [
      change('a', 'checkout', 2 * MIN),
      change('a', 'checkout', 40 * MIN),
      change('a', 'checkout', 2 * HOUR), // outside the 1 h window
      change('b', 'checkout', 50 * MIN),
    ];
    const index = buildHeatIndex(
      input({ clusters, jobs: [job('a', 'checkout'), job('b', 'checkout')], changes }),
    );
    const a = cellOf(index, 'checkout', 'a');
    expect(a.count).toBe(2);
    expect(a.level).toBe(4); // 2 min of 60 ≤ 1/16
    expect(a.newest?.at).toBe(NOW - 2 * MIN);
    expect(a.glyph).toBe('2');
    const b = cellOf(index, 'checkout', 'b');
    expect(b.level).toBe(1);
    expect(b.count).toBe(1);
    expect(index.changes).toBe(3);

    // The same data in a 15-minute window: only the 2-minute-old change remains, and it is less hot.
    const narrow = buildHeatIndex(
      input({ clusters, jobs: [job('a', 'checkout')], changes, windowMs: 15 * MIN }),
    );
    expect(cellOf(narrow, 'checkout', 'a')).toMatchObject({ count: 1, level: 3 });
  });

  it('marks created, deleted and degraded (by a status change or by the current snapshot)', () => {
    const changes = [
      change('a', 'checkout', MIN, { type: 'created' }),
      change('b', 'checkout', MIN, { type: 'deleted' }),
      change('c', 'checkout', MIN, {
        type: 'status',
        fields: [{ path: 'health', before: 'healthy', after: 'degraded' }],
      }),
    ];
    const index = buildHeatIndex(
      input({
        clusters: [...clusters, cluster('d')],
        jobs: [job('a', 'checkout'), job('c', 'checkout'), job('d', 'checkout', 'degraded')],
        changes,
      }),
    );
    expect(cellOf(index, 'checkout', 'a')).toMatchObject({
      created: true,
      deleted: false,
      glyph: `1${MARKS.created}`,
    });
    const deleted = cellOf(index, 'checkout', 'b');
    expect(deleted).toMatchObject({ deleted: true, absent: true, glyph: `1${MARKS.deleted}` });
    expect(cellOf(index, 'checkout', 'c')).toMatchObject({ degraded: true, glyph: `1${MARKS.degraded}` });
    expect(cellOf(index, 'checkout', 'd')).toMatchObject({ count: 0, degraded: true, glyph: MARKS.degraded });
  });

  it('tells "not running there" from "quiet"', () => {
    const index = buildHeatIndex(input({ clusters, jobs: [job('a', 'checkout')] }));
    expect(cellOf(index, 'checkout', 'a')).toMatchObject({ absent: false, count: 0, glyph: '' });
    expect(cellOf(index, 'checkout', 'b')).toMatchObject({ absent: true, glyph: MARKS.absent });
  });

  it('a failed poll run overlapping the window makes the column and its cells blind, never quiet', () => {
    const polls = [
      failedRun('b', NOW - 30 * MIN, NOW - MIN, 'auth'),
      failedRun('c', NOW - 3 * HOUR, NOW - 2 * HOUR, 'unreachable'), // before the window: not blind
    ];
    const index = buildHeatIndex(
      input({
        clusters,
        jobs: [job('a', 'checkout'), job('b', 'checkout'), job('c', 'checkout')],
        changes: [change('b', 'checkout', 40 * MIN)],
        polls,
      }),
    );
    const b = index.columns[index.columnIndexOf('src/b') as number];
    expect(b?.blind).toMatchObject({ reason: 'auth', loginUrl: 'https://rancher.example/login', polls: 3 });
    expect(index.columns[index.columnIndexOf('src/c') as number]?.blind).toBeUndefined();
    const cell = cellOf(index, 'checkout', 'b');
    expect(cell.blind?.reason).toBe('auth');
    expect(cell.glyph).toBe(`1${MARKS.blind}`);
    // A job absent from a blind cluster is blind first: we could not see whether it came back.
    const other = buildHeatIndex(input({ clusters, jobs: [job('a', 'cart')], polls }));
    expect(cellOf(other, 'cart', 'b').glyph).toBe(MARKS.blind);
    expect(cellOf(other, 'cart', 'a').blind).toBeUndefined();
  });

  it('marks a gap a later poll bridged lightly: no "could not see", but never plain quiet', () => {
    const recovered = [cluster('a'), cluster('b', undefined, { lastOkPoll: NOW - MIN })];
    const polls = [failedRun('b', NOW - 30 * MIN, NOW - 20 * MIN, 'auth')];
    const index = buildHeatIndex(
      input({ clusters: recovered, jobs: [job('a', 'checkout'), job('b', 'checkout')], polls }),
    );
    const cell = cellOf(index, 'checkout', 'b');
    expect(cell.blind).toMatchObject({ reason: 'auth', recovered: true });
    expect(cell.glyph).toBe('');
    expect(index.columns[index.columnIndexOf('src/b') as number]?.blind?.recovered).toBe(true);
    // Still failing now: hatched and "could not see".
    const failing = buildHeatIndex(
      input({
        clusters: [cluster('b', undefined, { lastOkPoll: NOW - 40 * MIN })],
        jobs: [job('b', 'checkout')],
        polls,
      }),
    );
    expect(cellOf(failing, 'checkout', 'b').blind?.recovered).toBeUndefined();
    expect(cellOf(failing, 'checkout', 'b').glyph).toBe(MARKS.blind);
  });

  it('is blind where the cluster was never polled, or not polled at all during the window', () => {
    const index = buildHeatIndex(
      input({
        clusters: [
          cluster('fresh', undefined, { lastOkPoll: undefined }),
          cluster('asleep', undefined, { lastOkPoll: NOW - 3 * HOUR }),
          cluster('fine'),
        ],
        jobs: [job('fine', 'checkout')],
      }),
    );
    expect(cellOf(index, 'checkout', 'fresh').blind?.reason).toBe('never');
    expect(cellOf(index, 'checkout', 'asleep').blind?.reason).toBe('stale');
    expect(cellOf(index, 'checkout', 'fine').blind).toBeUndefined();
  });

  it('never materializes cells: a 2,000 × 200 grid builds from flags and the changes alone', () => {
    const many = Array.from({ length: 200 }, (_, i) => cluster(`c${i}`, `g${i % 7}`));
    const jobs: JobSnapshot[] = [];
    for (let j = 0; j < 2000; j++) for (let c = 0; c < 200; c += 2) jobs.push(job(`c${c}`, `job-${j}`));
    const changes = Array.from({ length: 5000 }, (_, i) =>
      change(`c${i % 200}`, `job-${i % 2000}`, (i % 60) * MIN),
    );
    const index = buildHeatIndex(input({ clusters: many, jobs, changes }));
    // 2,000 job rows, each its own service (no links, distinct names): a service row each.
    expect(index.rows.filter((r) => r.type === 'job')).toHaveLength(2000);
    expect(index.serviceRows).toHaveLength(2000);
    expect(index.columns).toHaveLength(200);
    expect(cellOf(index, 'job-1999', 'c198').absent).toBe(false);
    expect(cellOf(index, 'job-1999', 'c199').absent).toBe(true);
  }, 120_000); // 100,000 snapshots to build: slow on a loaded machine, and timing is the benchmarks' job
});

describe('rollouts', () => {
  const clusters = Array.from({ length: 12 }, (_, i) => cluster(`prod-${i + 1}`, 'prod'));
  const jobs = clusters.map((c) => job(c.name, 'app'));

  it('names the actor, the image and N of M when the same image reaches several clusters', () => {
    const changes = clusters
      .slice(0, 7)
      .map((c, i) => imageChange(c.name, 'app', (10 + i) * MIN, 'registry/app:1.4.2'));
    const index = buildHeatIndex(input({ clusters, jobs, changes }));
    const row = index.rows[index.rowIndexOf('Deployment:shop/app') as number];
    expect(row?.rollout).toMatchObject({
      value: 'registry/app:1.4.2',
      clusters: 7,
      of: 12,
      actor: { name: 'bob' },
      summary: 'bob rolled registry/app:1.4.2 to 7 of 12 clusters',
    });
    expect(row).toMatchObject({ changes: 7, changedClusters: 7, clusters: 12 });
  });

  it('says how many others joined, and needs more than one cluster', () => {
    const changes = [
      imageChange('prod-1', 'app', MIN, 'registry/app:2.0', 'bob'),
      imageChange('prod-2', 'app', MIN, 'registry/app:2.0', 'bob'),
      imageChange('prod-3', 'app', MIN, 'registry/app:2.0', 'carol'),
      imageChange('prod-4', 'app', MIN, 'registry/app:2.0', 'dave'),
    ];
    const index = buildHeatIndex(input({ clusters, jobs, changes }));
    expect(index.rows[0]?.rollout?.summary).toBe(
      'bob and 2 others rolled registry/app:2.0 to 4 of 12 clusters',
    );

    const single = buildHeatIndex(
      input({ clusters, jobs, changes: [imageChange('prod-1', 'app', MIN, 'x:1')] }),
    );
    expect(single.rows[0]?.rollout).toBeUndefined();
  });

  it('does not call different images, or non-version fields, a rollout', () => {
    const changes = [
      imageChange('prod-1', 'app', MIN, 'registry/app:1'),
      imageChange('prod-2', 'app', MIN, 'registry/app:2'),
      change('prod-3', 'app', MIN),
      change('prod-4', 'app', MIN),
    ];
    const index = buildHeatIndex(input({ clusters, jobs, changes }));
    expect(index.rows[0]?.rollout).toBeUndefined();
  });
});

describe('filtering', () => {
  const clusters = [cluster('a'), cluster('b')];
  const index = buildHeatIndex(
    input({
      clusters,
      jobs: [job('a', 'checkout'), job('a', 'cart'), job('b', 'search')],
      changes: [change('b', 'search', MIN, { actor: { name: 'Zoe', kind: 'person' } })],
    }),
  );
  const names = (rows: number[]) => rows.map((r) => index.rows[r]?.name);

  it('orders rows by name and keeps them all by default', () => {
    expect(names(viewRows(index))).toEqual(['cart', 'checkout', 'search']);
  });

  it('filters by job text, case-insensitively', () => {
    expect(names(viewRows(index, { text: 'CH' }))).toEqual(['checkout', 'search']);
    expect(names(viewRows(index, { text: 'checkout' }))).toEqual(['checkout']);
  });

  it('filters by the people who changed a job', () => {
    expect(names(viewRows(index, { text: 'zoe' }))).toEqual(['search']);
  });

  it('sorts by the latest change first on request, the quiet rows after by name', () => {
    const sorted = buildHeatIndex(
      input({
        clusters,
        jobs: [job('a', 'checkout'), job('a', 'cart'), job('b', 'search'), job('a', 'zeta')],
        changes: [change('b', 'search', 20 * MIN), change('a', 'zeta', MIN)],
      }),
    );
    const order = viewRows(sorted, { sort: 'recent' }).map((r) => sorted.rows[r]?.name);
    expect(order).toEqual(['zeta', 'search', 'cart', 'checkout']);
  });

  it('"changed only" keeps the rows with changes in the window', () => {
    expect(names(viewRows(index, { changedOnly: true }))).toEqual(['search']);
    expect(viewRows(index, { changedOnly: true, text: 'cart' })).toEqual([]);
  });
});

describe('before anything is stored', () => {
  it('shows the clusters, no rows, and calls no cell absent', () => {
    const index = buildHeatIndex({ ...input({ clusters: [cluster('a'), cluster('b')] }), grid: undefined });
    expect(index.presenceKnown).toBe(false);
    expect(index.columns).toHaveLength(2);
    expect(index.rows).toEqual([]);
  });
});

describe('helpers', () => {
  it('parses row keys', () => {
    expect(parseRowKey('StatefulSet:db/pg-main')).toEqual({
      kind: 'StatefulSet',
      namespace: 'db',
      name: 'pg-main',
    });
  });

  it('keeps glyphs to two characters', () => {
    const base = { count: 0, created: false, deleted: false, degraded: false, absent: false };
    expect(cellGlyph({ ...base, count: 12, created: true, deleted: true })).toBe(`∞${MARKS.deleted}`);
    expect(cellGlyph({ ...base, degraded: true, blind: { reason: 'error', polls: 1 } })).toBe(
      `${MARKS.blind}${MARKS.degraded}`,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { cellLabel, columnLabel } from '../../components/grid/labels';
import { buildHeatIndex } from '../../lib/heat/build';
import type { Cluster, PollRun } from '../../lib/model';
import * as build from '../builders';
import { gridOf, snapshot } from '../builders';

const NOW = 1_800_000_000_000;
const MIN = 60_000;
const cluster = (name: string, lastOkPoll: number): Cluster =>
  build.cluster('src', name, NOW, { firstSeen: NOW - 10 * 60 * MIN, lastOkPoll });
const gap: PollRun = {
  target: 'src/b',
  sourceId: 'src',
  status: 'auth',
  from: NOW - 30 * MIN,
  to: NOW - 20 * MIN,
  count: 3,
};

describe('labels for gaps in polling', () => {
  it('says "could not see" only while the cluster cannot be seen, and "a gap, since bridged" after', () => {
    const build = (lastOkPoll: number) =>
      buildHeatIndex({
        clusters: [cluster('b', lastOkPoll)],
        grid: gridOf([snapshot({ clusterId: 'src/b', name: 'checkout' })], []),
        polls: [gap],
        windowMs: 60 * MIN,
        now: NOW,
      });
    const bridged = build(NOW - MIN);
    expect(cellLabel(bridged.cell(0, 0), NOW)).toBe(
      'checkout in b: no changes, a gap in polling (login needed) since bridged',
    );
    expect(columnLabel(bridged.columns[0] as never)).toBe(
      'b: no changes, a gap in polling (login needed), since bridged',
    );
    const blind = build(NOW - 40 * MIN);
    expect(cellLabel(blind.cell(0, 0), NOW)).toBe('checkout in b: could not see, login needed');
  });
});

describe('the pace in a column header', () => {
  const pace = { passMs: MIN, quietMs: 10 * MIN, hotForMs: 15 * MIN };
  const model = (clusters: Cluster[]) => buildHeatIndex({ clusters, polls: [], windowMs: 5 * MIN, now: NOW });

  it('says how each cluster is polled, and a quiet one waiting for its turn is not "could not see"', () => {
    const quiet = cluster('q', NOW - 8 * MIN);
    quiet.pace = { ...pace, lastTry: NOW - 8 * MIN };
    const { columns } = model([quiet]);
    expect(columns[0]?.blind).toBeUndefined();
    expect(columnLabel(columns[0] as never)).toBe('q: no changes, polled every 10 min (quiet)');
  });

  it('says when a host asked to wait, for every cluster behind it', () => {
    const asked = cluster('a', NOW - MIN);
    asked.pace = { ...pace, lastTry: NOW - MIN, hold: { until: NOW + 4 * MIN, status: 429, host: true } };
    const sibling = cluster('s', NOW - 2 * MIN);
    sibling.pace = { ...pace, lastTry: NOW - 2 * MIN };
    const { columns } = model([asked, sibling]);
    expect(columns.map((c) => c.pace)).toEqual([
      expect.stringMatching(/^backing off after 429 until \d\d:\d\d$/),
      expect.stringMatching(/^backing off after 429 from its host until \d\d:\d\d$/),
    ]);
  });
});

describe('a column that several sources see', () => {
  it('names every source in its label, and which of them fails', () => {
    const proxy = 'https://src.example/k8s/clusters/prod-eu-1';
    const rancher = build.cluster('src', 'prod-eu-1', NOW, {
      firstSeen: NOW - 10 * 60 * MIN,
      lastOkPoll: NOW - MIN,
    });
    const argo = build.cluster('cd', proxy, NOW, {
      name: 'prod-eu-1',
      apiBase: 'https://argocd.example',
      firstSeen: NOW - 10 * 60 * MIN,
      lastOkPoll: NOW - 40 * MIN,
    });
    const failing: PollRun = { ...gap, target: argo.id, sourceId: 'cd', to: NOW - MIN };
    const index = buildHeatIndex({
      clusters: [rancher, argo],
      grid: gridOf([snapshot({ clusterId: rancher.id, name: 'checkout' })], []),
      polls: [failing],
      windowMs: 60 * MIN,
      now: NOW,
      sourceNames: { src: 'Rancher', cd: 'Argo CD' },
      identity: { sourceTypes: { src: 'rancher', cd: 'argocd' } },
    });
    expect(index.columns).toHaveLength(1);
    expect(columnLabel(index.columns[0] as never)).toBe(
      'prod-eu-1: no changes, seen through Rancher and Argo CD; Argo CD: login needed',
    );
    // The job only Rancher lists is seen: its cell is not blind for Argo CD's failure.
    expect(cellLabel(index.cell(0, 0), NOW)).toBe('checkout in prod-eu-1: no changes');
  });
});

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

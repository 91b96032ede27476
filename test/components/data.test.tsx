// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDegradedKeys, loadJobKeys } from '../../components/grid/data';
import { PopupApp } from '../../components/grid/PopupApp';
import type { TattlerDb } from '../../lib/db';
import { clock, fakeApi, job, SETTINGS, seedDb, smallFleet } from './fixtures';

afterEach(cleanup);

describe('reading the jobs', () => {
  it('loads job keys without snapshots, and the degraded ones by reading snapshots per cluster', async () => {
    const data = smallFleet();
    data.jobs.push({ ...job('prod-us-1', 'search'), health: { state: 'degraded' } });
    const db = await seedDb(data);
    expect((await loadJobKeys(db)).sort()).toEqual(data.jobs.map((j) => j.key).sort());
    const degraded = await loadDegradedKeys(
      db,
      data.clusters.map((c) => c.id),
    );
    expect([...degraded]).toEqual(['src/prod-us-1|Deployment:shop/search']);
  });

  it('uses an index on health when a schema has one', async () => {
    const db = new Dexie(`health-index-${Math.random()}`) as TattlerDb;
    db.version(1).stores({ jobs: 'key, clusterId, rowKey, health.state' });
    await db.jobs.bulkPut([{ ...job('a', 'x'), health: { state: 'degraded' } }, job('a', 'y')]);
    // No cluster ids given: only the index can find it.
    expect([...(await loadDegradedKeys(db, []))]).toEqual(['src/a|Deployment:shop/x']);
  });

  it('marks a job degraded now, after the grid is painted', async () => {
    const data = smallFleet();
    data.jobs = data.jobs.map((j) =>
      j.key === 'src/prod-us-1|Deployment:shop/checkout'
        ? { ...j, health: { state: 'degraded' as const } }
        : j,
    );
    render(<PopupApp db={await seedDb(data)} settings={SETTINGS} api={fakeApi()} clock={clock} />);
    const cell = await screen.findByRole(
      'gridcell',
      { name: 'checkout in prod-us-1: no changes, degraded now' },
      { timeout: 5000 },
    );
    expect(cell.textContent).toBe('!');
    expect(cell.className).toContain('degraded');
  });
});

// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PopupApp } from '../../components/grid/PopupApp';
import { loadView, popupData } from '../../lib/popup-data';
import { DEGRADED, PRESENT } from '../../lib/store/grid';
import { clock, fakeApi, job, SETTINGS, seedDb, smallFleet } from './fixtures';

afterEach(cleanup);

describe('reading the grid', () => {
  it('reads where every job runs, degraded or not, from one packed record', async () => {
    const data = smallFleet();
    data.jobs.push({ ...job('prod-us-1', 'search'), health: { state: 'degraded' } });
    const db = await seedDb(data);
    const view = await loadView(db, clock() - 3_600_000, clock());
    const grid = view.grid;
    const present: string[] = [];
    const degraded: string[] = [];
    grid?.rows.forEach((rowKey, r) => {
      grid.clusters.forEach((clusterId, c) => {
        const flag = grid.flags[r * grid.clusters.length + c] as number;
        if (flag & PRESENT) present.push(`${clusterId}|${rowKey}`);
        if (flag & DEGRADED) degraded.push(`${clusterId}|${rowKey}`);
      });
    });
    expect(present.sort()).toEqual(data.jobs.map((j) => j.key).sort());
    expect(degraded).toEqual(['src/prod-us-1|Deployment:shop/search']);
  });

  it('marks a job degraded now, after the grid is painted', async () => {
    const data = smallFleet();
    data.jobs = data.jobs.map((j) =>
      j.key === 'src/prod-us-1|Deployment:shop/checkout'
        ? { ...j, health: { state: 'degraded' as const } }
        : j,
    );
    render(
      <PopupApp data={popupData(await seedDb(data))} settings={SETTINGS} api={fakeApi()} clock={clock} />,
    );
    const cell = await screen.findByRole(
      'gridcell',
      { name: 'checkout in prod-us-1: no changes, degraded now' },
      { timeout: 5000 },
    );
    expect(cell.textContent).toBe('!');
    expect(cell.className).toContain('degraded');
  });
});

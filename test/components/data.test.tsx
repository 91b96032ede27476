// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PopupApp } from '../../components/grid/PopupApp';
import { loadDegradedKeys, loadJobKeys, popupData } from '../../lib/popup-data';
import { clock, fakeApi, job, SETTINGS, seedDb, smallFleet } from './fixtures';

afterEach(cleanup);

describe('reading the jobs', () => {
  it('loads job keys without snapshots, and the degraded ones through the health index', async () => {
    const data = smallFleet();
    data.jobs.push({ ...job('prod-us-1', 'search'), health: { state: 'degraded' } });
    const db = await seedDb(data);
    expect((await loadJobKeys(db)).sort()).toEqual(data.jobs.map((j) => j.key).sort());
    expect([...(await loadDegradedKeys(db))]).toEqual(['src/prod-us-1|Deployment:shop/search']);
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

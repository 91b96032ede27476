// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PopupApp } from '../../components/grid/PopupApp';
import type { Cluster } from '../../lib/model';
import { popupData } from '../../lib/popup-data';
import {
  change,
  clock,
  cluster,
  fakeApi,
  HOUR,
  job,
  MIN,
  NOW,
  SETTINGS,
  seedDb,
  settingsWith,
  smallFleet,
} from './fixtures';

afterEach(cleanup);

async function renderFleet(data = smallFleet(), api = fakeApi()) {
  const db = await seedDb(data);
  const utils = render(<PopupApp data={popupData(db)} settings={SETTINGS} api={api} clock={clock} />);
  // The complete grid: where every job runs is known once "not running there" can be said.
  await screen.findByRole('gridcell', { name: 'cart in prod-us-1: not running there' }, { timeout: 5000 });
  return { db, api, ...utils };
}

const cellNamed = (name: string | RegExp) => screen.getByRole('gridcell', { name });

describe('the grid', () => {
  it('has one row per job and one column per cluster, grouped, with headers', async () => {
    await renderFleet();
    const grid = screen.getByRole('grid');
    expect(grid.getAttribute('aria-rowcount')).toBe('3');
    expect(grid.getAttribute('aria-colcount')).toBe('4');
    const headers = screen
      .getAllByRole('columnheader')
      .map((h) => h.getAttribute('aria-label') ?? h.textContent);
    expect(headers).toEqual([
      'Servicecluster →',
      'prod-eu-1, group eu: 2 changes in 1 job',
      'prod-eu-2, group eu: no changes, could not see, login needed',
      'prod-us-1, group us: no changes',
    ]);
    // Latest change first: checkout (changed 3 minutes ago) above cart.
    expect(screen.getAllByRole('rowheader').map((h) => h.getAttribute('aria-label'))).toEqual([
      'checkout (Deployment in shop): 2 changes in 1 cluster',
      'cart (Deployment in shop)',
    ]);
  });

  it('names every cell: changes with when and who, blind, absent, quiet', async () => {
    await renderFleet();
    expect(cellNamed('checkout in prod-eu-1: 2 changes, last 3 minutes ago by alice, created')).toBeTruthy();
    expect(cellNamed('checkout in prod-eu-2: could not see, login needed')).toBeTruthy();
    expect(cellNamed('checkout in prod-us-1: no changes')).toBeTruthy();
    expect(cellNamed('cart in prod-eu-1: no changes')).toBeTruthy();
    expect(cellNamed('cart in prod-us-1: not running there')).toBeTruthy();
    // Colour is never the only signal: the glyphs differ too.
    expect(cellNamed(/checkout in prod-eu-1/).textContent).toBe('2+');
    expect(cellNamed(/checkout in prod-eu-2/).textContent).toBe('?');
    expect(cellNamed(/cart in prod-us-1/).textContent).toBe('·');
    expect(cellNamed(/checkout in prod-eu-1/).className).toContain('lv4');
  });

  it('tells two clusters of one name from different sources apart, in headers, cells and the detail', async () => {
    const data = smallFleet();
    const argo = cluster('prod-eu-1', 'eu', {
      id: 'argocd/https://10.20.0.1:6443',
      sourceId: 'argocd',
      nativeId: 'https://10.20.0.1:6443',
      apiBase: 'https://argocd.example',
    });
    const rowKey = 'Application:shop/payments';
    const app = { ...job('prod-eu-1', 'payments'), key: `${argo.id}|${rowKey}`, clusterId: argo.id, rowKey };
    const synced = change('prod-eu-1', 'payments', 2 * MIN, {
      clusterId: argo.id,
      jobKey: app.key,
      rowKey,
      kind: 'Application',
      actor: { name: 'carol', kind: 'person' },
    });
    data.clusters.push(argo);
    data.jobs.push({ ...app, kind: 'Application' });
    data.changes.push(synced);
    const settings = settingsWith([
      { id: 'src', name: 'Rancher', type: 'rancher', baseUrl: 'https://rancher.example' },
      { id: 'argocd', name: 'Argo CD', type: 'argocd', baseUrl: 'https://argocd.example' },
    ]);
    const db = await seedDb(data);
    render(<PopupApp data={popupData(db)} settings={settings} api={fakeApi()} clock={clock} />);
    await screen.findByRole('gridcell', { name: 'cart in prod-us-1: not running there' }, { timeout: 5000 });

    const headers = screen.getAllByRole('columnheader').map((h) => h.getAttribute('aria-label'));
    expect(headers).toContain('prod-eu-1 of Argo CD, group eu: 1 change in 1 job');
    expect(headers).toContain('prod-eu-1 of Rancher, group eu: 2 changes in 1 job');
    // A name only one cluster has is left as it is.
    expect(headers).toContain('prod-us-1, group us: no changes');
    expect(cellNamed('payments in prod-eu-1 of Argo CD: 1 change, last 2 minutes ago by carol')).toBeTruthy();
    expect(cellNamed('payments in prod-eu-1 of Rancher: not running there')).toBeTruthy();
    expect(cellNamed(/^checkout in prod-eu-1 of Rancher: 2 changes/)).toBeTruthy();

    fireEvent.click(cellNamed(/^payments in prod-eu-1 of Argo CD/));
    const dialog = await screen.findByRole('dialog', { name: 'Changes of payments in prod-eu-1 of Argo CD' });
    expect(within(dialog).getByText(/from Argo CD/)).toBeTruthy();
  });

  it('shows gone clusters dimmed and says so', async () => {
    const data = smallFleet();
    data.clusters.push(cluster('prod-old', 'eu', { goneSince: NOW - HOUR }));
    data.jobs.push(job('prod-old', 'cart'));
    await renderFleet(data);
    const cell = cellNamed('cart in prod-old: no changes, cluster gone');
    expect(cell.className).toContain('gone');
  });

  it("says each cluster's pace in its header, to the eye (tooltip) and to a screen reader", async () => {
    const data = smallFleet();
    const periods = { passMs: MIN, quietMs: 10 * MIN, hotForMs: 15 * MIN };
    const [eu1, eu2, us1] = data.clusters as [Cluster, Cluster, Cluster];
    eu1.pace = { ...periods, lastTry: NOW - MIN, lastChange: NOW - 3 * MIN };
    eu2.pace = { ...periods, lastTry: NOW - MIN, hold: { until: NOW + 5 * MIN, status: 429 } };
    us1.pace = { ...periods, lastTry: NOW - 4 * MIN };
    await renderFleet(data);
    const header = (name: string) =>
      screen.getAllByRole('columnheader').find((h) => h.textContent?.startsWith(name)) as HTMLElement;
    for (const [name, pace] of [
      ['prod-eu-1', /polled every pass \(changed at \d\d:\d\d\)/],
      ['prod-eu-2', /backing off after 429 until \d\d:\d\d/],
      ['prod-us-1', /polled every 10 min \(quiet\)/],
    ] as const) {
      expect(header(name).getAttribute('aria-label')).toMatch(pace);
      expect(header(name).title).toMatch(pace);
    }
  });
});

describe('keyboard', () => {
  it('has one tab stop and moves focus with arrows, Home/End and Ctrl+Home/End', async () => {
    await renderFleet();
    const first = cellNamed(/checkout in prod-eu-1/);
    expect(first.tabIndex).toBe(0);
    expect(screen.getAllByRole('gridcell').filter((c) => c.tabIndex === 0)).toHaveLength(1);
    first.focus();

    const press = (key: string, init: Record<string, unknown> = {}) => {
      fireEvent.keyDown(document.activeElement as Element, { key, ...init });
      return (document.activeElement as HTMLElement).getAttribute('aria-label') ?? '';
    };
    expect(press('ArrowRight')).toMatch(/^checkout in prod-eu-2/);
    expect(press('ArrowDown')).toMatch(/^cart in prod-eu-2/);
    expect(press('End')).toMatch(/^cart in prod-us-1/);
    expect(press('ArrowRight')).toMatch(/^cart in prod-us-1/); // stays at the edge
    expect(press('Home')).toMatch(/^cart in prod-eu-1/);
    expect(press('Home', { ctrlKey: true })).toMatch(/^checkout in prod-eu-1/);
    expect(press('End', { ctrlKey: true })).toMatch(/^cart in prod-us-1/);
    expect(press('PageUp')).toMatch(/^checkout in prod-us-1/);
    expect((document.activeElement as HTMLElement).tabIndex).toBe(0);
    expect(screen.getAllByRole('gridcell').filter((c) => c.tabIndex === 0)).toHaveLength(1);
  });

  it('renders only part of a large grid and brings far cells into the DOM as focus reaches them', async () => {
    const clusters = Array.from({ length: 60 }, (_, i) => cluster(`c-${String(i).padStart(2, '0')}`, 'eu'));
    const jobs = [];
    for (let j = 0; j < 300; j++)
      for (const c of clusters) jobs.push(job(c.name, `job-${String(j).padStart(3, '0')}`));
    const db = await seedDb({ clusters, jobs, changes: [change('c-00', 'job-000', MIN)] });
    render(<PopupApp data={popupData(db)} settings={SETTINGS} api={fakeApi()} clock={clock} />);
    const first = await screen.findByRole(
      'gridcell',
      { name: 'job-000 in c-00: 1 change, last 1 minute ago by alice' },
      { timeout: 5000 },
    );
    // Phase one paints the changed rows; the rest arrive with the job keys.
    await waitFor(() => expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe('301'), {
      timeout: 5000,
    });
    const rendered = screen.getAllByRole('gridcell').length;
    expect(rendered).toBeGreaterThan(100);
    expect(rendered).toBeLessThan(2000); // of 18,000
    expect(screen.queryByRole('gridcell', { name: /^job-299 in c-59/ })).toBeNull();

    first.focus();
    fireEvent.keyDown(first, { key: 'End', ctrlKey: true });
    expect((document.activeElement as HTMLElement).getAttribute('aria-label')).toBe(
      'job-299 in c-59: no changes',
    );
    fireEvent.keyDown(document.activeElement as Element, { key: 'PageUp' });
    expect((document.activeElement as HTMLElement).getAttribute('aria-label')).toMatch(/^job-2\d\d in c-59/);
    expect(screen.getAllByRole('gridcell').length).toBeLessThan(2000);
  });
});

/** The detail once its changes are read (they are read when it opens). */
async function loaded(el: HTMLElement): Promise<HTMLElement> {
  await waitFor(() => expect(el.textContent).not.toContain('Reading its changes'));
  return el;
}

describe('cell detail', () => {
  it('Enter opens it: actor and kind, when, fields before → after, skipped versions, stale warning, links', async () => {
    await renderFleet();
    const cell = cellNamed(/checkout in prod-eu-1/);
    cell.focus();
    fireEvent.keyDown(cell, { key: 'Enter' });
    const dialog = await loaded(
      await screen.findByRole('dialog', { name: 'Changes of checkout in prod-eu-1' }),
    );
    expect(document.activeElement).toBe(dialog);
    const d = within(dialog);
    const items = d.getAllByRole('listitem').filter((li) => li.classList.contains('change'));
    expect(items).toHaveLength(2);
    // Newest first.
    expect(items[0]?.textContent).toContain('alice');
    expect(items[0]?.textContent).toContain('(person, from annotation example.com/changed-by)');
    expect(items[0]?.textContent).toContain('3 minutes ago');
    expect(items[0]?.querySelector('time')?.getAttribute('dateTime')).toBe(
      new Date(NOW - 3 * MIN).toISOString(),
    );
    expect(items[0]?.textContent).toContain(
      'containers[app].imagefrom registry/checkout:1.4.1 → to registry/checkout:1.4.2',
    );
    expect(items[0]?.textContent).toContain('added B1 other entry unchanged');
    expect(items[0]?.textContent).toContain('2 versions skipped between polls');
    expect(items[0]?.textContent).toContain('version 4 → 7');
    expect(within(items[0] as HTMLElement).getByRole('note').textContent).toContain(
      'alice may belong to an earlier change',
    );
    expect(d.getAllByRole('link', { name: 'Open checkout in its console' })[0]?.getAttribute('href')).toBe(
      'https://rancher.example/dashboard/c/c-prod-eu-1/explorer/apps.deployment/shop/checkout',
    );
    expect(d.getByRole('link', { name: "Open alice's jobs" }).getAttribute('href')).toBe(
      'https://rancher.example/users/alice/jobs?cluster=c-prod-eu-1',
    );
    // The older change: a client name, created; a client has no "jobs". The job has one console
    // page (its cell's link): a javascript: link it once carried is never shown.
    expect(items[1]?.textContent).toContain('kubectl-client-side-apply');
    expect(items[1]?.textContent).toContain('client name');
    expect(items[1]?.textContent).toContain('created');
    expect(within(items[1] as HTMLElement).queryByRole('link', { name: /jobs/ })).toBeNull();
    expect(d.getAllByRole('link').every((a) => a.getAttribute('href')?.startsWith('https:'))).toBe(true);
  });

  it('Escape closes it and returns focus to the cell', async () => {
    await renderFleet();
    const cell = cellNamed(/checkout in prod-eu-1/);
    cell.focus();
    fireEvent.keyDown(cell, { key: 'Enter' });
    const dialog = await screen.findByRole('dialog');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(cellNamed(/checkout in prod-eu-1/)));
    // The focus coming back does not pop the detail open again.
    expect(screen.queryByRole('region', { name: /Changes of/ })).toBeNull();
  });

  it('opens on click, and explains a blind cell with a login link', async () => {
    await renderFleet();
    fireEvent.click(cellNamed(/checkout in prod-eu-2/));
    const dialog = await loaded(
      await screen.findByRole('dialog', { name: 'Changes of checkout in prod-eu-2' }),
    );
    expect(dialog.textContent).toContain('Could not see this cluster in the window: login needed');
    expect(dialog.textContent).toContain('401 on /k8s/clusters/c-prod-eu-2');
    expect(within(dialog).getByRole('link', { name: 'Log in' }).getAttribute('href')).toBe(
      'https://rancher.example/dashboard/auth/login',
    );
    expect(dialog.textContent).toContain('No changes in the last hour');
  });

  it('shows a preview on hover, without taking focus', async () => {
    await renderFleet();
    fireEvent.mouseOver(cellNamed(/checkout in prod-eu-1/));
    const region = await loaded(
      await screen.findByRole('region', { name: 'Changes of checkout in prod-eu-1' }),
    );
    expect(region.textContent).toContain('alice');
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('remote text', () => {
  it('is rendered as text, never as markup', async () => {
    const data = smallFleet();
    const evil = '<img src=x onerror="window.__pwned=1">';
    data.changes.push(
      change('prod-us-1', 'checkout', MIN, {
        actor: { name: evil, kind: 'person' },
        fields: [{ path: 'spec.note', before: '<b>x</b>', after: evil }],
      }),
    );
    await renderFleet(data);
    fireEvent.click(cellNamed(/checkout in prod-us-1/));
    const dialog = await loaded(await screen.findByRole('dialog'));
    expect(dialog.querySelector('img')).toBeNull();
    expect(dialog.textContent).toContain(evil);
  });
});

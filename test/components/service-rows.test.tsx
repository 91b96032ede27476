// @vitest-environment happy-dom
/**
 * Service rows in the popup: a service of several jobs is one row whose header is a button that
 * expands it into its jobs (Enter/Space, ArrowRight/ArrowLeft as in a treegrid, a click), its
 * cells merge its jobs' cells, and its detail lists every job's changes in the column.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PopupApp } from '../../components/grid/PopupApp';
import { popupData } from '../../lib/popup-data';
import * as build from '../builders';
import { change, clock, fakeApi, MIN, NOW, SETTINGS, seedDb, smallFleet } from './fixtures';

afterEach(cleanup);

/** The small fleet, plus a Nomad job `cart` in prod-eu-1 that bob changed: cart is two jobs now. */
async function renderCart() {
  const data = smallFleet();
  const nomad = { clusterId: 'src/prod-eu-1', kind: 'Job', namespace: 'default', name: 'cart' };
  data.jobs.push(build.job(nomad, NOW - MIN));
  data.changes.push(
    change('prod-eu-1', 'cart', 8 * MIN),
    build.change(nomad, NOW - 2 * MIN, { actor: { name: 'bob', kind: 'person' }, windowEnd: NOW - MIN }),
  );
  const db = await seedDb(data);
  render(<PopupApp data={popupData(db)} settings={SETTINGS} api={fakeApi()} clock={clock} />);
  await screen.findByRole('gridcell', { name: /^cart in prod-us-1: not running there/ }, { timeout: 5000 });
}

const toggle = () => screen.getByRole('button', { name: /^cart \(service, 2 jobs: Deployment, Job\)/ });
/** Each row header's name: its own label, or its button's (a service of several jobs). */
const rowHeaders = () =>
  screen
    .getAllByRole('rowheader')
    .map((h) => h.getAttribute('aria-label') ?? h.querySelector('button')?.getAttribute('aria-label'));
const press = (key: string) => {
  fireEvent.keyDown(document.activeElement as Element, { key });
  return document.activeElement as HTMLElement;
};

describe('service rows', () => {
  it('merge the jobs’ cells: counts summed, the newest change and who made it', async () => {
    await renderCart();
    const cell = screen.getByRole('gridcell', { name: /^cart in prod-eu-1:/ });
    expect(cell.getAttribute('aria-label')).toBe('cart in prod-eu-1: 2 changes, last 2 minutes ago by bob');
    expect(cell.textContent).toBe('2');
    // Present where either job runs; absent only where neither does.
    expect(screen.getByRole('gridcell', { name: /^cart in prod-eu-2:/ }).getAttribute('aria-label')).toBe(
      'cart in prod-eu-2: could not see, login needed',
    );
  });

  it('expand and collapse by keyboard, as a treegrid does, and say so to a screen reader', async () => {
    await renderCart();
    expect(rowHeaders()).toHaveLength(2);
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    // Its tooltip lists the jobs it stands for.
    expect((toggle().closest('[role=rowheader]') as HTMLElement).title).toBe(
      'Job:default/cart\nDeployment:shop/cart',
    );
    screen.getByRole('gridcell', { name: /^cart in prod-eu-1:/ }).focus();
    expect(press('ArrowLeft')).toBe(toggle());
    press('Enter');
    await waitFor(() => expect(toggle().getAttribute('aria-expanded')).toBe('true'));
    // Newest change first: cart (2 minutes ago), its jobs likewise, then checkout.
    expect(rowHeaders()).toEqual([
      'cart (service, 2 jobs: Deployment, Job): 2 changes in 1 cluster',
      'cart (Job in default, in service cart): 1 change in 1 cluster',
      'cart (Deployment in shop, in service cart): 1 change in 1 cluster',
      'checkout (Deployment in shop): 2 changes in 1 cluster',
    ]);
    expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe('5');
    // Down to a job's header; ArrowLeft goes back to its service; ArrowLeft again collapses it.
    expect(press('ArrowDown').getAttribute('aria-label')).toMatch(/^cart \(Job in default/);
    expect(press('ArrowLeft')).toBe(toggle());
    press('ArrowLeft');
    await waitFor(() => expect(toggle().getAttribute('aria-expanded')).toBe('false'));
    expect(rowHeaders()).toHaveLength(2);
    press('ArrowRight');
    await waitFor(() => expect(toggle().getAttribute('aria-expanded')).toBe('true'));
    press(' ');
    await waitFor(() => expect(toggle().getAttribute('aria-expanded')).toBe('false'));
    // ArrowRight on a collapsed … expanded header moves on to the first cell.
    press('ArrowRight');
    await waitFor(() => expect(toggle().getAttribute('aria-expanded')).toBe('true'));
    expect(press('ArrowRight').getAttribute('aria-label')).toMatch(/^cart in prod-eu-1/);
  });

  it('expand with a click, and the job rows’ cells are the jobs’ own', async () => {
    await renderCart();
    fireEvent.click(toggle());
    await waitFor(() => expect(toggle().getAttribute('aria-expanded')).toBe('true'));
    const cells = screen
      .getAllByRole('gridcell', { name: /^cart in prod-eu-1:/ })
      .map((c) => c.getAttribute('aria-label'));
    expect(cells).toEqual([
      'cart in prod-eu-1: 2 changes, last 2 minutes ago by bob',
      'cart in prod-eu-1: 1 change, last 2 minutes ago by bob',
      'cart in prod-eu-1: 1 change, last 8 minutes ago by alice',
    ]);
  });

  it('list every job’s changes in the column in the service cell’s detail, newest first', async () => {
    await renderCart();
    fireEvent.click(screen.getByRole('gridcell', { name: /^cart in prod-eu-1:/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Changes of cart in prod-eu-1' });
    const list = await within(dialog).findByRole('list', { name: '2 changes, newest first' });
    const items = within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent ?? '');
    // Each says whose it is: the Nomad job's, then the Deployment's.
    expect(items[0]).toMatch(/^Job cart in default.*bob/);
    expect(items[1]).toMatch(/^Deployment cart in shop.*alice/);
    expect(within(dialog).getByText(/service · 2 jobs: Deployment, Job/)).toBeTruthy();
  });
});

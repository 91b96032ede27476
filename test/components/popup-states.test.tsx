// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PopupApp } from '../../components/grid/PopupApp';
import type { StatusAnswer } from '../../lib/messages';
import { setLastPass } from '../../lib/meta';
import { popupData } from '../../lib/popup-data';
import { dropJobs, putChanges, putJobs } from '../../lib/store/write';
import {
  change,
  clock,
  cluster,
  fakeApi,
  HOUR,
  job,
  MIN,
  NOW,
  okRun,
  SETTINGS,
  seedDb,
  settingsWith,
  smallFleet,
} from './fixtures';

afterEach(cleanup);

describe('empty states', () => {
  it('with no source: says what Tattler does and opens the options', async () => {
    const api = fakeApi();
    const onPainted = vi.fn();
    render(
      <PopupApp
        data={popupData(await seedDb({}))}
        settings={settingsWith([])}
        api={api}
        clock={clock}
        onPainted={onPainted}
      />,
    );
    expect(screen.getByRole('heading', { name: 'Tattler has nothing to watch yet' })).toBeTruthy();
    expect(
      screen.getByText(/records every change to them — what changed, when, and who did it/),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Open options' }));
    expect(api.openOptionsPage).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(onPainted).toHaveBeenCalledWith('complete'));
  });

  it('lets the entrypoint put its own first-run guide in place of the built-in one', async () => {
    render(
      <PopupApp
        data={popupData(await seedDb({}))}
        settings={settingsWith([])}
        api={fakeApi()}
        clock={clock}
        noSources={<p>Try the demo fleet</p>}
      />,
    );
    expect(screen.getByText('Try the demo fleet')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Tattler has nothing to watch yet' })).toBeNull();
  });

  it('with settings that no longer validate: names the fields', () => {
    render(
      <PopupApp
        data={openNothing()}
        settings={{ ok: false, errors: ['sources[0].baseUrl: must be a URL'] }}
        api={fakeApi()}
        clock={clock}
      />,
    );
    expect(screen.getByText('sources[0].baseUrl: must be a URL')).toBeTruthy();
  });

  it('with sources but no cluster yet: says so', async () => {
    render(<PopupApp data={popupData(await seedDb({}))} settings={SETTINGS} api={fakeApi()} clock={clock} />);
    expect(await screen.findByRole('heading', { name: 'No clusters found yet' })).toBeTruthy();
    expect(screen.queryByRole('grid')).toBeNull();
  });

  it('with nothing changed in the window: says so, and since when we have been watching', async () => {
    const data = smallFleet();
    data.changes = [change('prod-eu-1', 'checkout', 3 * HOUR)];
    render(
      <PopupApp data={popupData(await seedDb(data))} settings={SETTINGS} api={fakeApi()} clock={clock} />,
    );
    const notice = await screen.findByText(/Nothing changed in the last hour\./);
    expect(notice.textContent).toContain('Watching since 2 days ago');
    expect(notice.querySelector('time')?.getAttribute('dateTime')).toBe(
      new Date(NOW - 48 * HOUR).toISOString(),
    );
    // The grid stays: blind and absent cells still say something.
    expect(
      await screen.findByRole('gridcell', { name: 'checkout in prod-eu-2: could not see, login needed' }),
    ).toBeTruthy();
  });
});

function openNothing() {
  // The settings error screen never touches the database.
  return undefined as unknown as Parameters<typeof PopupApp>[0]['data'];
}

describe('a pass that could not write', () => {
  it('says so above the grid, as an alert, and that nothing is lost', async () => {
    const db = await seedDb(smallFleet());
    await setLastPass(db, {
      startedAt: NOW - MIN,
      finishedAt: NOW - MIN,
      clusters: { ok: 3, auth: 0, unreachable: 0, error: 1, partial: 0, gone: 0 },
      changes: 0,
      bytes: 0,
      logins: [],
      storageError: 'history could not be written: storage full',
    });
    render(<PopupApp data={popupData(db)} settings={SETTINGS} api={fakeApi()} clock={clock} />);
    const alert = await screen.findByRole('alert', {}, { timeout: 5000 });
    expect(alert.textContent).toMatch(/^history could not be written: storage full: .* nothing is lost/);
  });
});

describe('live', () => {
  it('repaints when a pass writes a change, without reopening', async () => {
    const db = await seedDb(smallFleet());
    render(<PopupApp data={popupData(db)} settings={SETTINGS} api={fakeApi()} clock={clock} />);
    await screen.findByRole('gridcell', { name: 'checkout in prod-us-1: no changes' }, { timeout: 5000 });
    await putChanges(db, [
      change('prod-us-1', 'checkout', MIN, { type: 'deleted', actor: { name: 'mallory', kind: 'person' } }),
    ]);
    await dropJobs(db, 'src/prod-us-1', ['src/prod-us-1|Deployment:shop/checkout']);
    const cell = await screen.findByRole(
      'gridcell',
      { name: 'checkout in prod-us-1: 1 change, last 1 minute ago by mallory, deleted' },
      { timeout: 5000 },
    );
    expect(cell.textContent).toBe('1×');
  });

  it('keeps focus on the same cell when a new change moves its row to the top', async () => {
    const db = await seedDb(smallFleet());
    render(<PopupApp data={popupData(db)} settings={SETTINGS} api={fakeApi()} clock={clock} />);
    const cart = await screen.findByRole(
      'gridcell',
      { name: 'cart in prod-eu-2: could not see, login needed' },
      { timeout: 5000 },
    );
    cart.focus();
    fireEvent.keyDown(cart, { key: 'ArrowLeft' });
    expect(document.activeElement?.getAttribute('aria-label')).toBe('cart in prod-eu-1: no changes');
    await putChanges(db, [change('prod-eu-1', 'cart', 30_000, { actor: { name: 'bob', kind: 'person' } })]);
    await screen.findByRole('gridcell', { name: /^cart in prod-eu-1: 1 change/ }, { timeout: 5000 });
    expect(screen.getAllByRole('rowheader')[0]?.getAttribute('aria-label')).toMatch(/^cart/);
    const tabStops = screen.getAllByRole('gridcell').filter((c) => c.tabIndex === 0);
    expect(tabStops.map((c) => c.getAttribute('aria-label'))).toEqual([
      'cart in prod-eu-1: 1 change, last 30 seconds ago by bob',
    ]);
    await waitFor(() => expect(document.activeElement).toBe(tabStops[0]));
  });

  it('adds a cluster that discovery found while the popup is open', async () => {
    const db = await seedDb(smallFleet());
    render(<PopupApp data={popupData(db)} settings={SETTINGS} api={fakeApi()} clock={clock} />);
    await screen.findByRole('grid', {}, { timeout: 5000 });
    await db.clusters.add(cluster('prod-ap-1', 'ap'));
    await putJobs(db, [job('prod-ap-1', 'cart')]);
    await db.polls.add(okRun('prod-ap-1'));
    expect(
      await screen.findByRole('gridcell', { name: 'cart in prod-ap-1: no changes' }, { timeout: 5000 }),
    ).toBeTruthy();
  });
});

describe('header', () => {
  it('shows the state of polling, with login links', async () => {
    const db = await seedDb(smallFleet());
    render(<PopupApp data={popupData(db)} settings={SETTINGS} api={fakeApi()} clock={clock} />);
    await screen.findByRole('grid', {}, { timeout: 5000 });
    expect(screen.getByText('Last pass 1 minute ago')).toBeTruthy();
    expect(screen.getByText('2 ok')).toBeTruthy();
    expect(screen.getByText('1 need login')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Log in to rancher.example' }).getAttribute('href')).toBe(
      'https://rancher.example/dashboard/auth/login',
    );
  });

  it('links only to http(s) login pages: a login URL from a cluster answer is never a script', async () => {
    const data = smallFleet();
    data.polls = data.polls.map((r) =>
      r.status === 'auth' ? { ...r, loginUrl: 'javascript:alert(document.domain)' } : r,
    );
    const db = await seedDb(data);
    render(<PopupApp data={popupData(db)} settings={SETTINGS} api={fakeApi()} clock={clock} />);
    await screen.findByRole('grid', {}, { timeout: 5000 });
    expect(screen.getByText('1 need login')).toBeTruthy();
    expect(screen.queryByRole('link', { name: /^Log in/ })).toBeNull();
    fireEvent.click(screen.getByRole('gridcell', { name: /checkout in prod-eu-2/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Changes of checkout in prod-eu-2' });
    expect(dialog.textContent).toContain('login needed');
    expect(within(dialog).queryByRole('link', { name: 'Log in' })).toBeNull();
    for (const a of document.querySelectorAll('a'))
      expect(a.getAttribute('href') ?? '').not.toMatch(/^javascript:/i);
  });

  it('"Poll now" asks the background for a pass and shows it running until status says it ended', async () => {
    let finish: (v: StatusAnswer) => void = () => {};
    let running = false;
    const api = fakeApi();
    api.sendMessage.mockImplementation(async (m: { type: string }) => {
      if (m.type === 'status') return { running };
      running = true;
      return new Promise<StatusAnswer>((r) => {
        finish = (v) => {
          running = false;
          r(v);
        };
      });
    });
    render(
      <PopupApp data={popupData(await seedDb(smallFleet()))} settings={SETTINGS} api={api} clock={clock} />,
    );
    const button = await screen.findByRole('button', { name: 'Poll now' }, { timeout: 5000 });
    fireEvent.click(button);
    expect(api.sendMessage).toHaveBeenCalledWith({ type: 'poll-now' });
    await screen.findByRole('button', { name: 'Polling…' });
    expect((screen.getByRole('button', { name: 'Polling…' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('status', { name: '' }).textContent).toBe('Polling…');
    finish({ running: false });
    expect(await screen.findByRole('button', { name: 'Poll now' })).toBeTruthy();
  });

  it('says when the background does not answer', async () => {
    const api = fakeApi();
    api.sendMessage.mockRejectedValue(
      new Error('Could not establish connection. Receiving end does not exist.'),
    );
    render(
      <PopupApp data={popupData(await seedDb(smallFleet()))} settings={SETTINGS} api={api} clock={clock} />,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Poll now' }, { timeout: 5000 }));
    expect(await screen.findByText(/Could not start a pass: Could not establish connection/)).toBeTruthy();
  });

  it('filters rows by text (job or person), by "changed only", and changes the window', async () => {
    const data = smallFleet();
    data.changes.push(change('prod-us-1', 'cart', 5 * HOUR, { actor: { name: 'zoe', kind: 'person' } }));
    render(
      <PopupApp data={popupData(await seedDb(data))} settings={SETTINGS} api={fakeApi()} clock={clock} />,
    );
    await screen.findByRole('gridcell', { name: 'cart in prod-us-1: not running there' }, { timeout: 5000 });
    const rows = () => screen.queryAllByRole('rowheader').map((h) => h.textContent?.split(/(?=shop)/)[0]);

    fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'car' } });
    await waitFor(() => expect(rows()).toEqual(['cart']));
    fireEvent.input(screen.getByRole('searchbox'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Changed only' }));
    await waitFor(() => expect(rows()).toEqual(['checkout']));

    // A wider window brings zoe's change to cart (5 hours ago) in.
    fireEvent.change(screen.getByRole('combobox', { name: 'Window' }), { target: { value: '6h' } });
    await waitFor(() => expect(rows()).toEqual(['checkout', 'cart']));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Changed only' }));
    fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'ZOE' } });
    await waitFor(() => expect(rows()).toEqual(['cart']));
    fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'nobody' } });
    expect(await screen.findByText(/No job matches “nobody”/)).toBeTruthy();
  });
});

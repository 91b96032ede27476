// @vitest-environment happy-dom
/** "Poll now" that did not start a pass says why, where it was pressed. */
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PopupApp } from '../../components/grid/PopupApp';
import type { StatusAnswer } from '../../lib/messages';
import { popupData } from '../../lib/popup-data';
import { clock, fakeApi, SETTINGS, seedDb, smallFleet } from './fixtures';

afterEach(cleanup);

describe('Poll now in the popup', () => {
  it("shows the background's reason when no pass of its own ran", async () => {
    const refused: StatusAnswer = {
      running: false,
      notStarted: {
        code: 'lease',
        message: 'No pass: another pass holds the lease (since 10:00:00, until 10:01:00 unless renewed).',
        until: 0,
      },
    };
    const api = fakeApi({ running: false }, async () => refused);
    render(
      <PopupApp data={popupData(await seedDb(smallFleet()))} settings={SETTINGS} api={api} clock={clock} />,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Poll now' }, { timeout: 5000 }));
    const status = await screen.findByText(/^No pass: another pass holds the lease/);
    expect(status.getAttribute('role')).toBe('status');
    expect(await screen.findByRole('button', { name: 'Poll now' })).toBeTruthy();
  });

  it('says nothing extra when the pass ran', async () => {
    const api = fakeApi({ running: false });
    render(
      <PopupApp data={popupData(await seedDb(smallFleet()))} settings={SETTINGS} api={api} clock={clock} />,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Poll now' }, { timeout: 5000 }));
    await screen.findByRole('button', { name: 'Poll now' });
    expect(screen.getByRole('status', { name: '' }).textContent).toBe('');
  });
});

// @vitest-environment happy-dom
/**
 * While the browser asks the person for access (Chrome's dialog, Firefox's panel under the
 * address bar, easy to miss), the options page says what it is waiting for.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { OptionsApp } from '../../components/options/OptionsApp';
import { fakeIo, INTEGRATIONS_FOR_TEST } from './options-fakes';

afterEach(cleanup);

describe('the import while the browser asks for access', () => {
  it('says which origins the browser is asking about until the person answers', async () => {
    const io = fakeIo();
    let answer: (granted: boolean) => void = () => {};
    io.request.mockImplementation(() => new Promise<boolean>((r) => (answer = r)));
    render(<OptionsApp io={io} integrations={INTEGRATIONS_FOR_TEST} />);
    const transfer = within(await screen.findByRole('region', { name: 'Import and export' }));
    const settings = {
      version: 1,
      sources: [{ id: 'demo', name: 'Demo', type: 'rancher', baseUrl: 'https://rancher.example.com' }],
    };
    fireEvent.input(await screen.findByLabelText('Settings JSON'), {
      target: { value: JSON.stringify(settings) },
    });
    fireEvent.click(transfer.getByRole('button', { name: 'Import' }));
    await waitFor(() =>
      expect(transfer.getByRole('status').textContent).toBe(
        'Your browser is asking whether Tattler may read https://rancher.example.com/*. Answer its prompt to finish the import.',
      ),
    );
    // Focus stays where it was: moving it could close Firefox's prompt.
    expect(document.activeElement?.getAttribute('role')).not.toBe('status');
    answer(true);
    await waitFor(() =>
      expect(transfer.getByRole('status').textContent).toMatch(
        /^Imported 1 source\. Tattler is polling now\./,
      ),
    );
  });
});

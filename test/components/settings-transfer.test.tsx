// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { OptionsApp } from '../../components/options/OptionsApp';
import { exportSettings, validateSettings } from '../../lib/settings';
import { type FakeIo, fakeIo, INTEGRATIONS_FOR_TEST } from './options-fakes';

const good = JSON.stringify({
  version: 1,
  sources: [{ id: 'demo', name: 'Demo', type: 'rancher', baseUrl: 'https://rancher.example.com' }],
});

const mount = (io: FakeIo) => render(<OptionsApp io={io} integrations={INTEGRATIONS_FOR_TEST} />);
const transfer = () => within(screen.getByRole('region', { name: 'Import and export' }));

async function importText(text: string) {
  fireEvent.input(await screen.findByLabelText('Settings JSON'), { target: { value: text } });
  fireEvent.click(transfer().getByRole('button', { name: 'Import' }));
}

describe('SettingsTransfer', () => {
  afterEach(cleanup);

  it('imports a valid document after asking for exactly its origins', async () => {
    const io = fakeIo();
    mount(io);
    await importText(good);
    await waitFor(() =>
      expect(transfer().getByRole('status').textContent).toMatch(/Imported 1 source\. Tattler is polling/),
    );
    expect(io.request).toHaveBeenCalledWith({ origins: ['https://rancher.example.com/*'] });
    expect(io.set).toHaveBeenCalledTimes(1);
  });

  it('changes nothing on a bad document and names the field', async () => {
    const io = fakeIo();
    mount(io);
    await importText(good.replace('"rancher"', '"openstack"'));
    const alert = await transfer().findByRole('alert');
    expect(alert.textContent).toMatch(/Nothing was changed/);
    expect(alert.textContent).toMatch(/sources\[0\]\.type/);
    expect(io.set).not.toHaveBeenCalled();
    expect(io.request).not.toHaveBeenCalled();
  });

  it('says so when the user declines the permission, and still keeps the settings', async () => {
    const io = fakeIo();
    io.answer = false;
    mount(io);
    await importText(good);
    await waitFor(() => expect(transfer().getByRole('status').textContent).toMatch(/was not granted/));
    expect(io.set).toHaveBeenCalledTimes(1);
  });

  it('exports the current settings, which hold no tokens, and they import back exactly', async () => {
    const io = fakeIo();
    mount(io);
    await importText(good);
    await waitFor(() => expect(io.set).toHaveBeenCalledTimes(1));
    io.data['secret:demo'] = 'token-abc:supersecret';
    fireEvent.click(transfer().getByRole('button', { name: 'Export to file' }));
    const [name, mime, text] = io.download.mock.calls[0] as [string, string, string];
    expect([name, mime]).toEqual(['tattler-settings.json', 'application/json']);
    expect(text).not.toContain('supersecret');
    const parsed = validateSettings(JSON.parse(text));
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    expect(exportSettings(parsed.value)).toBe(text);
  });
});

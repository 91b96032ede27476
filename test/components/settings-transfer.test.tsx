// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettingsTransfer } from '../../components/options/SettingsTransfer';
import { defaultSettings } from '../../lib/settings';

const good = JSON.stringify({
  version: 1,
  sources: [{ id: 'demo', name: 'Demo', type: 'rancher', baseUrl: 'http://127.0.0.1:8080' }],
});

describe('SettingsTransfer', () => {
  afterEach(cleanup);

  it('imports a valid document after asking for exactly its origins', async () => {
    const io = { save: vi.fn(async () => {}), requestOrigins: vi.fn(async () => true) };
    render(<SettingsTransfer current={defaultSettings()} io={io} />);
    fireEvent.input(screen.getByLabelText('Settings JSON'), { target: { value: good } });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toMatch(/Imported 1 source\. Tattler is polling/),
    );
    expect(io.requestOrigins).toHaveBeenCalledWith(['http://127.0.0.1/*']);
    expect(io.save).toHaveBeenCalledTimes(1);
  });

  it('changes nothing on a bad document and names the field', async () => {
    const io = { save: vi.fn(async () => {}), requestOrigins: vi.fn(async () => true) };
    render(<SettingsTransfer current={defaultSettings()} io={io} />);
    const bad = good.replace('"rancher"', '"openstack"');
    fireEvent.input(screen.getByLabelText('Settings JSON'), { target: { value: bad } });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Nothing was changed/);
    expect(alert.textContent).toMatch(/sources\[0\]\.type/);
    expect(io.save).not.toHaveBeenCalled();
    expect(io.requestOrigins).not.toHaveBeenCalled();
  });

  it('says so when the user declines the permission, and still keeps the settings', async () => {
    const io = { save: vi.fn(async () => {}), requestOrigins: vi.fn(async () => false) };
    render(<SettingsTransfer current={defaultSettings()} io={io} />);
    fireEvent.input(screen.getByLabelText('Settings JSON'), { target: { value: good } });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/was not granted/));
    expect(io.save).toHaveBeenCalledTimes(1);
  });
});

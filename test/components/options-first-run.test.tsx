// @vitest-environment happy-dom
/** First run: the options page's banner (demo fleet in one click, Rancher URL) and the popup's FirstRun. */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { demoFromHash, demoSource, loopbackOrigin, withDemoFleet } from '../../components/first-run/demo';
import { FirstRun } from '../../components/first-run/FirstRun';
import { OptionsApp } from '../../components/options/OptionsApp';
import { validateSettings } from '../../lib/settings';
import { type FakeIo, fakeIo, INTEGRATIONS_FOR_TEST } from './options-fakes';

afterEach(cleanup);

const DEMO = 'http://127.0.0.1:41234';
const mount = (io: FakeIo, demoUrl?: string) =>
  render(<OptionsApp io={io} integrations={INTEGRATIONS_FOR_TEST} {...(demoUrl ? { demoUrl } : {})} />);

describe('the demo link', () => {
  it('offers only loopback URLs', () => {
    expect(demoFromHash(`#demo=${encodeURIComponent(`${DEMO}/dashboard`)}`)).toBe(DEMO);
    expect(demoFromHash('#demo=http://localhost:8080')).toBe('http://localhost:8080');
    expect(demoFromHash('#demo=http://[::1]:8080')).toBe('http://[::1]:8080');
    expect(demoFromHash('#demo=https://rancher.evil.example')).toBeUndefined();
    expect(demoFromHash('#demo=http://127.0.0.1.evil.example')).toBeUndefined();
    expect(demoFromHash('#demo=http://user:pw@127.0.0.1:1')).toBeUndefined();
    expect(demoFromHash('#demo=javascript:alert(1)')).toBeUndefined();
    expect(demoFromHash('')).toBeUndefined();
    expect(loopbackOrigin('file:///etc/passwd')).toBeUndefined();
    expect(() => demoSource('https://example.com')).toThrow(/not a loopback URL/);
  });

  it('makes a valid Rancher source with the demo annotation and links, with a free id', () => {
    const settings = validateSettings({
      version: 1,
      sources: [{ id: 'demo', name: 'Other', type: 'rancher', baseUrl: 'https://x.example.com' }],
    });
    if (!settings.ok) throw new Error('bad');
    const parsed = validateSettings(withDemoFleet(settings.value, DEMO));
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    expect(parsed.value.sources[1]).toMatchObject({
      id: 'demo-2',
      type: 'rancher',
      baseUrl: DEMO,
      actorAnnotation: 'fleet.example.com/changed-by',
      links: {
        job: `${DEMO}/dashboard/c/{cluster}/explorer/apps.deployment/{namespace}/{name}`,
        user: `${DEMO}/dashboard/users/{user}/jobs`,
      },
    });
    // Already watched: unchanged.
    expect(withDemoFleet(parsed.value, DEMO)).toBe(parsed.value);
  });
});

describe('options page first run', () => {
  it('says what Tattler does when there are no sources, and the demo is one click', async () => {
    const io = fakeIo();
    mount(io, DEMO);
    const banner = await screen.findByRole('region', { name: 'Welcome to Tattler' });
    expect(banner.textContent).toMatch(/records every change to them/);
    fireEvent.click(within(banner).getByRole('button', { name: `Use the demo fleet at ${DEMO}` }));
    await waitFor(() => expect(io.stored()?.sources?.[0]?.baseUrl).toBe(DEMO));
    // The demo build holds loopback already (its manifest declares it): nothing to ask.
    expect(io.request).not.toHaveBeenCalled();
    const status = await screen.findByText(/^Added the demo fleet at http:\/\/127\.0\.0\.1:41234/);
    await waitFor(() => expect(document.activeElement).toBe(status));
    expect(await screen.findByRole('heading', { name: 'Demo fleet', level: 3 })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Use the demo fleet/ })).toBeNull();
  });

  it('does not offer a demo that is not on loopback, and hides the banner once a source exists', async () => {
    mount(fakeIo(), 'https://rancher.evil.example');
    await screen.findByRole('region', { name: 'Welcome to Tattler' });
    expect(screen.queryByRole('button', { name: /Use the demo fleet/ })).toBeNull();
    cleanup();
    mount(
      fakeIo({
        settings: {
          version: 1,
          sources: [{ id: 'a', name: 'A', type: 'rancher', baseUrl: 'https://a.example.com' }],
        },
      }),
    );
    await screen.findByRole('heading', { name: 'A', level: 3 });
    expect(screen.queryByRole('region', { name: 'Welcome to Tattler' })).toBeNull();
  });

  it('turns a Rancher URL into a filled-in source form', async () => {
    const io = fakeIo();
    mount(io);
    const banner = within(await screen.findByRole('region', { name: 'Welcome to Tattler' }));
    const url = banner.getByLabelText('Rancher URL');
    fireEvent.input(url, { target: { value: 'rancher.example.com' } });
    fireEvent.click(banner.getByRole('button', { name: 'Set up Rancher' }));
    expect(url.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById('fr-rancher-url-error')?.textContent).toMatch(/must be a URL/);

    fireEvent.input(url, { target: { value: 'https://rancher.example.com' } });
    fireEvent.click(banner.getByRole('button', { name: 'Set up Rancher' }));
    const form = within(await screen.findByRole('form', { name: 'Add a source' }));
    expect((form.getByLabelText('Rancher URL') as HTMLInputElement).value).toBe(
      'https://rancher.example.com',
    );
    expect((form.getByLabelText('Name') as HTMLInputElement).value).toBe('Rancher rancher.example.com');
    await waitFor(() => expect(document.activeElement?.id).toBe('src-title'));
    expect(io.set).not.toHaveBeenCalled();
  });

  it('shows invalid stored settings with their errors and still offers the import', async () => {
    const io = fakeIo({ settings: { version: 1, pollIntervalSec: 5 } });
    mount(io);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/pollIntervalSec/);
    expect(screen.getByLabelText('Settings JSON')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Sources' })).toBeNull();
  });
});

describe('the popup first run', () => {
  it('explains Tattler and opens the options', () => {
    const openOptions = vi.fn();
    const useDemoFleet = vi.fn(async () => {});
    render(<FirstRun openOptions={openOptions} useDemoFleet={useDemoFleet} />);
    expect(screen.getByRole('heading', { name: 'Tattler has nothing to watch yet' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /demo fleet/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Set up a source' }));
    expect(openOptions).toHaveBeenCalledTimes(1);
  });

  it('adds the demo fleet in one click and says what happens next, or why it failed', async () => {
    const useDemoFleet = vi.fn(async () => {});
    render(<FirstRun openOptions={() => {}} demoFleet={{ url: `${DEMO}/` }} useDemoFleet={useDemoFleet} />);
    fireEvent.click(screen.getByRole('button', { name: `Use the demo fleet at ${DEMO}` }));
    expect(await screen.findByText(/Added the demo fleet at http:\/\/127\.0\.0\.1:41234/)).toBeTruthy();
    expect(useDemoFleet).toHaveBeenCalledTimes(1);
    cleanup();

    render(
      <FirstRun
        openOptions={() => {}}
        demoFleet={{ url: DEMO }}
        useDemoFleet={() => Promise.reject(new Error('sources[0].baseUrl: must be a URL'))}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: `Use the demo fleet at ${DEMO}` }));
    const failure = await screen.findByText(/could not be added: sources\[0\]\.baseUrl: must be a URL/);
    await waitFor(() => expect(document.activeElement).toBe(failure));
  });

  it('never offers a demo fleet that is not on loopback', () => {
    render(
      <FirstRun
        openOptions={() => {}}
        demoFleet={{ url: 'https://evil.example' }}
        useDemoFleet={async () => {}}
      />,
    );
    expect(screen.queryByRole('button', { name: /demo fleet/ })).toBeNull();
  });
});

// @vitest-environment happy-dom
/**
 * The options page's sources: the form validates with the settings schema (errors next to the
 * fields they name, nothing saved when invalid), asks for exactly the new origins, gives back
 * origins nothing reads any more (never the manifest's loopback), keeps tokens out of settings,
 * and the Test button shows what a discovery and one poll found — or the exact failure.
 */

import { readFileSync } from 'node:fs';
import { URL as NodeURL } from 'node:url';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { OptionsApp } from '../../components/options/OptionsApp';
import type { FetchLike } from '../../lib/http';
import { setLastPass } from '../../lib/meta';
import { exportSettings, type SettingsInput, validateSettings } from '../../lib/settings';
import { FakeKubeApi } from '../sources/helpers';
import { answerAll, type FakeIo, fakeIo, INTEGRATIONS_FOR_TEST } from './options-fakes';

afterEach(cleanup);

/**
 * FakeKubeApi's fixtures, read here: in the happy-dom environment Vite rewrites
 * `new URL(…, import.meta.url)` (as in its constructor) into a dev-server URL that node:fs refuses.
 */
function fakeKubeApi(): { api: FakeKubeApi; fetch: FetchLike } {
  const read = (path: string) =>
    JSON.parse(readFileSync(new NodeURL(`../fixtures/${path}`, import.meta.url), 'utf8'));
  const api = Object.assign(Object.create(FakeKubeApi.prototype) as FakeKubeApi, {
    requests: [],
    methods: [],
    pageSize: 500,
    expireContinues: 0,
    clusters: read('rancher/clusters.json'),
    lists: Object.fromEntries(
      ['deployments', 'statefulsets', 'daemonsets', 'cronjobs'].map((k) => [k, read(`kubernetes/${k}.json`)]),
    ),
  });
  const fetch: FetchLike = async (input) => {
    const r = api.handle(new NodeURL(input) as unknown as URL);
    return new Response(r.body, { status: r.status, headers: { 'content-type': r.contentType } });
  };
  return { api, fetch };
}

const RANCHER = 'https://rancher.example.com';

function mount(io: FakeIo) {
  return render(<OptionsApp io={io} integrations={INTEGRATIONS_FOR_TEST} />);
}

/** The open source form (the first-run banner has a "Rancher URL" field of its own). */
const form = () => within(screen.getByRole('form', { name: /^(Add a source|Edit )/ }));

const type = (label: string | RegExp, value: string) =>
  fireEvent.input(form().getByLabelText(label), { target: { value } });

/** The error text an input's aria-describedby points at. */
function describedErrors(input: HTMLElement): string {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id.endsWith('-error'));
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
}

async function openAddForm() {
  fireEvent.click(await screen.findByRole('button', { name: 'Add a source' }));
  return screen.findByRole('form', { name: 'Add a source' });
}

const withSources = (sources: NonNullable<SettingsInput['sources']>, extra: Partial<SettingsInput> = {}) => ({
  version: 1 as const,
  sources,
  ...extra,
});

describe('adding a source', () => {
  it('saves a valid Rancher source after asking for exactly its origin, and moves focus to it', async () => {
    const io = fakeIo();
    mount(io);
    await openAddForm();
    type('Name', 'Production Rancher');
    type('Rancher URL', `${RANCHER}/`);
    type('Label selector', 'app.kubernetes.io/part-of=shop');
    type('Annotation naming who changed a job', 'example.com/changed-by');
    fireEvent.click(screen.getByRole('button', { name: 'Save source' }));

    const heading = await screen.findByRole('heading', { name: 'Production Rancher' });
    expect(io.request).toHaveBeenCalledTimes(1);
    expect(io.request).toHaveBeenCalledWith({ origins: ['https://rancher.example.com/*'] });
    const stored = validateSettings(io.stored());
    if (!stored.ok) throw new Error(stored.errors.join('; '));
    expect(stored.value.sources).toEqual([
      expect.objectContaining({
        id: 'production-rancher',
        name: 'Production Rancher',
        type: 'rancher',
        baseUrl: RANCHER,
        discovery: true,
        owner: { labelSelector: 'app.kubernetes.io/part-of=shop', namespaces: [] },
        actorAnnotation: 'example.com/changed-by',
      }),
    ]);
    expect(
      screen.getAllByRole('status').some((s) => /Saved “Production Rancher”/.test(s.textContent ?? '')),
    ).toBe(true);
    await waitFor(() => expect(document.activeElement).toBe(heading));
  });

  it('shows each schema error next to its field, focuses the first, and saves nothing', async () => {
    const io = fakeIo();
    mount(io);
    await openAddForm();
    type('Name', 'Prod');
    type('Rancher URL', 'rancher.example.com');
    type('Job name pattern', '(unclosed');
    fireEvent.click(screen.getByRole('button', { name: 'Save source' }));

    const url = form().getByLabelText('Rancher URL');
    const pattern = form().getByLabelText('Job name pattern');
    await waitFor(() => expect(url.getAttribute('aria-invalid')).toBe('true'));
    expect(describedErrors(url)).toMatch(/must be a URL such as https:\/\/rancher\.example\.com/);
    expect(pattern.getAttribute('aria-invalid')).toBe('true');
    expect(describedErrors(pattern)).toMatch(/must be a valid regular expression/);
    expect(form().getByLabelText('Name').getAttribute('aria-invalid')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(url));
    expect(io.set).not.toHaveBeenCalled();
    expect(io.request).not.toHaveBeenCalled();

    // Errors follow the typing once a save was tried.
    type('Rancher URL', RANCHER);
    await waitFor(() => expect(url.getAttribute('aria-invalid')).toBeNull());
    expect(pattern.getAttribute('aria-invalid')).toBe('true');
  });

  it('needs the Rancher URL and names the id clash', async () => {
    const io = fakeIo({
      settings: withSources([{ id: 'prod', name: 'Prod', type: 'rancher', baseUrl: RANCHER }]),
    });
    mount(io);
    await openAddForm();
    type('Name', 'Prod');
    type('Id', 'prod');
    fireEvent.click(screen.getByRole('button', { name: 'Save source' }));
    await waitFor(() =>
      expect(describedErrors(form().getByLabelText('Rancher URL'))).toMatch(/needs the Rancher server URL/),
    );
    expect(describedErrors(screen.getByLabelText('Id'))).toMatch(/source ids must be unique/);
    expect(io.set).not.toHaveBeenCalled();
  });

  it('a kubernetes source takes clusters listed by hand, with errors on the cluster field', async () => {
    const io = fakeIo();
    mount(io);
    await openAddForm();
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'kubernetes' } });
    expect(form().queryByLabelText('Rancher URL')).toBeNull();
    type('Name', 'Edge');
    type('Id', 'edge');
    type('API base URL', 'not a url');
    fireEvent.click(screen.getByRole('button', { name: 'Save source' }));
    const api = screen.getByLabelText('API base URL');
    await waitFor(() => expect(api.getAttribute('aria-invalid')).toBe('true'));
    expect(describedErrors(api)).toMatch(/must be a URL/);
    expect(describedErrors(form().getByLabelText('Cluster id'))).toMatch(/must not be empty/);
    expect(io.set).not.toHaveBeenCalled();

    fireEvent.input(form().getByLabelText('Cluster id'), { target: { value: 'edge-1' } });
    type('API base URL', 'https://edge-1.example.com:6443');
    fireEvent.click(screen.getByRole('button', { name: 'Save source' }));
    await screen.findByRole('heading', { name: 'Edge' });
    expect(io.request).toHaveBeenCalledWith({ origins: ['https://edge-1.example.com/*'] });
  });

  it('asks only for the origins the new source adds', async () => {
    const io = fakeIo({
      settings: withSources([{ id: 'a', name: 'A', type: 'rancher', baseUrl: 'https://a.example.com' }]),
      granted: ['https://a.example.com/*'],
    });
    mount(io);
    await openAddForm();
    type('Name', 'B');
    type('Rancher URL', 'https://b.example.com');
    fireEvent.click(screen.getByRole('button', { name: 'Add a cluster' }));
    fireEvent.input(form().getByLabelText('Cluster id'), { target: { value: 'x' } });
    // Same host as source A (another port): already held, not asked again.
    type('API base URL', 'https://a.example.com:6443/k8s');
    fireEvent.click(screen.getByRole('button', { name: 'Save source' }));
    await screen.findByRole('heading', { name: 'B' });
    expect(io.request).toHaveBeenCalledTimes(1);
    expect(io.request).toHaveBeenCalledWith({ origins: ['https://b.example.com/*'] });
  });

  it('says so when the user declines access, and keeps the source', async () => {
    const io = fakeIo();
    io.answer = false;
    mount(io);
    await openAddForm();
    type('Name', 'Prod');
    type('Rancher URL', RANCHER);
    fireEvent.click(screen.getByRole('button', { name: 'Save source' }));
    await screen.findByRole('heading', { name: 'Prod' });
    expect(
      screen
        .getAllByRole('status')
        .map((s) => s.textContent)
        .join(' '),
    ).toMatch(/access to https:\/\/rancher\.example\.com\/\* was not granted/);
    expect(await screen.findByRole('button', { name: 'Grant access' })).toBeTruthy();
    expect(validateSettings(io.stored()).ok).toBe(true);
  });

  it('previews link templates live with sample values', async () => {
    mount(fakeIo());
    await openAddForm();
    type('Open job', `${RANCHER}/dashboard/c/{cluster}/explorer/apps.deployment/{namespace}/{name}`);
    expect(
      screen.getByText(`${RANCHER}/dashboard/c/c-m-abc12/explorer/apps.deployment/shop/checkout`),
    ).toBeTruthy();
    type(
      'Open the jobs of the person who made a change',
      'https://console.example.com/users/{user}/jobs?k={knd}',
    );
    expect(screen.getByText('https://console.example.com/users/alice/jobs?k={knd}')).toBeTruthy();
    expect(screen.getByText(/unknown placeholder: \{knd\}/)).toBeTruthy();
    type('Open job', 'javascript:alert(1)//{name}');
    expect(screen.getByText(/not an http:\/\/ or https:\/\/ URL/)).toBeTruthy();
  });
});

describe('nomad tokens', () => {
  it('stores the token apart from settings, never in them or in an export', async () => {
    const io = fakeIo();
    mount(io);
    await openAddForm();
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'nomad' } });
    expect(screen.queryByLabelText('Label selector')).toBeNull();
    type('Name', 'Nomad prod');
    type('Nomad URL', 'https://nomad.example.com:4646');
    type('Nomad ACL token', '  5e1c0de3-0000-4b8e-9f00-aaaaaaaaaaaa \n');
    fireEvent.click(screen.getByRole('button', { name: 'Save source' }));
    await screen.findByRole('heading', { name: 'Nomad prod' });
    await waitFor(async () =>
      expect(await io.secrets.get('nomad-prod')).toMatchObject({
        value: '5e1c0de3-0000-4b8e-9f00-aaaaaaaaaaaa',
        origin: 'https://nomad.example.com:4646',
      }),
    );
    // Not where content scripts can read it.
    expect(JSON.stringify(io.data)).not.toContain('5e1c0de3');
    const stored = validateSettings(io.stored());
    if (!stored.ok) throw new Error('invalid');
    expect(stored.value.sources[0]?.nomad).toEqual({ versionsWithinHours: 24, includeChildJobs: false });
    expect(exportSettings(stored.value)).not.toContain('5e1c0de3');
    expect(JSON.stringify(io.stored())).not.toContain('5e1c0de3');
  });
});

describe('a token over plain http', () => {
  it('is warned about while one is typed for a remote http origin, and not for https or loopback', async () => {
    mount(fakeIo());
    await openAddForm();
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'nomad' } });
    type('Nomad URL', 'http://nomad.lab.example.com:4646');
    expect(screen.queryByText(/plain http/)).toBeNull();
    type('Nomad ACL token', '5e1c0de3-0000-4b8e-9f00-cccccccccccc');
    expect(
      screen.getByText(
        'http://nomad.lab.example.com:4646 is plain http: the token would cross the network unencrypted, readable by anyone on the way. Use an https:// URL if the server has one.',
      ),
    ).toBeTruthy();
    type('Nomad URL', 'https://nomad.lab.example.com:4646');
    expect(screen.queryByText(/plain http/)).toBeNull();
    type('Nomad URL', 'http://127.0.0.1:4646');
    expect(screen.queryByText(/plain http/)).toBeNull();
  });
});

describe('a token goes only to the origin it was entered for', () => {
  const TOKEN = '5e1c0de3-0000-4b8e-9f00-bbbbbbbbbbbb';
  const A = 'https://nomad.example.com:4646';
  const B = 'https://nomad.example.com:4647';

  /** A Nomad-like fetch that records every request's origin and whether it carried the token. */
  function recordingNomad() {
    const heard: { origin: string; path: string; token: boolean }[] = [];
    const fetch: FetchLike = async (input, init) => {
      const url = new URL(input);
      const headers = (init.headers ?? {}) as Record<string, string>;
      heard.push({ origin: url.origin, path: url.pathname, token: Object.values(headers).includes(TOKEN) });
      const body = url.pathname === '/v1/regions' ? '["global"]' : '[]';
      return new Response(body, { headers: { 'content-type': 'application/json' } });
    };
    return { heard, fetch };
  }

  /** Adds a Nomad source at A through the form, with the token typed in. */
  async function addNomadWithToken(io: FakeIo) {
    mount(io);
    await openAddForm();
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'nomad' } });
    type('Name', 'Nomad prod');
    type('Nomad URL', A);
    type('Nomad ACL token', TOKEN);
    fireEvent.click(screen.getByRole('button', { name: 'Save source' }));
    await screen.findByRole('heading', { name: 'Nomad prod' });
    await screen.findByText(/Saved “Nomad prod”/);
  }

  /** The Nomad source saved with its token, then opened in the form again. */
  async function editSavedNomad() {
    const recorder = recordingNomad();
    await addNomadWithToken(fakeIo({ fetch: recorder.fetch, granted: ['https://nomad.example.com/*'] }));
    const item = screen.getByRole('heading', { name: 'Nomad prod' }).closest('li') as HTMLElement;
    fireEvent.click(within(item).getByRole('button', { name: 'Edit' }));
    await screen.findByRole('form', { name: /^Edit/ });
    return recorder;
  }

  const testButtonResult = async () => {
    fireEvent.click(form().getByRole('button', { name: 'Test' }));
    return waitFor(() => {
      const text = document.getElementById('src-test')?.textContent ?? '';
      if (!/Nothing was stored|Not tested/.test(text)) throw new Error(`not done: ${text}`);
      return text;
    });
  };

  it('the Test of a draft pointing elsewhere does not send the stored token there', async () => {
    const { heard } = await editSavedNomad();
    type('Nomad URL', B);
    expect(
      form().getByText(/The stored token was entered for https:\/\/nomad\.example\.com:4646/),
    ).toBeTruthy();
    heard.length = 0;
    const text = await testButtonResult();
    expect(heard.filter((h) => h.origin === B).length).toBeGreaterThan(0);
    expect(heard.filter((h) => h.token)).toEqual([]);
    expect(text).toMatch(/did not send it there/);
  });

  it('an import that moves the source to another origin deletes its token, says so, and nothing sends it', async () => {
    const { heard, fetch } = recordingNomad();
    const io = fakeIo({ fetch, granted: ['https://nomad.example.com/*'] });
    await addNomadWithToken(io);
    const moved = withSources([{ id: 'nomad-prod', name: 'Nomad prod', type: 'nomad', baseUrl: B }]);
    fireEvent.input(screen.getByLabelText('Settings JSON'), { target: { value: JSON.stringify(moved) } });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await screen.findByText(/Imported 1 source/);
    await screen.findAllByText(
      /The token of “Nomad prod” was entered for https:\/\/nomad\.example\.com:4646/,
    );
    const item = screen.getByRole('heading', { name: 'Nomad prod' }).closest('li') as HTMLElement;
    heard.length = 0;
    fireEvent.click(within(item).getByRole('button', { name: 'Test' }));
    await waitFor(() => expect(within(item).getByRole('status').textContent).toMatch(/Nothing was stored/));
    expect(heard.filter((h) => h.origin === B).length).toBeGreaterThan(0);
    expect(heard.filter((h) => h.token)).toEqual([]);
  });

  it('a region listed by hand on another origin gets no token: its poll says why', async () => {
    const { heard } = await editSavedNomad();
    fireEvent.click(form().getByRole('button', { name: 'Add a cluster' }));
    type('Cluster id', 'eu');
    type('API base URL', B);
    heard.length = 0;
    const text = await testButtonResult();
    expect(heard.filter((h) => h.origin === A && h.token).length).toBeGreaterThan(0);
    expect(heard.filter((h) => h.origin === B && h.token)).toEqual([]);
    expect(text).toMatch(/not sent: the token was given for https:\/\/nomad\.example\.com:4646/);
  });
});

describe('removing a source', () => {
  const settings = withSources(
    [
      { id: 'a', name: 'A', type: 'rancher', baseUrl: 'https://a.example.com' },
      { id: 'b', name: 'B', type: 'rancher', baseUrl: 'https://b.example.com' },
      { id: 'demo', name: 'Demo', type: 'rancher', baseUrl: 'http://127.0.0.1:8080' },
    ],
    { pages: { alertmanager: { origins: ['https://b.example.com'] } } },
  );

  async function removeSource(name: string) {
    const item = (await screen.findByRole('heading', { name })).closest('li') as HTMLElement;
    fireEvent.click(within(item).getByRole('button', { name: 'Remove' }));
    const confirm = within(item).getByRole('button', { name: `Remove “${name}”` });
    await waitFor(() => expect(document.activeElement).toBe(confirm));
    fireEvent.click(confirm);
    await waitFor(() => expect(screen.queryByRole('heading', { name })).toBeNull());
  }

  it('gives back an origin no remaining source or page uses, and deletes its secret', async () => {
    const io = fakeIo({ settings, granted: ['https://a.example.com/*', 'https://b.example.com/*'] });
    await io.secrets.put({ sourceId: 'a', value: 'tok', origin: 'https://a.example.com', savedAt: 1 });
    mount(io);
    await removeSource('A');
    await waitFor(() => expect(io.remove).toHaveBeenCalledWith({ origins: ['https://a.example.com/*'] }));
    await waitFor(async () => expect(await io.secrets.get('a')).toBeUndefined());
    const status = screen.getAllByRole('status').find((s) => /Removed “A”/.test(s.textContent ?? ''));
    expect(status?.textContent).toMatch(/Gave back access to https:\/\/a\.example\.com\/\*/);
    await waitFor(() => expect(document.activeElement).toBe(status));
    expect((io.stored()?.sources ?? []).map((s) => s.id)).toEqual(['b', 'demo']);
  });

  it('keeps an origin a page integration still runs on, and never removes the loopback ones', async () => {
    const io = fakeIo({ settings, granted: ['https://a.example.com/*', 'https://b.example.com/*'] });
    mount(io);
    await removeSource('B');
    await removeSource('Demo');
    await waitFor(() => expect((io.stored()?.sources ?? []).map((s) => s.id)).toEqual(['a']));
    expect(io.remove).not.toHaveBeenCalled();
  });

  it('keeps everything when the removal is not confirmed', async () => {
    const io = fakeIo({ settings });
    mount(io);
    const item = (await screen.findByRole('heading', { name: 'A' })).closest('li') as HTMLElement;
    fireEvent.click(within(item).getByRole('button', { name: 'Remove' }));
    fireEvent.click(within(item).getByRole('button', { name: 'Keep it' }));
    expect(io.set).not.toHaveBeenCalled();
    await waitFor(() =>
      expect(document.activeElement).toBe(within(item).getByRole('button', { name: 'Edit' })),
    );
  });
});

describe('editing', () => {
  it('opens with the stored values, keeps the id, and saves changes', async () => {
    const io = fakeIo({
      settings: withSources([
        {
          id: 'a',
          name: 'A',
          type: 'rancher',
          baseUrl: 'https://a.example.com',
          ignoreFields: ['spec.replicas'],
        },
      ]),
      granted: ['https://a.example.com/*'],
    });
    mount(io);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    await screen.findByRole('form', { name: 'Edit “A”' });
    expect((screen.getByLabelText('Id') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByLabelText('Fields to ignore') as HTMLTextAreaElement).value).toBe('spec.replicas');
    type('Fields to ignore', 'spec.replicas\ncontainers[*].resources');
    fireEvent.click(screen.getByRole('checkbox', { name: 'CronJob' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save source' }));
    await screen.findByRole('heading', { name: 'A' });
    const stored = validateSettings(io.stored());
    if (!stored.ok) throw new Error('invalid');
    expect(stored.value.sources[0]?.ignoreFields).toEqual(['spec.replicas', 'containers[*].resources']);
    expect(stored.value.sources[0]?.kinds).toEqual(['Deployment', 'StatefulSet', 'DaemonSet']);
    expect(io.request).not.toHaveBeenCalled();
  });
});

describe('the Test button', () => {
  it('shows the clusters discovery found and the jobs each poll matched, storing nothing', async () => {
    const { fetch } = fakeKubeApi();
    const io = fakeIo({ fetch });
    mount(io);
    await openAddForm();
    type('Name', 'Prod');
    type('Rancher URL', RANCHER);
    fireEvent.click(screen.getByRole('button', { name: 'Test' }));
    const result = await screen.findByText(/^Discovery found 6 clusters/);
    expect(result.textContent).toBe(
      'Discovery found 6 clusters: local, prod-eu-1, staging-us, prod-ap-1, c-m-ij890, old-dev.',
    );
    const table = screen.getByRole('table');
    expect(within(table).getAllByRole('row')).toHaveLength(6); // header + 5 polled (bounded)
    expect(
      within(table).getByRole('rowheader', { name: 'prod-eu-1' }).nextElementSibling?.textContent,
    ).toMatch(/^\d+ jobs matched: CronJob shop\/cleanup/);
    expect(screen.getByText(/1 more cluster was not polled/)).toBeTruthy();
    expect(io.request).toHaveBeenCalledWith({ origins: ['https://rancher.example.com/*'] });
    expect(io.set).not.toHaveBeenCalled();
    expect(await io.db.clusters.count()).toBe(0);
    expect(await io.db.polls.count()).toBe(0);
  });

  it('shows the exact failure with a link to log in', async () => {
    const io = fakeIo({
      fetch: answerAll(
        401,
        JSON.stringify({ type: 'error', code: 'Unauthorized', message: 'must authenticate', status: 401 }),
      ),
    });
    mount(io);
    await openAddForm();
    type('Name', 'Prod');
    type('Rancher URL', RANCHER);
    fireEvent.click(screen.getByRole('button', { name: 'Test' }));
    const failure = await screen.findByText('401 on /v1/management.cattle.io.clusters', { exact: false });
    expect(failure.textContent).toBe(
      'Needs login: 401 on /v1/management.cattle.io.clusters — log in at https://rancher.example.com/',
    );
    expect(
      screen.getByRole('link', { name: 'log in at https://rancher.example.com/' }).getAttribute('href'),
    ).toBe('https://rancher.example.com/');
  });

  it('calls an HTML page a missing login, and does not test when access is refused', async () => {
    const io = fakeIo({
      settings: withSources([{ id: 'a', name: 'A', type: 'rancher', baseUrl: RANCHER }]),
      fetch: answerAll(200, '<!doctype html><title>Log in</title>', 'text/html'),
    });
    mount(io);
    fireEvent.click(await screen.findByRole('button', { name: 'Test' }));
    expect((await screen.findByText(/got an HTML page instead of JSON/)).textContent).toBe(
      'Needs login: needs login: got an HTML page instead of JSON from /v1/management.cattle.io.clusters — log in at https://rancher.example.com/',
    );

    io.answer = false;
    cleanup();
    mount(io);
    fireEvent.click(await screen.findByRole('button', { name: 'Test' }));
    expect((await screen.findByText(/the browser did not grant access/)).textContent).toMatch(
      /Tattler may not read https:\/\/rancher\.example\.com\/\*/,
    );
  });

  it('refuses to test an invalid draft and points at the fields', async () => {
    const io = fakeIo();
    mount(io);
    await openAddForm();
    type('Name', 'Prod');
    fireEvent.click(screen.getByRole('button', { name: 'Test' }));
    expect(await screen.findByText(/fix the fields marked above first/)).toBeTruthy();
    expect(form().getByLabelText('Rancher URL').getAttribute('aria-invalid')).toBe('true');
    expect(io.request).not.toHaveBeenCalled();
  });
});

describe('state of each source', () => {
  it('lists clusters needing a login with the link, and why discovery fails', async () => {
    const io = fakeIo({
      settings: withSources([
        { id: 'a', name: 'A', type: 'rancher', baseUrl: RANCHER },
        { id: 'b', name: 'B', type: 'rancher', baseUrl: 'https://b.example.com' },
      ]),
      granted: ['https://rancher.example.com/*', 'https://b.example.com/*'],
    });
    const at = Date.parse('2025-03-10T15:00:00Z');
    await io.db.clusters.bulkPut([
      {
        id: 'a/c1',
        sourceId: 'a',
        nativeId: 'c1',
        name: 'prod-eu-1',
        apiBase: `${RANCHER}/k8s/clusters/c1`,
        firstSeen: at,
        lastSeen: at,
      },
      {
        id: 'a/c2',
        sourceId: 'a',
        nativeId: 'c2',
        name: 'prod-us-1',
        apiBase: `${RANCHER}/k8s/clusters/c2`,
        firstSeen: at,
        lastSeen: at,
      },
    ]);
    await io.db.polls.bulkAdd([
      {
        target: 'a/c1',
        sourceId: 'a',
        status: 'auth',
        from: at,
        to: at,
        count: 1,
        message: '401 on /k8s/clusters/c1/apis/apps/v1/deployments',
        loginUrl: `${RANCHER}/`,
      },
      { target: 'a/c2', sourceId: 'a', status: 'ok', from: at, to: at, count: 1 },
      {
        target: 'discovery:b',
        sourceId: 'b',
        status: 'error',
        from: at,
        to: at,
        count: 1,
        message: 'discovery: 500 on /v1/management.cattle.io.clusters',
      },
    ]);
    mount(io);
    const a = (await screen.findByRole('heading', { name: 'A', level: 3 })).closest('li') as HTMLElement;
    await waitFor(() => expect(within(a).getByText(/1 cluster need a login \(prod-eu-1\)/)).toBeTruthy());
    expect(
      within(a)
        .getByRole('link', { name: `Log in at ${RANCHER}/` })
        .getAttribute('href'),
    ).toBe(`${RANCHER}/`);
    expect(within(a).getByText(/2 clusters: 1 answered at the last poll/)).toBeTruthy();
    const b = screen.getByRole('heading', { name: 'B', level: 3 }).closest('li') as HTMLElement;
    expect(within(b).getByText('Discovery failed: 500 on /v1/management.cattle.io.clusters')).toBeTruthy();
    // The summary at the top names both.
    const attention = screen.getByRole('region', { name: 'Needs your attention' });
    expect(within(attention).getByRole('link', { name: `Log in at ${RANCHER}/` })).toBeTruthy();
    expect(within(attention).getByText(/500 on \/v1\/management\.cattle\.io\.clusters/)).toBeTruthy();
  });

  it('says when the last pass could not write its history, and that nothing is lost', async () => {
    const io = fakeIo({
      settings: withSources([{ id: 'a', name: 'A', type: 'rancher', baseUrl: RANCHER }]),
      granted: [`${RANCHER}/*`],
    });
    await setLastPass(io.db, {
      startedAt: 1,
      finishedAt: 2,
      clusters: { ok: 1, auth: 0, unreachable: 0, error: 1, partial: 0, gone: 0 },
      changes: 0,
      bytes: 0,
      logins: [],
      storageError: 'history could not be written: storage full',
    });
    mount(io);
    const attention = await screen.findByRole('region', { name: 'Needs your attention' }, { timeout: 5000 });
    expect(attention.textContent).toMatch(/history could not be written: storage full\. Nothing is lost/);
  });

  it('renders remote text as text, and only http(s) links', async () => {
    const io = fakeIo({
      settings: withSources([{ id: 'a', name: 'A', type: 'rancher', baseUrl: RANCHER }]),
      granted: [`${RANCHER}/*`],
    });
    const at = Date.now();
    await io.db.polls.add({
      target: 'discovery:a',
      sourceId: 'a',
      status: 'auth',
      from: at,
      to: at,
      count: 1,
      message: '<img src=x onerror=alert(1)>',
      loginUrl: 'javascript:alert(1)',
    });
    mount(io);
    await screen.findByText('Discovery failed: <img src=x onerror=alert(1)>');
    expect(document.querySelector('img')).toBeNull();
    expect(
      [...document.querySelectorAll('a')].some((a) => a.getAttribute('href')?.startsWith('javascript')),
    ).toBe(false);
  });
});

// @vitest-environment happy-dom
/** Polling, page integrations and history on the options page. */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { OptionsApp } from '../../components/options/OptionsApp';
import type { Change } from '../../lib/model';
import type { SettingsInput } from '../../lib/settings';
import { putChanges, putJobs } from '../../lib/store/write';
import * as build from '../builders';
import { changeCount, jobsIn } from '../store-view';
import { type FakeIo, fakeIo, INTEGRATIONS_FOR_TEST } from './options-fakes';

afterEach(cleanup);

const mount = (io: FakeIo) => render(<OptionsApp io={io} integrations={INTEGRATIONS_FOR_TEST} />);
const section = (name: string) => within(screen.getByRole('region', { name }));
const errorOf = (input: HTMLElement) =>
  (input.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter((id) => id.endsWith('-error'))
    .map((id) => document.getElementById(id)?.textContent)
    .join(' ');

describe('polling', () => {
  it('saves a valid interval and shows a schema error next to an invalid one', async () => {
    const io = fakeIo();
    mount(io);
    await screen.findByRole('region', { name: 'Polling' });
    const every = section('Polling').getByLabelText('Poll every');
    fireEvent.input(every, { target: { value: '10' } });
    fireEvent.click(section('Polling').getByRole('button', { name: 'Save polling' }));
    await waitFor(() => expect(every.getAttribute('aria-invalid')).toBe('true'));
    expect(errorOf(every)).toMatch(/30/);
    await waitFor(() => expect(document.activeElement).toBe(every));
    expect(io.set).not.toHaveBeenCalled();

    fireEvent.input(every, { target: { value: '120' } });
    fireEvent.click(section('Polling').getByRole('button', { name: 'Save polling' }));
    await waitFor(() => expect(io.stored()?.pollIntervalSec).toBe(120));
    // The page shows the saved settings once the commit is through (tokens are checked after the store).
    await waitFor(() => expect(every.getAttribute('aria-invalid')).toBeNull());
  });
});

describe('page integrations', () => {
  it('adds an origin after asking for exactly it, and gives it back when removed', async () => {
    const io = fakeIo();
    mount(io);
    const am = within(
      (await screen.findByRole('checkbox', { name: 'Alertmanager' })).closest('li') as HTMLElement,
    );
    fireEvent.input(am.getByLabelText('Add an origin for Alertmanager'), {
      target: { value: 'https://alertmanager.example.com:9093/#/alerts' },
    });
    fireEvent.click(am.getByRole('button', { name: 'Add' }));
    await waitFor(() =>
      expect(io.stored()?.pages?.alertmanager?.origins).toEqual(['https://alertmanager.example.com:9093']),
    );
    expect(io.request).toHaveBeenCalledWith({ origins: ['https://alertmanager.example.com/*'] });
    expect(await am.findByText('https://alertmanager.example.com:9093')).toBeTruthy();

    fireEvent.click(am.getByRole('button', { name: 'Remove https://alertmanager.example.com:9093' }));
    await waitFor(() => expect(io.stored()?.pages?.alertmanager?.origins).toEqual([]));
    expect(io.remove).toHaveBeenCalledWith({ origins: ['https://alertmanager.example.com/*'] });
  });

  it('shows a bad origin next to the field and saves nothing', async () => {
    const io = fakeIo();
    mount(io);
    const am = within(
      (await screen.findByRole('checkbox', { name: 'Grafana alerting' })).closest('li') as HTMLElement,
    );
    const input = am.getByLabelText('Add an origin for Grafana alerting');
    fireEvent.input(input, { target: { value: 'grafana.example.com' } });
    fireEvent.click(am.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'));
    expect(errorOf(input)).toMatch(/must be an origin such as https:\/\/alertmanager\.example\.com/);
    expect(io.set).not.toHaveBeenCalled();
    expect(io.request).not.toHaveBeenCalled();
  });

  it('switches an integration off, and saves the label mapping', async () => {
    const io = fakeIo();
    mount(io);
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Grafana alerting' }));
    await waitFor(() => expect(io.stored()?.pages?.grafana?.enabled).toBe(false));

    const cluster = screen.getByLabelText('Cluster labels');
    fireEvent.input(cluster, { target: { value: 'cluster, k8s_cluster' } });
    fireEvent.input(screen.getByLabelText('Job labels'), { target: { value: 'app, ,job_name' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save label mapping' }));
    await waitFor(() =>
      expect(io.stored()?.labels).toEqual({
        cluster: ['cluster', 'k8s_cluster'],
        namespace: ['namespace'],
        job: ['app', 'job_name'],
      }),
    );
  });
});

function change(id: string, at: number, name: string): Change {
  return build.change({ clusterId: 'demo/c1', name }, at, { id, actor: { name: 'bob', kind: 'person' } });
}

async function fill(io: FakeIo) {
  const at = Date.parse('2025-03-10T14:00:00Z');
  await io.db.clusters.put({
    id: 'demo/c1',
    sourceId: 'demo',
    nativeId: 'c1',
    name: 'prod-eu-1',
    apiBase: 'http://x',
    firstSeen: at,
    lastSeen: at,
  });
  await putChanges(io.db, [change('a', at, 'checkout'), change('b', at + 1000, '=cmd|calc')]);
  await io.db.polls.add({ target: 'demo/c1', sourceId: 'demo', status: 'ok', from: at, to: at, count: 3 });
  await putJobs(io.db, [
    {
      key: 'demo/c1|Deployment:shop/checkout',
      clusterId: 'demo/c1',
      rowKey: 'Deployment:shop/checkout',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'checkout',
      versionToken: '1',
      fields: {},
      health: { state: 'healthy' },
      observedAt: at,
    },
  ]);
  await io.db.meta.put({ key: 'last-pass', value: { startedAt: at } });
}

describe('history', () => {
  it('shows what is stored and the space used, and clears it after a confirmation that says what goes', async () => {
    const io = fakeIo({ settings: { version: 1 } as SettingsInput });
    await fill(io);
    mount(io);
    const history = await screen.findByRole('region', { name: 'History' });
    await within(history).findByText('2 changes, 1 poll run, 1 job snapshot and 1 cluster');
    expect(within(history).getByText('3.0 MB of 2.0 GB available')).toBeTruthy();

    fireEvent.click(within(history).getByRole('button', { name: 'Clear history…' }));
    const yes = within(history).getByRole('button', { name: 'Yes, clear history' });
    expect(
      within(history).getByText(/Delete 2 changes, 1 poll run, 1 job snapshot and 1 cluster\?/),
    ).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(yes));
    fireEvent.click(yes);
    const outcome = await within(history).findByText(
      /^Cleared 2 changes, 1 poll run, 1 job snapshot and 1 cluster\./,
    );
    await waitFor(() => expect(document.activeElement).toBe(outcome));
    expect(await changeCount(io.db)).toBe(0);
    expect(await io.db.polls.count()).toBe(0);
    expect((await jobsIn(io.db)).length).toBe(0);
    expect(await io.db.clusters.count()).toBe(0);
    // The settings and the background's own records are not history.
    expect(await io.db.meta.count()).toBe(1);
    await within(history).findByText('0 changes, 0 poll runs, 0 job snapshots and 0 clusters');
  });

  it('clears nothing while a pass holds the lease, and says so', async () => {
    const io = fakeIo();
    await fill(io);
    await io.db.meta.put({
      key: 'pass-lease',
      // The fake clock's now is 15:00: a background pass renewed its lease a moment ago.
      value: {
        owner: 'background/1',
        since: Date.parse('2025-03-10T14:59:40Z'),
        expiresAt: Date.parse('2025-03-10T15:00:50Z'),
      },
    });
    mount(io);
    const history = await screen.findByRole('region', { name: 'History' });
    fireEvent.click(within(history).getByRole('button', { name: 'Clear history…' }));
    fireEvent.click(within(history).getByRole('button', { name: 'Yes, clear history' }));
    const alert = await within(history).findByRole('alert');
    expect(alert.textContent).toMatch(/A pass is running right now, so nothing was cleared/);
    expect(await changeCount(io.db)).toBe(2);
    expect(await io.db.clusters.count()).toBe(1);
  });

  it('clears nothing when cancelled', async () => {
    const io = fakeIo();
    await fill(io);
    mount(io);
    const history = await screen.findByRole('region', { name: 'History' });
    fireEvent.click(within(history).getByRole('button', { name: 'Clear history…' }));
    fireEvent.click(within(history).getByRole('button', { name: 'Cancel' }));
    expect(within(history).queryByRole('button', { name: 'Yes, clear history' })).toBeNull();
    expect(await changeCount(io.db)).toBe(2);
  });

  it('exports the changes as CSV and JSON with cluster names', async () => {
    const io = fakeIo();
    await fill(io);
    mount(io);
    const history = await screen.findByRole('region', { name: 'History' });
    fireEvent.click(within(history).getByRole('button', { name: 'Export changes as CSV' }));
    await waitFor(() => expect(io.download).toHaveBeenCalledTimes(1));
    const [name, mime, csv] = io.download.mock.calls[0] as [string, string, string];
    expect(name).toBe('tattler-changes-2025-03-10T15-00-00Z.csv');
    expect(mime).toBe('text/csv');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^at,type,cluster,/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(',prod-eu-1,');
    expect(lines[2]).toContain(`,'=cmd|calc,`);

    fireEvent.click(within(history).getByRole('button', { name: 'Export changes as JSON' }));
    await waitFor(() => expect(io.download).toHaveBeenCalledTimes(2));
    const [, jsonMime, json] = io.download.mock.calls[1] as [string, string, string];
    expect(jsonMime).toBe('application/json');
    const parsed = JSON.parse(json) as (Change & { clusterName: string })[];
    expect(parsed.map((c) => [c.id, c.clusterName])).toEqual([
      ['a', 'prod-eu-1'],
      ['b', 'prod-eu-1'],
    ]);
    expect(within(history).getByText('Exported 2 changes as JSON.')).toBeTruthy();
  });

  it('validates retention with the schema', async () => {
    const io = fakeIo();
    mount(io);
    const history = within(await screen.findByRole('region', { name: 'History' }));
    const days = history.getByLabelText('Keep changes for');
    fireEvent.input(days, { target: { value: '0' } });
    fireEvent.click(history.getByRole('button', { name: 'Save retention' }));
    await waitFor(() => expect(days.getAttribute('aria-invalid')).toBe('true'));
    expect(errorOf(days)).toMatch(/1/);
    expect(io.set).not.toHaveBeenCalled();
    fireEvent.input(days, { target: { value: '14' } });
    fireEvent.click(history.getByRole('button', { name: 'Save retention' }));
    await waitFor(() => expect(io.stored()?.retentionDays).toBe(14));
  });
});

describe('cluster aliases', () => {
  it('adds an alias, names an error next to its field, saves it and removes it, by keyboard-reachable controls', async () => {
    const io = fakeIo();
    mount(io);
    await screen.findByRole('region', { name: 'Cluster aliases' });
    const aliases = () => section('Cluster aliases');
    expect(aliases().getByText('No aliases.')).toBeTruthy();
    fireEvent.click(aliases().getByRole('button', { name: 'Add an alias' }));
    const group = within(aliases().getByRole('group', { name: 'Alias 1' }));
    const name = group.getByLabelText('Name');
    const clusters = group.getByLabelText('Clusters');
    fireEvent.input(name, { target: { value: 'Europe 1' } });
    // No cluster yet: the schema's message sits next to the clusters field, nothing is stored.
    fireEvent.click(aliases().getByRole('button', { name: 'Save aliases' }));
    await waitFor(() => expect(clusters.getAttribute('aria-invalid')).toBe('true'));
    expect(errorOf(clusters)).toMatch(/at least one cluster/);
    expect(io.set).not.toHaveBeenCalled();

    fireEvent.input(clusters, { target: { value: 'prod-eu-1\n\n  https://10.20.0.1:6443  \n' } });
    fireEvent.click(aliases().getByRole('button', { name: 'Save aliases' }));
    await waitFor(() =>
      expect(io.stored()?.clusterAliases).toEqual([
        { name: 'Europe 1', match: ['prod-eu-1', 'https://10.20.0.1:6443'] },
      ]),
    );
    expect((await aliases().findByRole('status')).textContent).toBe('Saved: 1 alias.');

    fireEvent.click(aliases().getByRole('button', { name: 'Remove alias 1' }));
    fireEvent.click(aliases().getByRole('button', { name: 'Save aliases' }));
    await waitFor(() => expect(io.stored()?.clusterAliases).toEqual([]));
  });
});

describe('service rules', () => {
  it('adds a rule, names an error next to its field, saves it and removes it', async () => {
    const io = fakeIo();
    mount(io);
    await screen.findByRole('region', { name: 'Service rules' });
    const rules = () => section('Service rules');
    expect(rules().getByText('No rules.')).toBeTruthy();
    fireEvent.click(rules().getByRole('button', { name: 'Add a rule' }));
    const group = within(rules().getByRole('group', { name: 'Rule 1' }));
    const name = group.getByLabelText('Name');
    const jobs = group.getByLabelText('Jobs');
    fireEvent.input(name, { target: { value: 'cart-legacy' } });
    fireEvent.input(jobs, { target: { value: 'Job:default/cart now' } });
    fireEvent.click(rules().getByRole('button', { name: 'Save rules' }));
    await waitFor(() => expect(jobs.getAttribute('aria-invalid')).toBe('true'));
    expect(errorOf(jobs)).toMatch(/no spaces/);
    expect(io.set).not.toHaveBeenCalled();

    fireEvent.input(jobs, { target: { value: 'Job:default/cart\n\n  cart-* \n' } });
    fireEvent.click(rules().getByRole('button', { name: 'Save rules' }));
    await waitFor(() =>
      expect(io.stored()?.serviceRules).toEqual([
        { name: 'cart-legacy', match: ['Job:default/cart', 'cart-*'] },
      ]),
    );
    expect((await rules().findByRole('status')).textContent).toBe('Saved: 1 rule.');

    fireEvent.click(rules().getByRole('button', { name: 'Remove rule 1' }));
    fireEvent.click(rules().getByRole('button', { name: 'Save rules' }));
    await waitFor(() => expect(io.stored()?.serviceRules).toEqual([]));
  });
});

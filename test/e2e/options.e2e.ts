/**
 * The options page, end to end, in Chromium with the built extension against the demo fleet on
 * 127.0.0.1: a person configures a source with the form alone (Test shows the missing login,
 * then the clusters and jobs after logging in), saves it, and a pass lands in IndexedDB; settings
 * round-trip through export and import; a bad file changes nothing; the demo link adds the fleet
 * in one click and the page says where to log in.
 *
 * Build first: npx wxt build.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../fleet/index';
import type { Cluster, PollRun } from '../../lib/model';
import { type LaunchedExtension, launchExtension, readTable } from './harness';
import { storedJobs } from './stored';

const ANNOTATION = 'fleet.example.com/changed-by';

async function logIn(page: Page, fleet: Fleet) {
  await page.goto(`${fleet.url}/dashboard/auth/login`);
  await page.getByLabel(/user/i).fill(fleet.credentials.username);
  await page.getByLabel(/password/i).fill(fleet.credentials.password);
  await Promise.all([
    page.waitForURL(/\/dashboard\/(?!auth)/),
    page.getByRole('button', { name: /log in/i }).click(),
  ]);
}

/** Polls `read` until `ok` holds (the background's pass runs on its own schedule). */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, ms = 30_000) {
  const until = Date.now() + ms;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)?.slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

async function exportedSettings(page: Page): Promise<string> {
  const transfer = page.getByRole('region', { name: 'Import and export' });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    transfer.getByRole('button', { name: 'Export to file' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('tattler-settings.json');
  return readFile(await download.path(), 'utf8');
}

describe('options page', () => {
  let fleet: Fleet;
  let ext: LaunchedExtension;

  beforeAll(async () => {
    fleet = await startFleet({ seed: 3, speed: 1, clusters: 8, autoRun: false });
    ext = await launchExtension();
  });
  afterAll(async () => {
    await ext?.close();
    await fleet?.stop();
  });

  it('configures a source with the form alone: Test shows the missing login, then the fleet; a pass arrives', async () => {
    const page = await ext.openPage('options.html');
    await expect(page.getByRole('heading', { name: 'Welcome to Tattler' }).isVisible()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Add a source' }).click();
    const form = page.getByRole('form', { name: 'Add a source' });
    await expect(form.getByLabel('Type').inputValue()).resolves.toBe('rancher');
    await form.getByLabel('Name', { exact: true }).fill('Demo fleet');
    await form.getByLabel('Rancher URL').fill(fleet.url);
    await form.getByLabel('Label selector').fill('app.kubernetes.io/part-of=shop');
    await form.getByLabel('Annotation naming who changed a job').fill(ANNOTATION);
    await form
      .getByLabel('Open job')
      .fill(`${fleet.url}/dashboard/c/{cluster}/explorer/apps.deployment/{namespace}/{name}`);
    await expect(
      form.getByText(`${fleet.url}/dashboard/c/c-m-abc12/explorer/apps.deployment/shop/checkout`).isVisible(),
    ).resolves.toBe(true);

    // Not logged in yet: the test says so exactly, with the way to log in.
    await form.getByRole('button', { name: 'Test' }).click();
    const failure = form.getByText('Needs login: 401 on /v1/management.cattle.io.clusters');
    await failure.waitFor();
    await expect(
      form.getByRole('link', { name: `log in at ${fleet.url}/` }).getAttribute('href'),
    ).resolves.toBe(`${fleet.url}/`);

    // Log in as a person would, in another tab, then test again.
    const consoleTab = await ext.context.newPage();
    await logIn(consoleTab, fleet);
    await form.getByRole('button', { name: 'Test' }).click();
    const found = form.getByText(/^Discovery found \d+ clusters/);
    await found.waitFor();
    const names = fleet
      .clusters()
      .map((c) => c.displayName)
      .sort();
    const listed = ((await found.textContent()) ?? '')
      .replace(/^Discovery found \d+ clusters: /, '')
      .replace(/\.$/, '');
    expect(listed.split(', ').sort()).toEqual(names);
    const rows = form.getByRole('table').getByRole('row');
    await expect(rows.count()).resolves.toBe(6); // header + 5 polled
    expect(await rows.nth(1).textContent()).toMatch(/\d+ jobs? matched: /);
    await expect(form.getByText(/Works: \d+ jobs matched in 5 clusters polled/).isVisible()).resolves.toBe(
      true,
    );
    // The test stored nothing.
    expect(await readTable(ext, 'clusters')).toEqual([]);

    await form.getByRole('button', { name: 'Save source' }).click();
    const heading = page.getByRole('heading', { name: 'Demo fleet', level: 3 });
    await heading.waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'source-demo-fleet-h', undefined, {
      timeout: 5_000,
    });

    // Saving starts a pass in the background: clusters and jobs land in IndexedDB.
    const clusters = await eventually(
      () => readTable<Cluster>(ext, 'clusters'),
      (list) => list.length === names.length && list.every((c) => c.lastOkPoll !== undefined),
      'a complete pass',
    );
    expect(clusters.map((c) => c.name).sort()).toEqual(names);
    const jobs = await storedJobs((t) => readTable(ext, t));
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.some((j) => j.changedBy?.kind === 'person' && j.changedBy.via?.includes(ANNOTATION))).toBe(
      true,
    );
    const runs = await readTable<PollRun>(ext, 'polls');
    expect(runs.filter((r) => r.status === 'ok').length).toBeGreaterThan(names.length - 1);

    // The page shows the pass too, live from IndexedDB.
    await page
      .getByText(new RegExp(`^${names.length} clusters: ${names.length} answered at the last poll`))
      .waitFor({ timeout: 15_000 });
    await consoleTab.close();
    await page.close();
  });

  it('round-trips settings through export and import exactly, and a bad file changes nothing', async () => {
    const page = await ext.openPage('options.html');
    await page.getByRole('heading', { name: 'Demo fleet', level: 3 }).waitFor();
    const first = await exportedSettings(page);
    expect(JSON.parse(first).sources[0]).toMatchObject({
      id: 'demo-fleet',
      baseUrl: fleet.url,
      actorAnnotation: ANNOTATION,
    });

    const transfer = page.getByRole('region', { name: 'Import and export' });
    const file = join(tmpdir(), `tattler-settings-${process.pid}.json`);
    await writeFile(file, first);
    await transfer.getByLabel('Choose a settings file').setInputFiles(file);
    await transfer
      .getByText(/^Loaded tattler-settings-\d+\.json\. Review it, then press Import\.$/)
      .waitFor();
    await transfer.getByRole('button', { name: 'Import' }).click();
    await transfer.getByText('Imported 1 source. Tattler is polling now.').waitFor();
    expect(await exportedSettings(page)).toBe(first);

    // A bad file: the error names the field, and the settings stay as they were.
    const bad = join(tmpdir(), `tattler-bad-${process.pid}.json`);
    await writeFile(
      bad,
      first
        .replace('"type": "rancher"', '"type": "openstack"')
        .replace('"pollIntervalSec": 30', '"pollIntervalSec": 5'),
    );
    await transfer.getByLabel('Choose a settings file').setInputFiles(bad);
    await transfer.getByRole('button', { name: 'Import' }).click();
    const alert = transfer.getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    expect(text).toMatch(/^Nothing was changed\./);
    expect(text).toMatch(/sources\[0\]\.type: /);
    await writeFile(bad, '{ "version": 1, ');
    await transfer.getByLabel('Choose a settings file').setInputFiles(bad);
    await transfer.getByRole('button', { name: 'Import' }).click();
    await transfer
      .getByRole('alert')
      .getByText(/^not JSON: /)
      .waitFor();
    expect(await exportedSettings(page)).toBe(first);
    await page.close();
  });
});

describe('the demo link', () => {
  let fleet: Fleet;
  let ext: LaunchedExtension;

  beforeAll(async () => {
    fleet = await startFleet({ seed: 4, speed: 1, clusters: 4, autoRun: false });
    ext = await launchExtension();
  });
  afterAll(async () => {
    await ext?.close();
    await fleet?.stop();
  });

  it('adds the demo fleet in one click, and says where to log in until the person does', async () => {
    const page = await ext.openPage(`options.html#demo=${encodeURIComponent(fleet.url)}`);
    await page.getByRole('button', { name: `Use the demo fleet at ${fleet.url}` }).click();
    await page.getByText(`Added the demo fleet at ${fleet.url}.`, { exact: false }).waitFor();

    // No session yet: the background's pass records the missing login and the page shows the link.
    const attention = page.getByRole('region', { name: 'Needs your attention' });
    await attention.waitFor({ timeout: 30_000 });
    await expect(
      attention.getByRole('link', { name: `Log in at ${fleet.url}/` }).getAttribute('href'),
    ).resolves.toBe(`${fleet.url}/`);

    const consoleTab = await ext.context.newPage();
    await logIn(consoleTab, fleet);
    // The next pass (alarm or "poll now") finds the clusters; ask for one the way the popup does.
    await page.evaluate(() =>
      (
        globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }
      ).chrome.runtime.sendMessage({ type: 'poll-now' }),
    );
    const clusters = await eventually(
      () => readTable<Cluster>(ext, 'clusters'),
      (list) => list.length === 4 && list.every((c) => c.lastOkPoll !== undefined),
      'the demo fleet polled',
    );
    expect(clusters.every((c) => c.sourceId === 'demo')).toBe(true);
    await attention.waitFor({ state: 'detached', timeout: 15_000 });
    await consoleTab.close();
    await page.close();
  });
});

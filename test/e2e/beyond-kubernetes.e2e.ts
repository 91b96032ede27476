/**
 * Beyond Kubernetes, end to end: the built extension in Chromium watches the demo fleet and the
 * three extra systems (a simulated Argo CD, Nomad and home-grown cluster manager), configured
 * through its options page alone — the settings import, then the Nomad ACL token typed into the
 * Nomad source's form — and reading with the browser sessions a person opens in tabs (the fleet
 * console, Argo CD's login, the home-grown manager's login form). One named change in each
 * system must show in the popup's grid and on the fleet's alert page with the right actor: a
 * person for Argo CD and the home-grown manager, a token (never a person) for Nomad.
 *
 * Build first: npx wxt build.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtraSystems, startExtraSystems } from '../../fleet/extra/index';
import { demoSettings, type Fleet, startFleet } from '../../fleet/index';
import type { Change, Cluster } from '../../lib/model';
import {
  badgeParts,
  importSettingsThroughOptions,
  type LaunchedExtension,
  launchExtension,
  pollNow,
  readTable,
} from './harness';
import { enterNomadToken, logInToExtraSystems, logInToFleet } from './people';
import { storedChanges, storedJobs } from './stored';

interface Status {
  running: boolean;
  last?: { startedAt: number; finishedAt: number; changes: number; clusters: Record<string, number> };
}

/** The three changes, one per system, and what an alert about each job carries. */
const ARGO = {
  change: {
    type: 'sync',
    app: 'payments-prod-us-1',
    by: 'carol',
    image: 'registry.example.com/shop/payments:1.1.0',
  },
  alert: { alertname: 'ShopErrorBudgetBurn', cluster: 'prod-us-1', namespace: 'shop', app: 'payments' },
} as const;
const NOMAD = {
  change: {
    type: 'submit',
    region: 'eu-west',
    namespace: 'data',
    job: 'ingest',
    by: 'alice',
    image: 'registry.example.com/data/ingest-kafka:1.1.0',
  },
  alert: { alertname: 'ShopErrorBudgetBurn', cluster: 'eu-west', namespace: 'data', job_name: 'ingest' },
} as const;
const FORGE = {
  change: {
    type: 'edit',
    cluster: 'c-101',
    job: 'search',
    by: 'bob',
    image: 'registry.example.com/search:1.1.0',
  },
  alert: { alertname: 'ShopErrorBudgetBurn', cluster: 'prod-eu-1', namespace: 'search', service: 'search' },
} as const;

describe('Argo CD, Nomad and a home-grown manager, end to end', () => {
  let fleet: Fleet;
  let extra: ExtraSystems;
  let ext: LaunchedExtension;
  let tabs: Page;
  /** "token 1a2b3c4d": how Tattler names the token alice's Nomad submit used. */
  let nomadActor: string;
  /** The changes the first pass recovered from the platforms' histories. */
  const baseline = new Set<string>();

  /** A pass that started at or after `since` (one the alarm started earlier may still be running). */
  async function passSince(since: number): Promise<Status> {
    for (let i = 0; i < 10; i++) {
      const status = (await pollNow(ext)) as Status;
      if ((status.last?.startedAt ?? 0) >= since) return status;
    }
    throw new Error('no pass started after the change');
  }

  beforeAll(async () => {
    fleet = await startFleet({ seed: 5, autoRun: false });
    extra = await startExtraSystems({ seed: 5 });
    ext = await launchExtension();
    tabs = await ext.context.newPage();

    const base = demoSettings(fleet);
    const settings = { ...base, sources: [...(base.sources ?? []), ...extra.settingsFragment()] };
    expect(await importSettingsThroughOptions(ext, settings)).toMatch(/Imported 4 sources/);
    const token = extra.secrets().nomad as string;
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(settings)).not.toContain(token);
    await enterNomadToken(ext, 'Nomad (demo)', token);
    await logInToFleet(tabs, fleet);
    await logInToExtraSystems(tabs, extra);

    const accessor = extra.nomad.tokens.alice?.accessorId ?? '';
    nomadActor = `token ${accessor.slice(0, 8)}`;
  });
  afterAll(async () => {
    await ext?.close();
    await extra?.close();
    await fleet?.stop();
  });

  it('sees every cluster of the four systems after the logins and the token; the first pass is a baseline', async () => {
    const status = await passSince(Date.now());
    const clusters = await readTable<Cluster>(ext, 'clusters');
    const bySource = (id: string) =>
      clusters
        .filter((c) => c.sourceId === id)
        .map((c) => c.name)
        .sort();
    expect(bySource('argocd')).toEqual(['in-cluster', 'prod-eu-1', 'prod-us-1']);
    expect(bySource('nomad')).toEqual(['eu-west', 'us-east']);
    expect(bySource('homegrown')).toEqual(['prod-eu-1', 'prod-us-1']);
    expect(status.last?.clusters.ok).toBe(clusters.length);
    expect(clusters.length).toBe(12 + 3 + 2 + 2);
    // A baseline: only what the platforms' histories remember within retention, recovered.
    const first = await storedChanges((t) => readTable(ext, t));
    expect(first.filter((c) => c.type !== 'updated' || !c.recovered)).toEqual([]);
    for (const c of first) baseline.add(c.id);

    // What an alert about each job carries names a job Tattler knows: the cluster label is the
    // cluster's display name, namespace and job label are the job's.
    const jobs = await storedJobs((t) => readTable(ext, t));
    const byId = new Map(clusters.map((c) => [c.id, c]));
    for (const [sourceId, { alert }] of [
      ['argocd', ARGO],
      ['nomad', NOMAD],
      ['homegrown', FORGE],
    ] as const) {
      const job = 'app' in alert ? alert.app : 'job_name' in alert ? alert.job_name : alert.service;
      const known = jobs.filter((j) => {
        const c = byId.get(j.clusterId);
        return c?.sourceId === sourceId && c.name === alert.cluster && j.namespace === alert.namespace;
      });
      expect(known.map((j) => j.name)).toContain(job);
    }
  });

  it('records the Argo CD sync by carol, the Nomad submit by a token and the home-grown edit by bob', async () => {
    // Argo CD stamps whole seconds: a change in the baseline's second could read as older.
    await new Promise((r) => setTimeout(r, 1_100));
    const since = Date.now();
    extra.control.argocd(ARGO.change);
    extra.control.nomad(NOMAD.change);
    extra.control.homegrown(FORGE.change);
    await passSince(since);

    const changes = (await storedChanges((t) => readTable(ext, t))).filter((c) => !baseline.has(c.id));
    const one = (sourceId: string, name: string) => {
      const found = changes.filter((c) => c.clusterId.startsWith(`${sourceId}/`) && c.name === name);
      expect(
        found,
        `${sourceId} ${name}: ${JSON.stringify(changes.map((c) => [c.clusterId, c.name]))}`,
      ).toHaveLength(1);
      return found[0] as Change;
    };
    const argo = one('argocd', 'payments');
    expect(argo).toMatchObject({ type: 'updated', kind: 'Application', namespace: 'shop' });
    expect(argo.actor).toMatchObject({ name: 'carol', kind: 'person' });
    expect(argo.actorStale).toBeFalsy();
    const nomad = one('nomad', 'ingest');
    expect(nomad).toMatchObject({ type: 'updated', kind: 'NomadJob', namespace: 'data' });
    expect(nomad.actor).toMatchObject({ name: nomadActor, kind: 'token' });
    const forge = one('homegrown', 'search');
    expect(forge).toMatchObject({ type: 'updated', kind: 'ForgeJob', namespace: 'search' });
    expect(forge.actor).toMatchObject({ name: 'bob', kind: 'person' });
    expect(forge.fields.map((f) => f.path)).toContain('image');
  });

  it('shows each change in the popup grid, in its own column, with its actor', async () => {
    const popup = await ext.openPage('popup.html');
    await popup.setViewportSize({ width: 800, height: 600 });
    const filter = popup.getByRole('searchbox', { name: /Filter jobs/ });
    await filter.waitFor();
    /** The labels of the cells that name a change, once the filter has brought the job into view. */
    const changedCells = async (text: string, job: string) => {
      await filter.fill(text);
      const changed = popup.getByRole('gridcell', { name: new RegExp(`^${job} in .*: \\d+ changes?, `) });
      await changed.first().waitFor({ timeout: 10_000 });
      return changed.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    };
    // Three systems have a prod-us-1 (Rancher, Argo CD, Forge): the cell says which one.
    expect(await changedCells('payments', 'payments')).toEqual([
      expect.stringMatching(/^payments in prod-us-1 of Argo CD \(demo\): 1 change, last [^,]+ by carol$/),
    ]);
    const nomad = await changedCells('nomadjob:data/ingest', 'ingest');
    expect(nomad).toEqual([
      // Polls of eu-west needed the token before it was entered: the grid says so too.
      expect.stringMatching(new RegExp(`^ingest in eu-west: 1 change, last [^,]+ by ${nomadActor}(, |$)`)),
    ]);
    expect(nomad.join()).not.toMatch(/alice/);
    expect(await changedCells('bob', 'search')).toEqual([
      expect.stringMatching(/^search in prod-eu-1 of Forge: 1 change, last [^,]+ by bob$/),
    ]);
    await popup.close();
  });

  it('badges an alert about each job on the alert page, naming the actor', async () => {
    for (const { alert } of [ARGO, NOMAD, FORGE])
      fleet.control.raiseAlert({ labels: alert, annotations: { summary: 'error budget burning fast' } });
    const page = await ext.context.newPage();
    await page.goto(fleet.alertUrl);
    await page.getByRole('button', { name: 'Expand all groups' }).click();
    const wanted = [
      { about: 'payments in prod-us-1', actor: 'carol' },
      { about: 'ingest in eu-west', actor: nomadActor },
      { about: 'search in prod-eu-1', actor: 'bob' },
    ];
    const named = (labels: string[], about: string) => labels.filter((l) => l.includes(`(${about})`));
    let labels: string[] = [];
    for (let i = 0; i < 100; i++) {
      labels = (await badgeParts(page, 'button.badge')).map((b) => b.label ?? '');
      if (wanted.every((w) => named(labels, w.about).length > 0)) break;
      await page.waitForTimeout(100);
    }
    for (const w of wanted) {
      expect(named(labels, w.about), labels.join('\n')).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Tattler: 1 change · [^·]+ before · ${w.actor}, same job, same cluster \\(${w.about}\\)\\. `,
          ),
        ),
      ]);
    }

    // Opened, the Nomad badge says what the actor is: a token, not a person.
    const nomadBadge = (await badgeParts(page, 'button.badge')).find((b) =>
      b.label?.includes('(ingest in eu-west)'),
    );
    if (!nomadBadge) throw new Error('no badge for ingest');
    await page.mouse.click(nomadBadge.x, nomadBadge.y);
    const popover = (await badgeParts(page, '.pop')).map((p) => p.text).join(' ');
    expect(popover).toMatch(new RegExp(`by ${nomadActor} \\(token, `));
    expect(popover).toMatch(/NomadJob data\/ingest in eu-west/);
    await page.close();
  });
});

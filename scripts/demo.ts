/**
 * `npm run demo`: Tattler's main job, end to end, on this machine.
 *
 * Builds the extension, starts the simulated fleet on 127.0.0.1 and, beside it, the extra
 * systems (a simulated Argo CD, Nomad and home-grown cluster manager), launches Chromium with
 * Tattler loaded, and configures it through the extension's own options page (the same import a
 * person uses, then the Nomad token typed into the Nomad source's form). With a display, it
 * opens the login pages of the console, Argo CD and the home-grown manager and the alert page,
 * prints the credentials, and leaves the browser to you. Without one (or with --headless), it
 * logs in by itself, runs the scenario for a while, then writes screenshots and a summary of the
 * detected changes, and exits non-zero if nothing was detected.
 *
 * The fleet's scenario runs on its own schedule; the extra systems have none, so the demo makes
 * a named change in one of them every few seconds (EXTRA_SCRIPT, then seeded made-up ones), and
 * raises an alert on the fleet's Alertmanager a little after each of the first few.
 *
 *   npm run demo -- [--headless] [--seconds 150] [--speed 6] [--seed 7] [--out demo-output]
 *                   [--no-build] [--any-port]
 *
 * --any-port starts the fleet on a free port instead of the well-known one the popup's first-run
 * screen looks at (test/e2e/demo.e2e.ts runs the demo beside other tests that way).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { type ExtraSystems, startExtraSystems } from '../fleet/extra/index';
import { demoSettings, type Fleet, startFleet } from '../fleet/index';
import { DEMO_FLEET_PORT } from '../lib/demo-fleet';
import type { Change, Cluster } from '../lib/model';
import {
  type BadgePart,
  badgeParts,
  importSettingsThroughOptions,
  type LaunchedExtension,
  launchExtension,
  pollNow,
  readTable,
} from '../test/e2e/harness';
import {
  enterNomadToken,
  extraCredentials,
  logInToArgoCd,
  logInToExtraSystems,
  logInToFleet,
  logInToHomegrown,
} from '../test/e2e/people';
import { storedChanges } from '../test/e2e/stored';

const { values: args } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '150' },
    speed: { type: 'string', default: '6' },
    seed: { type: 'string', default: '7' },
    out: { type: 'string', default: 'demo-output' },
    'no-build': { type: 'boolean', default: false },
    'any-port': { type: 'boolean', default: false },
  },
});

const say = (line: string) => console.log(`[demo ${new Date().toISOString().slice(11, 19)}] ${line}`);
const headless = args.headless || !process.env.DISPLAY;
const outDir = resolve(args.out);

/** Every browser session Tattler reads with: the fleet's console, Argo CD, the home-grown manager. */
async function logIn(page: Page, fleet: Fleet, extra: ExtraSystems) {
  await logInToFleet(page, fleet);
  await logInToExtraSystems(page, extra);
}

/** What the sources are called in the summary: the fleet's Rancher and the three extra systems. */
const SYSTEMS: Record<string, string> = {
  demo: 'fleet (Rancher)',
  argocd: 'Argo CD',
  nomad: 'Nomad',
  homegrown: 'home-grown manager',
};

/** "fleet (Rancher) 14 · Argo CD 3 · Nomad 2 · home-grown manager 2": changes per system. */
function perSystem(changes: Change[], clusters: Cluster[]): { line: string; missing: string[] } {
  const sourceOf = new Map(clusters.map((c) => [c.id, c.sourceId]));
  const counts = new Map(Object.keys(SYSTEMS).map((id) => [id, 0]));
  for (const c of changes) {
    const id = sourceOf.get(c.clusterId) ?? c.clusterId.split('/')[0] ?? '';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const line = [...counts].map(([id, n]) => `${SYSTEMS[id] ?? id} ${n}`).join(' · ');
  const missing = [...counts].filter(([, n]) => n === 0).map(([id]) => SYSTEMS[id] ?? id);
  return { line, missing };
}

/** A field's value as JSON; a field the previous snapshot did not have reads "(absent)", as in the popup. */
const shown = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));

function summarize(changes: Change[], clusters: Cluster[]): string {
  const names = new Map(clusters.map((c) => [c.id, c.name]));
  const sources = new Map(clusters.map((c) => [c.id, SYSTEMS[c.sourceId] ?? c.sourceId]));
  const lines = [...changes]
    .sort((a, b) => a.at - b.at)
    .map((c) => {
      const who = c.actor
        ? `${c.actor.name} (${c.actor.kind}${c.actorStale ? ', may belong to an earlier change' : ''})`
        : 'unknown';
      const what = c.fields.map((f) => `${f.path}: ${shown(f.before)} → ${shown(f.after)}`).join('; ');
      const skipped = c.skipped ? ` [${c.skipped} version(s) skipped]` : '';
      return `${new Date(c.at).toISOString()}  ${names.get(c.clusterId) ?? c.clusterId} (${sources.get(c.clusterId) ?? '?'})  ${c.kind} ${c.namespace}/${c.name}  ${c.type} by ${who}${skipped}${what ? `\n    ${what}` : ''}`;
    });
  return `${changes.length} changes detected\nby system: ${perSystem(changes, clusters).line}\n\n${lines.join('\n')}\n`;
}

interface ExtraStep {
  /** What happened, for the demo's output. */
  line: string;
  apply(extra: ExtraSystems): void;
  /** Labels of an alert that fires a little later, naming the job the way its metrics would. */
  alert?: Record<string, string>;
}

/** The extra systems' named changes, in order: a person, a pipeline token and auto-sync at work. */
const EXTRA_SCRIPT: ExtraStep[] = [
  {
    line: 'argocd: alice synced payments-prod-eu-1 to payments:1.1.0',
    apply: (x) =>
      x.control.argocd({
        type: 'sync',
        app: 'payments-prod-eu-1',
        by: 'alice',
        image: 'registry.example.com/shop/payments:1.1.0',
      }),
    alert: {
      alertname: 'ShopErrorBudgetBurn',
      severity: 'critical',
      cluster: 'prod-eu-1',
      namespace: 'shop',
      app: 'payments',
    },
  },
  {
    line: 'nomad: the ci-deployer token submitted ingest in eu-west with ingest-kafka:1.1.0',
    apply: (x) =>
      x.control.nomad({
        type: 'submit',
        region: 'eu-west',
        namespace: 'data',
        job: 'ingest',
        by: 'ci-deployer',
        image: 'registry.example.com/data/ingest-kafka:1.1.0',
      }),
    alert: {
      alertname: 'NomadJobAllocationsFailing',
      severity: 'warning',
      cluster: 'eu-west',
      namespace: 'data',
      job_name: 'ingest',
    },
  },
  {
    line: 'homegrown: bob edited search in prod-us-1 (search:1.1.0, 3 replicas)',
    apply: (x) =>
      x.control.homegrown({
        type: 'edit',
        cluster: 'c-102',
        job: 'search',
        by: 'bob',
        image: 'registry.example.com/search:1.1.0',
        replicas: 3,
      }),
    alert: {
      alertname: 'ForgeJobLatencyHigh',
      severity: 'warning',
      cluster: 'prod-us-1',
      namespace: 'search',
      service: 'search',
    },
  },
  {
    // It deploys into the fleet's prod-us-1: a release ahead of every cart the fleet runs there.
    line: 'argocd: auto-sync rolled cart-prod-us-1 to cart:1.10.0',
    apply: (x) =>
      x.control.argocd({
        type: 'auto-sync',
        app: 'cart-prod-us-1',
        image: 'registry.example.com/shop/cart:1.10.0',
      }),
  },
  {
    line: 'nomad: the alice token scaled checkout in us-east to 5',
    apply: (x) =>
      x.control.nomad({
        type: 'submit',
        region: 'us-east',
        namespace: 'shop',
        job: 'checkout',
        by: 'alice',
        count: 5,
      }),
  },
  {
    line: 'homegrown: jenkins-bot edited cart in prod-eu-1 (cart:1.1.0)',
    apply: (x) =>
      x.control.homegrown({
        type: 'edit',
        cluster: 'c-101',
        job: 'cart',
        by: 'jenkins-bot',
        image: 'registry.example.com/cart:1.1.0',
      }),
  },
];

/** Seconds between two changes in the extra systems, and from a change to its alert. */
const EXTRA_EVERY_MS = 12_000;
const ALERT_AFTER_MS = 20_000;

/**
 * Makes the extra systems' changes on a timer: the script, then seeded made-up ones. Returns a
 * function that stops it.
 */
function runExtraSystems(extra: ExtraSystems, fleet: Fleet): () => void {
  let next = 0;
  const timers = new Set<NodeJS.Timeout>();
  const tick = () => {
    const step = EXTRA_SCRIPT[next++];
    if (!step) {
      say(`extra: ${extra.control.step()}`);
      return;
    }
    step.apply(extra);
    say(`extra: ${step.line}`);
    const labels = step.alert;
    if (!labels) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      fleet.control.raiseAlert({
        labels,
        annotations: {
          summary: `${labels.alertname} for ${labels.app ?? labels.job_name ?? labels.service}`,
        },
      });
      say(
        `alert ${labels.alertname} firing for ${labels.namespace}/${labels.app ?? labels.job_name ?? labels.service} in ${labels.cluster}`,
      );
    }, ALERT_AFTER_MS);
    timers.add(timer);
  };
  const first = setTimeout(tick, EXTRA_EVERY_MS / 2);
  const every = setInterval(tick, EXTRA_EVERY_MS);
  return () => {
    clearTimeout(first);
    clearInterval(every);
    for (const t of timers) clearTimeout(t);
  };
}

const JOB_LABELS = ['deployment', 'statefulset', 'app', 'job_name', 'service'];
const firingJobAlert = (fleet: Fleet) =>
  fleet.control.state().alerts.some((a) => JOB_LABELS.some((k) => a.labels[k]));

/** The alert page as the on-call person sees it: groups expanded, badges in, one popover open. */
async function photographAlerts(ext: LaunchedExtension, fleet: Fleet): Promise<string | undefined> {
  const page = await ext.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(fleet.alertUrl);
  // The page remembers "Expand all groups" (localStorage): only expand when it is not yet.
  const expandAll = page.getByRole('button', { name: /(Expand|Collapse) all groups/ });
  if ((await expandAll.textContent())?.includes('Expand')) await expandAll.click();
  let hot: BadgePart | undefined;
  for (let i = 0; i < 50 && !hot; i++) {
    await page.waitForTimeout(200);
    hot = (await badgeParts(page, 'button.badge')).find((b) => /change/.test(b.text));
  }
  if (!hot) {
    say('an alert is firing but no badge names a change yet; will try again');
    await page.close();
    return undefined;
  }
  say(`alert page: badge "${hot.text}"`);
  await page.screenshot({ path: resolve(outDir, 'alert-page.png'), fullPage: true });
  await page.mouse.click(hot.x, hot.y);
  await page.waitForTimeout(300);
  await page.screenshot({ path: resolve(outDir, 'alert-popover.png'), fullPage: true });
  await page.close();
  return 'alert-page.png, alert-popover.png';
}

async function runHeadless(ext: LaunchedExtension, fleet: Fleet, extra: ExtraSystems) {
  mkdirSync(outDir, { recursive: true });
  const console_ = await ext.context.newPage();
  await logInToFleet(console_, fleet);
  say('logged in to the fleet console (R_SESS cookie set in the browser)');
  await logInToArgoCd(console_, extra.urls.argocd);
  await logInToHomegrown(console_, extra.urls.homegrown);
  say('logged in to Argo CD (argocd.token cookie) and the home-grown manager (forge_session cookie)');
  const stopExtra = runExtraSystems(extra, fleet);

  const seconds = Number(args.seconds);
  const until = Date.now() + seconds * 1000;
  let pass = 0;
  let alertShot: string | undefined;
  while (Date.now() < until) {
    const status = (await pollNow(ext)) as { last?: PassSummaryLike };
    pass++;
    const c = status.last?.clusters ?? {};
    if (status.last) say(passLine(pass, status.last));
    if ((c.auth ?? 0) > 0) {
      say('session expired: logging in again, as a person would');
      await logIn(console_, fleet, extra);
    }
    // Alerts come and go: photograph the alert page while one names a job Tattler saw change.
    if (!alertShot && firingJobAlert(fleet)) {
      alertShot = await photographAlerts(ext, fleet);
    }
    await new Promise((r) => setTimeout(r, 8_000));
  }

  stopExtra();
  // The history as Tattler stores it (compact log rows under numbered cells), decoded.
  const changes = await storedChanges((table) => readTable(ext, table));
  const clusters = await readTable<Cluster>(ext, 'clusters');
  writeFileSync(resolve(outDir, 'summary.txt'), summarize(changes, clusters));
  say(`wrote ${changes.length} changes to ${resolve(outDir, 'summary.txt')}`);
  const systems = perSystem(changes, clusters);
  say(`changes by system: ${systems.line}`);
  if (systems.missing.length) say(`no change detected in: ${systems.missing.join(', ')}`);

  const popup = await ext.openPage('popup.html');
  await popup.setViewportSize({ width: 800, height: 600 });
  await popup.waitForTimeout(1_000);
  await popup.screenshot({ path: resolve(outDir, 'popup-grid.png') });

  const actor = changes.find((c) => c.actor?.kind === 'person')?.actor?.name;
  if (actor) {
    const userPage = await ext.context.newPage();
    await userPage.goto(`${fleet.url}/dashboard/users/${encodeURIComponent(actor)}/jobs`);
    await userPage.screenshot({ path: resolve(outDir, 'user-jobs.png'), fullPage: true });
  }
  say(
    `screenshots in ${outDir}: popup-grid.png${alertShot ? `, ${alertShot}` : ''}${actor ? ', user-jobs.png' : ''}`,
  );
  return changes.length;
}

async function main() {
  if (!args['no-build']) {
    // The demo build: the store build's permissions plus the demo fleet's loopback (wxt.config.ts).
    say('building the extension (wxt build --mode demo)');
    execFileSync('npx', ['wxt', 'build', '--mode', 'demo'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const fleet = await startDemoFleet();
  say(
    `started fleet: console ${fleet.url} · alerts ${fleet.alertUrl} · prometheus ${fleet.promUrl}/alerts · login ${fleet.credentials.username} / ${fleet.credentials.password}`,
  );
  // Argo CD deploys into the fleet's Rancher clusters: one prod-eu-1 column, seen through both,
  // and its syncs change the Deployments there (the scenario's argo-sync is carol's).
  const extra = await startExtraSystems({
    seed: Number(args.seed),
    rancher: { url: fleet.url, clusters: fleet.clusters(), gitops: fleet.gitops },
  });
  say(
    `started extra systems: Argo CD ${extra.urls.argocd} · Nomad ${extra.urls.nomad} · home-grown manager ${extra.urls.homegrown}`,
  );

  const ext = await launchExtension({ headless });
  say(`launched Chromium with Tattler (${ext.extensionId})${headless ? ', headless' : ''}`);
  const base = demoSettings(fleet);
  const fragment = extra.settingsFragment() as { id: string; name: string; type: string }[];
  const outcome = await importSettingsThroughOptions(ext, {
    ...base,
    sources: [...(base.sources ?? []), ...fragment],
  });
  say(`configured Tattler through its options page: ${outcome.trim()}`);
  const nomad = fragment.find((f) => f.type === 'nomad');
  if (nomad) {
    await enterNomadToken(ext, nomad.name, extra.secrets()[nomad.id] ?? '');
    say(`entered the Nomad reader token in the "${nomad.name}" source's form (kept apart from settings)`);
  }

  const stop = async (code: number) => {
    await ext.close().catch(() => {});
    await extra.close();
    await fleet.stop();
    process.exit(code);
  };

  if (headless) {
    const n = await runHeadless(ext, fleet, extra).catch((error) => {
      console.error(error);
      return 0;
    });
    if (n === 0) say('nothing was detected: that is a failure');
    await stop(n > 0 ? 0 : 1);
    return;
  }

  const login = await ext.context.newPage();
  await login.goto(`${fleet.url}/dashboard/auth/login`);
  const argoLogin = await ext.context.newPage();
  await argoLogin.goto(`${extra.urls.argocd}/login`);
  const forgeLogin = await ext.context.newPage();
  await forgeLogin.goto(`${extra.urls.homegrown}/login`);
  const alerts = await ext.context.newPage();
  await alerts.goto(fleet.alertUrl);
  await login.bringToFront();
  say(
    `log in to Argo CD (${extra.urls.argocd}/login) as ${extraCredentials.argocd.username} / ${extraCredentials.argocd.password}`,
  );
  say(
    `log in to the home-grown manager (${extra.urls.homegrown}/login) as ${extraCredentials.homegrown.username} / ${extraCredentials.homegrown.password}`,
  );
  say('Nomad needs no login: Tattler reads it with the token entered in its options');
  say(
    `log in as ${fleet.credentials.username} / ${fleet.credentials.password}; then open Tattler from the toolbar`,
  );
  say('press Ctrl+C to stop');
  runExtraSystems(extra, fleet);
  process.on('SIGINT', () => void stop(0));
  ext.context.on('close', () => void stop(0));
  // Narrate the passes the alarm runs, from the extension's own record of them.
  let lastSeen = 0;
  let n = 0;
  setInterval(async () => {
    const meta = await readTable<{ key: string; value: PassSummaryLike }>(ext, 'meta').catch(() => []);
    const last = meta.find((m) => m.key === 'last-pass')?.value;
    if (!last || last.finishedAt === lastSeen) return;
    lastSeen = last.finishedAt;
    say(passLine(++n, last));
  }, 3_000);
}

/** The fleet on the well-known port the popup's first-run screen looks at, or any free port. */
async function startDemoFleet(): Promise<Fleet> {
  const options = {
    seed: Number(args.seed),
    speed: Number(args.speed),
    log: (l: string) => say(`fleet: ${l}`),
  };
  if (args['any-port']) return startFleet(options);
  try {
    return await startFleet({ ...options, port: DEMO_FLEET_PORT });
  } catch {
    say(`port ${DEMO_FLEET_PORT} is taken: the fleet takes a free one`);
    return startFleet(options);
  }
}

type PassSummaryLike = {
  finishedAt: number;
  changes: number;
  clusters: Record<string, number>;
  logins: { url: string }[];
};

/** One line per pass: what changed, how the clusters answered, and where a login is needed. */
function passLine(n: number, last: PassSummaryLike): string {
  const c = last.clusters;
  const logins = [...new Set(last.logins.map((l) => new URL(l.url).origin))];
  return `pass ${n}: ${last.changes} changes; clusters ok ${c.ok ?? 0}, login needed ${c.auth ?? 0}, unreachable ${c.unreachable ?? 0}, error ${c.error ?? 0}, gone ${c.gone ?? 0}${logins.length ? `; log in at ${logins.join(', ')}` : ''}`;
}

void main();

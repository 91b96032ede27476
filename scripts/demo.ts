/**
 * `npm run demo`: Tattler's main job, end to end, on this machine.
 *
 * Builds the extension, starts the simulated fleet on 127.0.0.1, launches Chromium with Tattler
 * loaded, and configures it through the extension's own options page (the same import a person
 * uses). With a display, it opens the console's login page and the alert page and leaves the
 * browser to you. Without one (or with --headless), it logs in by itself, runs the scenario for
 * a while, then writes screenshots and a summary of the detected changes, and exits non-zero if
 * nothing was detected.
 *
 *   npm run demo -- [--headless] [--seconds 150] [--speed 6] [--seed 7] [--out demo-output]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
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
import { demoSettings, type Fleet, startFleet } from '../test/fleet/index';

const { values: args } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '150' },
    speed: { type: 'string', default: '6' },
    seed: { type: 'string', default: '7' },
    out: { type: 'string', default: 'demo-output' },
    'no-build': { type: 'boolean', default: false },
  },
});

const say = (line: string) => console.log(`[demo ${new Date().toISOString().slice(11, 19)}] ${line}`);
const headless = args.headless || !process.env.DISPLAY;
const outDir = resolve(args.out);

async function logIn(page: Page, fleet: Fleet) {
  await page.goto(`${fleet.url}/dashboard/auth/login`);
  await page.getByLabel(/user/i).fill(fleet.credentials.username);
  await page.getByLabel(/password/i).fill(fleet.credentials.password);
  await Promise.all([
    page.waitForURL(/\/dashboard\/(?!auth)/),
    page.getByRole('button', { name: /log in/i }).click(),
  ]);
}

function summarize(changes: Change[], clusters: Cluster[]): string {
  const names = new Map(clusters.map((c) => [c.id, c.name]));
  const lines = [...changes]
    .sort((a, b) => a.at - b.at)
    .map((c) => {
      const who = c.actor
        ? `${c.actor.name} (${c.actor.kind}${c.actorStale ? ', may belong to an earlier change' : ''})`
        : 'unknown';
      const what = c.fields
        .map((f) => `${f.path}: ${JSON.stringify(f.before)} → ${JSON.stringify(f.after)}`)
        .join('; ');
      const skipped = c.skipped ? ` [${c.skipped} version(s) skipped]` : '';
      return `${new Date(c.at).toISOString()}  ${names.get(c.clusterId) ?? c.clusterId}  ${c.kind} ${c.namespace}/${c.name}  ${c.type} by ${who}${skipped}${what ? `\n    ${what}` : ''}`;
    });
  return `${changes.length} changes detected\n\n${lines.join('\n')}\n`;
}

const firingJobAlert = (fleet: Fleet) =>
  fleet.control.state().alerts.some((a) => a.labels.deployment || a.labels.statefulset);

/** The alert page as the on-call person sees it: groups expanded, badges in, one popover open. */
async function photographAlerts(ext: LaunchedExtension, fleet: Fleet): Promise<string | undefined> {
  const page = await ext.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(fleet.alertUrl);
  await page.getByRole('button', { name: 'Expand all groups' }).click();
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

async function runHeadless(ext: LaunchedExtension, fleet: Fleet) {
  mkdirSync(outDir, { recursive: true });
  const console_ = await ext.context.newPage();
  await logIn(console_, fleet);
  say('logged in to the fleet console (R_SESS cookie set in the browser)');

  const seconds = Number(args.seconds);
  const until = Date.now() + seconds * 1000;
  let pass = 0;
  let alertShot: string | undefined;
  while (Date.now() < until) {
    const status = (await pollNow(ext)) as { last?: { changes: number; clusters: Record<string, number> } };
    pass++;
    const c = status.last?.clusters ?? {};
    say(
      `pass ${pass}: ${status.last?.changes ?? 0} changes; clusters ok ${c.ok ?? 0}, login needed ${c.auth ?? 0}, unreachable ${c.unreachable ?? 0}, error ${c.error ?? 0}, gone ${c.gone ?? 0}`,
    );
    if ((c.auth ?? 0) > 0) {
      say('session expired: logging in again, as a person would');
      await logIn(console_, fleet);
    }
    // Alerts come and go: photograph the alert page while one names a job Tattler saw change.
    if (!alertShot && firingJobAlert(fleet)) {
      alertShot = await photographAlerts(ext, fleet);
    }
    await new Promise((r) => setTimeout(r, 8_000));
  }

  const changes = await readTable<Change>(ext, 'changes');
  const clusters = await readTable<Cluster>(ext, 'clusters');
  writeFileSync(resolve(outDir, 'summary.txt'), summarize(changes, clusters));
  say(`wrote ${changes.length} changes to ${resolve(outDir, 'summary.txt')}`);

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
    say('building the extension (wxt build)');
    execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const fleet = await startFleet({
    seed: Number(args.seed),
    speed: Number(args.speed),
    log: (l) => say(`fleet: ${l}`),
  });
  say(
    `started fleet: console ${fleet.url} · alerts ${fleet.alertUrl} · login ${fleet.credentials.username} / ${fleet.credentials.password}`,
  );

  const ext = await launchExtension({ headless });
  say(`launched Chromium with Tattler (${ext.extensionId})${headless ? ', headless' : ''}`);
  const outcome = await importSettingsThroughOptions(ext, demoSettings(fleet));
  say(`configured Tattler through its options page: ${outcome.trim()}`);

  const stop = async (code: number) => {
    await ext.close().catch(() => {});
    await fleet.stop();
    process.exit(code);
  };

  if (headless) {
    const n = await runHeadless(ext, fleet).catch((error) => {
      console.error(error);
      return 0;
    });
    if (n === 0) say('nothing was detected: that is a failure');
    await stop(n > 0 ? 0 : 1);
    return;
  }

  const login = await ext.context.newPage();
  await login.goto(`${fleet.url}/dashboard/auth/login`);
  const alerts = await ext.context.newPage();
  await alerts.goto(fleet.alertUrl);
  await login.bringToFront();
  say(
    `log in as ${fleet.credentials.username} / ${fleet.credentials.password}; then open Tattler from the toolbar`,
  );
  say('press Ctrl+C to stop');
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
    const c = last.clusters;
    say(
      `pass ${++n}: ${last.changes} changes; clusters ok ${c.ok}, login needed ${c.auth}, unreachable ${c.unreachable}, error ${c.error}, gone ${c.gone}`,
    );
  }, 3_000);
}

type PassSummaryLike = { finishedAt: number; changes: number; clusters: Record<string, number> };

void main();

/**
 * Pass benchmark, in the real browser: the built extension in Debian's Chromium (playwright-core),
 * a fleet of 200 clusters × 250 jobs served from its own process (bench/pass-fleet.ts), and in
 * the extension's service worker, in the same run:
 *   - the floor: fetch + JSON.parse of the same lists a pass reads, with the pass's own HTTP
 *     client and concurrency (bench/page/pass-driver.ts);
 *   - real passes, started as the browser starts them (settings written → first sight; the pass
 *     alarm → steady, and after the fleet changed a few jobs), with real IndexedDB;
 *   - issue 19: steady passes with the options page and the popup open in tabs, next to steady
 *     passes with both closed, alternating.
 * Prints each pass as a ratio to the floor. It is not a test and asserts nothing but that the
 * passes read every cluster.
 *
 *   npx wxt build --mode demo && npx tsx bench/pass.ts [--runs 3] [--smoke]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { validateSettings } from '../lib/settings';
import { launchExtension } from '../test/e2e/harness';
import { DEMO_DIST as DIST } from './extension';
import type { FloorInput, PassTiming } from './page/pass-driver';
import { pageScript } from './page-script';
import { startPassFleet } from './pass-fleet-process';

const args = process.argv.slice(2);
const SMOKE = args.includes('--smoke');
const RUNS = Number(args[args.indexOf('--runs') + 1]) || (SMOKE ? 1 : 3);
const SHAPE = SMOKE ? { clusters: 10, jobs: 50, changes: 5 } : { clusters: 200, jobs: 250, changes: 50 };
const GOAL = { first: 1.6, steady: 1.3, changed: 1.3, pagesOpen: 1.1 };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const range = (xs: number[]) =>
  `${fmt(median(xs)).padStart(8)}${xs.length > 1 ? ` [${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}]` : ''}`;
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function main() {
  if (!existsSync(join(DIST, 'manifest.json'))) {
    console.error(`No build at ${DIST}: run \`npx wxt build --mode demo\` first.`);
    process.exit(1);
  }
  const fleet = await startPassFleet(SHAPE);
  const ext = await launchExtension({ dist: DIST, viewport: { width: 800, height: 600 } });
  try {
    const parsed = validateSettings({
      version: 1,
      // An hour: only the passes this starts run while it measures.
      pollIntervalSec: 3600,
      sources: [{ id: 'bench', name: 'Bench', type: 'rancher', baseUrl: fleet.url }],
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const settings = parsed.value;
    const source = settings.sources[0];
    if (!source) throw new Error('no source');

    const worker: Worker = ext.worker;
    await worker.evaluate(await pageScript('./page/pass-driver.ts', 'TattlerPass'));
    const call = <T>(expression: string): Promise<T> => worker.evaluate(expression) as Promise<T>;
    const floorInput: FloorInput = {
      base: fleet.url,
      clusterIds: fleet.clusterIds,
      kinds: source.kinds,
      concurrency: settings.concurrency,
    };
    const floors: number[] = [];
    let listBytes = 0;
    let listItems = 0;
    const measureFloor = async () => {
      const f = await call<{ ms: number; bytes: number; items: number }>(
        `TattlerPass.floor(${JSON.stringify(floorInput)})`,
      );
      console.error(`  … fetch + JSON.parse ${f.ms.toFixed(0)} ms`);
      floors.push(f.ms);
      listBytes = f.bytes;
      listItems = f.items;
      return f.ms;
    };
    const runPass = async (withSettings?: unknown): Promise<PassTiming> => {
      const t = await call<PassTiming>(
        `TattlerPass.pass(${withSettings === undefined ? '' : JSON.stringify(withSettings)})`,
      );
      // Progress on stderr: a full run takes minutes on a loaded machine.
      console.error(`  … pass ${t.wallMs.toFixed(0)} ms, ${t.summary.changes} changes`);
      const ok = t.summary.clusters.ok ?? 0;
      if (ok !== SHAPE.clusters || t.summary.storageError)
        throw new Error(`a pass read ${ok} of ${SHAPE.clusters} clusters: ${JSON.stringify(t.summary)}`);
      return t;
    };
    const usage = () => call<number>('TattlerPass.usage()');

    /** A pass right after its own floor: on a shared machine, load drifts within a run. */
    interface Paired extends PassTiming {
      floorMs: number;
    }
    const paired = async (withSettings?: unknown): Promise<Paired> => {
      const floorMs = await measureFloor();
      return { ...(await runPass(withSettings)), floorMs };
    };

    // One unmeasured read warms the server's sockets and the worker's JIT, as a second pass is warm.
    await measureFloor();
    floors.length = 0;

    const u0 = await usage();
    const first = await paired(settings);
    const u1 = await usage();
    const steady: Paired[] = [];
    for (let i = 0; i < RUNS; i++) steady.push(await paired());
    const changed: Paired[] = [];
    for (let i = 0; i < RUNS; i++) {
      await fleet.step();
      changed.push(await paired());
    }

    // Issue 19: the same steady pass with the options page and the popup open, alternating with
    // both closed so drift on a shared machine falls on both alike.
    const closed: PassTiming[] = [];
    const open: PassTiming[] = [];
    for (let i = 0; i < RUNS; i++) {
      closed.push(await runPass());
      const pages: Page[] = [await ext.openPage('options.html'), await ext.openPage('popup.html')];
      const popup = pages[1] as Page;
      await popup.waitForFunction(
        () => performance.getEntriesByName('tattler:grid-complete').length > 0,
        null,
        { timeout: 120_000 },
      );
      await popup.waitForTimeout(500);
      open.push(await runPass());
      for (const p of pages) await p.close();
    }

    const line = (label: string, list: Paired[], goal: number) => {
      const ratio = median(list.map((t) => t.wallMs / t.floorMs));
      const changes = list.map((t) => t.summary.changes).join('/');
      console.log(
        `  ${label.padEnd(34)}${range(list.map((t) => t.wallMs))}  floor ${range(list.map((t) => t.floorMs))}  ` +
          `${ratio.toFixed(2)}× (goal ≤ ${goal}×: ${ratio <= goal ? 'met' : 'missed'}); ${changes} changes`,
      );
    };
    console.log(
      `\npass over ${SHAPE.clusters} clusters × ${SHAPE.jobs} jobs (${listItems} jobs listed, ` +
        `${(listBytes / 1e6).toFixed(1)} MB of JSON a pass, concurrency ${settings.concurrency}) in Chromium's service worker; ` +
        'each pass next to its floor (fetch + JSON.parse of the same lists, same worker, just before); ' +
        `${RUNS} run(s), median [min–max], ratio = median of pass / its floor:`,
    );
    line('first sight (settings written)', [first], GOAL.first);
    line('steady (alarm, nothing changed)', steady, GOAL.steady);
    line(`${SHAPE.changes} jobs changed (alarm)`, changed, GOAL.changed);
    console.log(
      `  storage estimate: ${((u1 - u0) / 1e6).toFixed(1)} MB after first sight (IndexedDB, LevelDB files not yet compacted)`,
    );

    console.log(
      '\nissue 19: steady pass with the options page and the popup open vs. both closed, alternating:',
    );
    console.log(`  ${'both closed'.padEnd(34)}${range(closed.map((t) => t.wallMs))}`);
    console.log(`  ${'options page + popup open'.padEnd(34)}${range(open.map((t) => t.wallMs))}`);
    const ratio = median(open.map((t, i) => t.wallMs / (closed[i] as PassTiming).wallMs));
    console.log(
      `  ratio open / closed (median of pairs): ${ratio.toFixed(2)}× (goal ≤ ${GOAL.pagesOpen}×: ${ratio <= GOAL.pagesOpen ? 'met' : 'missed'})`,
    );
  } finally {
    await ext.close();
    fleet.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

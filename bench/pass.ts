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
 *   npx wxt build && npx tsx bench/pass.ts [--runs 3] [--smoke]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Page, Worker } from 'playwright-core';
import { validateSettings } from '../lib/settings';
import { launchExtension } from '../test/e2e/harness';
import { DIST } from './extension';
import type { FloorInput, PassTiming } from './page/pass-driver';
import { pageScript } from './page-script';

const args = process.argv.slice(2);
const SMOKE = args.includes('--smoke');
const RUNS = Number(args[args.indexOf('--runs') + 1]) || (SMOKE ? 1 : 3);
const SHAPE = SMOKE ? { clusters: 10, jobs: 50, changes: 5 } : { clusters: 200, jobs: 250, changes: 50 };
const GOAL = { first: 1.6, steady: 1.3, changed: 1.3, pagesOpen: 1.1 };

/** Starts bench/pass-fleet.ts and reads the URL it prints. */
async function startFleet(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/pass-fleet.ts',
      '--clusters',
      String(SHAPE.clusters),
      '--jobs',
      String(SHAPE.jobs),
      '--changes',
      String(SHAPE.changes),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<never>((_, fail) =>
    child.once('exit', (code) => fail(new Error(`the bench fleet exited (${code})`))),
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = new Promise<string>((ok) => lines.once('line', ok));
  const { url } = JSON.parse(await Promise.race([first, exited])) as { url: string };
  return { url, child };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const range = (xs: number[]) =>
  `${fmt(median(xs)).padStart(8)}${xs.length > 1 ? ` [${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}]` : ''}`;
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function main() {
  if (!existsSync(join(DIST, 'manifest.json'))) {
    console.error(`No build at ${DIST}: run \`npx wxt build\` first.`);
    process.exit(1);
  }
  const fleet = await startFleet();
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
      clusterIds: Array.from({ length: SHAPE.clusters }, (_, c) => `c-m-${c.toString(36).padStart(8, '0')}`),
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
      floors.push(f.ms);
      listBytes = f.bytes;
      listItems = f.items;
    };
    const runPass = async (withSettings?: unknown): Promise<PassTiming> => {
      const t = await call<PassTiming>(
        `TattlerPass.pass(${withSettings === undefined ? '' : JSON.stringify(withSettings)})`,
      );
      const ok = t.summary.clusters.ok ?? 0;
      if (ok !== SHAPE.clusters || t.summary.storageError)
        throw new Error(`a pass read ${ok} of ${SHAPE.clusters} clusters: ${JSON.stringify(t.summary)}`);
      return t;
    };
    const step = () => fetch(`${fleet.url}/_bench/step`, { method: 'POST' }).then((r) => r.json());
    const usage = () => call<number>('TattlerPass.usage()');

    // One unmeasured read warms the server's sockets and the worker's JIT, as a second pass is warm.
    await measureFloor();
    floors.length = 0;
    for (let i = 0; i < RUNS; i++) await measureFloor();

    const u0 = await usage();
    const first = await runPass(settings);
    const u1 = await usage();
    const steady: PassTiming[] = [];
    for (let i = 0; i < RUNS; i++) steady.push(await runPass());
    const changed: PassTiming[] = [];
    for (let i = 0; i < RUNS; i++) {
      await step();
      changed.push(await runPass());
    }
    const u2 = await usage();

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
        {
          timeout: 120_000,
        },
      );
      await popup.waitForTimeout(500);
      open.push(await runPass());
      for (const p of pages) await p.close();
    }
    for (let i = 0; i < RUNS; i++) await measureFloor();
    const floor = median(floors);

    const line = (label: string, list: PassTiming[], goal?: number) => {
      const wall = list.map((t) => t.wallMs);
      const ratio = median(wall) / floor;
      const changes = list.map((t) => t.summary.changes).join('/');
      console.log(
        `  ${label.padEnd(36)}${range(wall)}  ${ratio.toFixed(2)}× the floor${goal ? ` (goal ≤ ${goal}×: ${ratio <= goal ? 'met' : 'missed'})` : ''}` +
          `; runPass ${fmt(median(list.map((t) => t.runMs)))}, ${changes} changes`,
      );
      return ratio;
    };
    console.log(
      `\npass over ${SHAPE.clusters} clusters × ${SHAPE.jobs} jobs (${listItems} jobs listed, ` +
        `${(listBytes / 1e6).toFixed(1)} MB of JSON a pass, concurrency ${settings.concurrency}) in Chromium's service worker, ` +
        `${RUNS} run(s) each, median [min–max]:`,
    );
    console.log(
      `  ${'floor: fetch + JSON.parse, same lists'.padEnd(36)}${range(floors)}  (baseline, ${floors.length} reads)`,
    );
    line('first sight (settings written)', [first], GOAL.first);
    line('steady (alarm, nothing changed)', steady, GOAL.steady);
    line(`${SHAPE.changes} jobs changed (alarm)`, changed, GOAL.changed);
    console.log(
      `  IndexedDB usage: ${(u1 - u0) / 1e6 >= 0 ? '+' : ''}${((u1 - u0) / 1e6).toFixed(1)} MB after first sight, ` +
        `${((u2 - u0) / 1e6).toFixed(1)} MB after the changed passes (navigator.storage.estimate)`,
    );

    console.log(
      '\nissue 19: steady pass with the options page and the popup open vs. both closed, alternating:',
    );
    const c = line('both closed', closed);
    const o = line('options page + popup open', open);
    console.log(
      `  ratio open / closed: ${(o / c).toFixed(2)}× (goal ≤ ${GOAL.pagesOpen}×: ${o / c <= GOAL.pagesOpen ? 'met' : 'missed'})`,
    );
  } finally {
    await ext.close();
    fleet.child.stdin?.end();
    fleet.child.kill();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

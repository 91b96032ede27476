/**
 * Where a pass's time goes: a CPU profile of the extension's service worker during a first-sight
 * pass and a steady one over the pass benchmark's fleet (bench/pass-fleet.ts), summarized by self
 * time per script and per function, and the records the pass left. A diagnostic, run by hand
 * over a build whose names are readable:
 *
 *   npx wxt build -c <a config spreading wxt.config.ts with vite build.minify false and its own
 *   outDir>; BENCH_DIST=<that outDir>/chrome-mv3 npx tsx bench/profile-pass.ts [--clusters 200] [--jobs 250]
 *
 * puppeteer-core, not playwright: it opens a DevTools session on a service worker, which the
 * profiler needs. Time the worker spends idle (waiting on the network or on IndexedDB, which
 * runs in another process) shows as "(idle)"; "(program)" is the engine's own work.
 */
import { parseArgs } from 'node:util';
import puppeteer, { type CDPSession } from 'puppeteer-core';
import { validateSettings } from '../lib/settings';
import { chromePath } from '../test/e2e/harness';
import { type CpuProfile, printSelfTime } from './cpu-profile';
import { DEMO_DIST as DIST } from './extension';
import type { PassTiming } from './page/pass-driver';
import { pageScript } from './page-script';
import { startPassFleet } from './pass-fleet-process';

const { values } = parseArgs({
  options: { clusters: { type: 'string', default: '200' }, jobs: { type: 'string', default: '250' } },
});
const fleet = await startPassFleet({
  clusters: Number(values.clusters),
  jobs: Number(values.jobs),
  changes: 0,
});
const browser = await puppeteer.launch({
  executablePath: chromePath(),
  headless: true,
  ignoreDefaultArgs: ['--disable-extensions'],
  args: [
    `--disable-extensions-except=${DIST}`,
    `--load-extension=${DIST}`,
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  // The extension's worker, not another one the browser starts (whose global has no extension API).
  const target = await browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'),
    { timeout: 30_000 },
  );
  const cdp: CDPSession = await target.createCDPSession();
  const evaluate = async <T>(expression: string): Promise<T> => {
    const r = (await cdp.send('Runtime.evaluate', {
      expression,
      awaitPromise: true,
      returnByValue: true,
    })) as {
      result: { value: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails)
      throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
    return r.result.value;
  };
  await evaluate(await pageScript('./page/pass-driver.ts', 'TattlerPass'));
  const parsed = validateSettings({
    version: 1,
    pollIntervalSec: 3600,
    sources: [{ id: 'bench', name: 'Bench', type: 'rancher', baseUrl: fleet.url }],
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));

  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  for (const [label, arg] of [
    ['first sight', JSON.stringify(parsed.value)],
    ['steady', ''],
  ] as const) {
    await cdp.send('Profiler.start');
    const t = await evaluate<PassTiming>(`TattlerPass.pass(${arg})`);
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
    console.log(
      `\n=== ${label} pass: ${t.wallMs.toFixed(0)} ms (runPass ${t.runMs.toFixed(0)} ms), ${t.summary.clusters.ok} clusters ok ===`,
    );
    printSelfTime(profile);
    console.log(`records after it: ${JSON.stringify(await evaluate('TattlerPass.counts()'))}`);
  }
} finally {
  await browser.close();
  fleet.stop();
}

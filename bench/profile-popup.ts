/**
 * Where the popup's opening time goes: a CPU profile of the popup page from navigation to the
 * complete grid, over a profile seeded by bench/popup.ts (BENCH_PROFILE=<dir>), summarized by
 * self time per function. A diagnostic, run by hand:
 *
 *   BENCH_PROFILE=/tmp/bench-profile npx tsx bench/popup.ts --runs 1   # seeds once
 *   BENCH_PROFILE=/tmp/bench-profile npx tsx bench/profile-popup.ts [7d]
 */
import { launchExtension } from '../test/e2e/harness';
import { type CpuProfile, printSelfTime } from './cpu-profile';
import { DIST } from './extension';

const dir = process.env.BENCH_PROFILE;
if (!dir) throw new Error('BENCH_PROFILE must name a profile seeded by bench/popup.ts');
const query = process.argv[2] ? `?window=${process.argv[2]}` : '';

const ext = await launchExtension({ dist: DIST, profileDir: dir, viewport: { width: 800, height: 600 } });
try {
  const page = await ext.context.newPage();
  const cdp = await ext.context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.goto(`chrome-extension://${ext.extensionId}/popup.html${query}`);
  await page.waitForFunction(
    () => performance.getEntriesByName('tattler:grid-complete').length > 0,
    undefined,
    {
      timeout: 120_000,
    },
  );
  const { profile } = (await cdp.send('Profiler.stop')) as {
    profile: CpuProfile;
  };
  const marks = await page.evaluate(() =>
    performance.getEntriesByType('mark').map((m) => `${m.name} ${m.startTime.toFixed(0)} ms`),
  );
  console.log(marks.join('\n'));
  printSelfTime(profile);
} finally {
  await ext.close();
}

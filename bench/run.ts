/**
 * `npm run bench`: every benchmark, one after the other, each printing its figures next to a
 * baseline measured in the same run. Benchmarks are not tests: nothing here passes or fails on
 * a number, because these machines are noisy; read the ratios. A benchmark that cannot run to
 * its end fails the whole run.
 *
 *   npm run bench [-- --smoke]   (--smoke: small sizes, for CI: checks every benchmark still runs)
 *   npm run bench -- --no-build  (use the builds already in .output/chrome-mv3 and chrome-mv3-demo)
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const flags = process.argv.slice(2);
const smoke = flags.includes('--smoke') ? ['--smoke'] : [];
const run = (title: string, file: string) => {
  console.log(`\n== ${title}${smoke.length ? ' (smoke size)' : ''} ==`);
  execFileSync(process.execPath, ['--import', 'tsx', file, ...smoke], { cwd: root, stdio: 'inherit' });
};

run('diff vs JSON.parse (issue: foundation)', 'bench/diff.ts');
run(
  'what a pass costs the API servers, 200 clusters x 250 jobs, before and now (issue 16)',
  'bench/traffic.ts',
);
if (!flags.includes('--no-build')) {
  console.log('\n== building the extension for the browser benchmarks ==');
  // The store build for the page benchmarks, the demo build (loopback access) for the pass.
  execFileSync('npx', ['wxt', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('npx', ['wxt', 'build', '--mode', 'demo'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
run(
  'a pass over 200 clusters x 250 jobs in the service worker; pages open vs. closed (issues 17, 19)',
  'bench/pass.ts',
);
run('popup opened -> grid painted, 2,000 jobs x 100 clusters, 50,000 changes (issue 17)', 'bench/popup.ts');
run('bytes on disk per change, 30 days of a 5,000-job fleet (issue 17)', 'bench/disk.ts');
run('annotating an alert page with 1,000 alerts (issue: badges)', 'bench/badges.ts');

/**
 * `npm run bench`: every benchmark, one after the other, each printing its figures next to a
 * baseline measured in the same run. Benchmarks are not tests: nothing here passes or fails on
 * a number, because these machines are noisy; read the ratios.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const run = (title: string, file: string, args: string[] = []) => {
  console.log(`\n== ${title} ==`);
  execFileSync(process.execPath, ['--import', 'tsx', file, ...args], { cwd: root, stdio: 'inherit' });
};

run('diff vs JSON.parse (issue: foundation)', 'bench/diff.ts');
run('one pass over 200 clusters x 250 jobs (issue: foundation)', 'bench/pass.ts');
run(
  'what a pass costs the API servers, 200 clusters x 250 jobs, before and now (issue: light on the API servers)',
  'bench/traffic.ts',
);
console.log('\n== building the extension for the browser benchmarks ==');
execFileSync('npx', ['wxt', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
run(
  'popup opened -> grid painted, 2,000 jobs x 100 clusters, 50,000 changes (issue: grid)',
  'bench/popup.ts',
);
run('annotating an alert page with 1,000 alerts (issue: badges)', 'bench/badges.ts');

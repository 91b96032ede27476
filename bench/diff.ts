/**
 * Benchmark: diffing a pass's worth of snapshots, against the cost of merely parsing them.
 * The figure to watch is the ratio diff / JSON.parse of the same snapshots (aim: under 1):
 * it says the diff costs less than reading the data did, on this machine, in this run.
 *
 *   npx tsx bench/diff.ts [--smoke]   (BENCH_N=<snapshots>, default 100,000; --smoke 10,000)
 */
import { performance } from 'node:perf_hooks';
import { diffCluster } from '../lib/diff';
import type { JobSnapshot } from '../lib/model';
import { fleetOfSnapshots } from '../test/builders';

const N = Number(process.env.BENCH_N ?? (process.argv.includes('--smoke') ? 10_000 : 100_000));
const RUNS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export function benchDiff(): { n: number; parseMs: number; diffMs: number; changes: number } {
  const prev = fleetOfSnapshots(N);
  const prevMap = new Map(prev.map((s) => [s.key, s]));
  // 1% changed, the way a real pass looks: a new resourceVersion and one moved field.
  const curr: JobSnapshot[] = prev.map((s, i) =>
    i % 100 === 0
      ? {
          ...s,
          versionToken: `${s.versionToken}x`,
          version: (s.version ?? 0) + 1,
          fields: { ...s.fields, 'containers[app].image': 'registry.example.com/shop/checkout:2.0.0' },
        }
      : { ...s },
  );
  const text = JSON.stringify(curr);

  const parseTimes: number[] = [];
  const diffTimes: number[] = [];
  let changes = 0;
  for (let r = 0; r < RUNS; r++) {
    let t = performance.now();
    const parsed = JSON.parse(text) as JobSnapshot[];
    parseTimes.push(performance.now() - t);
    t = performance.now();
    changes = diffCluster(prevMap, parsed, { windowStart: 0, windowEnd: 1 }).changes.length;
    diffTimes.push(performance.now() - t);
  }
  return { n: N, parseMs: median(parseTimes), diffMs: median(diffTimes), changes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = benchDiff();
  console.log(
    `diff of ${r.n.toLocaleString()} snapshots, 1% changed (${r.changes} changes), median of ${RUNS}:`,
  );
  console.log(`  JSON.parse of the same snapshots  ${r.parseMs.toFixed(1)} ms`);
  console.log(`  diffCluster                       ${r.diffMs.toFixed(1)} ms`);
  console.log(`  ratio diff / parse                ${(r.diffMs / r.parseMs).toFixed(2)}  (aim: < 1)`);
}

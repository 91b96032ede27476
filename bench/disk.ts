/**
 * Bytes on disk, in Chromium: 30 days of a 5,000-job fleet (50 clusters × 100 jobs) at one
 * change per job per day, seeded in the store's own shapes (bench/page/seed.ts) into a fresh
 * profile, next to the same fleet with no changes in a second profile. The difference over the
 * number of changes is what a change costs with its indexes and the per-cell aggregates that grow
 * with it. Measured twice: what the browser counts (navigator.storage.estimate()) and the
 * IndexedDB directory of the profile after the browser closed (LevelDB has flushed and
 * compacted what it will).
 *
 *   npx wxt build && npx tsx bench/disk.ts [--smoke]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, launch, popupUrl, prepare } from './extension';
import { pageScript } from './page-script';

const SMOKE = process.argv.includes('--smoke');
const DAYS = 30;
const SHAPE = SMOKE ? { clusters: 5, jobs: 20 } : { clusters: 50, jobs: 100 };
const JOBS = SHAPE.clusters * SHAPE.jobs;
const TARGET = 300;

function size(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + size(join(path, name)), 0);
}

/** The extension origin's IndexedDB folder(s) in a profile. */
function indexedDbBytes(profile: string, id: string): number {
  const dir = join(profile, 'Default', 'IndexedDB');
  return readdirSync(dir)
    .filter((name) => name.includes(id))
    .reduce((sum, name) => sum + size(join(dir, name)), 0);
}

interface Measured {
  changes: number;
  estimate: number;
  disk: number;
}

/** A fresh profile with the fleet and `changes` changes; its growth in bytes, both ways. */
async function measure(changes: number): Promise<Measured> {
  const profile = mkdtempSync(join(tmpdir(), 'tattler-disk-'));
  try {
    const ext = await launch(DIST, profile);
    let estimate: number;
    let seeded: number;
    try {
      await prepare(ext.context, ext.id);
      const page = await ext.context.newPage();
      await page.goto(popupUrl(ext.id));
      await page.evaluate(await pageScript('./page/seed.ts', 'TattlerSeed'));
      const result = (await page.evaluate(
        async (shape) => {
          type Seed = {
            seed(s: unknown): Promise<Record<string, number>>;
            usage(): Promise<number>;
          };
          const api = (globalThis as unknown as { TattlerSeed: Seed }).TattlerSeed;
          const before = await api.usage();
          const counts = await api.seed(shape);
          return { counts, grew: (await api.usage()) - before };
        },
        { ...SHAPE, presence: 1, changes, days: DAYS, now: Date.now() },
      )) as { counts: Record<string, number>; grew: number };
      estimate = result.grew;
      seeded = result.counts.changes ?? 0;
      await page.close();
    } finally {
      await ext.close();
    }
    return { changes: seeded, estimate, disk: indexedDbBytes(profile, ext.id) };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

async function main() {
  const changes = JOBS * DAYS;
  const none = await measure(0);
  const full = await measure(changes);
  const perChange = (a: number, b: number) => (b - a) / full.changes;
  console.log(
    `bytes on disk in Chromium: ${JOBS.toLocaleString('en')} jobs (${SHAPE.clusters} clusters × ${SHAPE.jobs}), ` +
      `${DAYS} days at one change per job per day = ${full.changes.toLocaleString('en')} changes`,
  );
  console.log(
    `  ${'navigator.storage.estimate() growth'.padEnd(40)}no changes ${mb(none.estimate)}, ` +
      `with them ${mb(full.estimate)}: ${perChange(none.estimate, full.estimate).toFixed(0)} B/change`,
  );
  console.log(
    `  ${'IndexedDB folder, browser closed'.padEnd(40)}no changes ${mb(none.disk)}, ` +
      `with them ${mb(full.disk)}: ${perChange(none.disk, full.disk).toFixed(0)} B/change ` +
      `(target ≤ ${TARGET} B, ratio ${(perChange(none.disk, full.disk) / TARGET).toFixed(2)}×)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

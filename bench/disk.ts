/**
 * Bytes on disk, in Chromium: 30 days of a 5,000-job fleet (50 clusters × 100 jobs) at one
 * change per job per day, seeded in the store's own shapes (bench/page/seed.ts) into a fresh
 * profile, next to the same fleet with no changes in a second profile. The difference over the
 * number of changes is what a change costs with its indexes and the per-cell aggregates that grow
 * with it. Measured three ways: what the browser counts (navigator.storage.estimate()), the
 * IndexedDB directory of the profile after the browser closed, and the same directory after the
 * profile was opened once more and closed (LevelDB has then written its log into compacted
 * tables: the figure the target is judged by).
 *
 *   npx wxt build && npx tsx bench/disk.ts [--smoke]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, launch, openPopup, popupUrl, prepare } from './extension';
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
  /** The folder right after the browser that wrote it closed. */
  closed: number;
  /** The folder after the profile was opened once more (the popup read it) and closed. */
  disk: number;
}

/**
 * LevelDB keeps the newest writes in its log until the database is next opened, when it writes
 * them into a compressed table: the folder measured right after the writing browser closed held
 * 176 B a change in one run and 330 B in another on the same code, by when the browser had
 * compacted. Opening the profile once more and closing it measures the state it settles in.
 */
async function settledBytes(profile: string): Promise<number> {
  const ext = await launch(DIST, profile);
  try {
    await (await openPopup(ext.context, ext.id)).close();
  } finally {
    await ext.close();
  }
  return indexedDbBytes(profile, ext.id);
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
    const closed = indexedDbBytes(profile, ext.id);
    return { changes: seeded, estimate, closed, disk: await settledBytes(profile) };
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
    `  ${'navigator.storage.estimate() growth'.padEnd(42)}no changes ${mb(none.estimate)}, ` +
      `with them ${mb(full.estimate)}: ${perChange(none.estimate, full.estimate).toFixed(0)} B/change`,
  );
  console.log(
    `  ${'IndexedDB folder, writing browser closed'.padEnd(42)}no changes ${mb(none.closed)}, ` +
      `with them ${mb(full.closed)}: ${perChange(none.closed, full.closed).toFixed(0)} B/change`,
  );
  console.log(
    `  ${'IndexedDB folder, reopened and closed'.padEnd(42)}no changes ${mb(none.disk)}, ` +
      `with them ${mb(full.disk)}: ${perChange(none.disk, full.disk).toFixed(0)} B/change ` +
      `(target ≤ ${TARGET} B, ratio ${(perChange(none.disk, full.disk) / TARGET).toFixed(2)}×)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

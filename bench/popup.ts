/**
 * Popup benchmark: popup opened → complete grid painted, over a seeded database (2,000 jobs ×
 * 100 clusters, 50,000 changes over a week) next to the same popup over an empty one, at the
 * 1 h and 7 d windows.
 *
 *   npx wxt build && npx tsx bench/popup.ts [--runs 5] [--screenshots] [--smoke]
 *
 * Builds nothing itself: it loads `.output/chrome-mv3` into Debian's Chromium (CHROME_PATH or
 * /usr/bin/chromium) through playwright-core. The popup marks `tattler:grid-complete` after its
 * first frame with data (the packed grid makes it the complete one); this reads it. Seeding runs
 * bench/page/seed.ts inside the extension's own page: the store's shapes, written with the raw
 * IndexedDB API. Prints figures; it is not a test and asserts nothing.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { COMPLETE, DIST, launch as launchIn, openPopup, popupUrl, prepare } from './extension';
import { pageScript } from './page-script';

const args = process.argv.slice(2);
const SMOKE = args.includes('--smoke');
const RUNS = Number(args[args.indexOf('--runs') + 1]) || (SMOKE ? 1 : 5);
const SCREENSHOTS = args.includes('--screenshots');
const SHAPE = SMOKE
  ? { clusters: 10, jobs: 100, changes: 1_000, presence: 0.85 }
  : { clusters: 100, jobs: 2000, changes: 50_000, presence: 0.85 };

/** Rows in the seeded database, to reuse a BENCH_PROFILE directory seeded by an earlier run. */
async function seededChanges(context: BrowserContext, id: string): Promise<number> {
  const page = await context.newPage();
  await page.goto(popupUrl(id));
  const n = await page.evaluate(
    () =>
      new Promise<number>((ok) => {
        const req = indexedDB.open('tattler');
        req.onsuccess = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('log')) return ok(0);
          const count = db.transaction('log').objectStore('log').count();
          count.onsuccess = () => ok(count.result);
        };
        req.onerror = () => ok(0);
      }),
  );
  await page.close();
  return n;
}

interface Sample {
  completeMs: number;
  /** When the view (clusters, poll runs, the packed grid) had been read (ms since the popup opened). */
  viewMs?: number;
  cells: number;
  rows: number;
}

async function measure(context: BrowserContext, id: string, query = ''): Promise<Sample> {
  const page = await openPopup(context, id, query);
  const sample = await page.evaluate((complete) => {
    const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime;
    return {
      completeMs: at(complete) as number,
      viewMs: at('tattler:view-loaded'),
      cells: document.querySelectorAll('[role="gridcell"]').length,
      rows: Number(document.querySelector('[role="grid"]')?.getAttribute('aria-rowcount') ?? 1) - 1,
    };
  }, COMPLETE);
  await page.close();
  return sample;
}

/** Scrolls the grid by (dy, dx) a frame for 60 frames and reports frame intervals. */
async function scrollFrames(
  page: Page,
  dy: number,
  dx: number,
): Promise<{ median: number; p95: number; max: number; cells: number }> {
  return page.evaluate(
    async ([dy, dx]) => {
      const grid = document.querySelector('[role="grid"]') as HTMLElement;
      grid.scrollTop = 0;
      grid.scrollLeft = 0;
      await new Promise((r) => setTimeout(r, 300));
      const times: number[] = [];
      let last = performance.now();
      let maxCells = 0;
      for (let i = 0; i < 60; i++) {
        grid.scrollTop += dy;
        grid.scrollLeft += dx;
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        const t = performance.now();
        times.push(t - last);
        last = t;
        maxCells = Math.max(maxCells, document.querySelectorAll('[role="gridcell"]').length);
      }
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
      return { median: at(0.5), p95: at(0.95), max: at(1), cells: maxCells };
    },
    [dy, dx] as const,
  );
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: s[Math.floor(s.length / 2)] as number,
    min: s[0] as number,
    max: s[s.length - 1] as number,
  };
};
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function main() {
  if (!existsSync(join(DIST, 'manifest.json'))) {
    console.error(`No build at ${DIST}: run \`npx wxt build\` first.`);
    process.exit(1);
  }

  const empty = await launchIn(DIST);
  // BENCH_PROFILE=<dir> keeps the seeded browser profile between runs (seeding takes a while);
  // its data then ages from the time it was seeded.
  const seeded = await launchIn(DIST, process.env.BENCH_PROFILE ?? '');
  try {
    await prepare(empty.context, empty.id);
    if ((await seededChanges(seeded.context, seeded.id)) < SHAPE.changes) {
      await prepare(seeded.context, seeded.id);
      const t0 = performance.now();
      const page = await seeded.context.newPage();
      await page.goto(popupUrl(seeded.id));
      await page.evaluate(await pageScript('./page/seed.ts', 'TattlerSeed'));
      const counts = (await page.evaluate(
        (shape) =>
          (globalThis as unknown as { TattlerSeed: { seed(s: unknown): unknown } }).TattlerSeed.seed(shape),
        { ...SHAPE, now: Date.now() },
      )) as Record<string, number>;
      await page.close();
      console.log(
        `seeded ${counts.clusters} clusters, ${counts.jobs} job snapshots (${SHAPE.jobs} jobs), ` +
          `${counts.changes} changes in ${counts.cells} cells, ${counts.polls} poll runs in ${fmt(performance.now() - t0)}`,
      );
    } else console.log(`reusing the seeded profile in ${process.env.BENCH_PROFILE}`);

    const runs = { empty: [] as Sample[], seeded1h: [] as Sample[], seeded7d: [] as Sample[] };
    for (let i = 0; i < RUNS; i++) {
      runs.empty.push(await measure(empty.context, empty.id));
      runs.seeded1h.push(await measure(seeded.context, seeded.id));
      runs.seeded7d.push(await measure(seeded.context, seeded.id, '?window=7d'));
    }
    const median = (list: Sample[], key: keyof Sample) => stats(list.map((x) => x[key] ?? Number.NaN)).median;
    const col = (list: Sample[], key: keyof Sample) => {
      const st = stats(list.map((x) => x[key] ?? Number.NaN));
      return `${fmt(st.median).padStart(8)} [${fmt(st.min)}–${fmt(st.max)}]`.padEnd(28);
    };
    console.log(
      `\npopup opened → complete grid painted (first frame = complete), ${RUNS} runs each, median [min–max]`,
    );
    for (const [label, list] of [
      ['empty database (no clusters)', runs.empty],
      ['seeded, 1 h window (default)', runs.seeded1h],
      ['seeded, 7 day window (all 50k)', runs.seeded7d],
    ] as const) {
      console.log(
        `  ${label.padEnd(34)}${col(list, 'completeMs')} view read at ${fmt(median(list, 'viewMs'))}`,
      );
    }
    for (const [label, list] of [
      ['1 h', runs.seeded1h],
      ['7 d', runs.seeded7d],
    ] as const) {
      console.log(
        `  ratio seeded ${label} / empty: ${(median(list, 'completeMs') / median(runs.empty, 'completeMs')).toFixed(2)}× (goal ≤ 1.5×)`,
      );
    }
    const s1 = runs.seeded1h[0];
    console.log(`  grid (1 h): ${s1?.rows} rows × ${SHAPE.clusters} clusters, ${s1?.cells} cells in the DOM`);

    // The smoke size shows the grid runs; scrolling a grid of 10 clusters says nothing.
    if (SMOKE) return;
    const scroller = await openPopup(seeded.context, seeded.id);
    console.log(
      '\nscrolling the seeded grid, 60 frames each: frame interval median / p95 / max (60 Hz = 16.7 ms)',
    );
    for (const [label, dy, dx] of [
      ['idle (no scrolling)', 0, 0],
      ['down 100 px a frame (wheel)', 100, 0],
      ['right 40 px a frame', 0, 40],
      ['fling: 180 px down + 40 px right', 180, 40],
    ] as const) {
      const f = await scrollFrames(scroller, dy, dx);
      console.log(
        `  ${label.padEnd(34)}${f.median.toFixed(1)} / ${f.p95.toFixed(1)} / ${f.max.toFixed(1)} ms, ` +
          `≤ ${f.cells} cells in the DOM`,
      );
    }
    await scroller.close();

    if (SCREENSHOTS) {
      mkdirSync('test-results', { recursive: true });
      for (const scheme of ['light', 'dark'] as const) {
        const shot = await openPopup(seeded.context, seeded.id, '', scheme);
        await shot.waitForTimeout(1500);
        await shot.screenshot({ path: `test-results/popup-${scheme}.png` });
        // A pinned detail on the first hot cell in view (rows: latest change first).
        const cell = shot.locator('[role="gridcell"].lv4, [role="gridcell"].lv3').first();
        if (await cell.count()) {
          await cell.click();
          await shot.waitForTimeout(200);
          await shot.screenshot({ path: `test-results/popup-${scheme}-detail.png` });
        }
        await shot.close();
      }
      console.log('\nscreenshots: test-results/popup-{light,dark}{,-detail}.png');
    }
  } finally {
    await empty.context.close();
    await seeded.context.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

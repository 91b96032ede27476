/**
 * Popup benchmark: popup opened → first grid frame painted, over a seeded database
 * (2,000 jobs × 100 clusters, 50,000 changes) next to the same popup over an empty one.
 *
 *   npx wxt build && npx tsx bench/popup.ts [--runs 5] [--screenshots]
 *
 * Builds nothing itself: it loads `.output/chrome-mv3` into Debian's Chromium (CHROME_PATH or
 * /usr/bin/chromium) through playwright-core. The popup sets `performance.mark('tattler:grid-painted')`
 * after its first frame with data; this reads it. Seeding writes rows of lib/db.ts's schema with
 * the raw IndexedDB API inside the extension's own page (the database Dexie created there).
 * Prints figures; it is not a test and asserts nothing.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { Change, Cluster, JobSnapshot, PollRun } from '../lib/model';
import { validateSettings } from '../lib/settings';
import { launchExtension } from '../test/e2e/harness';

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 5;
const SCREENSHOTS = args.includes('--screenshots');
const DIST = resolve('.output/chrome-mv3');
const MARK = 'tattler:grid-painted';
/** Set when the grid also knows where every job runs (all rows, absent marks). */
const COMPLETE = 'tattler:grid-complete';

const SHAPE = { clusters: 100, jobs: 2000, changes: 50_000, presence: 0.85 };

// The background runs a pass when settings change, then every pollIntervalSec. An hour keeps it
// from polling (and failing on) the made-up Rancher while the figures are taken.
const settings = validateSettings({
  version: 1,
  pollIntervalSec: 3600,
  sources: [
    {
      id: 'fleet',
      name: 'Fleet',
      type: 'rancher',
      // Nothing listens there: the pass a settings change starts fails at once, on loopback.
      baseUrl: 'http://127.0.0.1:9',
      links: {
        user: 'https://rancher.example.com/dashboard/c/local/explorer/apps.deployment?changedBy={user}',
      },
    },
  ],
});
if (!settings.ok) throw new Error(settings.errors.join('\n'));

async function launch(profileDir = ''): Promise<{ context: BrowserContext; id: string }> {
  const ext = await launchExtension({ dist: DIST, profileDir, viewport: { width: 800, height: 600 } });
  // esbuild (through tsx) wraps named functions in __name(); functions sent to pages need it defined.
  await ext.context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  return { context: ext.context, id: ext.extensionId };
}

const popupUrl = (id: string, query = '') => `chrome-extension://${id}/popup.html${query}`;

async function openPopup(
  context: BrowserContext,
  id: string,
  query = '',
  scheme: 'light' | 'dark' = 'light',
) {
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(popupUrl(id, query));
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, COMPLETE, {
    timeout: 180_000,
  });
  return page;
}

/**
 * Writes settings and waits for the pass that triggers to end (it fails: the Rancher is made
 * up), then lets the popup create the database with its own Dexie schema.
 */
async function prepare(context: BrowserContext, id: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(popupUrl(id));
  await page.evaluate(
    async (value) => {
      // biome-ignore lint/suspicious/noExplicitAny: the page's own extension API, untyped here.
      const chrome = (globalThis as any).chrome;
      await chrome.storage.local.set({ settings: value });
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 200));
        const status = await chrome.runtime.sendMessage({ type: 'status' }).catch(() => undefined);
        if (status && !status.running && status.last) break;
      }
    },
    settings.ok ? settings.value : null,
  );
  await page.close();
  await (await openPopup(context, id)).close();
}

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
          if (!db.objectStoreNames.contains('changes')) return ok(0);
          const count = db.transaction('changes').objectStore('changes').count();
          count.onsuccess = () => ok(count.result);
        };
        req.onerror = () => ok(0);
      }),
  );
  await page.close();
  return n;
}

interface SeedShape {
  clusters: number;
  jobs: number;
  changes: number;
  presence: number;
  now: number;
}

/** Runs inside the extension page. Self-contained: no imports, no outer helpers. */
async function seed(shape: SeedShape): Promise<Record<string, number>> {
  let state = 42;
  const rand = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const { now } = shape;
  const MIN = 60_000;
  const HOUR = 60 * MIN;
  const DAY = 24 * HOUR;
  const regions = ['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south'];
  const namespaces = ['shop', 'payments', 'search', 'identity', 'platform', 'data', 'edge'];
  const words = [
    'checkout',
    'cart',
    'pricing',
    'ledger',
    'gateway',
    'indexer',
    'auth',
    'profile',
    'mailer',
    'cache',
  ];
  const people = ['alice', 'bob', 'carol', 'dmitri', 'erin', 'farah', 'gustav', 'hana'];

  const clusters: Cluster[] = [];
  for (let i = 0; i < shape.clusters; i++) {
    const region = regions[i % regions.length] as string;
    const c: Cluster = {
      id: `fleet/c-${i}`,
      sourceId: 'fleet',
      nativeId: `c-${i}`,
      name: `prod-${region}-${Math.floor(i / regions.length) + 1}`,
      apiBase: `https://rancher.example.com/k8s/clusters/c-${i}`,
      group: region,
      firstSeen: now - 10 * DAY,
      lastSeen: now - 30_000,
      lastOkPoll: now - 30_000,
    };
    if (i === 7) c.goneSince = now - 2 * DAY;
    clusters.push(c);
  }
  const jobs: Array<{ rowKey: string; namespace: string; name: string }> = [];
  for (let j = 0; j < shape.jobs; j++) {
    const namespace = namespaces[j % namespaces.length] as string;
    const name = `${words[j % words.length]}-${Math.floor(j / words.length)}`;
    jobs.push({ rowKey: `Deployment:${namespace}/${name}`, namespace, name });
  }
  const present = new Set<string>();
  const snapshots: JobSnapshot[] = [];
  for (const c of clusters) {
    for (const j of jobs) {
      if (rand() > shape.presence) continue;
      const key = `${c.id}|${j.rowKey}`;
      present.add(key);
      snapshots.push({
        key,
        clusterId: c.id,
        rowKey: j.rowKey,
        kind: 'Deployment',
        namespace: j.namespace,
        name: j.name,
        versionToken: String(Math.floor(rand() * 1e9)),
        version: 10 + Math.floor(rand() * 40),
        fields: {
          'containers[app].image': `registry.example.com/${j.namespace}/${j.name}:1.${Math.floor(rand() * 9)}.0`,
          'spec.replicas': 2 + Math.floor(rand() * 4),
          'containers[app].env': ['LOG_LEVEL', 'REGION', 'DB_URL', 'FEATURE_FLAGS'],
          'containers[app].resources.limits.memory': '512Mi',
        },
        health: { state: rand() < 0.02 ? 'degraded' : 'healthy', ready: 3, desired: 3 },
        changedAt: now - Math.floor(rand() * 10 * DAY),
        changedBy: { name: pick(people), kind: 'person' },
        link: `https://rancher.example.com/dashboard/c/${c.nativeId}/explorer/apps.deployment/${j.namespace}/${j.name}`,
        observedAt: now - 30_000,
      });
    }
  }

  const changes: Change[] = [];
  const addChange = (c: Cluster, j: (typeof jobs)[number], at: number, extra: Partial<Change>) => {
    const i = changes.length;
    changes.push({
      id: `ch-${i}`,
      clusterId: c.id,
      jobKey: `${c.id}|${j.rowKey}`,
      rowKey: j.rowKey,
      kind: 'Deployment',
      namespace: j.namespace,
      name: j.name,
      type: 'updated',
      windowStart: at - MIN,
      windowEnd: at + 30_000,
      at,
      reportedAt: at,
      actor: { name: pick(people), kind: 'person', via: 'annotation example.com/changed-by' },
      fields: [{ path: 'spec.replicas', before: 3, after: 4 }],
      fromVersion: 20,
      toVersion: 21,
      link: `https://rancher.example.com/dashboard/c/${c.nativeId}/explorer/apps.deployment/${j.namespace}/${j.name}`,
      ...extra,
    });
  };
  // Rollouts: 30 jobs get one image across most clusters within the last hour.
  for (let r = 0; r < 30; r++) {
    const j = jobs[r * 37] as (typeof jobs)[number];
    const actor = pick(people);
    for (const c of clusters) {
      if (!present.has(`${c.id}|${j.rowKey}`) || rand() < 0.3) continue;
      addChange(c, j, now - Math.floor(rand() * 50 * MIN), {
        actor: { name: actor, kind: 'person' },
        fields: [
          {
            path: 'containers[app].image',
            before: `registry.example.com/${j.namespace}/${j.name}:1.4.1`,
            after: `registry.example.com/${j.namespace}/${j.name}:1.4.2`,
          },
        ],
      });
    }
  }
  // The rest: a fifth in the last hour, the others over seven days.
  while (changes.length < shape.changes) {
    const c = pick(clusters);
    let j = pick(jobs);
    // Changes happen where jobs run (a few stay where one was deleted since).
    for (let k = 0; k < 5 && !present.has(`${c.id}|${j.rowKey}`); k++) j = pick(jobs);
    const recent = rand() < 0.2;
    const at = now - Math.floor(rand() * (recent ? HOUR : 7 * DAY));
    const roll = rand();
    const extra: Partial<Change> =
      roll < 0.05
        ? { type: 'created' }
        : roll < 0.08
          ? { type: 'deleted' }
          : roll < 0.12
            ? { type: 'status', fields: [{ path: 'health', before: 'healthy', after: 'degraded' }] }
            : roll < 0.2
              ? { actor: { name: 'argocd', kind: 'automation' } }
              : roll < 0.26
                ? { actor: { name: 'kubectl-client-side-apply', kind: 'client', via: 'managedFields' } }
                : roll < 0.3
                  ? { actorStale: true, skipped: 2 }
                  : {};
    addChange(c, j, at, extra);
  }

  const polls: PollRun[] = clusters.map((c) => ({
    target: c.id,
    sourceId: 'fleet',
    status: 'ok',
    from: now - 7 * DAY,
    to: c.goneSince ?? now - 30_000,
    count: 10_000,
  }));
  for (const i of [3, 44, 71]) {
    polls.push({
      target: `fleet/c-${i}`,
      sourceId: 'fleet',
      status: 'auth',
      from: now - 40 * MIN,
      to: now - 20_000,
      count: 40,
      message: `401 on /k8s/clusters/c-${i}/apis/apps/v1/deployments`,
      loginUrl: 'https://rancher.example.com/dashboard/auth/login',
    });
  }
  polls.push({
    target: 'fleet/c-12',
    sourceId: 'fleet',
    status: 'unreachable',
    from: now - 25 * MIN,
    to: now - 20_000,
    count: 25,
    message: 'timeout after 10 s',
  });

  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const req = indexedDB.open('tattler');
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
  const stores = ['clusters', 'jobs', 'changes', 'polls'];
  const missing = stores.filter((s) => !db.objectStoreNames.contains(s));
  if (missing.length) throw new Error(`database lacks ${missing.join(', ')}: did the popup open it?`);
  const write = (store: string, rows: readonly object[]) =>
    new Promise<void>((ok, fail) => {
      const tx = db.transaction(store, 'readwrite');
      const os = tx.objectStore(store);
      for (const row of rows) os.put(row);
      tx.oncomplete = () => ok();
      tx.onerror = () => fail(tx.error);
    });
  await write('clusters', clusters);
  for (let i = 0; i < snapshots.length; i += 20_000) await write('jobs', snapshots.slice(i, i + 20_000));
  await write('changes', changes);
  await write('polls', polls);
  db.close();
  return { clusters: clusters.length, jobs: snapshots.length, changes: changes.length, polls: polls.length };
}

interface Sample {
  paintMs: number;
  completeMs: number;
  /** When the window's activity and the job keys had been read (ms since the popup opened). */
  activityMs?: number;
  keysMs?: number;
  cells: number;
  rows: number;
}

async function measure(context: BrowserContext, id: string, query = ''): Promise<Sample> {
  const page = await openPopup(context, id, query);
  const sample = await page.evaluate(
    ([mark, complete]) => {
      const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime;
      return {
        paintMs: at(mark) as number,
        completeMs: at(complete) as number,
        activityMs: at('tattler:activity-loaded'),
        keysMs: at('tattler:job-keys-loaded'),
        cells: document.querySelectorAll('[role="gridcell"]').length,
        rows: Number(document.querySelector('[role="grid"]')?.getAttribute('aria-rowcount') ?? 1) - 1,
      };
    },
    [MARK, COMPLETE] as const,
  );
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

  const empty = await launch();
  // BENCH_PROFILE=<dir> keeps the seeded browser profile between runs (seeding takes a while);
  // its data then ages from the time it was seeded.
  const seeded = await launch(process.env.BENCH_PROFILE ?? '');
  try {
    await prepare(empty.context, empty.id);
    if ((await seededChanges(seeded.context, seeded.id)) < SHAPE.changes) {
      await prepare(seeded.context, seeded.id);
      const t0 = performance.now();
      const page = await seeded.context.newPage();
      await page.goto(popupUrl(seeded.id));
      const counts = await page.evaluate(seed, { ...SHAPE, now: Date.now() });
      await page.close();
      console.log(
        `seeded ${counts.clusters} clusters, ${counts.jobs} job snapshots (${SHAPE.jobs} jobs), ` +
          `${counts.changes} changes, ${counts.polls} poll runs in ${fmt(performance.now() - t0)}`,
      );
    } else console.log(`reusing the seeded profile in ${process.env.BENCH_PROFILE}`);

    const runs = { empty: [] as Sample[], seeded1h: [] as Sample[], seeded7d: [] as Sample[] };
    for (let i = 0; i < RUNS; i++) {
      runs.empty.push(await measure(empty.context, empty.id));
      runs.seeded1h.push(await measure(seeded.context, seeded.id));
      runs.seeded7d.push(await measure(seeded.context, seeded.id, '?window=7d'));
    }
    const col = (list: Sample[], key: keyof Sample) => {
      const st = stats(list.map((x) => x[key] ?? Number.NaN));
      return `${fmt(st.median).padStart(8)} [${fmt(st.min)}–${fmt(st.max)}]`.padEnd(28);
    };
    const median = (list: Sample[], key: keyof Sample) => stats(list.map((x) => x[key] ?? Number.NaN)).median;
    console.log(`\npopup opened → painted, ${RUNS} runs each, median [min–max]`);
    console.log(`  ${''.padEnd(34)}${'first grid frame'.padEnd(28)}complete (where every job runs)`);
    for (const [label, list] of [
      ['empty database (no clusters)', runs.empty],
      ['seeded, 1 h window (default)', runs.seeded1h],
      ['seeded, 7 day window (all 50k)', runs.seeded7d],
    ] as const) {
      console.log(`  ${label.padEnd(34)}${col(list, 'paintMs')}${col(list, 'completeMs')}`);
    }
    for (const [label, list] of [
      ['1 h', runs.seeded1h],
      ['7 d', runs.seeded7d],
    ] as const) {
      console.log(
        `  ratio seeded ${label} / empty: first frame ${(median(list, 'paintMs') / median(runs.empty, 'paintMs')).toFixed(1)}×, ` +
          `complete ${(median(list, 'completeMs') / median(runs.empty, 'completeMs')).toFixed(1)}×`,
      );
    }
    const s1 = runs.seeded1h[0];
    console.log(
      `  grid (1 h, complete): ${s1?.rows} rows × ${SHAPE.clusters} clusters, ${s1?.cells} cells in the DOM`,
    );
    console.log(
      `  reads, 1 h: window's changes/clusters/polls at ${fmt(median(runs.seeded1h, 'activityMs'))}, job keys at ` +
        `${fmt(median(runs.seeded1h, 'keysMs'))}; 7 d: ${fmt(median(runs.seeded7d, 'activityMs'))}, ` +
        `${fmt(median(runs.seeded7d, 'keysMs'))}`,
    );

    const scroller = await openPopup(seeded.context, seeded.id);
    // Let the degraded-snapshot scan (after the complete paint) finish, as a user would.
    const degradedMs = await scroller.evaluate(async () => {
      for (let i = 0; i < 1200; i++) {
        const e = performance.getEntriesByName('tattler:degraded-loaded')[0];
        if (e) return e.startTime;
        await new Promise((r) => setTimeout(r, 50));
      }
      return Number.NaN;
    });
    console.log(`  degraded marks (every snapshot read, after the complete paint) at ${fmt(degradedMs)}`);
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

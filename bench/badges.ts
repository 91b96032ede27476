/**
 * Badges on a big alert page: what annotating costs the page's main thread, next to what the
 * page's own load costs, in the same browser run. Prints figures; not a test.
 *
 *   npx tsx bench/badges.ts [alerts=1000] [runs=5] [--smoke]   (--smoke: 100 alerts, 1 run)
 *
 * How: a server on 127.0.0.1 serves an alert list in Alertmanager's classic markup (groups of
 * `li.list-group-item`, labels as `.btn-group > span.btn` key="value", the start time in the
 * title span), rendered by the page's own script from embedded data as the Elm app renders it
 * after load, and the page integrations' runtime bundled with esbuild (the Alertmanager
 * integration, the scanner/observer, the Preact badge) — injected into the page, not loaded as
 * an extension: the background's answer is simulated in the page (a third of the alerts hot,
 * a third quiet, a third unwatched), so the figures are the content script's work only, without
 * IndexedDB or messaging. Main-thread time is Chromium's own accounting (CDP
 * Performance.getMetrics TaskDuration: script, style, layout, everything on the main thread).
 *
 * Measured per run, in a fresh page:
 *   page load       navigation → the page's script has rendered every alert (and laid them out)
 *   annotate        injecting and starting the runtime → every badge mounted and laid out
 *   rescan          a scan that finds nothing new (what every DOM change costs afterwards)
 *   re-render       the page replaces every alert element (a full redraw), with and without
 *                   Tattler; the difference is re-annotation
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type CDPSession, chromium, type Page } from 'playwright-core';

const SMOKE = process.argv.includes('--smoke');
const [alertsArg, runsArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const ALERTS = Number(alertsArg ?? (SMOKE ? 100 : 1000));
const RUNS = Number(runsArg ?? (SMOKE ? 1 : 5));
const PER_GROUP = 20;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const ENTRY = `
import { mountBadge } from './components/badge/mount';
import { alertmanager } from './lib/pages/alertmanager';
import { startRuntime } from './lib/pages/runtime';
import { defaultSettings } from './lib/settings';

function answer(subjects) {
  const now = Date.now();
  return {
    generatedAt: now,
    changes: {
      hot: {
        id: 'hot', clusterId: 'r/c-1', clusterName: 'prod-eu-1', kind: 'Deployment', namespace: 'shop',
        name: 'checkout', type: 'updated', at: now - 240000, windowStart: now - 300000, windowEnd: now - 240000,
        actor: { name: 'alice', kind: 'person' },
        fields: [{ path: 'containers[app].image', before: 'checkout:1.4.1', after: 'checkout:1.4.2' }],
      },
    },
    results: subjects.map((s, i) => {
      const n = Number(s.labels.deployment.replace(/\\D/g, '')) % 3;
      const hot = n === 0;
      return {
        key: s.key, watched: n !== 2, mode: 'alert',
        looked: { jobs: [s.labels.deployment], clusterLabels: [s.labels.cluster], clusters: [], from: s.startsAt - 7200000, to: s.startsAt + 300000, startsAt: s.startsAt },
        ranked: hot ? [{ id: 'hot', relation: 'same-job-same-cluster', timing: 'before', offsetMs: 240000, reason: 'same job, same cluster, changed 4 min before the alert started' }] : [],
        total: hot ? 2 : 0,
        headline: hot
          ? { count: 2, afterCount: 0, level: 4, glyph: '2', offsetMs: 240000, timing: 'before', actor: 'alice', relation: 'same-job-same-cluster' }
          : { count: 0, afterCount: 0, level: 0, glyph: '' },
        blind: [],
      };
    }),
  };
}

const runtime = startRuntime({
  doc: document,
  integrations: [alertmanager],
  labels: defaultSettings().labels,
  mountBadge,
  refreshMs: 0,
  correlate: async (subjects) => answer(subjects),
  log: () => {},
});
window.__tattler = { idle: () => runtime.idle(), count: () => runtime.badgeCount(), rescan: () => runtime.rescan() };
`;

/** The page's own script: renders the alert list from data, as Alertmanager's Elm UI does. */
const PAGE_SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById('data').textContent);
  const h = (tag, cls, children) => {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    for (const c of children || []) n.append(c);
    return n;
  };
  const label = (k, v, groupLabel) => h('div', groupLabel ? 'btn-group me-1 mb-1' : 'btn-group mr-2 mb-2', [
    h('span', groupLabel ? 'btn text-muted' : 'btn btn-sm border-right-0 text-muted', [k + '="' + v + '"']),
    h('button', 'btn btn-sm bg-faded btn-outline-secondary', ['+']),
  ]);
  function item(a) {
    return h('li', 'align-items-start list-group-item border-0 p-0 mb-4', [
      h('div', 'w-100 mb-2 d-flex align-items-start', [
        h('span', 'align-self-center mr-2', [a.startsAt]),
        h('button', 'btn btn-outline-info border-0', ['Info']),
        h('a', 'btn btn-outline-info border-0', ['Source']),
        h('a', 'btn btn-outline-info border-0', ['Silence']),
      ]),
      h('div', '', Object.entries(a.labels).map(([k, v]) => label(k, v))),
    ]);
  }
  function render() {
    const groups = data.groups.map((g) => h('div', '', [
      h('div', 'mb-3', [
        h('button', 'btn btn-outline-info border-0 me-1 mb-1', [h('i', 'fa fa-minus me-2', []), 'team-pager']),
        ...Object.entries(g.labels).map(([k, v]) => label(k, v, true)),
        h('span', 'ms-1 mb-0', [g.alerts.length + ' alerts']),
      ]),
      h('ul', 'list-group mb-0', g.alerts.map(item)),
    ]));
    document.getElementById('list').replaceChildren(h('div', 'ps-5', groups));
    void document.body.offsetHeight;
  }
  render();
  window.__rerender = render;
  window.__rendered = true;
})();
`;

function pageHtml(alerts: number): string {
  const groups = [];
  const start = Date.now() - 3_600_000;
  for (let g = 0; g * PER_GROUP < alerts; g++) {
    const list = [];
    for (let i = g * PER_GROUP; i < Math.min(alerts, (g + 1) * PER_GROUP); i++) {
      list.push({
        startsAt: new Date(start + i * 1000).toISOString(),
        labels: {
          deployment: `app-${i}`,
          namespace: `ns-${i % 7}`,
          pod: `app-${i}-7d9f8b6c5-x2x9q`,
          severity: 'warning',
        },
      });
    }
    groups.push({ labels: { alertname: `Alert${g}`, cluster: `prod-${g % 4}` }, alerts: list });
  }
  const css = `body{font:14px/1.5 system-ui;margin:0}.container{padding:1rem 2rem}.btn{display:inline-block;border:1px solid #ccc;padding:.1rem .4rem;border-radius:3px;background:none;font:inherit}.btn-group{display:inline-flex;margin:0 .3rem .3rem 0}.d-flex{display:flex;gap:.4rem;align-items:center}.list-group{list-style:none;padding:0}.list-group-item{padding:.3rem 0;border-bottom:1px solid #eee}.text-muted{color:#6c757d}.ps-5{padding-left:3rem}`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Alertmanager</title><style>${css}</style></head>
<body><nav class="navbar"><a class="navbar-brand" href="#">Alertmanager</a></nav><div class="container"><div id="list"></div></div>
<script type="application/json" id="data">${JSON.stringify({ groups }).replace(/</g, '\\u003c')}</script>
<script>${PAGE_SCRIPT}</script></body></html>`;
}

async function bundle(): Promise<string> {
  const out = await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts', sourcefile: 'bench-entry.ts' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfigRaw: { compilerOptions: { jsx: 'react-jsx', jsxImportSource: 'preact' } },
    logLevel: 'warning',
  });
  return out.outputFiles[0]?.text ?? '';
}

function serve(html: string, js: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/tattler.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(js);
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function taskMs(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
}

/** Two frames, so style and layout of what just changed are done and counted. */
const frames = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<void>((r) => {
        void document.body.offsetHeight;
        requestAnimationFrame(() => requestAnimationFrame(() => r()));
      }),
  );

interface Run {
  load: number;
  annotate: number;
  badges: number;
  rescan: number;
  rerenderPlain: number;
  rerenderTattler: number;
}

async function once(page: Page, cdp: CDPSession, url: string): Promise<Run> {
  // Without Tattler: the page's load, and a full re-render.
  await page.goto('about:blank');
  const t0 = await taskMs(cdp);
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __rendered?: boolean }).__rendered === true);
  await frames(page);
  const t1 = await taskMs(cdp);
  await page.evaluate(() => (window as unknown as { __rerender(): void }).__rerender());
  await frames(page);
  const t2 = await taskMs(cdp);

  // With Tattler: load again, inject, wait for every badge.
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __rendered?: boolean }).__rendered === true);
  await frames(page);
  const a0 = await taskMs(cdp);
  await page.addScriptTag({ url: '/tattler.js' });
  await page.evaluate(() => (window as unknown as { __tattler: { idle(): Promise<void> } }).__tattler.idle());
  await frames(page);
  const a1 = await taskMs(cdp);
  const badges = await page.evaluate(() => document.querySelectorAll('tattler-badge').length);

  await page.evaluate(async () => {
    const t = (window as unknown as { __tattler: { rescan(): void; idle(): Promise<void> } }).__tattler;
    t.rescan();
    await t.idle();
  });
  await frames(page);
  const a2 = await taskMs(cdp);

  await page.evaluate(async () => {
    (window as unknown as { __rerender(): void }).__rerender();
    await (window as unknown as { __tattler: { idle(): Promise<void> } }).__tattler.idle();
    await new Promise((r) => setTimeout(r, 0));
    await (window as unknown as { __tattler: { idle(): Promise<void> } }).__tattler.idle();
  });
  await frames(page);
  const a3 = await taskMs(cdp);
  return {
    load: t1 - t0,
    annotate: a1 - a0,
    badges,
    rescan: a2 - a1,
    rerenderPlain: t2 - t1,
    rerenderTattler: a3 - a2,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

/**
 * The background's side for the same page: answerCorrelate for every alert at once, over a
 * history of changes, in Node with fake-indexeddb (slower than a browser's IndexedDB; an
 * upper bound of the real cost, and off the page's main thread in any case).
 */
async function backgroundFigure(alerts: number, changes: number): Promise<number> {
  // @ts-expect-error: the package ships no types for its side-effect entry
  await import('fake-indexeddb/auto');
  const { openDb } = await import('../lib/db');
  const { answerCorrelate } = await import('../lib/correlate/query');
  const { defaultSettings } = await import('../lib/settings');
  const db = openDb(`bench-badges-${Date.now()}`);
  const now = Date.now();
  await db.clusters.bulkPut(
    Array.from({ length: 4 }, (_, i) => ({
      id: `r/c-${i}`,
      sourceId: 'r',
      nativeId: `c-${i}`,
      name: `prod-${i}`,
      apiBase: `https://rancher.example/k8s/clusters/c-${i}`,
      firstSeen: now - 86_400_000,
      lastSeen: now,
    })),
  );
  const { putChanges } = await import('../lib/store/write');
  await putChanges(
    db,
    Array.from({ length: changes }, (_, i) => ({
      id: `ch${i}`,
      clusterId: `r/c-${i % 4}`,
      jobKey: `r/c-${i % 4}|Deployment:ns-${i % 7}/app-${i % alerts}`,
      rowKey: `Deployment:ns-${i % 7}/app-${i % alerts}`,
      kind: 'Deployment',
      namespace: `ns-${i % 7}`,
      name: `app-${i % alerts}`,
      type: 'updated' as const,
      windowStart: now - ((i * 7919) % 86_400_000) - 60_000,
      windowEnd: now - ((i * 7919) % 86_400_000),
      at: now - ((i * 7919) % 86_400_000),
      actor: { name: `user${i % 12}`, kind: 'person' as const },
      fields: [{ path: 'containers[app].image', before: 'a:1', after: 'a:2' }],
    })),
  );
  const subjects = Array.from({ length: alerts }, (_, i) => ({
    key: `s${i}`,
    labels: {
      cluster: `prod-${Math.floor(i / PER_GROUP) % 4}`,
      namespace: `ns-${i % 7}`,
      deployment: `app-${i}`,
    },
    startsAt: now - 3_600_000 + i * 1000,
  }));
  const settings = defaultSettings();
  await answerCorrelate(db, settings, subjects.slice(0, 10), now); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await answerCorrelate(db, settings, subjects, now);
    times.push(performance.now() - t);
  }
  db.close();
  await db.delete();
  return median(times);
}

async function main() {
  const js = await bundle();
  const server = await serve(pageHtml(ALERTS), js);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await once(page, cdp, url); // warm-up: compile caches, fonts
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await once(page, cdp, url));
    const m = (k: keyof Run) => median(runs.map((r) => r[k]));
    const fmt = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;
    console.log(
      `Tattler badges on a ${ALERTS}-alert page (classic Alertmanager markup), Chromium ${browser.version()}`,
    );
    console.log(
      `runtime injected as an esbuild bundle (${(js.length / 1024).toFixed(0)} KiB minified); answers simulated in the page`,
    );
    console.log(`median of ${RUNS} runs, main-thread time (CDP TaskDuration):`);
    console.log(`  page's own load (render ${ALERTS} alerts + layout)  ${fmt(m('load'))}`);
    console.log(`  annotate (scan, mount ${m('badges')} badges, layout)      ${fmt(m('annotate'))}`);
    console.log(
      `  ratio annotate / page load                       ${(m('annotate') / m('load')).toFixed(2).padStart(7)}`,
    );
    console.log(`  rescan, nothing new                              ${fmt(m('rescan'))}`);
    console.log(`  page re-render, without Tattler                  ${fmt(m('rerenderPlain'))}`);
    console.log(`  page re-render, with Tattler (re-annotates all)  ${fmt(m('rerenderTattler'))}`);
    console.log(
      `  per badge (annotate / badges)                    ${fmt(m('annotate') / Math.max(1, m('badges')))}`,
    );
    const history = SMOKE ? 2_000 : 20_000;
    const background = await backgroundFigure(ALERTS, history);
    console.log(
      `background: answerCorrelate, ${ALERTS} alerts, ${history} changes (Node, fake-indexeddb) ${fmt(background)}`,
    );
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

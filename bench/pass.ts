/**
 * Benchmark: one full pass over 200 simulated clusters × 250 jobs, served from 127.0.0.1, through
 * the real sources, watcher and Dexie (fake-indexeddb in Node). Prints wall time and bytes
 * fetched for the baseline pass and for a pass with 1% of jobs changed, next to the time it takes
 * merely to download the same lists with the same concurrency (the floor any pass sits on).
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDb } from '../lib/db';
import { createHttp } from '../lib/http';
import { mapPool } from '../lib/pool';
import { validateSettings } from '../lib/settings';
import { adapterFor } from '../lib/sources/registry';
import { runPass } from '../lib/watcher';

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 200);
const JOBS = Number(process.env.BENCH_JOBS ?? 250);

type Obj = Record<string, unknown> & { metadata: Record<string, unknown>; spec: Record<string, unknown> };
const fixture = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../test/fixtures/kubernetes/deployments.json'), 'utf8'),
) as { items: Obj[] };
const template = fixture.items[0] as Obj;

/** A cluster's Deployment list; `generation` picks which jobs carry a new image (1% per step). */
function deploymentList(cluster: number, step: number): string {
  const items: Obj[] = [];
  for (let j = 0; j < JOBS; j++) {
    const changed = step > 0 && (cluster * JOBS + j) % 100 === 0;
    const item = structuredClone(template);
    item.metadata.name = `svc-${j}`;
    item.metadata.namespace = `team-${j % 12}`;
    item.metadata.uid = `uid-${cluster}-${j}`;
    item.metadata.resourceVersion = String(1000 + j + (changed ? 5000 : 0));
    item.metadata.generation = 3 + (changed ? 1 : 0);
    const containers = ((item.spec.template as Obj).spec as { containers: { image: string }[] }).containers;
    if (changed && containers[0]) containers[0].image = `registry.example.com/team/svc-${j}:2.0.0`;
    items.push(item);
  }
  return JSON.stringify({
    kind: 'DeploymentList',
    apiVersion: 'apps/v1',
    metadata: { resourceVersion: '99' },
    items,
  });
}

const empty = (kind: string) =>
  JSON.stringify({ kind, apiVersion: 'v1', metadata: { resourceVersion: '99' }, items: [] });

async function serve(step: { value: number }): Promise<{ server: Server; base: string }> {
  const lists = [0, 1].map((s) => Array.from({ length: CLUSTERS }, (_, c) => deploymentList(c, s)));
  const clusters = JSON.stringify({
    type: 'collection',
    resourceType: 'management.cattle.io.cluster',
    count: CLUSTERS,
    data: Array.from({ length: CLUSTERS }, (_, c) => ({
      id: `c-m-${c}`,
      type: 'management.cattle.io.cluster',
      metadata: {
        name: `c-m-${c}`,
        labels: { env: c % 3 ? 'prod' : 'staging', region: `r-${c % 4}` },
        state: { name: 'active' },
      },
      spec: { displayName: `cluster-${c}` },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    })),
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/v1/management.cattle.io.clusters') return res.end(clusters);
    const m = /^\/k8s\/clusters\/c-m-(\d+)\/apis\/(apps|batch)\/v1\/(\w+)$/.exec(url.pathname);
    if (!m) {
      res.statusCode = 404;
      return res.end('{}');
    }
    if (m[3] === 'deployments') return res.end(lists[step.value]?.[Number(m[1])]);
    return res.end(empty(`${m[3]}List`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function main() {
  const step = { value: 0 };
  const { server, base } = await serve(step);
  const parsed = validateSettings({
    version: 1,
    sources: [{ id: 'bench', name: 'Bench', type: 'rancher', baseUrl: base }],
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const settings = parsed.value;
  const db = openDb('bench-pass');
  const http = createHttp({ timeoutMs: 30_000 });

  // The floor: download every list this pass needs, with the same concurrency, parse nothing.
  const urls = Array.from({ length: CLUSTERS }, (_, c) =>
    ['apps/v1/deployments', 'apps/v1/statefulsets', 'apps/v1/daemonsets', 'batch/v1/cronjobs'].map(
      (p) => `${base}/k8s/clusters/c-m-${c}/apis/${p}`,
    ),
  ).flat();
  let t = performance.now();
  let rawBytes = 0;
  await mapPool(urls, settings.concurrency, async (u) => {
    const n = (await (await fetch(u)).text()).length;
    rawBytes += n;
  });
  const fetchOnly = performance.now() - t;

  const results: { name: string; ms: number; bytes: number; changes: number; ok: number }[] = [];
  for (const [name, s] of [
    ['baseline pass (first sight)', 0],
    ['pass with 1% changed', 1],
  ] as const) {
    step.value = s;
    t = performance.now();
    const summary = await runPass({ db, settings, http, adapterFor });
    results.push({
      name,
      ms: performance.now() - t,
      bytes: summary.bytes,
      changes: summary.changes,
      ok: summary.clusters.ok,
    });
  }
  server.close();
  await db.delete();

  console.log(
    `pass over ${CLUSTERS} clusters × ${JOBS} jobs on 127.0.0.1 (concurrency ${settings.concurrency}):`,
  );
  console.log(
    `  download only (floor)          ${fetchOnly.toFixed(0).padStart(6)} ms  ${(rawBytes / 1e6).toFixed(1)} MB`,
  );
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(30)} ${r.ms.toFixed(0).padStart(6)} ms  ${(r.bytes / 1e6).toFixed(1)} MB  ${r.ok} clusters ok, ${r.changes} changes  (${(r.ms / fetchOnly).toFixed(2)}× the floor)`,
    );
  }
}

void main();

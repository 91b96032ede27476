/**
 * Benchmark: what one pass costs the API servers. 200 simulated clusters × 250 Deployments (and
 * no StatefulSets, DaemonSets or CronJobs) behind one Rancher, served from 127.0.0.1 by a server
 * that answers as the API server does where it matters here: metadata-only lists for the
 * PartialObjectMetadataList Accept header, GETs by name, and the `resourceVersion` parameters
 * (fleet/k8s/read-semantics.ts says which reads the watch cache serves and which go to etcd).
 *
 * In the same run, through the real sources, watcher and Dexie (fake-indexeddb):
 *   before  every list in full at every pass (pollKubernetesFullLists: how Tattler polled before)
 *   now     metadata first, from the watch cache, what moved only, empty kinds skipped
 * each first at sight, then a pass with 1% of the jobs changed (spread over every cluster: the
 * worst case for "what moved only") and a pass with nothing changed. Every cluster is asked at
 * every pass in both. Then the pace on top (lib/pace.ts, default settings): ten passes a minute
 * apart over a fleet where nothing changed for a quarter of an hour, whose clusters are quiet and
 * asked once every 10 minutes — the average pass next to the full-list pass.
 * Prints requests, bytes (as sent by the server), etcd reads and wall time, and the ratios.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isSemanticsError, readSemantics, servedFrom } from '../fleet/k8s/read-semantics';
import { openDb } from '../lib/db';
import { createHttp } from '../lib/http';
import { type PacePolicy, pacePolicy, unpaced } from '../lib/pace';
import { validateSettings } from '../lib/settings';
import { pollKubernetesFullLists } from '../lib/sources/kubernetes/poll';
import { adapterFor } from '../lib/sources/registry';
import type { SourceAdapter } from '../lib/sources/types';
import { runPass } from '../lib/watcher';

// --smoke (npm test): a small fleet, only to check that the benchmark still runs to its end.
const SMOKE = process.argv.includes('--smoke');
const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? (SMOKE ? 4 : 200));
const JOBS = Number(process.env.BENCH_JOBS ?? (SMOKE ? 100 : 250));

type Obj = Record<string, unknown> & { metadata: Record<string, unknown>; spec: Record<string, unknown> };
const fixture = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../test/fixtures/kubernetes/deployments.json'), 'utf8'),
) as { items: Obj[] };
const template = fixture.items[0] as Obj;

/** The fleet's Deployments, each kept as the JSON the server sends (object and metadata). */
class Fleet {
  revision = 1000;
  private readonly full: string[][] = [];
  private readonly meta: string[][] = [];
  private readonly byName: Map<string, number>[] = [];
  private readonly images: number[][] = [];

  constructor() {
    for (let c = 0; c < CLUSTERS; c++) {
      this.full.push([]);
      this.meta.push([]);
      this.byName.push(new Map());
      this.images.push([]);
      for (let j = 0; j < JOBS; j++) {
        this.byName[c]?.set(`team-${j % 12}/svc-${j}`, j);
        this.images[c]?.push(1);
        this.write(c, j);
      }
    }
  }

  private write(c: number, j: number): void {
    const item = structuredClone(template);
    item.metadata.name = `svc-${j}`;
    item.metadata.namespace = `team-${j % 12}`;
    item.metadata.uid = `uid-${c}-${j}`;
    item.metadata.resourceVersion = String(++this.revision);
    item.metadata.generation = this.images[c]?.[j];
    const containers = ((item.spec.template as Obj).spec as { containers: { image: string }[] }).containers;
    if (containers[0]) containers[0].image = `registry.example.com/team/svc-${j}:${this.images[c]?.[j]}.0.0`;
    (this.full[c] as string[])[j] = JSON.stringify(item);
    (this.meta[c] as string[])[j] = JSON.stringify({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: item.metadata,
    });
  }

  /** A new image for 1% of the jobs, spread over every cluster. */
  changeOnePercent(): number {
    let n = 0;
    for (let c = 0; c < CLUSTERS; c++) {
      for (let j = 0; j < JOBS; j++) {
        if ((c * JOBS + j + this.revision) % 100 !== 0) continue;
        (this.images[c] as number[])[j] = (this.images[c]?.[j] ?? 1) + 1;
        this.write(c, j);
        n++;
      }
    }
    return n;
  }

  list(c: number, metadata: boolean): string {
    const items = (metadata ? this.meta[c] : this.full[c]) as string[];
    const kind = metadata ? 'PartialObjectMetadataList' : 'DeploymentList';
    const apiVersion = metadata ? 'meta.k8s.io/v1' : 'apps/v1';
    return `{"kind":"${kind}","apiVersion":"${apiVersion}","metadata":{"resourceVersion":"${this.revision}"},"items":[${items.join(',')}]}`;
  }

  get(c: number, namespace: string, name: string): string | undefined {
    const j = this.byName[c]?.get(`${namespace}/${name}`);
    return j === undefined ? undefined : this.full[c]?.[j];
  }
}

interface Count {
  requests: number;
  bytes: number;
  etcd: number;
  gets: number;
}

async function serve(fleet: Fleet, count: Count): Promise<{ server: Server; base: string }> {
  const clusters = JSON.stringify({
    type: 'collection',
    resourceType: 'management.cattle.io.cluster',
    count: CLUSTERS,
    data: Array.from({ length: CLUSTERS }, (_, c) => ({
      id: `c-m-${c}`,
      type: 'management.cattle.io.cluster',
      metadata: { name: `c-m-${c}`, state: { name: 'active' } },
      spec: { displayName: `cluster-${c}` },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    })),
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: string) => {
      count.requests++;
      count.bytes += Buffer.byteLength(body);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    };
    if (url.pathname === '/v1/management.cattle.io.clusters') return send(200, clusters);
    const m =
      /^\/k8s\/clusters\/c-m-(\d+)\/apis\/(?:apps|batch)\/v1\/(?:namespaces\/([^/]+)\/)?(\w+)(?:\/([^/]+))?$/.exec(
        url.pathname,
      );
    if (!m) return send(404, '{"kind":"Status","code":404}');
    const [, c, namespace, resource, name] = m;
    const semantics = readSemantics(url.searchParams, name ? 'get' : 'list');
    if (isSemanticsError(semantics)) return send(semantics.code, JSON.stringify(semantics));
    if (servedFrom(semantics) === 'etcd') count.etcd++;
    const metadata = String(req.headers.accept ?? '').includes('as=PartialObjectMetadataList');
    if (resource !== 'deployments') {
      const kind = metadata ? 'PartialObjectMetadataList' : `${resource}List`;
      return send(200, `{"kind":"${kind}","metadata":{"resourceVersion":"${fleet.revision}"},"items":[]}`);
    }
    if (!name) return send(200, fleet.list(Number(c), metadata));
    count.gets++;
    const obj = fleet.get(Number(c), namespace ?? '', name);
    return obj ? send(200, obj) : send(404, '{"kind":"Status","reason":"NotFound","code":404}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface Row extends Count {
  name: string;
  ms: number;
  changes: number;
  ok: number;
}

async function main() {
  const fleet = new Fleet();
  const count: Count = { requests: 0, bytes: 0, etcd: 0, gets: 0 };
  const { server, base } = await serve(fleet, count);
  const parsed = validateSettings({
    version: 1,
    sources: [{ id: 'bench', name: 'Bench', type: 'rancher', baseUrl: base }],
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const settings = parsed.value;
  const http = createHttp({ timeoutMs: 60_000 });
  const fullLists = (type: Parameters<typeof adapterFor>[0]): SourceAdapter => {
    const adapter = adapterFor(type);
    return type === 'rancher' ? { ...adapter, poll: pollKubernetesFullLists } : adapter;
  };

  const failures: string[] = [];
  /** One pass at `now`, measured at the server; `ok` and `changes` from the pass's summary. */
  const measure = async (
    name: string,
    db: ReturnType<typeof openDb>,
    adapters: typeof adapterFor,
    now: number,
    pace: PacePolicy,
  ): Promise<Row> => {
    Object.assign(count, { requests: 0, bytes: 0, etcd: 0, gets: 0 });
    const t = performance.now();
    const summary = await runPass({
      db,
      settings,
      http,
      adapterFor: adapters,
      now: () => now,
      pace,
      // A poll that failed is not a figure: say why, so a slow machine's timeouts are seen.
      log: (line) => {
        if (/^poll .*: (error|unreachable|partial|auth): /.test(line)) failures.push(`${name}: ${line}`);
      },
    });
    const ms = performance.now() - t;
    return { name, ms, ...count, changes: summary.changes, ok: summary.clusters.ok };
  };

  const rows: Row[] = [];
  let changed = 0;
  for (const [way, adapters] of [
    ['before', fullLists],
    ['now', adapterFor],
  ] as const) {
    const db = openDb(`bench-traffic-${way}`);
    let clock = Date.now();
    for (const step of ['first sight', '1% changed', 'nothing changed'] as const) {
      if (step === '1% changed') changed = fleet.changeOnePercent();
      clock += 60_000;
      rows.push(await measure(`${way}: ${step}`, db, adapters, clock, unpaced(settings)));
    }
    if (way === 'now') {
      // Quiet for a quarter of an hour: the pace asks each cluster once in every 10 minutes (in a
      // slot spread by its id). One pass to settle into the slots, then ten measured.
      clock += 16 * 60_000;
      await measure('settle', db, adapters, clock, pacePolicy(settings));
      const passes: Row[] = [];
      for (let i = 0; i < 10; i++) {
        clock += 60_000;
        passes.push(await measure('paced', db, adapters, clock, pacePolicy(settings)));
      }
      const mean = (f: (r: Row) => number) => passes.reduce((a, r) => a + f(r), 0) / passes.length;
      rows.push({
        name: 'now, paced: average of 10',
        ms: mean((r) => r.ms),
        requests: mean((r) => r.requests),
        bytes: mean((r) => r.bytes),
        etcd: mean((r) => r.etcd),
        gets: mean((r) => r.gets),
        changes: mean((r) => r.changes),
        ok: mean((r) => r.ok),
      });
    }
    await db.delete();
  }
  server.close();

  const mb = (n: number) => `${(n / 1e6).toFixed(1).padStart(6)} MB`;
  console.log(
    `one pass over ${CLUSTERS} clusters × ${JOBS} jobs on 127.0.0.1 (concurrency ${settings.concurrency}, ${changed} jobs changed in the 1% pass):`,
  );
  console.log(
    '  pass                          requests (GETs, from etcd)        bytes     wall   clusters ok, changes',
  );
  for (const r of rows) {
    console.log(
      `  ${r.name.padEnd(28)} ${r.requests.toFixed(0).padStart(6)} (${r.gets.toFixed(0).padStart(4)}, ${r.etcd.toFixed(0).padStart(4)})  ${mb(r.bytes)}  ${r.ms.toFixed(0).padStart(6)} ms  ${r.ok.toFixed(0)}, ${r.changes.toFixed(0)}`,
    );
  }
  for (const f of failures.slice(0, 5)) console.log(`  failed: ${f}`);
  const pick = (name: string) => rows.find((r) => r.name === name) as Row;
  for (const [step, name] of [
    ['1% changed', 'now: 1% changed'],
    ['nothing changed', 'now: nothing changed'],
    ['nothing changed, paced', 'now, paced: average of 10'],
  ] as const) {
    const before = pick(`before: ${step.replace(', paced', '')}`);
    const now = pick(name);
    console.log(
      `  ${step}: now / before = ${(now.requests / before.requests).toFixed(2)} of the requests, ${(now.bytes / before.bytes).toFixed(3)} of the bytes, ${(now.etcd / Math.max(1, before.etcd)).toFixed(2)} of the etcd reads, ${(now.ms / before.ms).toFixed(2)}× the wall time`,
    );
  }
}

void main();

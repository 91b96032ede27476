/**
 * The pass benchmark's fleet, run in its own process so serving 50,000 jobs does not share a
 * thread with the browser driver: a Rancher (Steve's cluster collection) in front of `clusters`
 * Kubernetes API servers, each running the same `jobs` jobs (80% Deployments, the rest
 * StatefulSets, DaemonSets and CronJobs), as typed `…List`s built from the Kubernetes fixtures in
 * test/fixtures/kubernetes (items without kind/apiVersion, managedFields and all).
 *
 * The demo fleet (fleet/) simulates controllers and people over ~24 jobs a cluster and takes
 * minutes to start at 200 clusters; this one only answers lists, which is all a pass reads.
 *
 *   node --import tsx bench/pass-fleet.ts --clusters 200 --jobs 250 --changes 50
 *
 * Prints one JSON line, `{"url": "http://127.0.0.1:<port>", "clusterIds": […]}`, then serves
 * until stdin closes (bench/pass-fleet-process.ts starts it).
 * `POST /_bench/step` moves to the next state: `changes` jobs spread over the fleet get a new
 * image (a new resourceVersion and generation), as a rollout would write them.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '200' },
    jobs: { type: 'string', default: '250' },
    changes: { type: 'string', default: '50' },
  },
});
const CLUSTERS = Number(values.clusters);
const JOBS = Number(values.jobs);
const CHANGES = Number(values.changes);

type Obj = Record<string, unknown>;
interface KindSpec {
  plural: string;
  group: 'apps' | 'batch';
  list: string;
  template: Obj;
  /** Where the pod template's containers are. */
  containers(item: Obj): Obj[];
}

const fixture = (file: string) =>
  (
    JSON.parse(readFileSync(resolve(import.meta.dirname, '../test/fixtures/kubernetes', file), 'utf8')) as {
      items: Obj[];
    }
  ).items[0] as Obj;
const at = (o: Obj, ...path: string[]): Obj => path.reduce((x, k) => x[k] as Obj, o);
const podContainers = (item: Obj) => at(item, 'spec', 'template', 'spec').containers as Obj[];

const KINDS: KindSpec[] = [
  {
    plural: 'deployments',
    group: 'apps',
    list: 'DeploymentList',
    template: fixture('deployments.json'),
    containers: podContainers,
  },
  {
    plural: 'statefulsets',
    group: 'apps',
    list: 'StatefulSetList',
    template: fixture('statefulsets.json'),
    containers: podContainers,
  },
  {
    plural: 'daemonsets',
    group: 'apps',
    list: 'DaemonSetList',
    template: fixture('daemonsets.json'),
    containers: podContainers,
  },
  {
    plural: 'cronjobs',
    group: 'batch',
    list: 'CronJobList',
    template: fixture('cronjobs.json'),
    containers: (item) => at(item, 'spec', 'jobTemplate', 'spec', 'template', 'spec').containers as Obj[],
  },
];

/** Which kind job `j` is: 20 in 25 Deployments, 2 StatefulSets, 2 DaemonSets, 1 CronJob. */
const kindOf = (j: number): number => {
  const r = j % 25;
  return r < 20 ? 0 : r < 22 ? 1 : r < 24 ? 2 : 3;
};

/** Whether the job (cluster c, job j) has changed by step `step`: `CHANGES` jobs a step, spread out. */
function changedAt(c: number, j: number, step: number): number {
  const stride = Math.max(1, Math.floor((CLUSTERS * JOBS) / Math.max(1, CHANGES)));
  const index = c * JOBS + j;
  let version = 0;
  for (let s = 1; s <= step; s++) if ((index + s * 7) % stride === 0) version = s;
  return version;
}

function item(c: number, j: number, step: number): string {
  const spec = KINDS[kindOf(j)] as KindSpec;
  const o = structuredClone(spec.template);
  const meta = o.metadata as Obj;
  const version = changedAt(c, j, step);
  meta.name = `svc-${j}`;
  meta.namespace = `team-${j % 12}`;
  meta.uid = `0000${c.toString(16).padStart(4, '0')}-0000-4000-8000-${j.toString(16).padStart(12, '0')}`;
  meta.resourceVersion = String(100_000 + j * 10 + version);
  meta.generation = 3 + version;
  const first = spec.containers(o)[0];
  if (first && version > 0) first.image = `registry.example.com/team-${j % 12}/svc-${j}:2.${version}.0`;
  return JSON.stringify(o);
}

let step = 0;
/** Lists as served, by `${cluster}/${kind}`: rebuilt for a cluster only when a step changed one of its jobs. */
const lists = new Map<string, { step: number; body: string }>();

function list(c: number, k: number): string {
  const key = `${c}/${k}`;
  const cached = lists.get(key);
  const spec = KINDS[k] as KindSpec;
  const jobs = Array.from({ length: JOBS }, (_, j) => j).filter((j) => kindOf(j) === k);
  if (cached && jobs.every((j) => changedAt(c, j, cached.step) === changedAt(c, j, step))) return cached.body;
  const body = `{"kind":"${spec.list}","apiVersion":"${spec.group}/v1","metadata":{"resourceVersion":"${200_000 + step}"},"items":[${jobs
    .map((j) => item(c, j, step))
    .join(',')}]}`;
  lists.set(key, { step, body });
  return body;
}

const clusterId = (c: number) => `c-m-${c.toString(36).padStart(8, '0')}`;
const clusterCollection = JSON.stringify({
  type: 'collection',
  resourceType: 'management.cattle.io.cluster',
  revision: '200000',
  count: CLUSTERS,
  data: Array.from({ length: CLUSTERS }, (_, c) => ({
    id: clusterId(c),
    type: 'management.cattle.io.cluster',
    apiVersion: 'management.cattle.io/v3',
    kind: 'Cluster',
    metadata: {
      name: clusterId(c),
      labels: { env: c % 3 ? 'prod' : 'staging', region: `region-${c % 4}` },
      state: { name: 'active', error: false, transitioning: false },
    },
    spec: { displayName: `${c % 3 ? 'prod' : 'staging'}-${c}` },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  })),
});
const byId = new Map(Array.from({ length: CLUSTERS }, (_, c) => [clusterId(c), c]));

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'POST' && url.pathname === '/_bench/step') {
    step++;
    buildAll();
    return res.end(JSON.stringify({ step }));
  }
  res.setHeader('content-type', 'application/json');
  if (url.pathname === '/v1/management.cattle.io.clusters') return res.end(clusterCollection);
  const m = /^\/k8s\/clusters\/([^/]+)\/apis\/(apps|batch)\/v1\/(\w+)$/.exec(url.pathname);
  const c = m ? byId.get(m[1] as string) : undefined;
  const k = m ? KINDS.findIndex((s) => s.group === m[2] && s.plural === m[3]) : -1;
  if (c === undefined || k < 0) {
    res.statusCode = 404;
    return res.end(
      JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }),
    );
  }
  res.end(list(c, k));
});

/** Builds every list before it is asked for: a pass should not wait for the server to make them. */
function buildAll() {
  for (let c = 0; c < CLUSTERS; c++) for (let k = 0; k < KINDS.length; k++) list(c, k);
}
buildAll();
server.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(JSON.stringify({ url, clusterIds: [...byId.keys()] }));
});
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();

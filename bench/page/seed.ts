/**
 * Runs inside an extension page (bundled by bench/page-script.ts): fills Tattler's database with
 * a realistic history — clusters, where every job runs, and changes (rollouts across most
 * clusters, bursts in one, the rest over a week) — written in the store's own shapes
 * (lib/store/upgrade.ts `convertV2` turns snapshots and changes into them, as the upgrade does).
 */
import type { Change, Cluster, JobSnapshot, PollRun } from '../../lib/model';
import { convertV2 } from '../../lib/store/upgrade';

export interface SeedShape {
  clusters: number;
  jobs: number;
  changes: number;
  /** The chance a job runs in a given cluster. */
  presence: number;
  now: number;
  /** Spread the changes over this many days (the rest of the bench uses 7). */
  days?: number;
}

/** mulberry32: a 32-bit generator with a period of 2^32 (the LCG it replaces repeated every 10,466 draws). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function history(shape: SeedShape) {
  const rand = generator(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const { now } = shape;
  const MIN = 60_000;
  const HOUR = 60 * MIN;
  const DAY = 24 * HOUR;
  const days = shape.days ?? 7;
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
      firstSeen: now - (days + 3) * DAY,
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
        instance: `uid-${Math.floor(rand() * 1e12)}`,
        version: 10 + Math.floor(rand() * 40),
        fields: {
          'containers[app].image': `registry.example.com/${j.namespace}/${j.name}:1.${Math.floor(rand() * 9)}.0`,
          'spec.replicas': 2 + Math.floor(rand() * 4),
          'containers[app].env': ['LOG_LEVEL=info', 'REGION', 'DB_URL ← secret db', 'FEATURE_FLAGS'],
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
    const jobKey = `${c.id}|${j.rowKey}`;
    changes.push({
      id: `${jobKey}|${extra.type ?? 'updated'}|u/${1000 + i}>u/${2000 + i}`,
      clusterId: c.id,
      jobKey,
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
  for (let r = 0; r < 30 && changes.length < shape.changes; r++) {
    const j = jobs[(r * 37) % jobs.length] as (typeof jobs)[number];
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
  // The rest: a fifth in the last hour, the others over the days.
  while (changes.length < shape.changes) {
    const c = pick(clusters);
    let j = pick(jobs);
    // Changes happen where jobs run (a few stay where one was deleted since).
    for (let k = 0; k < 5 && !present.has(`${c.id}|${j.rowKey}`); k++) j = pick(jobs);
    const recent = rand() < 0.2;
    const at = now - Math.floor(rand() * (recent ? HOUR : days * DAY));
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
    from: now - days * DAY,
    to: c.goneSince ?? now - 30_000,
    count: 10_000,
  }));
  for (const i of [3, 44, 71].filter((x) => x < clusters.length)) {
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
  return { clusters, snapshots, changes, polls };
}

function open(): Promise<IDBDatabase> {
  return new Promise((ok, fail) => {
    const req = indexedDB.open('tattler');
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
}

function write(db: IDBDatabase, store: string, rows: readonly object[], add = false): Promise<void> {
  return new Promise((ok, fail) => {
    const tx = db.transaction(store, 'readwrite');
    const os = tx.objectStore(store);
    for (const row of rows) {
      if (add) os.add(row);
      else os.put(row);
    }
    tx.oncomplete = () => ok();
    tx.onerror = () => fail(tx.error);
  });
}

/** Seeds the history in the store's shapes; the database must exist (the popup opened it). */
export async function seed(shape: SeedShape): Promise<Record<string, number>> {
  const h = history(shape);
  const rows = convertV2(h.snapshots, h.changes);
  const db = await open();
  const stores = ['clusters', 'states', 'snapshots', 'cells', 'log', 'polls', 'meta'];
  const missing = stores.filter((s) => !db.objectStoreNames.contains(s));
  if (missing.length) throw new Error(`database lacks ${missing.join(', ')}: did the popup open it?`);
  await write(db, 'clusters', h.clusters);
  await write(db, 'cells', rows.cells);
  for (let i = 0; i < rows.log.length; i += 20_000)
    await write(db, 'log', rows.log.slice(i, i + 20_000), true);
  await write(db, 'snapshots', rows.buckets);
  await write(db, 'states', rows.states);
  await write(db, 'polls', h.polls);
  await write(db, 'meta', [
    { key: 'grid', value: { ...rows.grid, builtAt: shape.now } },
    { key: 'grid-at', value: shape.now },
  ]);
  db.close();
  return {
    clusters: h.clusters.length,
    jobs: h.snapshots.length,
    changes: h.changes.length,
    cells: rows.cells.length,
    polls: h.polls.length,
  };
}

/** Bytes the browser says this origin uses (IndexedDB, mostly). */
export async function usage(): Promise<number> {
  return (await navigator.storage.estimate()).usage ?? 0;
}

/**
 * Runs inside the extension's service worker (bundled by bench/page-script.ts, evaluated through
 * the DevTools protocol, so nothing of it ships in the extension): the baseline of the pass
 * benchmark, and passes started the way the browser starts them — a settings change or the pass
 * alarm — timed until the background writes the pass's summary.
 */
import { createHttp } from '../../lib/http';
import type { KubernetesKind } from '../../lib/model';
import { mapPool } from '../../lib/pool';
import { listUrl } from '../../lib/sources/kubernetes/list';
import { RANCHER_CLUSTERS_PATH } from '../../lib/sources/rancher/adapter';

/** The extension API of the worker, as far as this uses it. */
interface ChromeApi {
  storage: { local: { set(items: object): Promise<void> } };
  alarms: {
    create(name: string, info: { when: number }): Promise<void>;
    onAlarm: {
      addListener(f: (alarm: { name: string }) => void): void;
      removeListener(f: (alarm: { name: string }) => void): void;
    };
  };
}
const chrome = (globalThis as unknown as { chrome: ChromeApi }).chrome;

/** The alarm the background runs a pass on (entrypoints/background/service.ts PASS_ALARM). */
const PASS_ALARM = 'tattler-pass';

export interface FloorInput {
  base: string;
  clusterIds: string[];
  kinds: KubernetesKind[];
  concurrency: number;
}

/**
 * What any pass costs at least: the cluster list and every cluster's lists fetched and
 * JSON.parse'd with the pass's own HTTP client, clusters `concurrency` at a time and a cluster's
 * lists one after the other — as the pass reads them — and nothing else.
 */
export async function floor(input: FloorInput): Promise<{ ms: number; bytes: number; items: number }> {
  const http = createHttp({ timeoutMs: 120_000 });
  let bytes = 0;
  let items = 0;
  const t0 = performance.now();
  bytes += (await http.getJson(`${input.base}${RANCHER_CLUSTERS_PATH}`)).bytes;
  await mapPool(input.clusterIds, input.concurrency, async (id) => {
    for (const kind of input.kinds) {
      const res = await http.getJson<{ items: unknown[] }>(listUrl(`${input.base}/k8s/clusters/${id}`, kind));
      bytes += res.bytes;
      items += res.body.items.length;
    }
  });
  return { ms: performance.now() - t0, bytes, items };
}

interface Summary {
  startedAt: number;
  finishedAt: number;
  changes: number;
  bytes: number;
  clusters: Record<string, number>;
  storageError?: string;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
}

let connection: IDBDatabase | undefined;
async function database(): Promise<IDBDatabase> {
  // Opening a database that does not exist yet would create it empty, at version 1, under the
  // background's feet: wait until the background has made it.
  for (let i = 0; !(await indexedDB.databases()).some((d) => d.name === 'tattler'); i++) {
    if (i > 200) throw new Error('the background never created its database');
    await new Promise((r) => setTimeout(r, 50));
  }
  connection ??= await request(indexedDB.open('tattler'));
  return connection;
}

async function lastPass(): Promise<Summary | undefined> {
  const db = await database();
  const row = await request(db.transaction('meta').objectStore('meta').get('last-pass'));
  return (row as { value?: Summary } | undefined)?.value;
}

export interface PassTiming {
  /** From the trigger (settings written, or the alarm firing) to the summary written. */
  wallMs: number;
  /** runPass's own span (the summary's startedAt → finishedAt). */
  runMs: number;
  summary: Summary;
}

/**
 * Starts a pass as the browser does — by writing `settings` when given (the background looks at
 * once when settings change), else by firing the pass alarm now — and waits for its summary.
 */
export async function pass(settings?: unknown): Promise<PassTiming> {
  const before = (await lastPass())?.startedAt ?? 0;
  let t0 = performance.now();
  if (settings !== undefined) await chrome.storage.local.set({ settings });
  else {
    // Timed from the alarm firing, not from asking for it: the browser decides when alarms run.
    const fired = new Promise<void>((ok) => {
      const listener = (alarm: { name: string }) => {
        if (alarm.name !== PASS_ALARM) return;
        t0 = performance.now();
        chrome.alarms.onAlarm.removeListener(listener);
        ok();
      };
      chrome.alarms.onAlarm.addListener(listener);
    });
    await chrome.alarms.create(PASS_ALARM, { when: Date.now() });
    await fired;
  }
  for (;;) {
    const last = await lastPass();
    if (last && last.startedAt > before) {
      return { wallMs: performance.now() - t0, runMs: last.finishedAt - last.startedAt, summary: last };
    }
    // A small read every 25 ms: noise next to a pass that writes 200 clusters.
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Bytes the browser counts for this origin (IndexedDB, mostly). */
export async function usage(): Promise<number> {
  return (await navigator.storage.estimate()).usage ?? 0;
}

/** Records per table of the background's database: what a pass left behind. */
export async function counts(): Promise<Record<string, number>> {
  const db = await database();
  const out: Record<string, number> = {};
  const tx = db.transaction([...db.objectStoreNames]);
  for (const name of db.objectStoreNames) out[name] = await request(tx.objectStore(name).count());
  return out;
}

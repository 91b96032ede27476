/**
 * A small fleet for the popup's component tests, written into fake-indexeddb through the real
 * schema (lib/db.ts), and the props the popup takes instead of the browser.
 */
import { vi } from 'vitest';
import type { PopupApi } from '../../components/grid/PopupApp';
import { openDb, type TattlerDb } from '../../lib/db';
import type { StatusAnswer } from '../../lib/messages';
import type { Change, Cluster, JobSnapshot, PollRun } from '../../lib/model';
import { type Parsed, type Settings, validateSettings } from '../../lib/settings';
import { putChanges, putJobs } from '../../lib/store/write';
import * as build from '../builders';

export const NOW = Date.UTC(2025, 2, 3, 9, 30, 0);
export const MIN = 60_000;
export const HOUR = 60 * MIN;

export const clock = () => NOW;

export function settingsWith(sources: unknown[]): Parsed<Settings> {
  return validateSettings({ version: 1, sources });
}

export const SETTINGS = settingsWith([
  {
    id: 'src',
    name: 'Rancher',
    type: 'rancher',
    baseUrl: 'https://rancher.example',
    links: { user: 'https://rancher.example/users/{user}/jobs?cluster={cluster}' },
  },
]);

/** A cluster of the Rancher source `src`, known by name (`src/<name>`; Rancher's id is `c-<name>`). */
export const cluster = (name: string, group: string, extra: Partial<Cluster> = {}): Cluster =>
  build.cluster('src', `c-${name}`, NOW, {
    id: `src/${name}`,
    name,
    apiBase: `https://rancher.example/k8s/clusters/c-${name}`,
    group,
    firstSeen: NOW - 2 * 24 * HOUR,
    lastOkPoll: NOW - MIN,
    ...extra,
  });

export const job = (clusterName: string, name: string): JobSnapshot =>
  build.job({ clusterId: `src/${clusterName}`, name }, NOW - MIN);

/** A change by alice `agoMs` before NOW, reported at that time, seen by a poll 30 s later. */
export const change = (
  clusterName: string,
  name: string,
  agoMs: number,
  extra: Partial<Change> = {},
): Change =>
  build.change({ clusterId: `src/${clusterName}`, name }, NOW - agoMs, {
    windowEnd: NOW - agoMs + 30_000,
    reportedAt: NOW - agoMs,
    actor: { name: 'alice', kind: 'person' },
    ...extra,
  });

export const failedRun = (clusterName: string, extra: Partial<PollRun> = {}): PollRun => ({
  target: `src/${clusterName}`,
  sourceId: 'src',
  status: 'auth',
  from: NOW - 30 * MIN,
  to: NOW - MIN,
  count: 30,
  message: `401 on /k8s/clusters/c-${clusterName}/apis/apps/v1/deployments`,
  loginUrl: 'https://rancher.example/dashboard/auth/login',
  ...extra,
});

export const okRun = (clusterName: string): PollRun => ({
  target: `src/${clusterName}`,
  sourceId: 'src',
  status: 'ok',
  from: NOW - 2 * HOUR,
  to: NOW - MIN,
  count: 120,
});

let dbSeq = 0;

/** A fresh database per test (fake-indexeddb is global and shared). */
export async function seedDb(data: {
  clusters?: Cluster[];
  jobs?: JobSnapshot[];
  changes?: Change[];
  polls?: PollRun[];
}): Promise<TattlerDb> {
  const db = openDb(`tattler-test-${++dbSeq}-${Math.random().toString(36).slice(2)}`);
  await db.transaction('rw', [db.clusters, db.polls], async () => {
    await db.clusters.bulkPut(data.clusters ?? []);
    await db.polls.bulkAdd(data.polls ?? []);
  });
  await putJobs(db, data.jobs ?? []);
  await putChanges(db, data.changes ?? []);
  return db;
}

/**
 * The standard small fleet:
 *   prod-eu-1 (eu)  checkout: 2 changes (alice 3 min ago, bob created it 20 min ago); cart: quiet
 *   prod-eu-2 (eu)  polls need a login → blind
 *   prod-us-1 (us)  checkout quiet; cart does not run there
 */
export function smallFleet() {
  return {
    clusters: [cluster('prod-eu-1', 'eu'), cluster('prod-eu-2', 'eu'), cluster('prod-us-1', 'us')],
    jobs: [
      job('prod-eu-1', 'checkout'),
      job('prod-eu-2', 'checkout'),
      job('prod-us-1', 'checkout'),
      job('prod-eu-1', 'cart'),
      job('prod-eu-2', 'cart'),
    ],
    changes: [
      change('prod-eu-1', 'checkout', 3 * MIN, {
        actor: { name: 'alice', kind: 'person', via: 'annotation example.com/changed-by' },
        actorStale: true,
        skipped: 2,
        fromVersion: 4,
        toVersion: 7,
        link: 'https://rancher.example/dashboard/c/c-prod-eu-1/explorer/apps.deployment/shop/checkout',
        fields: [
          {
            path: 'containers[app].image',
            before: 'registry/checkout:1.4.1',
            after: 'registry/checkout:1.4.2',
          },
          { path: 'containers[app].env', before: ['A'], after: ['A', 'B'] },
        ],
      }),
      change('prod-eu-1', 'checkout', 20 * MIN, {
        type: 'created',
        actor: { name: 'kubectl-client-side-apply', kind: 'client', via: 'managedFields' },
        link: 'javascript:alert(1)',
      }),
    ],
    polls: [okRun('prod-eu-1'), failedRun('prod-eu-2'), okRun('prod-us-1')],
  };
}

export interface FakeApi extends PopupApi {
  sendMessage: ReturnType<typeof vi.fn> & PopupApi['sendMessage'];
  openOptionsPage: ReturnType<typeof vi.fn> & PopupApi['openOptionsPage'];
}

/** A background that answers `status` with `answer` and runs `poll-now` as `pollNow` says. */
export function fakeApi(
  answer: StatusAnswer = { running: false },
  pollNow: () => Promise<unknown> = async () => answer,
): FakeApi {
  return {
    sendMessage: vi.fn(async (m: { type: string }) => (m.type === 'poll-now' ? pollNow() : answer)),
    openOptionsPage: vi.fn(),
  } as unknown as FakeApi;
}

/** A change item as a person meets it: its text and its links, without the place's own context. */
export interface Shown {
  text: string;
  links: [string, string | null][];
}

export function shown(item: Element): Shown {
  const copy = item.cloneNode(true) as Element;
  for (const context of copy.querySelectorAll('.change-context')) context.remove();
  return {
    text: (copy.textContent ?? '').replace(/\s+/g, ' ').trim(),
    links: [...copy.querySelectorAll('a')].map((a) => [a.textContent ?? '', a.getAttribute('href')]),
  };
}

// @vitest-environment happy-dom
/**
 * The whole path on a saved Alertmanager page, with the background's real answer from
 * IndexedDB (fake-indexeddb): the alert whose job changed four minutes before it started gets
 * the hot badge "2 changes · 4 min before · alice", a neighbour a cooler one, an alert with
 * nothing before it a quiet one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { badgeRoot } from '../../components/badge/mount';
import { answerCorrelate } from '../../lib/correlate/query';
import { HOUR, MINUTE } from '../../lib/correlate/rank';
import { openDb, type TattlerDb } from '../../lib/db';
import type { Change } from '../../lib/model';
import { alertmanager } from '../../lib/pages/alertmanager';
import { defaultSettings } from '../../lib/settings';
import { putChanges, putJobs } from '../../lib/store/write';
import * as build from '../builders';
import { fixture, loadPage, run, settle, stopAll } from './helpers';

const START = Date.UTC(2025, 0, 15, 11, 52, 10);
let db: TattlerDb;

const change = (id: string, clusterId: string, name: string, at: number, actor: string): Change =>
  build.change({ clusterId, name }, at, {
    id,
    reportedAt: at,
    actor: { name: actor, kind: 'person' },
    fields: [{ path: 'containers[app].image', before: `${name}:1`, after: `${name}:2` }],
  });

beforeEach(async () => {
  db = openDb(`pages-correlated-${Math.random()}`);
  const cluster = (nativeId: string, name: string) =>
    build.cluster('rancher', nativeId, START, {
      name,
      apiBase: `https://rancher.example/k8s/clusters/${nativeId}`,
      lastOkPoll: START + HOUR,
    });
  await db.clusters.bulkPut([cluster('c-m-eu1', 'prod-eu-1'), cluster('c-m-us1', 'prod-us-1')]);
  // The jobs Tattler watches: their snapshots.
  await putJobs(db, [
    build.job({ clusterId: 'rancher/c-m-eu1', name: 'checkout' }, START),
    build.job({ clusterId: 'rancher/c-m-us1', name: 'checkout' }, START),
    build.job({ clusterId: 'rancher/c-m-eu1', name: 'cart' }, START),
    build.job({ clusterId: 'rancher/c-m-eu1', name: 'payments', namespace: 'billing' }, START),
  ]);
  await putChanges(db, [
    change('a', 'rancher/c-m-eu1', 'checkout', START - 4 * MINUTE, 'alice'),
    change('b', 'rancher/c-m-us1', 'checkout', START - 25 * MINUTE, 'bob'),
  ]);
});

afterEach(async () => {
  stopAll();
  db.close();
  await db.delete();
  document.documentElement.innerHTML = '<head></head><body></body>';
});

describe('badges from the real answer', () => {
  it('is hot on the alert whose job changed, cooler for a neighbour, quiet where nothing did before', async () => {
    const f = fixture('alertmanager/alert-groups.html');
    loadPage(f.html, f.meta.url);
    const settings = defaultSettings();
    const runtime = run([alertmanager], {
      correlate: (subjects) => answerCorrelate(db, settings, subjects, START + HOUR),
    });
    await settle(runtime);
    const items = [...document.querySelectorAll('li.list-group-item')];
    const badge = (li: Element) => {
      const host = li.querySelector('tattler-badge');
      return host ? (badgeRoot(host)?.querySelector('button') ?? null) : null;
    };
    // checkout in prod-eu-1, 4 min before (alice) and in prod-us-1, 25 min before (bob).
    expect(badge(items[0] as Element)?.textContent).toBe('22 changes · 4 min before · alice');
    // cart in prod-eu-1 (started 12:00): its neighbour checkout changed 12 min before; a
    // neighbour's change is never as hot as the job's own.
    expect(badge(items[1] as Element)?.textContent).toBe('11 change · 12 min before · alice');
    expect(badge(items[1] as Element)?.className).toBe('badge l2');
    // payments (started 11:30): nothing changed before it; checkout's change came after.
    expect(badge(items[2] as Element)?.className).toBe('badge l0 quiet');
    expect(badge(items[2] as Element)?.textContent).toBe('1 after');
    // Watchdog names nothing watched: no badge.
    expect(badge(items[3] as Element)).toBeNull();
    badge(items[0] as Element)?.click();
    await new Promise((r) => setTimeout(r, 0));
    const root = badgeRoot(items[0]?.querySelector('tattler-badge') as Element) as ShadowRoot;
    // The same new image in two clusters is one rollout: one entry, which opens to its changes.
    const entries = root.querySelectorAll('.pop > ol > li');
    expect(entries).toHaveLength(1);
    const toggle = root.querySelector('.pop .roll') as HTMLButtonElement;
    expect(toggle.textContent).toMatch(/^▸alice and 1 other rolled checkout:2 to 2 clusters, .+–.+$/);
    toggle.click();
    await new Promise((r) => setTimeout(r, 0));
    expect([...root.querySelectorAll('.members .reason')].map((r) => r.textContent)).toEqual([
      'same job, same cluster, changed 4 min before the alert started',
      'same job, other cluster, changed 25 min before the alert started',
    ]);
  });
});

/**
 * Light on the other APIs, against the demo fleet's Argo CD, Nomad and home-grown manager, whose
 * traffic counters say what each pass cost: Argo CD's list trimmed with `fields=` and an
 * application read in full only when it moved; Nomad's blocking query by index; the home-grown
 * manager's ETag.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ExtraSystems, type SystemName, startExtraSystems } from '../../fleet/extra/index';
import type { TrafficRow } from '../../fleet/traffic';
import { openDb, type TattlerDb } from '../../lib/db';
import { createHttp, type FetchLike } from '../../lib/http';
import { unpaced } from '../../lib/pace';
import { type Settings, validateSettings } from '../../lib/settings';
import { adapterFor } from '../../lib/sources/registry';
import { runPass } from '../../lib/watcher';
import { changesIn } from '../store-view';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const MIN = 60_000;
let t = T0;
let systems: ExtraSystems;
let cookies: Record<string, string>;

beforeAll(async () => {
  systems = await startExtraSystems({ clock: () => t, seed: 3 });
  cookies = {
    [new URL(systems.urls.argocd).origin]: await systems.argocd.login('tattler'),
    [new URL(systems.urls.homegrown).origin]: await systems.homegrown.login('tattler'),
  };
});
afterAll(() => systems.close());

/** The browser's cookie jar: each host's session cookie with every request to it. */
const fetchWithCookies: FetchLike = (input, init) => {
  const cookie = cookies[new URL(input).origin];
  return fetch(input, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
  });
};

function settingsFor(system: SystemName): Settings {
  const parsed = validateSettings({
    version: 1,
    sources: (systems.settingsFragment() as { type: string }[]).filter((s) =>
      system === 'homegrown' ? s.type === 'generic' : s.type === system,
    ),
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

describe.each(['argocd', 'nomad', 'homegrown'] as const)('%s', (system) => {
  let db: TattlerDb;
  const traffic = () => systems[system].traffic;
  const rows = (match: Partial<TrafficRow>) =>
    traffic()
      .list()
      .filter((r) =>
        Object.entries(match).every(([k, v]) => (r as unknown as Record<string, unknown>)[k] === v),
      );
  const pass = () => {
    const settings = settingsFor(system);
    return runPass({
      db,
      settings,
      http: createHttp({ fetch: fetchWithCookies }),
      adapterFor,
      now: () => t,
      pace: unpaced(settings),
      secrets: systems.secrets(),
    });
  };

  beforeEach(async () => {
    db = openDb(`extra-light-${Math.random()}`);
    t += 10 * MIN;
    await pass(); // first sight
    traffic().reset();
  });

  if (system === 'homegrown') {
    it('a steady pass asks with If-None-Match, and a 304 (no body) means every job is unchanged', async () => {
      t += MIN;
      const s = await pass();
      expect(s.changes).toBe(0);
      expect(
        rows({ resource: 'jobs' })
          .map((r) => `${r.cluster} ${r.status} ${r.requests} ${r.bytes}`)
          .sort(),
      ).toEqual(
        systems.homegrown
          .clusterIds()
          .map((id) => `${id} 304 1 0`)
          .sort(),
      );
    });

    it('an edit is a new list (200, a new ETag) in that cluster only, and is recorded', async () => {
      const [cluster = ''] = systems.homegrown.clusterIds();
      const [job = ''] = systems.homegrown.jobNames(cluster);
      t += MIN;
      systems.homegrown.apply({ type: 'edit', cluster, job, by: 'alice', replicas: 5 });
      t += MIN;
      const s = await pass();
      expect(s.changes).toBe(1);
      expect(rows({ resource: 'jobs', status: 200 }).map((r) => [r.cluster, r.requests])).toEqual([
        [cluster, 1],
      ]);
      t += MIN;
      await pass();
      expect(rows({ resource: 'jobs', status: 200 })[0]?.requests).toBe(1);
    });
  }

  if (system === 'nomad') {
    it('a steady pass is one blocking query per region, its first page only, and no versions', async () => {
      t += MIN;
      const started = Date.now();
      const s = await pass();
      expect(s.changes).toBe(0);
      expect(
        rows({ system: 'nomad' })
          .map((r) => `${r.cluster ?? '(discovery)'} ${r.resource} ${r.requests}`)
          .sort(),
      ).toEqual(
        ['(discovery) regions 1', ...systems.nomad.regions.map((region) => `${region} jobs 1`)].sort(),
      );
      // Nothing moved: each query waited its short `wait` before answering with the same index.
      expect(Date.now() - started).toBeGreaterThanOrEqual(500);
      const sent = systems.nomad.requests.filter((r) => r.path.startsWith('/v1/jobs')).slice(-2);
      for (const r of sent) {
        const q = new URL(r.path, 'http://x').searchParams;
        expect(q.get('index')).toMatch(/^\d+$/);
        expect(q.get('wait')).toBe('500ms');
      }
    });

    it('a submit is answered at once with a new index: the whole list, and the versions of that job only', async () => {
      const [region = ''] = systems.nomad.regions;
      const [key = ''] = systems.nomad.jobKeys(region);
      const [namespace, job] = key.split('/') as [string, string];
      t += MIN;
      systems.nomad.apply({
        type: 'submit',
        region,
        namespace,
        job,
        by: 'alice',
        image: 'registry.example.com/x:2.0.0',
      });
      t += MIN;
      const s = await pass();
      expect(s.changes).toBe(1);
      expect(rows({ system: 'nomad', cluster: region, resource: 'versions' }).map((r) => r.requests)).toEqual(
        [1],
      );
      // Every page of the region's list (the fleet pages every 2 jobs), the other region's first only.
      const pages = Math.ceil(systems.nomad.jobKeys(region).length / 2);
      expect(rows({ system: 'nomad', cluster: region, resource: 'jobs' })[0]?.requests).toBe(pages);
      const [change] = await changesIn(db);
      expect(change?.actor?.name).toMatch(/^token /);
    });
  }

  if (system === 'argocd') {
    it('a steady pass reads one trimmed list and no application in full', async () => {
      t += MIN;
      const s = await pass();
      expect(s.changes).toBe(0);
      expect(rows({ resource: 'applications' }).map((r) => [r.verb, r.as, r.requests])).toEqual([
        ['list', 'fields', 1],
      ]);
      const trimmed = rows({ resource: 'applications', as: 'fields' })[0] as TrafficRow;
      // The first sight's full list, for comparison: the trimmed one is a fraction of it.
      traffic().reset();
      await fetchWithCookies(`${systems.urls.argocd}/api/v1/applications?projects=shop`, {});
      const full = rows({ resource: 'applications', as: 'object' })[0] as TrafficRow;
      expect(trimmed.bytes).toBeLessThan(full.bytes / 2);
    });

    it('a sync reads exactly that application in full, and records who synced it', async () => {
      const [app = ''] = systems.argocd.appNames();
      t += MIN;
      systems.argocd.apply({
        type: 'sync',
        app,
        by: 'bob',
        image: 'registry.example.com/shop/checkout:9.9.9',
      });
      t += MIN;
      const s = await pass();
      expect(s.changes).toBe(1);
      expect(rows({ resource: 'applications' }).map((r) => [r.verb, r.as, r.requests])).toEqual([
        ['list', 'fields', 1],
        ['get', 'object', 1],
      ]);
      const [change] = await changesIn(db);
      expect(change?.actor?.name).toBe('bob');
    });

    it('reads the full list instead when most applications of a cluster moved', async () => {
      t += MIN;
      for (const app of systems.argocd.appNames()) systems.argocd.apply({ type: 'push', app });
      t += MIN;
      const s = await pass();
      expect(s.changes).toBe(systems.argocd.appNames().length); // each went OutOfSync
      expect(rows({ resource: 'applications', verb: 'get' })).toEqual([]);
      expect(rows({ resource: 'applications', verb: 'list' }).map((r) => r.as)).toEqual(['fields', 'object']);
    });
  }
});

/**
 * Smoke: the built extension loads in Chromium, is configured through its own options page,
 * and its service worker runs a pass against a Rancher-style server on 127.0.0.1 that lands
 * rows in Chromium's IndexedDB.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../lib/model';
import { ACTOR_ANNOTATION, FakeKubeApi } from '../sources/helpers';
import {
  importSettingsThroughOptions,
  type LaunchedExtension,
  launchExtension,
  pollNow,
  readTable,
} from './harness';
import { storedJobs } from './stored';

describe('extension smoke test', () => {
  const api = new FakeKubeApi();
  let server: Server;
  let origin = '';
  let ext: LaunchedExtension;

  beforeAll(async () => {
    ({ server, origin } = await api.listen());
    ext = await launchExtension();
  });
  afterAll(async () => {
    await ext?.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('loads, takes settings through its options page, and records a pass in IndexedDB', async () => {
    const outcome = await importSettingsThroughOptions(ext, {
      version: 1,
      sources: [
        { id: 'smoke', name: 'Smoke', type: 'rancher', baseUrl: origin, actorAnnotation: ACTOR_ANNOTATION },
      ],
    });
    expect(outcome).toMatch(/Imported 1 source/);

    const status = (await pollNow(ext)) as { running: boolean; last?: { clusters: { ok: number } } };
    expect(status.last?.clusters.ok).toBe(6);
    const clusters = await readTable<Cluster>(ext, 'clusters');
    expect(clusters.map((c) => c.name).sort()).toEqual([
      'c-m-ij890',
      'local',
      'old-dev',
      'prod-ap-1',
      'prod-eu-1',
      'staging-us',
    ]);
    const jobs = await storedJobs((t) => readTable(ext, t));
    const checkout = jobs.find((j) => j.clusterId === 'smoke/c-m-abc12' && j.name === 'checkout');
    expect(checkout?.changedBy).toMatchObject({ name: 'alice', kind: 'person' });
    // Every request the extension made was a GET.
    expect(api.methods.length).toBeGreaterThan(4);
    expect(new Set(api.methods)).toEqual(new Set(['GET']));
  });
});

/**
 * Argo CD's `status.history` (lib/sources/argocd/history.ts): every sync between two polls is its
 * own change, with its own time (deployedAt), initiator and revision before → after; syncs pruned
 * past `revisionHistoryLimit` stay counted as skipped; at first sight, the syncs within retention
 * are recorded at once, never as `created`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type TattlerDb } from '../../lib/db';
import { diffJob } from '../../lib/diff';
import { createHttp } from '../../lib/http';
import type { JobSnapshot } from '../../lib/model';
import { validateSettings } from '../../lib/settings';
import { historyOf } from '../../lib/sources/argocd/history';
import { type ArgoApp, normalizeApp } from '../../lib/sources/argocd/normalize';
import { adapterFor } from '../../lib/sources/registry';
import { runPass } from '../../lib/watcher';
import { changesIn } from '../store-view';
import { ctx, fixture, fixtureText, jsonReply, NOW, routed, source } from './extra-helpers';

const BASE = 'https://argocd.example.com';
const PROD_EU = { nativeId: 'https://10.20.0.1:6443', name: 'prod-eu-1', apiBase: BASE };
const SRC = source({ type: 'argocd', baseUrl: BASE });
const full = () => fixture<ArgoApp>('argocd/application-history.json');

/** The application as it was when history id `last` was the newest sync. */
function asOf(last: number): ArgoApp {
  const app = full();
  const status = app.status as { history: { id: number; revision: string }[]; sync: { revision: string } };
  status.history = status.history.filter((h) => h.id <= last);
  const newest = status.history[status.history.length - 1];
  if (newest) status.sync.revision = newest.revision;
  app.metadata.resourceVersion = String(900_000 + last);
  return app;
}

const snap = (app: ArgoApp): JobSnapshot => normalizeApp(app, ctx(createHttp(), SRC, PROD_EU));
const W = { windowStart: Date.parse('2025-03-10T14:00:00Z'), windowEnd: NOW };
const REV = 'sync.revision';
const TAG = 'source.helm.parameters';

describe('Argo CD history', () => {
  it('reads every entry: id, time, initiator, revision and source', () => {
    const history = historyOf(full());
    expect(history?.axis).toBe('version');
    expect(history?.versions.map((v) => v.version)).toEqual([14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    const v21 = history?.versions.find((v) => v.version === 21);
    expect(v21).toMatchObject({
      at: Date.parse('2025-03-10T14:21:37Z'),
      actor: { name: 'bob@example.com', kind: 'person', via: 'history.initiatedBy' },
      from: 'Argo CD history id 21',
    });
    expect(v21?.fields[TAG]).toEqual(['image.tag=2.4.0']);
    // Entries from before Argo CD copied the initiator say so.
    expect(history?.versions[0]).toMatchObject({ limit: 'its history entry names no initiator' });
    expect(history?.versions[0]?.actor).toBeUndefined();
    expect(history?.versions.find((v) => v.version === 16)?.actor).toBeUndefined();
  });

  it('turns each sync between two polls into its own change, by its own person', () => {
    const changes = diffJob(snap(asOf(20)), snap(full()), W);
    expect(
      changes.map((c) => [c.actor?.name, new Date(c.at).toISOString(), c.recovered?.from ?? 'live']),
    ).toEqual([
      ['bob@example.com', '2025-03-10T14:21:37.000Z', 'Argo CD history id 21'],
      ['carol@example.com', '2025-03-10T14:33:02.000Z', 'Argo CD history id 22'],
      ['dave@example.com', '2025-03-10T14:52:48.000Z', 'live'],
    ]);
    // The rollback (22) reads as one: back to id 20's revision and tag.
    const rollback = changes[1];
    expect(rollback?.fields).toEqual([
      { path: TAG, before: ['image.tag=2.4.0'], after: ['image.tag=2.3.0'] },
      {
        path: REV,
        before: '718293a4b5c6d7e8f90123456789012345678901',
        after: '60718293a4b5c6d7e8f901234567890123456789',
      },
    ]);
    // The live change is only the last step, and nothing was skipped.
    expect(changes[2]).toMatchObject({ fromVersion: 22, toVersion: 23 });
    expect(changes[2]?.fields.find((f) => f.path === TAG)).toEqual({
      path: TAG,
      before: ['image.tag=2.3.0'],
      after: ['image.tag=2.4.1'],
    });
    expect(changes.some((c) => c.skipped)).toBe(false);
  });

  it('puts each sync operation on the change it made: times, revision and the application', () => {
    // The state before had id 20's operation as its last.
    const before = asOf(20) as ArgoApp & { status: { operationState: Record<string, unknown> } };
    before.status.operationState = {
      operation: { sync: { revision: '60718293a4b5c6d7e8f901234567890123456789' } },
      phase: 'Succeeded',
      startedAt: '2025-03-10T14:05:00Z',
      finishedAt: '2025-03-10T14:05:09Z',
    };
    const changes = diffJob(snap(before), snap(full()), W);
    // The application's own name (the row's is `cart`): what a tracking annotation names.
    expect(changes.map((c) => c.sync)).toEqual([
      {
        app: 'cart-prod-eu-1',
        startedAt: Date.parse('2025-03-10T14:21:28Z'),
        finishedAt: Date.parse('2025-03-10T14:21:37Z'),
        revision: '718293a4b5c6d7e8f90123456789012345678901',
      },
      {
        app: 'cart-prod-eu-1',
        startedAt: Date.parse('2025-03-10T14:33:00Z'),
        finishedAt: Date.parse('2025-03-10T14:33:02Z'),
        revision: '60718293a4b5c6d7e8f901234567890123456789',
      },
      // The live one, from operationState: syncResult's revision.
      {
        app: 'cart-prod-eu-1',
        startedAt: Date.parse('2025-03-10T14:52:39Z'),
        finishedAt: Date.parse('2025-03-10T14:52:48Z'),
        revision: '8293a4b5c6d7e8f9012345678901234567890123',
      },
    ]);
    // A change that is not a new sync (auto-sync turned on) does not claim the last one again.
    const later = full() as ArgoApp & { spec: { syncPolicy?: unknown } };
    later.spec.syncPolicy = { automated: {} };
    const edit = diffJob(snap(full()), snap(later), W);
    expect(edit).toHaveLength(1);
    expect(edit[0]?.sync).toBeUndefined();
  });

  it('leaves syncs pruned past the history limit counted as skipped', () => {
    // Stored at id 11; the controller has since kept only 14–23: 12 and 13 are gone for good.
    const prev = snap(asOf(20));
    const changes = diffJob({ ...prev, version: 11, versionToken: 'old' }, snap(full()), {
      ...W,
      windowStart: Date.parse('2025-02-01T00:00:00Z'),
    });
    expect(changes).toHaveLength(10);
    expect(changes[0]).toMatchObject({ skipped: 2, fromVersion: 11, toVersion: 14 });
    expect(changes.filter((c) => c.skipped)).toHaveLength(1);
    expect(changes.filter((c) => c.recovered).map((c) => c.toVersion)).toEqual([
      14, 15, 16, 17, 18, 19, 20, 21, 22,
    ]);
  });
});

describe('Argo CD at first sight', () => {
  let db: TattlerDb | undefined;
  afterEach(async () => {
    await db?.delete();
    db = undefined;
  });

  it('records the syncs within retention the moment Tattler is set up, none as created', async () => {
    db = await openDb(`argocd-history-${Math.random()}`);
    const parsed = validateSettings({
      version: 1,
      retentionDays: 7,
      sources: [{ id: 'cd', name: 'Argo CD', type: 'argocd', baseUrl: BASE }],
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const fetch = routed([
      { path: '/api/v1/clusters', reply: () => jsonReply(fixtureText('argocd/clusters.json'))() },
      { path: '/api/v1/applications', reply: () => jsonReply({ items: [full()] })() },
    ]);
    await runPass({
      db,
      settings: parsed.value,
      http: createHttp({ fetch }),
      adapterFor,
      now: () => NOW,
    });
    const changes = (await changesIn(db)).sort((a, b) => a.at - b.at);
    expect(changes.every((c) => c.type === 'updated' && c.recovered)).toBe(true);
    // Seven days back from 2025-03-10T15:00Z: ids 18 (Mar 5) … 23; 17 (Mar 3) is older.
    expect(changes.map((c) => [c.toVersion, c.actor?.name])).toEqual([
      [18, 'bob@example.com'],
      [19, 'alice@example.com'],
      [20, 'alice@example.com'],
      [21, 'bob@example.com'],
      [22, 'carol@example.com'],
      [23, 'dave@example.com'],
    ]);
  });
});

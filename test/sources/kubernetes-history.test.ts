/**
 * A Deployment's history from the ReplicaSets it owns (lib/sources/kubernetes/history.ts): each
 * revision between two polls is its own change with its own creationTimestamp, copied actor and
 * change-cause; a ReplicaSet reused by a rollback says its time is unknown; a revision that
 * changed only a pod-template annotation is still a revision; replicas changes make none and
 * stay counted as skipped. History is read only when the revision moved by more than one, and
 * at first sight.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type TattlerDb } from '../../lib/db';
import { diffJob } from '../../lib/diff';
import { createHttp } from '../../lib/http';
import type { JobSnapshot } from '../../lib/model';
import { wantsHistory } from '../../lib/recover/ask';
import { deploymentHistory } from '../../lib/sources/kubernetes/history';
import { type KubeObject, normalizeObject } from '../../lib/sources/kubernetes/normalize';
import { adapterFor } from '../../lib/sources/registry';
import { runPass } from '../../lib/watcher';
import { changesIn } from '../store-view';
import {
  ACTOR_ANNOTATION,
  FakeKubeApi,
  FIXTURE_NOW,
  fixture,
  type KubeList,
  kubernetesSettings,
  normalizeCtx,
} from './helpers';

const NOW = FIXTURE_NOW;
const ctx = normalizeCtx();
const IMAGE = 'containers[app].image';
const replicaSets = () => fixture<KubeList>('kubernetes/replicasets.json').items as KubeObject[];
const deployment = (name: string) =>
  fixture<KubeList>('kubernetes/deployments.json').items.find((d) => d.metadata.name === name) as KubeObject;

const checkout = (): JobSnapshot => normalizeObject('Deployment', deployment('checkout'), ctx);

/** checkout as it was at revision 4 (generation 10), before three rollouts and a scale. */
function checkoutAt4(): JobSnapshot {
  const now = checkout();
  return {
    ...now,
    versionToken: '700000',
    version: 10,
    revision: 4,
    fields: { ...now.fields, [IMAGE]: 'registry.example.com/shop/checkout:2025.03.05-1', 'spec.replicas': 2 },
    changedBy: { name: 'carol', kind: 'person' },
  };
}

describe('ReplicaSets as a Deployment history', () => {
  it('reads the revisions of the ReplicaSets the Deployment owns, and only those', () => {
    const history = deploymentHistory(checkout(), replicaSets(), ACTOR_ANNOTATION);
    expect(history?.axis).toBe('revision');
    expect(history?.versions.map((v) => v.version).sort()).toEqual([3, 5, 6, 7]);
    const v7 = history?.versions.find((v) => v.version === 7);
    expect(v7).toMatchObject({
      at: Date.parse('2025-03-10T14:02:12Z'),
      actor: { name: 'alice', kind: 'person' },
      changeCause: 'release 2025.03.10-1 (PR #4411)',
      from: 'ReplicaSet shop/checkout-8f9b6d7c45 (revision 7)',
    });
    expect(v7?.fields[IMAGE]).toBe('registry.example.com/shop/checkout:2025.03.10-1');
    // Replicas and strategy are the Deployment's: a ReplicaSet's say nothing of them.
    expect(v7?.fields['spec.replicas']).toBeUndefined();
  });

  it('says a reused ReplicaSet has no time of its own', () => {
    const v5 = deploymentHistory(checkout(), replicaSets(), ACTOR_ANNOTATION)?.versions.find(
      (v) => v.version === 5,
    );
    expect(v5?.at).toBeUndefined();
    expect(v5?.limit).toMatch(/^time unknown: a rollback reused this ReplicaSet \(it was revision 2\)/);
  });

  it('names nobody without an actor annotation: the controller, not a person, makes ReplicaSets', () => {
    const history = deploymentHistory(checkout(), replicaSets(), undefined);
    expect(history?.versions.every((v) => v.actor === undefined)).toBe(true);
  });

  it('turns each revision between two polls into its own change', () => {
    const curr = { ...checkout(), history: deploymentHistory(checkout(), replicaSets(), ACTOR_ANNOTATION) };
    const W = { windowStart: Date.parse('2025-03-10T13:00:00Z'), windowEnd: NOW };
    const changes = diffJob(checkoutAt4(), curr, W);
    expect(
      changes.map((c) => [
        c.actor?.name,
        new Date(c.at).toISOString(),
        c.fields.map((f) => f.path),
        c.recovered?.from ?? 'live',
      ]),
    ).toEqual([
      // The rollback: time unknown, so dated by the window's start.
      ['dave', '2025-03-10T13:00:00.000Z', [IMAGE], 'ReplicaSet shop/checkout-69b4c7d8f5 (revision 5)'],
      // kubectl rollout restart: a revision that moved no tracked field.
      ['erin', '2025-03-10T13:40:31.000Z', [], 'ReplicaSet shop/checkout-7c6d9f8b57 (revision 6)'],
      ['alice', '2025-03-10T14:02:11.000Z', [IMAGE, 'spec.replicas'], 'live'],
    ]);
    expect(changes[0]?.fields[0]).toEqual({
      path: IMAGE,
      before: 'registry.example.com/shop/checkout:2025.03.05-1',
      after: 'registry.example.com/shop/checkout:2025.02.27-2',
    });
    expect(changes[0]?.recovered?.limit).toMatch(/^time unknown/);
    // Generation 10 → 14: revisions 5 and 6 recovered, one more (the scale) made no revision.
    expect(changes[2]?.skipped).toBe(1);
    expect(changes[2]?.fields[0]?.before).toBe('registry.example.com/shop/checkout:2025.02.27-2');
  });

  it('is read only when the revision moved by more than one, and at first sight', () => {
    const prev = checkoutAt4();
    expect(wantsHistory(undefined, checkout(), true)).toBe(true);
    expect(wantsHistory(prev, checkout(), false)).toBe(true);
    expect(wantsHistory({ ...prev, revision: 6 }, checkout(), false)).toBe(false);
    expect(wantsHistory({ ...prev, revision: 7 }, checkout(), false)).toBe(false);
    expect(wantsHistory({ ...prev, instance: 'other' }, checkout(), false)).toBe(false);
  });
});

describe('a Kubernetes source through a whole pass', () => {
  let db: TattlerDb | undefined;
  afterEach(async () => {
    await db?.delete();
    db = undefined;
  });

  const settings = () => kubernetesSettings(['Deployment']);

  it('records the remembered revisions at first sight, none as created', async () => {
    db = await openDb(`k8s-history-${Math.random()}`);
    const api = new FakeKubeApi();
    (api.lists as Record<string, KubeList>).replicasets = fixture<KubeList>('kubernetes/replicasets.json');
    await runPass({
      db,
      settings: settings(),
      http: createHttp({ fetch: api.fetch }),
      adapterFor,
      now: () => NOW,
    });
    const changes = (await changesIn(db)).sort((a, b) => a.at - b.at);
    expect(changes.map((c) => [c.name, c.actor?.name, c.skipped, c.recovered?.from])).toEqual([
      // Revision 4 is gone: 3 → 5 says one revision went unrecorded.
      ['checkout', 'dave', 1, 'ReplicaSet shop/checkout-69b4c7d8f5 (revision 5)'],
      ['checkout', 'erin', undefined, 'ReplicaSet shop/checkout-7c6d9f8b57 (revision 6)'],
      ['checkout', 'alice', undefined, 'ReplicaSet shop/checkout-8f9b6d7c45 (revision 7)'],
    ]);
    // One ReplicaSet list per namespace of the Deployments, GET only.
    const rsLists = api.requests.filter((u) => u.pathname.endsWith('/replicasets'));
    expect(rsLists.map((u) => u.pathname).sort()).toEqual([
      '/k8s/clusters/c-m-abc12/apis/apps/v1/namespaces/batch/replicasets',
      '/k8s/clusters/c-m-abc12/apis/apps/v1/namespaces/shop/replicasets',
    ]);
  });

  it('records the poll without recovery when the ReplicaSets cannot be read', async () => {
    db = await openDb(`k8s-history-${Math.random()}`);
    const api = new FakeKubeApi();
    const lines: string[] = [];
    const summary = await runPass({
      db,
      settings: settings(),
      http: createHttp({ fetch: api.fetch }),
      adapterFor,
      now: () => NOW,
      log: (l) => lines.push(l),
    });
    expect(summary.clusters.ok).toBe(1);
    expect(await changesIn(db)).toEqual([]);
    expect(lines.some((l) => l.includes('history not read, nothing recovered'))).toBe(true);
  });
});

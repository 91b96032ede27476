/**
 * StatefulSet and DaemonSet history from their ControllerRevisions
 * (lib/sources/kubernetes/revisions.ts): each revision between two polls is its own change with
 * its own creationTimestamp and copied actor; a rollback's re-used revision has neither time nor
 * actor and says so; revisions pruned past revisionHistoryLimit stay counted as skipped; a
 * pod-template annotation (a restart) is a revision, an owner annotation is none. The revision
 * the owner is at comes from the history, and is carried between reads while the generation
 * stands still.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type TattlerDb } from '../../lib/db';
import { diffJob } from '../../lib/diff';
import { createHttp } from '../../lib/http';
import type { JobSnapshot } from '../../lib/model';
import { carryRevision, wantsHistory } from '../../lib/recover/ask';
import { type KubeObject, normalizeObject } from '../../lib/sources/kubernetes/normalize';
import { controllerRevisionHistory } from '../../lib/sources/kubernetes/revisions';
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
const IMAGE = 'containers[rabbitmq].image';
const revisions = () => fixture<KubeList>('kubernetes/controllerrevisions.json').items as KubeObject[];
const item = (file: string, name: string) =>
  fixture<KubeList>(`kubernetes/${file}.json`).items.find((o) => o.metadata.name === name) as KubeObject;
const queue = (): JobSnapshot => normalizeObject('StatefulSet', item('statefulsets', 'queue'), ctx);
const nodeAgent = (): JobSnapshot => normalizeObject('DaemonSet', item('daemonsets', 'node-agent'), ctx);

/** queue as a poll read it at revision `revision` (generation the same), image `image`. */
function queueAt(revision: number, image: string): JobSnapshot {
  const now = queue();
  return {
    ...now,
    versionToken: `9000${revision}`,
    version: revision,
    revision,
    fields: { ...now.fields, [IMAGE]: image },
  };
}

/** queue as read now, with its history and the revision that history says. */
function queueNow(): JobSnapshot {
  const history = controllerRevisionHistory(queue(), revisions(), ACTOR_ANNOTATION);
  return { ...queue(), history, revision: history?.current };
}

const W = { windowStart: Date.parse('2025-03-09T00:00:00Z'), windowEnd: NOW };

describe('ControllerRevisions as a StatefulSet or DaemonSet history', () => {
  it('reads the revisions of the ControllerRevisions the owner has, and only those', () => {
    const history = controllerRevisionHistory(queue(), revisions(), ACTOR_ANNOTATION);
    expect(history?.axis).toBe('revision');
    expect(history?.versions.map((v) => v.version)).toEqual([4, 5, 6, 7]);
    expect(history?.versions.find((v) => v.version === 7)).toMatchObject({
      at: Date.parse('2025-03-10T14:02:12Z'),
      actor: { name: 'erin', kind: 'person' },
      changeCause: 'rabbitmq 3.13.1',
      from: 'ControllerRevision shop/queue-8d7c6b5e4 (revision 7)',
      fields: { [IMAGE]: 'rabbitmq:3.13.1-management' },
    });
    // Only the pod template is in a revision: replicas and updateStrategy are the owner's.
    expect(history?.versions.every((v) => v.fields['spec.replicas'] === undefined)).toBe(true);
    // The newest revision is the one a StatefulSet the controller has observed is at.
    expect(history?.current).toBe(7);
    const agent = controllerRevisionHistory(nodeAgent(), revisions(), ACTOR_ANNOTATION);
    expect(agent?.versions.map((v) => [v.version, v.actor?.name])).toEqual([
      [5, 'frank'],
      [6, 'grace'],
    ]);
    expect(agent?.current).toBe(6);
    // A Deployment's history is its ReplicaSets, not ControllerRevisions.
    const deployment = { ...queue(), kind: 'Deployment' };
    expect(controllerRevisionHistory(deployment, revisions(), ACTOR_ANNOTATION)).toBeUndefined();
  });

  it('gives a rollback’s re-used revision neither time nor author, and says why', () => {
    const v5 = controllerRevisionHistory(queue(), revisions(), ACTOR_ANNOTATION)?.versions.find(
      (v) => v.version === 5,
    );
    // Its creationTimestamp and annotations (bob's) are those of revision 3, which it first was.
    expect(v5?.at).toBeUndefined();
    expect(v5?.actor).toBeUndefined();
    expect(v5?.changeCause).toBeUndefined();
    expect(v5?.limit).toMatch(/^time and author unknown: a rollback re-used this ControllerRevision/);
    expect(v5?.fields[IMAGE]).toBe('rabbitmq:3.12.13-management');
  });

  it('does not claim a revision before the controller has observed the spec', () => {
    const lagging = { ...queue(), health: { ...queue().health, lag: 1 } };
    expect(controllerRevisionHistory(lagging, revisions(), ACTOR_ANNOTATION)?.current).toBeUndefined();
  });

  it('turns each revision between two polls into its own change', () => {
    const changes = diffJob(queueAt(4, 'rabbitmq:3.13.0-management'), queueNow(), W);
    expect(
      changes.map((c) => [
        c.actor?.name,
        new Date(c.at).toISOString(),
        c.fields.map((f) => `${f.before} → ${f.after}`),
        c.recovered?.from ?? 'live',
        c.skipped,
      ]),
    ).toEqual([
      // The rollback to 3.12.13: time and author unknown, dated by the window's start.
      [
        undefined,
        '2025-03-09T00:00:00.000Z',
        ['rabbitmq:3.13.0-management → rabbitmq:3.12.13-management'],
        'ControllerRevision shop/queue-5f4e3d2c1b (revision 5)',
        undefined,
      ],
      // kubectl rollout restart: only a pod-template annotation changed; no tracked field moved.
      [
        'dave',
        '2025-03-10T13:40:31.000Z',
        [],
        'ControllerRevision shop/queue-7c6b5a4d3 (revision 6)',
        undefined,
      ],
      [
        // The live step is the object's: this StatefulSet carries no actor annotation of its own.
        undefined,
        '2025-03-10T15:00:00.000Z',
        ['rabbitmq:3.12.13-management → rabbitmq:3.13.1-management'],
        'live',
        undefined,
      ],
    ]);
    expect(changes[0]?.recovered?.limit).toMatch(/^time and author unknown/);
  });

  it('counts the revisions pruned past revisionHistoryLimit as skipped, on the first change after them', () => {
    const changes = diffJob(queueAt(1, 'rabbitmq:3.12.10-management'), queueNow(), W);
    expect(changes.map((c) => [c.toVersion ?? c.recovered?.from, c.actor?.name, c.skipped])).toEqual([
      // Revisions 2 and 3 are gone (2 pruned, 3 re-numbered as 5 by the rollback).
      ['ControllerRevision shop/queue-6a5b4c3d2e (revision 4)', 'carol', 2],
      ['ControllerRevision shop/queue-5f4e3d2c1b (revision 5)', undefined, undefined],
      ['ControllerRevision shop/queue-7c6b5a4d3 (revision 6)', 'dave', undefined],
      [7, undefined, undefined],
    ]);
    expect(changes[0]?.fields).toEqual([
      { path: IMAGE, before: 'rabbitmq:3.12.10-management', after: 'rabbitmq:3.13.0-management' },
    ]);
  });

  it('is read when the generation moved, and the revision carried over while it stands still', () => {
    const prev = queueAt(7, 'rabbitmq:3.13.1-management');
    const moved = { ...queue(), version: 8, versionToken: '920000' };
    const statusOnly = { ...queue(), versionToken: '920001' };
    expect(wantsHistory(undefined, queue(), true)).toBe(true);
    // A StatefulSet does not carry its revision: any generation move may have made one.
    expect(wantsHistory(prev, moved, false)).toBe(true);
    expect(wantsHistory(prev, statusOnly, false)).toBe(false);
    expect(carryRevision(prev, statusOnly)).toBe(7);
    expect(carryRevision(prev, moved)).toBeUndefined();
    expect(carryRevision({ ...prev, instance: 'another-uid' }, statusOnly)).toBeUndefined();
    // Read while the controller lagged: read again until the revision is known.
    const unknown = { ...prev, revision: undefined, health: { ...prev.health, lag: 1 } };
    expect(wantsHistory(unknown, statusOnly, false)).toBe(true);
    expect(wantsHistory({ ...unknown, health: prev.health }, statusOnly, false)).toBe(false);
  });

  it('recovers nothing from an edit of the owner’s annotations alone: it makes no revision', () => {
    const prev = queueAt(7, 'rabbitmq:3.13.1-management');
    const annotated: JobSnapshot = {
      ...queueNow(),
      versionToken: '920002',
      changeCause: 'renamed the on-call team',
    };
    // The generation does not move for metadata: no history read, no change.
    expect(wantsHistory(prev, { ...annotated, revision: undefined }, false)).toBe(false);
    expect(diffJob(prev, annotated, W)).toEqual([]);
  });
});

describe('StatefulSets and DaemonSets through whole passes', () => {
  let db: TattlerDb | undefined;
  afterEach(async () => {
    await db?.delete();
    db = undefined;
  });

  const settings = () => kubernetesSettings(['StatefulSet', 'DaemonSet']);

  it('recovers at first sight, then — after a poll whose history read failed — two edits by two people between two polls as two changes', async () => {
    db = await openDb(`k8s-revisions-${Math.random()}`);
    const api = new FakeKubeApi();
    const crs = fixture<KubeList>('kubernetes/controllerrevisions.json');
    (api.lists as Record<string, KubeList>).controllerrevisions = crs;
    const pass = (now: number) =>
      runPass({
        db: db as TattlerDb,
        settings: settings(),
        http: createHttp({ fetch: api.fetch }),
        adapterFor,
        now: () => now,
      });

    await pass(NOW);
    const first = (await changesIn(db)).sort((a, b) => a.at - b.at);
    expect(first.map((c) => [c.name, c.actor?.name, c.skipped, c.recovered?.from])).toEqual([
      ['queue', undefined, undefined, 'ControllerRevision shop/queue-5f4e3d2c1b (revision 5)'],
      [
        'node-agent',
        'grace',
        undefined,
        'ControllerRevision observability/node-agent-5c4b3a2d1e (revision 6)',
      ],
      ['queue', 'dave', undefined, 'ControllerRevision shop/queue-7c6b5a4d3 (revision 6)'],
      ['queue', 'erin', undefined, 'ControllerRevision shop/queue-8d7c6b5e4 (revision 7)'],
    ]);
    // One ControllerRevision list per namespace of the owners, GET only.
    const crLists = (from: number) =>
      api.requests
        .slice(from)
        .filter((u) => u.pathname.endsWith('/controllerrevisions'))
        .map((u) => u.pathname);
    expect(crLists(0).sort()).toEqual([
      '/k8s/clusters/c-m-abc12/apis/apps/v1/namespaces/observability/controllerrevisions',
      '/k8s/clusters/c-m-abc12/apis/apps/v1/namespaces/shop/controllerrevisions',
    ]);

    // A poll that sees only status move reads no history.
    const sts = (api.lists as Record<string, KubeList>).statefulsets as KubeList;
    const q = sts.items.find((o) => o.metadata.name === 'queue') as KubeObject & {
      spec: { template: { spec: { containers: { image: string }[] } } };
      status: Record<string, unknown>;
    };
    q.metadata.resourceVersion = '930000';
    q.status.readyReplicas = 2;
    let seen = api.requests.length;
    await pass(NOW + 60_000);
    expect(crLists(seen)).toEqual([]);

    // A poll whose history read fails (node-agent moved; the ControllerRevisions answer 404):
    // recorded without recovery, and queue, whose status alone moved, keeps its revision.
    const ds = (api.lists as Record<string, KubeList>).daemonsets as KubeList;
    const agent = ds.items.find((o) => o.metadata.name === 'node-agent') as KubeObject & {
      status: Record<string, unknown>;
    };
    agent.metadata.resourceVersion = '935000';
    agent.metadata.generation = 7;
    agent.status.observedGeneration = 7;
    q.metadata.resourceVersion = '935001';
    q.status.readyReplicas = 3;
    const lists = api.lists as Record<string, KubeList | undefined>;
    lists.controllerrevisions = undefined;
    const lines: string[] = [];
    seen = api.requests.length;
    const failed = await runPass({
      db,
      settings: settings(),
      http: createHttp({ fetch: api.fetch }),
      adapterFor,
      now: () => NOW + 120_000,
      log: (l) => lines.push(l),
    });
    expect(failed.clusters.ok).toBe(1);
    expect(crLists(seen)).toEqual([
      '/k8s/clusters/c-m-abc12/apis/apps/v1/namespaces/observability/controllerrevisions',
    ]);
    expect(lines.some((l) => l.includes('history not read, nothing recovered'))).toBe(true);
    lists.controllerrevisions = crs;

    // Between two polls: alice makes revision 8, bob revision 9.
    const template = (image: string) => ({
      $patch: 'replace',
      metadata: { creationTimestamp: null, labels: { 'app.kubernetes.io/name': 'queue' } },
      spec: { containers: [{ name: 'rabbitmq', image }] },
    });
    const cr = (hash: string, revision: number, at: string, who: string, image: string): KubeObject => ({
      metadata: {
        name: `queue-${hash}`,
        namespace: 'shop',
        uid: `cr-queue-${hash}`,
        resourceVersion: `94000${revision}`,
        creationTimestamp: at,
        labels: { 'app.kubernetes.io/name': 'queue', 'controller.kubernetes.io/hash': hash },
        annotations: { [ACTOR_ANNOTATION]: who },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'StatefulSet',
            name: 'queue',
            uid: q.metadata.uid,
            controller: true,
          },
        ],
      },
      data: { spec: { template: template(image) } },
      revision,
    });
    crs.items.push(
      cr('9e8d7c6b5', 8, '2025-03-10T15:01:30Z', 'alice', 'rabbitmq:3.13.2-management'),
      cr('a9f8e7d6c', 9, '2025-03-10T15:02:10Z', 'bob', 'rabbitmq:3.13.3-management'),
    );
    q.metadata.resourceVersion = '940010';
    // The deploy tool stamps the StatefulSet; its ControllerRevisions copy the stamp.
    q.metadata.annotations = { [ACTOR_ANNOTATION]: 'bob' };
    q.metadata.generation = 9;
    q.status.observedGeneration = 9;
    q.status.updateRevision = 'queue-a9f8e7d6c';
    const container = q.spec.template.spec.containers[0];
    if (container) container.image = 'rabbitmq:3.13.3-management';
    seen = api.requests.length;
    await pass(NOW + 180_000);
    expect(crLists(seen)).toEqual([
      '/k8s/clusters/c-m-abc12/apis/apps/v1/namespaces/shop/controllerrevisions',
    ]);
    const after = (await changesIn(db))
      .filter((c) => c.name === 'queue' && c.windowStart >= NOW + 60_000)
      .sort((a, b) => a.at - b.at);
    expect(
      after.map((c) => [
        c.actor?.name,
        c.fields.map((f) => f.after),
        c.recovered ? 'recovered' : 'live',
        c.skipped,
      ]),
    ).toEqual([
      ['alice', ['rabbitmq:3.13.2-management'], 'recovered', undefined],
      ['bob', ['rabbitmq:3.13.3-management'], 'live', undefined],
    ]);
  });
});

/**
 * The fleet keeps StatefulSet and DaemonSet history in ControllerRevisions as the real
 * controllers do, and Tattler (runPass over real HTTP, through Rancher's proxy, with the
 * browser's session cookie) reads it back: two people changing a StatefulSet between two polls
 * end up as two changes, each with its own actor, the first recovered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSettings, type Fleet, startFleet } from '../../fleet/index';
import { openDb, type TattlerDb } from '../../lib/db';
import { createHttp, type FetchLike } from '../../lib/http';
import { validateSettings } from '../../lib/settings';
import { adapterFor } from '../../lib/sources/registry';
import { runPass } from '../../lib/watcher';
import { changesIn } from '../store-view';
import { clusterId, getJson, kubePath, login } from './test-helpers';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
type Loose = any;

let fleet: Fleet;
let db: TattlerDb;
let cookie: string;

beforeAll(async () => {
  fleet = await startFleet({ seed: 9, clusters: 3, autoRun: false });
  cookie = await login(fleet);
  db = await openDb(`fleet-revisions-${Math.random()}`);
});
afterAll(async () => {
  await db?.delete();
  await fleet?.stop();
});

const owned = (items: Loose[], uid: string) =>
  items.filter((cr) => cr.metadata.ownerReferences?.some((r: Loose) => r.uid === uid));

/** The browser's part: its cookie jar sends the session cookie with every request to the fleet. */
const withCookie: FetchLike = (input, init) =>
  fetch(input, { ...init, headers: { ...(init.headers as Record<string, string>), cookie } });

async function pass(): Promise<void> {
  const parsed = validateSettings(demoSettings(fleet));
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const summary = await runPass({
    db,
    settings: parsed.value,
    http: createHttp({ fetch: withCookie }),
    adapterFor,
    now: () => Date.now(),
    // A "poll now": every cluster is asked, due or not.
    eager: true,
  });
  expect(summary.clusters.ok).toBeGreaterThan(0);
}

describe('ControllerRevisions in the fleet', () => {
  it('keeps each StatefulSet’s and DaemonSet’s pod templates in ControllerRevisions owned by it', async () => {
    const id = clusterId(fleet, 'prod-eu-1');
    const sts = (
      await getJson(fleet, kubePath(id, '/apis/apps/v1/namespaces/shop/statefulsets/session-store'))
    ).body;
    const list = (await getJson(fleet, kubePath(id, '/apis/apps/v1/namespaces/shop/controllerrevisions')))
      .body;
    expect(list.kind).toBe('ControllerRevisionList');
    const mine = owned(list.items, sts.metadata.uid);
    expect(mine.length).toBeGreaterThan(0);
    const newest = mine.reduce((a: Loose, b: Loose) => (b.revision > a.revision ? b : a));
    // The StatefulSet's updateRevision names its newest ControllerRevision, `<name>-<hash>`.
    expect(sts.status.updateRevision).toBe(newest.metadata.name);
    expect(newest.metadata.name).toBe(
      `session-store-${newest.metadata.labels['controller.kubernetes.io/hash']}`,
    );
    expect(newest.metadata.ownerReferences[0]).toMatchObject({ kind: 'StatefulSet', controller: true });
    expect(newest.metadata.generation).toBeUndefined();
    expect(newest.data.spec.template.$patch).toBe('replace');
    expect(newest.data.spec.template.spec.containers[0].image).toBe(
      sts.spec.template.spec.containers[0].image,
    );
    // Every annotation of the StatefulSet at the time is copied (the deploy tool's actor among them).
    expect(newest.metadata.annotations).toEqual(sts.metadata.annotations);

    const daemonSets = (await getJson(fleet, kubePath(id, '/apis/apps/v1/daemonsets'))).body.items;
    expect(daemonSets.length).toBeGreaterThan(0);
    const ds = daemonSets[0];
    const dsList = (
      await getJson(
        fleet,
        kubePath(id, `/apis/apps/v1/namespaces/${ds.metadata.namespace}/controllerrevisions`),
      )
    ).body;
    const dsRevisions = owned(dsList.items, ds.metadata.uid);
    expect(dsRevisions.length).toBeGreaterThan(0);
    expect(dsRevisions[0].metadata.labels['controller-revision-hash']).toMatch(/^\w+$/);
  });

  it('records two people’s edits of a StatefulSet between two polls as two changes, each with its own actor', async () => {
    await pass();
    const baseline = new Set((await changesIn(db)).map((c) => c.id));
    fleet.control.apply('statefulset-two-people', 'prod-eu-1');
    fleet.control.settle();
    fleet.control.tick(31_000);
    fleet.control.settle();
    await pass();
    const id = `demo/${clusterId(fleet, 'prod-eu-1')}`;
    const both = (await changesIn(db))
      .filter((c) => c.name === 'session-store' && c.clusterId === id && !baseline.has(c.id))
      .sort((a, b) => a.at - b.at);
    expect(both.map((c) => [c.actor?.name, c.recovered ? 'recovered' : 'live', c.skipped])).toEqual([
      ['dave', 'recovered', undefined],
      ['erin', 'live', undefined],
    ]);
    expect(both[0]?.recovered?.from).toMatch(/^ControllerRevision shop\/session-store-\w+ \(revision \d+\)$/);
    expect(both[0]?.fields.map((f) => f.after)).toEqual(['docker.io/library/redis:7.2.5']);
    expect(both[1]?.fields.map((f) => [f.before, f.after])).toEqual([
      ['docker.io/library/redis:7.2.5', 'docker.io/library/redis:7.2.6'],
    ]);
  });
});

/**
 * End to end against the demo fleet: the built extension in Chromium, configured through its
 * options page, logged in through the fleet's login page (a real R_SESS cookie), polling with
 * that session. Changes are applied through the fleet's control API and must arrive in
 * Chromium's IndexedDB with the right actor, window, fields and skipped versions.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSettings, type Fleet, startFleet } from '../../fleet/index';
import type { Change, Cluster, PollRun } from '../../lib/model';
import {
  importSettingsThroughOptions,
  type LaunchedExtension,
  launchExtension,
  pollNow,
  readTable,
} from './harness';
import { storedChanges } from './stored';

interface Status {
  running: boolean;
  last?: {
    startedAt: number;
    finishedAt: number;
    changes: number;
    clusters: Record<string, number>;
    logins: { url: string }[];
  };
}

describe('Tattler against the demo fleet', () => {
  let fleet: Fleet;
  let ext: LaunchedExtension;
  let consolePage: Page;

  const pass = async () => (await pollNow(ext)) as Status;
  const changes = () => storedChanges((t) => readTable(ext, t));
  /** The changes the first pass recovered from the fleet's history. */
  const baseline = new Set<string>();
  const clusterId = (name: string) => {
    const c = fleet.clusters().find((x) => x.displayName === name);
    if (!c) throw new Error(`no cluster ${name}`);
    return `demo/${c.id}`;
  };
  async function logIn() {
    await consolePage.goto(`${fleet.url}/dashboard/auth/login`);
    await consolePage.getByLabel(/user/i).fill(fleet.credentials.username);
    await consolePage.getByLabel(/password/i).fill(fleet.credentials.password);
    await Promise.all([
      consolePage.waitForURL(/\/dashboard\/(?!auth)/),
      consolePage.getByRole('button', { name: /log in/i }).click(),
    ]);
  }

  beforeAll(async () => {
    fleet = await startFleet({ seed: 3, autoRun: false });
    ext = await launchExtension();
    consolePage = await ext.context.newPage();
    expect(await importSettingsThroughOptions(ext, demoSettings(fleet))).toMatch(/Imported 1 source/);
  });
  afterAll(async () => {
    await ext?.close();
    await fleet?.stop();
  });

  it('without a session, needs login, says where, and records nothing', async () => {
    const status = await pass();
    expect(status.last?.clusters.ok).toBe(0);
    expect(status.last?.logins.map((l) => new URL(l.url).origin)).toContain(fleet.url);
    const runs = await readTable<PollRun>(ext, 'polls');
    expect(runs.find((r) => r.target === 'discovery:demo')).toMatchObject({ status: 'auth' });
    expect(await changes()).toEqual([]);
  });

  it('after logging in through the console, the first pass is a baseline of every cluster', async () => {
    await logIn();
    const status = await pass();
    expect(status.last?.clusters.ok).toBe(12);
    // History from day zero: the revisions the ReplicaSets and ControllerRevisions remember
    // within retention, recovered; never a created.
    const first = await changes();
    expect(first.length).toBeGreaterThan(0);
    const fromHistory = (c: Change) => /^(ReplicaSet|ControllerRevision) /.test(c.recovered?.from ?? '');
    expect(first.filter((c) => c.type !== 'updated' || !fromHistory(c))).toEqual([]);
    for (const c of first) baseline.add(c.id);
    expect((await readTable<Cluster>(ext, 'clusters')).length).toBe(12);
  });

  it('records two quick changes seen in one poll as two changes by alice, the first recovered', async () => {
    const before = await pass();
    fleet.control.apply('double-change', 'prod-us-1');
    fleet.control.tick(5_000); // the second edit follows 4 s later
    fleet.control.settle();
    const after = await pass();
    expect(after.last?.changes).toBeGreaterThanOrEqual(2);
    const both = (await changes())
      .filter(
        (x) => x.name === 'payments-api' && x.clusterId === clusterId('prod-us-1') && !baseline.has(x.id),
      )
      .sort((a, b) => a.at - b.at);
    expect(both).toHaveLength(2);
    const [first, c] = both;
    // The first edit's revision is read back from its ReplicaSet; the poll saw only the second.
    expect(first).toMatchObject({ type: 'updated', namespace: 'payments' });
    expect(first?.recovered?.from).toMatch(/^ReplicaSet payments\/payments-api-\w+ \(revision \d+\)$/);
    expect(first?.actor).toMatchObject({ name: 'alice', kind: 'person' });
    expect(first?.fields.map((f) => f.path)).toEqual(['containers[payments-api].image']);
    expect(c).toMatchObject({ type: 'updated', kind: 'Deployment', namespace: 'payments' });
    expect(c?.recovered).toBeUndefined();
    expect(c?.skipped).toBeUndefined();
    expect(c?.actor).toMatchObject({ name: 'alice', kind: 'person' });
    expect(c?.actorStale).toBeFalsy();
    expect(c?.fields.map((f) => f.path)).toEqual(['containers[payments-api].env']);
    // The window runs from the start of the previous complete poll to the end of this one.
    for (const x of both) {
      expect(x.windowStart).toBeGreaterThanOrEqual(before.last?.startedAt ?? 0);
      expect(x.windowStart).toBeLessThanOrEqual(before.last?.finishedAt ?? 0);
      expect(x.windowEnd).toBeLessThanOrEqual(after.last?.finishedAt ?? 0);
      expect(x.at).toBeGreaterThanOrEqual(x.windowStart);
      expect(x.at).toBeLessThanOrEqual(x.windowEnd);
    }
  });

  it('names the client, not the stale annotation, after a hand edit with kubectl edit', async () => {
    fleet.control.apply('kubectl-edit', 'prod-eu-1');
    fleet.control.settle();
    await pass();
    const c = (await changes()).find((x) => x.name === 'pricing' && x.clusterId === clusterId('prod-eu-1'));
    expect(c?.actor).toMatchObject({ name: 'kubectl-edit', kind: 'client' });
    expect(c?.fields[0]?.path).toBe('containers[pricing].env');
  });

  it('an expired session gives "auth needed" and no changes; after logging in again the change arrives', async () => {
    const count = (await changes()).length;
    fleet.control.expireSessions();
    fleet.control.apply('scale', 'prod-eu-2');
    fleet.control.settle();
    const blind = await pass();
    expect(blind.last?.clusters.ok).toBe(0);
    expect(blind.last?.clusters.auth).toBeGreaterThan(0);
    expect((await changes()).length).toBe(count);

    await logIn();
    const seeing = await pass();
    expect(seeing.last?.clusters.ok).toBe(12);
    const scaled = (await changes()).filter(
      (c) => c.clusterId === clusterId('prod-eu-2') && c.fields.some((f) => f.path === 'spec.replicas'),
    );
    expect(scaled).toHaveLength(1);
    // The window spans the blind poll: from the last poll that saw, to the one that saw again.
    expect(scaled[0]?.windowStart).toBeLessThan(blind.last?.startedAt ?? 0);
  });

  it('marks a cluster that leaves discovery gone and never reports its jobs deleted', async () => {
    const listed = new Set(fleet.clusters().map((c) => c.id));
    fleet.control.apply('cluster-leaves');
    const left = [...listed].filter((id) => !fleet.clusters().some((c) => c.id === id));
    expect(left).toHaveLength(1);
    const id = `demo/${left[0]}`;
    const status = await pass();
    expect(status.last?.clusters.gone).toBe(1);
    const gone = (await readTable<Cluster>(ext, 'clusters')).find((c) => c.id === id);
    expect(gone?.goneSince).toBeGreaterThan(0);
    expect((await changes()).filter((c) => c.clusterId === id && c.type === 'deleted')).toEqual([]);
  });
});

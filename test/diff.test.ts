import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileIgnore, diffCluster, diffFields, diffJob, withOccurrence } from '../lib/diff';
import type { JobSnapshot } from '../lib/model';
import { fleetOfSnapshots, snapshot } from './builders';

const W = { windowStart: 10_000, windowEnd: 20_000 };

const bump = (s: JobSnapshot, over: Partial<JobSnapshot>): JobSnapshot => ({
  ...s,
  versionToken: String(Number(s.versionToken) + 1),
  ...over,
});

describe('diffJob', () => {
  const prev = snapshot();

  it('sees nothing when the version token did not move', () => {
    expect(diffJob(prev, { ...prev, observedAt: 99_999 }, W)).toEqual([]);
  });

  it('ignores status churn: a new resourceVersion with the same fields and health', () => {
    const curr = bump(prev, { health: { ...prev.health, ready: 2 } });
    expect(diffJob(prev, curr, W)).toEqual([]);
  });

  it('reports an image change field by field, with versions, actor and reported time', () => {
    const curr = bump(prev, {
      version: 5,
      fields: { ...prev.fields, 'containers[app].image': 'registry.example.com/shop/checkout:1.4.2' },
      changedAt: 15_000,
      changedBy: { name: 'bob', kind: 'person' },
    });
    const [c, ...rest] = diffJob(prev, curr, W);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({
      type: 'updated',
      fields: [
        {
          path: 'containers[app].image',
          before: 'registry.example.com/shop/checkout:1.4.1',
          after: 'registry.example.com/shop/checkout:1.4.2',
        },
      ],
      fromVersion: 4,
      toVersion: 5,
      at: 15_000,
      reportedAt: 15_000,
      actor: { name: 'bob', kind: 'person' },
      windowStart: 10_000,
      windowEnd: 20_000,
    });
    expect(c?.skipped).toBeUndefined();
    expect(c?.actorStale).toBeUndefined();
  });

  it('counts versions skipped between two polls', () => {
    const curr = bump(prev, {
      version: 7,
      fields: { ...prev.fields, 'spec.replicas': 5 },
      changedAt: 19_000,
    });
    expect(diffJob(prev, curr, W)[0]?.skipped).toBe(2);
  });

  it('marks the actor stale when the reported time predates the window', () => {
    const curr = bump(prev, { version: 5, fields: { ...prev.fields, 'spec.replicas': 5 }, changedAt: 9_000 });
    const [c] = diffJob(prev, curr, W);
    expect(c?.actorStale).toBe(true);
    expect(c?.at).toBe(W.windowEnd);
    expect(c?.actor?.name).toBe('alice');
  });

  it('allows for reported times truncated to whole seconds at the start of the window', () => {
    const curr = bump(prev, { version: 5, fields: { ...prev.fields, 'spec.replicas': 5 }, changedAt: 9_500 });
    const [c] = diffJob(prev, curr, W);
    expect(c?.actorStale).toBeUndefined();
    expect(c?.at).toBe(W.windowStart);
    const older = diffJob(prev, { ...curr, changedAt: 9_000 }, W)[0];
    expect(older?.actorStale).toBe(true);
  });

  it('does not trust a reported time after the poll either (clock skew): at stays in the window', () => {
    const curr = bump(prev, {
      version: 5,
      fields: { ...prev.fields, 'spec.replicas': 5 },
      changedAt: 50_000,
    });
    const [c] = diffJob(prev, curr, W);
    expect(c?.at).toBe(W.windowEnd);
    expect(c?.actorStale).toBeUndefined();
  });

  it('drops changes only to ignored paths, even though the generation rose', () => {
    const curr = bump(prev, { version: 5, fields: { ...prev.fields, 'spec.replicas': 9 } });
    expect(diffJob(prev, curr, { ...W, ignore: compileIgnore(['spec.replicas']) })).toEqual([]);
    expect(diffJob(prev, curr, W)).toHaveLength(1);
  });

  it('keeps the tracked part of a change that also moved an ignored path', () => {
    const curr = bump(prev, {
      version: 5,
      fields: { ...prev.fields, 'spec.replicas': 9, 'containers[app].args': ['--port=8080'] },
    });
    const [c] = diffJob(prev, curr, { ...W, ignore: compileIgnore(['spec.replicas']) });
    expect(c?.fields.map((f) => f.path)).toEqual(['containers[app].args']);
  });

  it('records a generation bump in untracked spec as an update with no fields', () => {
    const curr = bump(prev, { version: 5 });
    const [c] = diffJob(prev, curr, W);
    expect(c).toMatchObject({ type: 'updated', fields: [], fromVersion: 4, toVersion: 5 });
  });

  it('reports created and deleted', () => {
    expect(diffJob(undefined, prev, W)[0]).toMatchObject({ type: 'created', toVersion: 4 });
    const [gone] = diffJob(prev, undefined, W);
    expect(gone).toMatchObject({ type: 'deleted', fromVersion: 4, at: W.windowEnd });
    expect(gone?.actor).toBeUndefined();
  });

  it('reports a job deleted and re-created between polls as two changes', () => {
    const curr = bump(prev, { instance: 'uid-new', version: 1 });
    expect(diffJob(prev, curr, W).map((c) => c.type)).toEqual(['deleted', 'created']);
  });

  it('reports health turning degraded as a status change, but not a rollout passing through progressing', () => {
    const progressing = bump(prev, { health: { state: 'progressing' } });
    expect(diffJob(prev, progressing, W)).toEqual([]);
    const degraded = bump(prev, { health: { state: 'degraded', message: '1/3 ready' } });
    expect(diffJob(prev, degraded, W)[0]).toMatchObject({
      type: 'status',
      fields: [{ path: 'health', before: 'healthy', after: 'degraded' }],
    });
    expect(diffJob(degraded, bump(degraded, { health: prev.health }), W)[0]?.type).toBe('status');
  });

  it('gives the same change the same id, and different changes different ids', () => {
    const curr = bump(prev, { version: 5, fields: { ...prev.fields, 'spec.replicas': 5 } });
    const a = diffJob(prev, curr, W)[0];
    const b = diffJob(prev, { ...curr, observedAt: 123 }, { windowStart: 11_000, windowEnd: 30_000 })[0];
    expect(a?.id).toBe(b?.id);
    const other = diffJob(curr, bump(curr, { version: 6, fields: prev.fields }), W)[0];
    expect(other?.id).not.toBe(a?.id);
  });
});

describe('what a change says of the Argo CD application that manages its job', () => {
  const managed = snapshot({ links: { argoApp: 'cart-prod-eu-1' } });

  it('names it on an update, a creation and a deletion (from the state before)', () => {
    const curr = bump(managed, { fields: { ...managed.fields, 'spec.replicas': 4 } });
    expect(diffJob(managed, curr, W)[0]?.argoApp).toBe('cart-prod-eu-1');
    expect(diffJob(undefined, managed, W)[0]?.argoApp).toBe('cart-prod-eu-1');
    expect(diffJob(managed, undefined, W)[0]).toMatchObject({ type: 'deleted', argoApp: 'cart-prod-eu-1' });
  });

  it('names none for a job no application manages', () => {
    const plain = snapshot();
    const curr = bump(plain, { fields: { ...plain.fields, 'spec.replicas': 4 } });
    expect(diffJob(plain, curr, W)[0]).not.toHaveProperty('argoApp');
  });
});

describe('what a change says of a home-grown manager’s deploy', () => {
  const image = (s: ReturnType<typeof snapshot>, tag: string) =>
    bump(s, { fields: { ...s.fields, 'containers[app].image': `shop/cart:${tag}` } });

  it('carries a stamp only when the change moved it: the deploy’s write, not a later hand edit', () => {
    const before = snapshot({ links: { deployId: 'd-1233' } });
    const deployed = { ...image(before, '2.1.0'), links: { deployId: 'd-1234' } };
    expect(diffJob(before, deployed, W)[0]?.deployStamp).toBe('d-1234');
    // Stamped for the first time (no stamp before), and a job the deploy created.
    expect(diffJob(snapshot(), deployed, W)[0]?.deployStamp).toBe('d-1234');
    expect(diffJob(undefined, deployed, W)[0]?.deployStamp).toBe('d-1234');
    // A hand edit afterwards leaves the stamp standing: no deploy is this change's.
    const edited = image(deployed, '2.1.1');
    expect(diffJob(deployed, edited, W)[0]).not.toHaveProperty('deployStamp');
    expect(diffJob(deployed, undefined, W)[0]).not.toHaveProperty('deployStamp');
  });

  it('carries the manager’s new deploy id on its own job’s change, once', () => {
    const before = snapshot({ deployId: 'd-1233' });
    const deployed = { ...image(before, '2.1.0'), deployId: 'd-1234' };
    expect(diffJob(before, deployed, W)[0]?.deploy).toBe('d-1234');
    expect(diffJob(undefined, deployed, W)[0]?.deploy).toBe('d-1234');
    expect(diffJob(deployed, image(deployed, '2.1.1'), W)[0]).not.toHaveProperty('deploy');
  });
});

describe('compileIgnore', () => {
  it('matches a path and what lies under it, with * for one name', () => {
    const m = compileIgnore(['spec.replicas', 'containers[*].resources']);
    expect(m('spec.replicas')).toBe(true);
    expect(m('spec.replicasMax')).toBe(false);
    expect(m('containers[app].resources.limits.cpu')).toBe(true);
    expect(m('containers[sidecar].resources.requests.memory')).toBe(true);
    expect(m('containers[app].image')).toBe(false);
    expect(m('initContainers[app].resources.limits.cpu')).toBe(false);
  });

  it('treats regex characters in patterns literally', () => {
    expect(compileIgnore(['containers[a.b].image'])('containers[aXb].image')).toBe(false);
  });
});

describe('diffFields', () => {
  it('treats lists by value and reports added and removed paths', () => {
    const { changes } = diffFields({ a: ['x', 'y'], b: 1 }, { a: ['x', 'y'], c: true });
    expect(changes).toEqual([
      { path: 'b', before: 1 },
      { path: 'c', after: true },
    ]);
  });
});

describe('diffCluster', () => {
  const jobs = fleetOfSnapshots(50);
  const prevMap = new Map(jobs.map((j) => [j.key, j]));
  const W2 = { windowStart: 20_000, windowEnd: 30_000 };
  const W3 = { windowStart: 30_000, windowEnd: 40_000 };
  /** What the watcher stores after a diff: the previous snapshots with `put` and `remove` applied. */
  const apply = (prev: Map<string, JobSnapshot>, d: ReturnType<typeof diffCluster>) => {
    const next = new Map(prev);
    for (const key of d.remove) next.delete(key);
    for (const s of d.put) next.set(s.key, s);
    return next;
  };

  it('finds nothing and stores nothing when nothing moved', () => {
    expect(diffCluster(prevMap, jobs, W)).toEqual({ changes: [], put: [], remove: [] });
  });

  it('does not record a job missing from one complete poll as deleted: it marks it, and keeps it', () => {
    const d = diffCluster(prevMap, jobs.slice(1), W);
    expect(d.changes).toEqual([]);
    expect(d.remove).toEqual([]);
    expect(d.put).toEqual([{ ...jobs[0], missing: { windowStart: W.windowStart, windowEnd: W.windowEnd } }]);
  });

  it('records it deleted when the next complete poll still lacks it: since the last poll that saw it', () => {
    const after1 = apply(prevMap, diffCluster(prevMap, jobs.slice(1), W));
    const d = diffCluster(after1, jobs.slice(1), W2);
    expect(d.changes.map((c) => [c.type, c.name, c.windowStart, c.windowEnd])).toEqual([
      ['deleted', 'svc-0', W.windowStart, W2.windowEnd],
    ]);
    expect(d.changes[0]).not.toHaveProperty('missing');
    expect(d.remove).toEqual([jobs[0]?.key]);
  });

  it('records it deleted at once when a GET by name confirmed it gone', () => {
    const d = diffCluster(prevMap, jobs.slice(1), {
      ...W,
      confirmed: new Map([[jobs[0]?.key as string, 'gone']]),
    });
    expect(d.changes.map((c) => [c.type, c.name])).toEqual([['deleted', 'svc-0']]);
    expect(d.remove).toEqual([jobs[0]?.key]);
  });

  it('leaves a job the list lied about as it was', () => {
    const d = diffCluster(prevMap, jobs.slice(1), {
      ...W,
      confirmed: new Map([[jobs[0]?.key as string, 'present']]),
    });
    expect(d).toEqual({ changes: [], put: [], remove: [] });
  });

  it('an empty list that lies records nothing, and the jobs coming back are neither created nor lost', () => {
    const afterEmpty = apply(prevMap, diffCluster(prevMap, [], W));
    expect(afterEmpty.size).toBe(50);
    // Meanwhile svc-3's image really changed: it must read as that update, not as "created".
    const back = jobs.map((j, i) =>
      i === 3
        ? bump(j, { version: (j.version ?? 0) + 1, fields: { ...j.fields, 'containers[app].image': 'x:2' } })
        : j,
    );
    const d = diffCluster(afterEmpty, back, W2);
    // … dated from the last poll that saw it: the empty list saw nothing.
    expect(d.changes.map((c) => [c.type, c.name, c.windowStart])).toEqual([
      ['updated', 'svc-3', W.windowStart],
    ]);
    const stored = apply(afterEmpty, d);
    expect([...stored.values()].filter((j) => j.missing)).toEqual([]);
    // And a third poll sees nothing new.
    expect(diffCluster(stored, back, W3).changes).toEqual([]);
  });

  it('a job that vanished and came back as a new incarnation was deleted and created', () => {
    const afterMiss = apply(prevMap, diffCluster(prevMap, jobs.slice(1), W));
    const reborn = bump(jobs[0] as JobSnapshot, { instance: 'uid-reborn' });
    const d = diffCluster(afterMiss, [reborn, ...jobs.slice(1)], W2);
    expect(d.changes.map((c) => [c.type, c.windowStart, c.windowEnd])).toEqual([
      ['deleted', W.windowStart, W2.windowEnd],
      ['created', W.windowStart, W2.windowEnd],
    ]);
  });

  it('reports exactly the jobs that changed (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 49 }), { maxLength: 20 }), (picked) => {
        const mutated = new Set(picked);
        const curr = jobs.map((j, i) =>
          mutated.has(i)
            ? bump(j, { version: (j.version ?? 0) + 1, fields: { ...j.fields, 'spec.replicas': 7 } })
            : j,
        );
        const { changes } = diffCluster(prevMap, curr, W);
        expect(new Set(changes.map((c) => c.name))).toEqual(new Set(picked.map((i) => `svc-${i}`)));
        expect(changes.every((c) => c.type === 'updated')).toBe(true);
      }),
    );
  });
});

describe('change identity', () => {
  const prev = snapshot({ versionToken: 'h1', version: 5 });

  it('gives three transitions under one version (an Argo CD deploy, auto-sync off, OutOfSync) three ids', () => {
    const deployed = {
      ...prev,
      versionToken: 'h2',
      version: 6,
      fields: { ...prev.fields, images: ['app:1.1'] },
    };
    const autoOff = {
      ...deployed,
      versionToken: 'h3',
      fields: { ...deployed.fields, 'syncPolicy.automated': false },
    };
    const outOfSync = {
      ...autoOff,
      versionToken: 'h4',
      fields: { ...autoOff.fields, 'sync.status': 'OutOfSync' },
    };
    const ids = [
      diffJob(prev, deployed, W)[0]?.id,
      diffJob(deployed, autoOff, W)[0]?.id,
      diffJob(autoOff, outOfSync, W)[0]?.id,
    ];
    expect(new Set(ids).size).toBe(3);
  });

  it('numbers a repeat of one transition (health flapping under one version) instead of reusing its id', () => {
    const degraded = { ...prev, versionToken: 'v5:degraded', health: { state: 'degraded' as const } };
    const healthy = { ...prev, versionToken: 'v5:healthy' };
    const first = diffJob(healthy, degraded, W)[0]?.id as string;
    const again = diffJob(healthy, degraded, { windowStart: 50_000, windowEnd: 60_000 })[0]?.id as string;
    expect(again).toBe(first); // the same transition, observed again: the same plain id …
    expect(withOccurrence(again, [first])).toBe(`${first}#2`); // … numbered when stored
    expect(withOccurrence(again, [first, `${first}#2`])).toBe(`${first}#3`);
    // A pruned first occurrence does not hand its number out again.
    expect(withOccurrence(again, [`${first}#2`])).toBe(`${first}#3`);
    expect(withOccurrence(first, [])).toBe(first);
  });

  it('does not confuse ids that share a prefix', () => {
    expect(withOccurrence('a|updated|u/1>u/1', ['a|updated|u/1>u/10'])).toBe('a|updated|u/1>u/1');
  });
});

describe('clock skew', () => {
  const prev = snapshot();
  const moved = (changedAt: number) =>
    bump(prev, { version: 5, fields: { ...prev.fields, 'spec.replicas': 5 }, changedAt });

  it('reads reported times through the cluster clock offset: a clock 10 s behind is not a stale actor', () => {
    // Changed at 12_000 on the browser's clock; the cluster, 10 s behind, reports 2_000.
    const naive = diffJob(prev, moved(2_000), W)[0];
    expect(naive?.actorStale).toBe(true);
    const c = diffJob(prev, moved(2_000), { ...W, clockOffsetMs: -10_000 })[0];
    expect(c?.actorStale).toBeUndefined();
    expect(c?.at).toBe(12_000);
    expect(c?.reportedAt).toBe(2_000);
    expect(c?.clockOffsetMs).toBe(-10_000);
  });

  it('still calls an actor stale when the corrected time predates the window', () => {
    const c = diffJob(prev, moved(-5_000), { ...W, clockOffsetMs: -10_000 })[0];
    expect(c?.actorStale).toBe(true);
  });
});

describe('diffCluster with jobs listed as unchanged (not given in full)', () => {
  const jobs = fleetOfSnapshots(5);
  const prevMap = new Map(jobs.map((j) => [j.key, j]));
  const W = { windowStart: 10_000, windowEnd: 20_000 };

  it('keeps them as stored: no change, nothing to write, and not missing', () => {
    const unchanged = new Set(jobs.slice(1).map((j) => j.key));
    const moved = {
      ...(jobs[0] as JobSnapshot),
      versionToken: 'moved',
      fields: { ...jobs[0]?.fields, 'spec.replicas': 9 },
    };
    const d = diffCluster(prevMap, [moved], { ...W, unchanged });
    expect(d.changes.map((c) => [c.type, c.name])).toEqual([['updated', 'svc-0']]);
    expect(d.put).toEqual([moved]);
    expect(d.remove).toEqual([]);
  });

  it('clears the mark of one a lying list had left out', () => {
    const marked = new Map(prevMap);
    const first = jobs[0] as JobSnapshot;
    marked.set(first.key, { ...first, missing: { windowStart: 1, windowEnd: 2 } });
    const d = diffCluster(marked, [], { ...W, unchanged: new Set(jobs.map((j) => j.key)) });
    expect(d.changes).toEqual([]);
    expect(d.put).toEqual([first]);
  });
});

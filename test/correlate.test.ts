import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headlineOf } from '../lib/correlate/answer';
import { identityOf, namesAnything, RESERVED, relevantLabels } from '../lib/correlate/identity';
import { DEFAULT_OPTIONS, HOUR, MINUTE, rankChanges } from '../lib/correlate/rank';
import { type ClusterRef, resolveSubject } from '../lib/correlate/resolve';
import { headlineText } from '../lib/correlate/wire';
import type { Change } from '../lib/model';
import { defaultSettings } from '../lib/settings';
import * as build from './builders';

const mapping = defaultSettings().labels;
const T = Date.UTC(2025, 0, 15, 12, 0, 0);

const clusters: ClusterRef[] = [
  {
    id: 'r/c-m-eu1',
    name: 'prod-eu-1',
    nativeId: 'c-m-eu1',
    apiBase: 'https://rancher.example/k8s/clusters/c-m-eu1',
    sourceId: 'r',
  },
  {
    id: 'r/c-m-us1',
    name: 'prod-us-1',
    nativeId: 'c-m-us1',
    apiBase: 'https://rancher.example/k8s/clusters/c-m-us1',
    sourceId: 'r',
  },
  {
    id: 'o/ocp',
    name: 'ocp-prod',
    nativeId: 'ocp',
    apiBase: 'https://api.ocp.example.com:6443',
    sourceId: 'o',
  },
];

let seq = 0;
/** Ids in creation order (`c001`, `c002`…): ranking breaks ties by id. */
function change(p: Partial<Change> & { at: number }): Change {
  seq += 1;
  const ref = { clusterId: p.clusterId ?? 'r/c-m-eu1', name: p.name ?? 'checkout' };
  return build.change(
    { ...ref, ...(p.kind ? { kind: p.kind } : {}), ...(p.namespace ? { namespace: p.namespace } : {}) },
    p.at,
    {
      id: `c${String(seq).padStart(3, '0')}`,
      fields: [{ path: 'containers[app].image', before: 'app:1', after: 'app:2' }],
      ...p,
    },
  );
}

const alertSubject = (labels: Record<string, string>, startsAt?: number) =>
  resolveSubject(
    { key: 'k', labels, ...(startsAt !== undefined ? { startsAt } : {}) },
    mapping,
    clusters,
    new Set(['checkout', 'payments']),
  );

describe('identityOf', () => {
  it('reads the default label mapping, most specific job label first', () => {
    const id = identityOf(
      { cluster: 'prod-eu-1', namespace: 'shop', deployment: 'checkout', app: 'checkout-web' },
      mapping,
    );
    expect(id).toEqual({
      clusters: ['prod-eu-1'],
      namespace: 'shop',
      jobs: ['checkout', 'checkout-web'],
      kind: 'Deployment',
      words: [],
    });
  });

  it("derives a CronJob's name from the Job it created", () => {
    expect(identityOf({ job_name: 'backup-28391840' }, mapping).jobs).toEqual(['backup-28391840', 'backup']);
  });

  it('prefers the reserved keys consoles send', () => {
    const id = identityOf(
      { [RESERVED.job]: 'api', [RESERVED.kind]: 'StatefulSet', [RESERVED.cluster]: 'c-m-eu1', app: 'other' },
      mapping,
    );
    expect(id.jobs[0]).toBe('api');
    expect(id.kind).toBe('StatefulSet');
    expect(id.clusters).toEqual(['c-m-eu1']);
  });

  it('follows a custom mapping', () => {
    const id = identityOf(
      { k8s_cluster: 'x', svc: 'y' },
      { cluster: ['k8s_cluster'], namespace: [], job: ['svc'] },
    );
    expect(id.clusters).toEqual(['x']);
    expect(id.jobs).toEqual(['y']);
    expect(namesAnything(identityOf({ severity: 'critical' }, mapping))).toBe(false);
  });

  it('keeps only mapped and reserved labels for the message', () => {
    expect(
      relevantLabels(
        {
          alertname: 'X',
          cluster: 'a',
          description: 'long text',
          [RESERVED.words]: 'w',
          app: 'x'.repeat(2000),
        },
        mapping,
      ),
    ).toEqual({ cluster: 'a', [RESERVED.words]: 'w' });
  });
});

describe('resolveSubject', () => {
  it('maps a cluster label to clusters by name or native id, ignoring case', () => {
    expect(alertSubject({ cluster: 'PROD-EU-1' }).clusterIds).toEqual(['r/c-m-eu1']);
    expect(alertSubject({ [RESERVED.cluster]: 'c-m-us1' }).clusterIds).toEqual(['r/c-m-us1']);
    const unknown = alertSubject({ cluster: 'staging', deployment: 'checkout' });
    expect(unknown.clusterIds).toEqual([]);
    expect(unknown.namesCluster).toBe(true);
  });

  it("maps a console's origin to the clusters whose API is served there", () => {
    expect(
      alertSubject({ [RESERVED.origin]: 'https://rancher.example', [RESERVED.job]: 'checkout' }).clusterIds,
    ).toEqual(['r/c-m-eu1', 'r/c-m-us1']);
    // OpenShift: console-openshift-console.apps.<domain> shows the cluster at api.<domain>.
    expect(
      alertSubject({
        [RESERVED.origin]: 'https://console-openshift-console.apps.ocp.example.com',
        [RESERVED.job]: 'x',
      }).clusterIds,
    ).toEqual(['o/ocp']);
    // An explicit cluster wins over the origin.
    expect(
      alertSubject({
        [RESERVED.origin]: 'https://rancher.example',
        [RESERVED.cluster]: 'c-m-eu1',
        [RESERVED.job]: 'x',
      }).clusterIds,
    ).toEqual(['r/c-m-eu1']);
  });

  it('counts free words only when they name a cluster or a watched job', () => {
    const s = alertSubject({ [RESERVED.words]: 'HighErrorRate checkout (prod-eu-1 critical)' });
    expect(s.jobs).toEqual(['checkout']);
    expect(s.clusterIds).toEqual(['r/c-m-eu1']);
  });
});

describe('rankChanges', () => {
  it('ranks by timing, then relation, then closeness, with a reason for each', () => {
    const subject = alertSubject({ cluster: 'prod-eu-1', namespace: 'shop', deployment: 'checkout' }, T);
    const sameJobSameCluster = change({
      id: 'a',
      at: T - 4 * MINUTE,
      actor: { name: 'alice', kind: 'person' },
    });
    const sameJobOtherCluster = change({ id: 'b', at: T - 10 * MINUTE, clusterId: 'r/c-m-us1' });
    const neighbour = change({ id: 'c', at: T - 2 * MINUTE, name: 'cart' });
    const otherNamespace = change({ id: 'd', at: T - 1 * MINUTE, name: 'ingress', namespace: 'kube-system' });
    const tooOld = change({ id: 'e', at: T - 3 * HOUR });
    const after = change({
      id: 'f',
      at: T + 20 * MINUTE,
      reportedAt: T + 20 * MINUTE,
      windowStart: T + 15 * MINUTE,
    });
    const unrelated = change({ id: 'g', at: T - MINUTE, name: 'search', clusterId: 'r/c-m-us1' });
    const ranked = rankChanges(
      subject,
      [unrelated, after, tooOld, otherNamespace, neighbour, sameJobOtherCluster, sameJobSameCluster],
      T + HOUR,
    );
    expect(ranked.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'f']);
    expect(ranked.map((r) => r.reason)).toEqual([
      'same job, same cluster, changed 4 min before the alert started',
      'same job, other cluster, changed 10 min before the alert started',
      'same cluster and namespace, other job, changed 2 min before the alert started',
      'same cluster, other job, changed 1 min before the alert started',
      'same job, same cluster, changed 20 min after the alert started',
    ]);
    expect(ranked.at(-1)?.timing).toBe('after');
  });

  it('keeps the look-back window and the grace after the start', () => {
    const subject = alertSubject({ cluster: 'prod-eu-1', deployment: 'checkout' }, T);
    const atEdge = change({ id: 'edge', at: T - DEFAULT_OPTIONS.lookBackMs });
    const justOut = change({ id: 'out', at: T - DEFAULT_OPTIONS.lookBackMs - 1 });
    const inGrace = change({ id: 'grace', at: T + 3 * MINUTE, reportedAt: T + 3 * MINUTE });
    const ranked = rankChanges(subject, [atEdge, justOut, inGrace], T + HOUR);
    expect(ranked.map((r) => [r.id, r.timing])).toEqual([
      ['grace', 'before'],
      ['edge', 'before'],
    ]);
    expect(ranked[0]?.reason).toBe('same job, same cluster, changed 3 min after the alert started');
  });

  it('treats a change seen after the start, in a poll window that began before it, as possibly before', () => {
    const subject = alertSubject({ cluster: 'prod-eu-1', deployment: 'checkout' }, T);
    const straddling = change({
      id: 's',
      at: T + 8 * MINUTE,
      windowStart: T - 2 * MINUTE,
      windowEnd: T + 8 * MINUTE,
    });
    const reported = change({
      id: 'r',
      at: T + 8 * MINUTE,
      reportedAt: T + 8 * MINUTE,
      windowStart: T - 2 * MINUTE,
      windowEnd: T + 9 * MINUTE,
    });
    const [first, second] = rankChanges(subject, [reported, straddling], T + HOUR);
    expect(first).toMatchObject({ id: 's', timing: 'before', uncertain: true });
    expect(first?.reason).toBe(
      'same job, same cluster, changed between 2 min before and 8 min after the alert started (between two polls)',
    );
    expect(second).toMatchObject({ id: 'r', timing: 'after' });
  });

  it('on a console: relative to now, job changes only, 24 h back', () => {
    const now = T;
    const subject = alertSubject({
      [RESERVED.cluster]: 'c-m-eu1',
      [RESERVED.namespace]: 'shop',
      [RESERVED.job]: 'checkout',
      [RESERVED.kind]: 'Deployment',
    });
    const recent = change({ id: 'r', at: now - 2 * HOUR });
    const old = change({ id: 'o', at: now - 25 * HOUR });
    const neighbour = change({ id: 'n', at: now - MINUTE, name: 'cart' });
    const elsewhere = change({ id: 'e', at: now - 30 * MINUTE, clusterId: 'r/c-m-us1' });
    const otherKind = change({ id: 'k', at: now - MINUTE, kind: 'StatefulSet' });
    const ranked = rankChanges(subject, [recent, old, neighbour, elsewhere, otherKind], now);
    expect(ranked.map((r) => [r.id, r.timing, r.reason])).toEqual([
      ['r', 'ago', 'same job, same cluster, changed 2 h ago'],
      ['e', 'ago', 'same job, other cluster, changed 30 min ago'],
    ]);
  });

  it('says so when the alert names no cluster', () => {
    const subject = alertSubject({ deployment: 'checkout' }, T);
    const [r] = rankChanges(subject, [change({ at: T - 5 * MINUTE })], T);
    expect(r?.relation).toBe('same-job');
    expect(r?.reason).toBe('same job (the alert names no cluster), changed 5 min before the alert started');
  });

  it('breaks ties by change id, whatever the input order', () => {
    const subject = alertSubject({ cluster: 'prod-eu-1', deployment: 'checkout' }, T);
    const list = ['d', 'b', 'a', 'c'].map((id) => change({ id, at: T - 5 * MINUTE }));
    expect(rankChanges(subject, list, T).map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
    fc.assert(
      fc.property(fc.shuffledSubarray(list, { minLength: list.length }), (shuffled) => {
        expect(rankChanges(subject, shuffled, T).map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
      }),
    );
  });

  it('never ranks an "after" change above a "before" one, nor a neighbour above the job', () => {
    const subject = alertSubject({ cluster: 'prod-eu-1', namespace: 'shop', deployment: 'checkout' }, T);
    const arb = fc.record({
      offset: fc.integer({ min: -110, max: 60 }),
      name: fc.constantFrom('checkout', 'cart'),
      cluster: fc.constantFrom('r/c-m-eu1', 'r/c-m-us1'),
      reported: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arb, { maxLength: 25 }), (specs) => {
        const list = specs.map((s, i) => {
          const at = T + s.offset * MINUTE;
          return change({
            id: `x${String(i).padStart(2, '0')}`,
            at,
            name: s.name,
            clusterId: s.cluster,
            windowStart: at - MINUTE,
            ...(s.reported ? { reportedAt: at } : {}),
          });
        });
        const ranked = rankChanges(subject, list, T + HOUR);
        const firstAfter = ranked.findIndex((r) => r.timing === 'after');
        if (firstAfter >= 0) expect(ranked.slice(firstAfter).every((r) => r.timing === 'after')).toBe(true);
        const before = ranked.filter((r) => r.timing !== 'after');
        const tier = (r: (typeof ranked)[number]) =>
          [
            'same-job-same-cluster',
            'same-job',
            'same-job-other-cluster',
            'same-namespace',
            'same-cluster',
          ].indexOf(r.relation);
        for (let i = 1; i < before.length; i++)
          expect(tier(before[i - 1] as never)).toBeLessThanOrEqual(tier(before[i] as never));
      }),
    );
  });
});

describe('headline', () => {
  const subject = alertSubject({ cluster: 'prod-eu-1', namespace: 'shop', deployment: 'checkout' }, T);

  it('reads "2 changes · 4 min before · alice" and is hot when the change is close to the start', () => {
    const a = change({ id: 'a', at: T - 4 * MINUTE, actor: { name: 'alice', kind: 'person' } });
    const b = change({ id: 'b', at: T - 50 * MINUTE, actor: { name: 'bob', kind: 'person' } });
    const ranked = rankChanges(subject, [a, b], T);
    const h = headlineOf(ranked, new Map([a, b].map((c) => [c.id, c])), DEFAULT_OPTIONS.lookBackMs, false);
    expect(headlineText(h)).toBe('2 changes · 4 min before · alice');
    expect(h.level).toBe(4);
    expect(h.glyph).toBe('2');
  });

  it('cools down with distance, and neighbours never look as hot as the job itself', () => {
    const far = change({ id: 'far', at: T - 100 * MINUTE });
    const near = change({ id: 'n', at: T - MINUTE, name: 'cart' });
    const h1 = headlineOf(
      rankChanges(subject, [far], T),
      new Map([[far.id, far]]),
      DEFAULT_OPTIONS.lookBackMs,
      false,
    );
    expect(h1.level).toBe(1);
    const h2 = headlineOf(
      rankChanges(subject, [near], T),
      new Map([[near.id, near]]),
      DEFAULT_OPTIONS.lookBackMs,
      false,
    );
    expect(h2.level).toBe(2);
  });

  it('shows the grid marks: created, deleted, blind', () => {
    const created = change({ id: 'n', at: T - MINUTE, type: 'created' });
    const h = headlineOf(
      rankChanges(subject, [created], T),
      new Map([[created.id, created]]),
      DEFAULT_OPTIONS.lookBackMs,
      false,
    );
    expect(h.glyph).toBe('+');
    expect(h.mark).toBe('created');
    const blind = headlineOf([], new Map(), DEFAULT_OPTIONS.lookBackMs, true);
    expect(blind).toMatchObject({ count: 0, glyph: '?', mark: 'blind', level: 0 });
    expect(headlineText(headlineOf([], new Map(), 1, false))).toBe('');
  });

  it('counts changes after the start apart', () => {
    const after = change({ id: 'f', at: T + 30 * MINUTE, reportedAt: T + 30 * MINUTE });
    const h = headlineOf(rankChanges(subject, [after], T + HOUR), new Map([[after.id, after]]), HOUR, false);
    expect(h).toMatchObject({ count: 0, afterCount: 1 });
    expect(headlineText(h)).toBe('1 after');
  });
});

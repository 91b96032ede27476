import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../fleet/alertmanager/alerts';
import { mergeApplied } from '../../fleet/k8s/apply';
import { decodeContinue, encodeContinue } from '../../fleet/k8s/continue-token';
import { changedPaths, describePaths, recordWrite } from '../../fleet/k8s/managed-fields';
import {
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from '../../fleet/k8s/selectors';
import type { JsonObject } from '../../fleet/k8s/types';
import { createRng } from '../../fleet/sim/prng';
import { Scheduler } from '../../fleet/sim/scheduler';

describe('label selectors', () => {
  const labels = { app: 'checkout', tier: 'web', 'app.kubernetes.io/part-of': 'shop' };
  const m = (s: string) => matchesLabels(parseLabelSelector(s), labels);

  it('parses and matches every operator', () => {
    expect(m('')).toBe(true);
    expect(m('app=checkout')).toBe(true);
    expect(m('app==checkout')).toBe(true);
    expect(m('app=cart')).toBe(false);
    expect(m('app!=cart')).toBe(true);
    expect(m('missing!=x')).toBe(true);
    expect(m('app in (cart, checkout)')).toBe(true);
    expect(m('app in (cart)')).toBe(false);
    expect(m('app notin (cart)')).toBe(true);
    expect(m('missing notin (cart)')).toBe(true);
    expect(m('tier')).toBe(true);
    expect(m('!tier')).toBe(false);
    expect(m('!missing')).toBe(true);
    expect(m('app.kubernetes.io/part-of=shop,tier=web')).toBe(true);
    expect(m('app.kubernetes.io/part-of=shop,tier=db')).toBe(false);
  });

  it('rejects malformed selectors', () => {
    for (const bad of ['app in (a', 'a=b=c', '=x', 'app,', 'bad key=x', 'a in (b c)']) {
      expect(() => parseLabelSelector(bad), bad).toThrow(SelectorError);
    }
    expect(() => parseFieldSelector('spec.replicas=1')).toThrow(/field label not supported/);
    expect(parseFieldSelector('metadata.name=x')).toEqual([{ field: 'metadata.name', op: 'eq', value: 'x' }]);
  });
});

describe('continue tokens', () => {
  it('round-trip and reject junk', () => {
    const state = { rv: 42, start: 'deployments/shop/cart', issued: 1_700_000_000_000 };
    expect(decodeContinue(encodeContinue(state))).toEqual(state);
    expect(decodeContinue('%%%')).toHaveProperty('error');
    expect(
      decodeContinue(Buffer.from('{"v":"meta.k8s.io/v1","rv":-1}').toString('base64url')),
    ).toHaveProperty('error');
  });
});

describe('managedFields', () => {
  it('moves ownership of the touched fields to the writer and drops empty entries', () => {
    const before = {
      metadata: { annotations: { a: '1' } },
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'app', image: 'x:1' }] } } },
    };
    const created = recordWrite([], {
      manager: 'helm',
      apiVersion: 'apps/v1',
      time: 't0',
      set: changedPaths(undefined, before).set,
    });
    expect(describePaths(created[0]?.fieldsV1 ?? {})).toContain(
      'f:spec.f:template.f:spec.f:containers.k:{"name":"app"}.f:image',
    );
    const after = { ...before, spec: { ...before.spec, replicas: 3 } };
    const { set } = changedPaths(before, after);
    expect([...set].map((p) => p.split('\u0000').join('.'))).toEqual(['f:spec.f:replicas']);
    const next = recordWrite(created, {
      manager: 'kubectl',
      subresource: 'scale',
      apiVersion: 'apps/v1',
      time: 't1',
      set,
    });
    expect(next.map((e) => e.manager)).toEqual(['helm', 'kubectl']);
    expect(describePaths(next[0]?.fieldsV1 ?? {})).not.toContain('f:spec.f:replicas');
    expect(next[1]).toMatchObject({
      subresource: 'scale',
      time: 't1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    // Taking everything helm owned removes helm's entry.
    const all = new Set(changedPaths(undefined, before).set);
    expect(
      recordWrite(created, { manager: 'argocd-controller', apiVersion: 'apps/v1', time: 't2', set: all }).map(
        (e) => e.manager,
      ),
    ).toEqual(['argocd-controller']);
  });
});

describe('alert fingerprints', () => {
  it('depend on the label set, not on key order', () => {
    expect(fingerprint({ a: '1', b: '2' })).toBe(fingerprint({ b: '2', a: '1' }));
    expect(fingerprint({ a: '1', b: '2' })).not.toBe(fingerprint({ a: '1', b: '3' }));
    expect(fingerprint({})).toBe('cbf29ce484222325'); // FNV-1a 64 offset basis
  });
});

describe('seeded randomness', () => {
  it('repeats per seed, and forks independently of call order', () => {
    const a = createRng(5);
    const b = createRng(5);
    expect([a.next(), a.next()]).toEqual([b.next(), b.next()]);
    const x = createRng(5);
    x.next();
    expect(x.fork('l').uuid()).toBe(createRng(5).fork('l').uuid());
    expect(createRng(5).fork('l').uuid()).not.toBe(createRng(6).fork('l').uuid());
  });
});

describe('scheduler', () => {
  it('runs tasks on simulated time: speed compresses the wait', async () => {
    const s = new Scheduler({ speed: 100 });
    const ran: string[] = [];
    s.at(5_000, 'scenario', 'a', () => ran.push('a')); // 50 ms real
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toEqual([]);
    for (let i = 0; i < 100 && ran.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(ran).toEqual(['a']);
    expect(s.now()).toBeGreaterThanOrEqual(5_000);
    s.stop();
  });

  it('advance runs due tasks in order, including ones they schedule; flush runs one tag now', () => {
    const s = new Scheduler({ speed: 1 });
    const ran: string[] = [];
    s.at(2_000, 'scenario', 'b', () => {
      ran.push('b');
      s.at(1_000, 'scenario', 'c', () => ran.push('c'));
    });
    s.at(1_000, 'scenario', 'a', () => ran.push('a'));
    s.at(10_000, 'controller', 'z', () => ran.push('z'));
    s.advance(3_500);
    expect(ran).toEqual(['a', 'b', 'c']);
    s.flush(['controller']);
    expect(ran).toEqual(['a', 'b', 'c', 'z']);
    let ticks = 0;
    s.every(1_000, 'rules', 'r', () => ticks++);
    s.advance(5_000);
    expect(ticks).toBe(5);
    s.stop();
  });
});

describe("server-side apply's merge (forcing conflicts)", () => {
  const live: JsonObject = {
    replicas: 8,
    template: {
      spec: {
        containers: [
          { name: 'cart', image: 'cart:1.9.0', env: [{ name: 'LOG_LEVEL', value: 'debug' }], args: ['--a'] },
          { name: 'sidecar', image: 'proxy:2' },
        ],
      },
    },
  };
  const applied = {
    replicas: 4,
    template: { spec: { containers: [{ name: 'cart', image: 'cart:1.9.1', args: ['--b'] }] } },
  };

  it('takes the applied values, keeps what the configuration does not mention, and changes neither input', () => {
    const frozen = JSON.stringify(live);
    expect(mergeApplied(live, applied)).toEqual({
      replicas: 4,
      template: {
        spec: {
          containers: [
            // Keyed by name: the hand-added env var stays; the image and the atomic args list are replaced.
            {
              name: 'cart',
              image: 'cart:1.9.1',
              env: [{ name: 'LOG_LEVEL', value: 'debug' }],
              args: ['--b'],
            },
            { name: 'sidecar', image: 'proxy:2' },
          ],
        },
      },
    });
    expect(JSON.stringify(live)).toBe(frozen);
  });

  it('adds list items the live object lacks', () => {
    const more = { template: { spec: { containers: [{ name: 'metrics', image: 'exporter:1' }] } } };
    const merged = mergeApplied(live, more) as { template: { spec: { containers: { name: string }[] } } };
    expect(merged.template.spec.containers.map((c) => c.name)).toEqual(['cart', 'sidecar', 'metrics']);
  });
});

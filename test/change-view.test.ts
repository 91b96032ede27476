import { describe, expect, it } from 'vitest';
import {
  changeParts,
  changeViewOf,
  clockText,
  fieldChangeText,
  markOf,
  userJobsLink,
  valueText,
} from '../lib/change-view';
import type { ActorKind, Change } from '../lib/model';

const settings = {
  sources: [{ id: 'src', links: { user: 'https://console.example/users/{user}/jobs?c={cluster}' } }],
} as never;

const change = (over: Partial<Change> = {}): Change => ({
  id: 'x',
  clusterId: 'src/c-1',
  jobKey: 'src/c-1|Deployment:shop/checkout',
  rowKey: 'Deployment:shop/checkout',
  kind: 'Deployment',
  namespace: 'shop',
  name: 'checkout',
  type: 'updated',
  windowStart: 0,
  windowEnd: 10,
  at: 10,
  fields: [],
  ...over,
});

describe('the user link rule', () => {
  it('links only people (and actors of unknown kind) to their jobs', () => {
    const linked = (kind: ActorKind) =>
      userJobsLink(change({ actor: { name: 'a b', kind } }), undefined, settings) !== undefined;
    expect((['person', 'unknown', 'client', 'automation', 'token'] as const).filter(linked)).toEqual([
      'person',
      'unknown',
    ]);
    expect(userJobsLink(change({ actor: { name: 'a b', kind: 'person' } }), undefined, settings)).toBe(
      'https://console.example/users/a%20b/jobs?c=c-1',
    );
  });
});

describe('marks', () => {
  it('marks created, deleted, and any change that moved the job into degraded', () => {
    expect(markOf(change({ type: 'created' }))).toBe('created');
    expect(markOf(change({ type: 'deleted' }))).toBe('deleted');
    const degrading = { path: 'health', before: 'healthy', after: 'degraded' };
    expect(markOf(change({ type: 'status', fields: [degrading] }))).toBe('degraded');
    expect(
      markOf(change({ fields: [{ path: 'containers[app].image', before: 'a:1', after: 'a:2' }, degrading] })),
    ).toBe('degraded');
    expect(markOf(change({ fields: [{ path: 'health', before: 'degraded', after: 'healthy' }] }))).toBe(
      undefined,
    );
  });

  it('puts the mark and the link on the view', () => {
    const view = changeViewOf(
      change({ type: 'created', actor: { name: 'alice', kind: 'person' } }),
      { sourceId: 'src', nativeId: 'c-1', name: 'prod-1' },
      settings,
    );
    expect(view).toMatchObject({ clusterName: 'prod-1', mark: 'created' });
    expect(view.userLink).toBe('https://console.example/users/alice/jobs?c=c-1');
  });
});

describe('field text', () => {
  it('says absent, null and empty lists in words, and cuts long values only when asked', () => {
    expect(valueText(undefined)).toBe('(absent)');
    expect(valueText(null)).toBe('null');
    expect(valueText([])).toBe('(empty list)');
    expect(valueText(['a', 'b'])).toBe('a, b');
    expect(valueText('x'.repeat(300), 200)).toHaveLength(200);
    expect(fieldChangeText({ path: 'spec.replicas', before: 3, after: 4 })).toBe('spec.replicas: 3 → 4');
  });
});

describe('a cluster clock that is off', () => {
  it('is said, with the change it skewed, in seconds or minutes, behind or ahead', () => {
    expect(clockText(undefined)).toBeUndefined();
    expect(clockText(-12_400)).toBe(
      "The cluster's clock is 12 s behind this browser's; its reported times were read accordingly.",
    );
    expect(clockText(5 * 60_000)).toMatch(/is 5 min ahead of this browser's/);
  });
});

describe('a change a manager caused', () => {
  const forgeSettings = { sources: [{ id: 'forge', name: 'Forge', links: {} }] } as never;
  const stamped = (operation: Change) =>
    change({
      link: 'https://rancher.example/cart',
      actor: { name: 'alice', kind: 'person' },
      cause: { operation, direct: { name: 'forge', kind: 'client', via: 'managedFields' } },
    });

  it("links the manager's console under the manager's name, not Argo CD's", () => {
    const deploy = change({
      clusterId: 'forge/eu',
      kind: 'ForgeJob',
      name: 'cart',
      deploy: 'd-1234',
      link: 'https://forge.example/jobs/cart',
    });
    const parts = changeParts(changeViewOf(stamped(deploy), undefined, forgeSettings));
    expect(parts.sync?.provenance).toBe('via Forge deploy d-1234');
    expect(parts.links.map((l) => l.text)).toContain('Open the ForgeJob cart in Forge');
  });

  it('links an Argo CD sync as the Application in Argo CD', () => {
    const sync = change({
      clusterId: 'argocd/eu',
      kind: 'Application',
      name: 'cart',
      sync: { app: 'cart-prod-eu-1', startedAt: 1 },
      link: 'https://argocd.example/applications/argocd/cart-prod-eu-1',
    });
    const parts = changeParts(changeViewOf(stamped(sync), undefined, forgeSettings));
    expect(parts.links.map((l) => l.text)).toContain('Open the Application cart-prod-eu-1 in Argo CD');
  });
});

/**
 * Where a home-grown manager's deploy id is read: the generic source's `deployId` mapping (the
 * manager's own record of the job), and the annotation a Kubernetes/Rancher source's
 * `deployIdAnnotation` names on the workloads the manager applies (JobSnapshot.links.deployId).
 */
import { describe, expect, it } from 'vitest';
import { validateSettings } from '../../lib/settings';
import { normalizeItem } from '../../lib/sources/generic/normalize';
import { workloadLinks } from '../../lib/sources/kubernetes/links';
import { ctx, source } from './extra-helpers';

const ANNOTATION = 'forge.example.com/deploy-id';

const forge = source({
  type: 'generic',
  baseUrl: 'https://forge.example.com',
  clusters: [{ id: 'prod-eu-1', apiBase: 'https://forge.example.com/api/clusters/prod-eu-1' }],
  generic: {
    jobs: {
      url: '{apiBase}/jobs',
      list: 'jobs',
      name: 'name',
      fields: { image: 'image' },
      changedBy: 'deployedBy',
      deployId: 'lastDeploy.id',
    },
  },
});
const job = (over: Record<string, unknown> = {}) => ({
  name: 'cart',
  image: 'shop/cart:2.1.0',
  deployedBy: 'alice',
  lastDeploy: { id: 'd-1234' },
  ...over,
});
const { http: _, ...at } = ctx({} as Parameters<typeof ctx>[0], forge, {
  nativeId: 'prod-eu-1',
  apiBase: 'https://forge.example.com',
});

describe('the generic source’s deploy id', () => {
  it('reads the id of the deploy that last changed the job, and moves the version token with it', () => {
    const snap = normalizeItem(job(), 0, at, 'jobs');
    expect(snap.deployId).toBe('d-1234');
    const next = normalizeItem(job({ lastDeploy: { id: 'd-1235' } }), 0, at, 'jobs');
    expect(next.deployId).toBe('d-1235');
    expect(next.versionToken).not.toBe(snap.versionToken);
  });

  it('leaves it out where the job has none, or the mapping asks for none', () => {
    expect(normalizeItem(job({ lastDeploy: undefined }), 0, at, 'jobs')).not.toHaveProperty('deployId');
    const unmapped = {
      ...at,
      source: { ...forge, generic: { jobs: { ...forge.generic?.jobs, deployId: undefined } } },
    };
    expect(normalizeItem(job(), 0, unmapped as typeof at, 'jobs')).not.toHaveProperty('deployId');
  });
});

describe('a Kubernetes workload’s deploy-id annotation', () => {
  const meta = (annotations: Record<string, unknown>) => ({ name: 'cart', namespace: 'shop', annotations });

  it('reads the annotation the source names, and only that one', () => {
    expect(workloadLinks('Deployment', meta({ [ANNOTATION]: 'd-1234' }), undefined, ANNOTATION)).toEqual({
      deployId: 'd-1234',
    });
    expect(workloadLinks('Deployment', meta({ [ANNOTATION]: 'd-1234' }), undefined)).toBeUndefined();
    expect(
      workloadLinks('Deployment', meta({ 'other.example.com/deploy-id': 'd-1' }), undefined, ANNOTATION),
    ).toBeUndefined();
  });

  it('takes an id, not a document or something else', () => {
    for (const value of ['', 'x'.repeat(254), 42, { id: 'd-1' }])
      expect(
        workloadLinks('Deployment', meta({ [ANNOTATION]: value }), undefined, ANNOTATION),
      ).toBeUndefined();
  });
});

describe('the deployIdAnnotation setting', () => {
  const parse = (deployIdAnnotation: string) =>
    validateSettings({
      version: 1,
      sources: [
        { id: 'r', name: 'Rancher', type: 'rancher', baseUrl: 'https://rancher.example', deployIdAnnotation },
      ],
    });

  it('takes an annotation key, with or without a prefix', () => {
    for (const key of [ANNOTATION, 'deploy-id', 'example.com/Deploy_ID.v2'])
      expect(parse(key)).toMatchObject({ ok: true });
  });

  it('refuses what is not an annotation key, saying what one is', () => {
    for (const key of [
      '',
      'forge.example.com/',
      '/deploy-id',
      'Forge.Example.com/deploy-id',
      'a/b/c',
      'deploy id',
      `x/${'a'.repeat(64)}`,
    ]) {
      const parsed = parse(key);
      expect(parsed.ok, key).toBe(false);
      if (!parsed.ok) expect(parsed.errors.join('; ')).toContain('must be an annotation key');
    }
  });
});

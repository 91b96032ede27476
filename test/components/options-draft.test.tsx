/** The source form's draft: every field the schema has survives a trip through the form unchanged. */
import { describe, expect, it } from 'vitest';
import { draftOf, slugId, splitList, toSourceInput } from '../../components/options/draft';
import { assignErrors, errorsUnder, parseError } from '../../components/options/errors';
import { permissionsToAsk, permissionsToRelease } from '../../components/options/permission-plan';
import { type SettingsInput, validateSettings } from '../../lib/settings';

const SOURCES: NonNullable<SettingsInput['sources']> = [
  {
    id: 'prod',
    name: 'Prod',
    type: 'rancher',
    baseUrl: 'https://rancher.example.com',
    clusters: [{ id: 'edge-1', name: 'Edge 1', apiBase: 'https://edge-1.example.com:6443', group: 'edge' }],
    owner: { labelSelector: 'team=shop', namespaces: ['shop', 'cart'], namePattern: '^(checkout|cart)' },
    kinds: ['Deployment', 'CronJob'],
    actorAnnotation: 'example.com/changed-by',
    deployIdAnnotation: 'forge.example.com/deploy-id',
    ignoreFields: ['spec.replicas', 'containers[*].resources'],
    links: { job: 'https://x.example.com/{cluster}/{name}', user: 'https://x.example.com/u/{user}' },
    enabled: false,
  },
  {
    id: 'k',
    name: 'K',
    type: 'kubernetes',
    clusters: [{ id: 'a', apiBase: 'https://a.example.com' }],
    discovery: false,
  },
  {
    id: 'argo',
    name: 'Argo',
    type: 'argocd',
    baseUrl: 'https://argocd.example.com',
    argocd: { projects: ['shop'] },
  },
  {
    id: 'nomad',
    name: 'Nomad',
    type: 'nomad',
    baseUrl: 'https://nomad.example.com:4646',
    nomad: { filter: 'Meta.team == "shop"', versionsWithinHours: 6, includeChildJobs: true },
  },
  {
    id: 'home',
    name: 'Home',
    type: 'generic',
    baseUrl: 'https://clusters.example.com',
    apiOrigins: ['https://clusters-us.example.com', 'https://clusters-ap.example.com'],
    generic: {
      clusters: { url: '/api/clusters', list: 'items', id: 'id' },
      jobs: {
        url: '/api/clusters/{cluster}/jobs',
        list: 'items',
        name: 'name',
        fields: { image: 'image' },
        deployId: 'lastDeploy.id',
      },
    },
  },
];

describe('draft', () => {
  it.each(SOURCES.map((s) => [s.type, s] as const))(
    'round-trips a %s source through the form',
    (_, input) => {
      const parsed = validateSettings({ version: 1, sources: [input] });
      if (!parsed.ok) throw new Error(parsed.errors.join('; '));
      const source = parsed.value.sources[0];
      if (!source) throw new Error('no source');
      const { input: back, problems } = toSourceInput(draftOf(source));
      expect(problems).toEqual([]);
      const again = validateSettings({ version: 1, sources: [back] });
      if (!again.ok) throw new Error(again.errors.join('; '));
      expect(again.value.sources[0]).toEqual(source);
    },
  );

  it('reports what the schema cannot see: bad JSON, a non-number', () => {
    const parsed = validateSettings({ version: 1, sources: [SOURCES[4], SOURCES[3]] });
    if (!parsed.ok) throw new Error('bad');
    const [home, nomad] = parsed.value.sources.map(draftOf);
    expect(
      toSourceInput({ ...(home as ReturnType<typeof draftOf>), generic: '{ "jobs": ' }).problems[0],
    ).toMatchObject({
      path: 'generic',
      message: expect.stringMatching(/^not JSON: /),
    });
    const n = nomad as ReturnType<typeof draftOf>;
    expect(toSourceInput({ ...n, nomad: { ...n.nomad, versionsWithinHours: 'six' } }).problems).toEqual([
      { path: 'nomad.versionsWithinHours', message: 'must be a number of hours' },
    ]);
  });

  it('splits lists and makes ids', () => {
    expect(splitList(' shop, cart\n\n billing ,')).toEqual(['shop', 'cart', 'billing']);
    expect(slugId('Production Rancher (EU)', new Set())).toBe('production-rancher-eu');
    expect(slugId('Prod', new Set(['prod', 'prod-2']))).toBe('prod-3');
    expect(slugId('✓✓', new Set())).toBe('source');
  });
});

describe('errors next to fields', () => {
  it('finds the field an error belongs to, and keeps the rest for the top of the form', () => {
    const errors = errorsUnder(
      [
        'sources[1].owner.namespaces[2]: must not be empty',
        'sources[1].generic.jobs.url: must not be empty',
        'sources[1].clusters[0].apiBase: must be a URL',
        'sources[1]: something about the whole source',
        'sources[0].baseUrl: not this source',
        'pollIntervalSec: elsewhere',
      ],
      'sources[1]',
    );
    const shown = new Set(['owner.namespaces', 'generic', 'clusters[0].apiBase']);
    expect(assignErrors(errors, (k) => shown.has(k))).toEqual({
      byField: {
        'owner.namespaces': ['must not be empty'],
        generic: ['must not be empty'],
        'clusters[0].apiBase': ['must be a URL'],
      },
      other: ['something about the whole source'],
    });
    expect(parseError('no path here')).toEqual({ path: '', message: 'no path here' });
  });
});

describe('permission plan', () => {
  const settings = (sources: NonNullable<SettingsInput['sources']>, pages: SettingsInput['pages'] = {}) => {
    const p = validateSettings({ version: 1, sources, pages });
    if (!p.ok) throw new Error(p.errors.join('; '));
    return p.value;
  };
  const a = { id: 'a', name: 'A', type: 'rancher' as const, baseUrl: 'https://a.example.com' };
  const b = { id: 'b', name: 'B', type: 'rancher' as const, baseUrl: 'https://b.example.com:8443' };
  const demo = { id: 'demo', name: 'Demo', type: 'rancher' as const, baseUrl: 'http://127.0.0.1:9000' };

  it('asks for new origins and for known-missing ones only', () => {
    expect(permissionsToAsk(settings([a]), settings([a, b]))).toEqual(['https://b.example.com/*']);
    expect(permissionsToAsk(settings([a]), settings([a, b]), new Set(['https://a.example.com/*']))).toEqual([
      'https://a.example.com/*',
      'https://b.example.com/*',
    ]);
    expect(permissionsToAsk(undefined, settings([demo]))).toEqual(['http://127.0.0.1/*']);
  });

  it('never asks for what the manifest already holds, written as the manifest writes it', () => {
    const declared = ['*://127.0.0.1/*', '*://localhost/*'];
    expect(permissionsToAsk(undefined, settings([demo, a]), new Set(), declared)).toEqual([
      'https://a.example.com/*',
    ]);
    // A scheme the pattern names is only that scheme; another host is another origin.
    expect(permissionsToAsk(undefined, settings([demo]), new Set(), ['https://127.0.0.1/*'])).toEqual([
      'http://127.0.0.1/*',
    ]);
  });

  it('never gives back what the manifest declares with a scheme wildcard', () => {
    expect(permissionsToRelease(settings([a, demo]), settings([]), ['*://127.0.0.1/*'])).toEqual([
      'https://a.example.com/*',
    ]);
  });

  it('gives back what nothing reads, never what the manifest declares', () => {
    const declared = ['http://127.0.0.1/*'];
    expect(permissionsToRelease(settings([a, b, demo]), settings([b]), declared)).toEqual([
      'https://a.example.com/*',
    ]);
    expect(
      permissionsToRelease(
        settings([a, b]),
        settings([b], { grafana: { origins: ['https://a.example.com:3000'] } }),
        declared,
      ),
    ).toEqual([]);
    expect(permissionsToRelease(undefined, settings([]), declared)).toEqual([]);
  });
});

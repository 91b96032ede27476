import { describe, expect, it } from 'vitest';
import {
  defaultSettings,
  exportSettings,
  importSettings,
  loadSettings,
  type StorageArea,
  saveSettings,
} from '../lib/settings';

const memoryStorage = (): StorageArea & { data: Record<string, unknown> } => {
  const data: Record<string, unknown> = {};
  return {
    data,
    async get(key) {
      return key in data ? { [key]: data[key] } : {};
    },
    async set(items) {
      Object.assign(data, structuredClone(items));
    },
  };
};

const example = {
  version: 1,
  sources: [
    {
      id: 'prod-rancher',
      name: 'Production Rancher',
      type: 'rancher',
      baseUrl: 'https://rancher.example.com/',
      owner: { labelSelector: 'app.kubernetes.io/part-of=shop', namespaces: ['shop'] },
      actorAnnotation: 'example.com/changed-by',
      ignoreFields: ['spec.replicas'],
      links: { user: 'https://console.example.com/users/{user}/jobs' },
    },
  ],
  pages: { alertmanager: { origins: ['https://alertmanager.example.com/#/alerts'] } },
};

describe('settings', () => {
  it('fills defaults and normalizes URLs', () => {
    const r = importSettings(JSON.stringify(example));
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.value.pollIntervalSec).toBe(60);
    expect(r.value.concurrency).toBe(6);
    expect(r.value.retentionDays).toBe(30);
    expect(r.value.labels.job).toContain('deployment');
    const [s] = r.value.sources;
    expect(s?.baseUrl).toBe('https://rancher.example.com');
    expect(s?.kinds).toEqual(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob']);
    expect(r.value.pages.alertmanager?.origins).toEqual(['https://alertmanager.example.com']);
  });

  it('round-trips through export and import exactly', () => {
    const first = importSettings(JSON.stringify(example));
    if (!first.ok) throw new Error('invalid');
    const again = importSettings(exportSettings(first.value));
    expect(again).toEqual(first);
  });

  it('names the bad field', () => {
    const bad = structuredClone(example) as Record<string, unknown> & { sources: Record<string, unknown>[] };
    (bad.sources[0] as Record<string, unknown>).baseUrl = 'rancher';
    (bad.sources[0] as Record<string, unknown>).owner = { labelSelecter: 'x' };
    const r = importSettings(JSON.stringify(bad));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.some((e) => e.startsWith('sources[0].baseUrl:'))).toBe(true);
    expect(r.errors.some((e) => e.startsWith('sources[0].owner.labelSelecter:'))).toBe(true);
  });

  it('rejects what is not JSON, duplicate ids, bad regexes and rancher sources without a URL', () => {
    expect(importSettings('{"version":1,').ok).toBe(false);
    const dup = { version: 1, sources: [example.sources[0], example.sources[0]] };
    expect(importSettings(JSON.stringify(dup))).toMatchObject({
      ok: false,
      errors: ['sources: source ids must be unique'],
    });
    const regex = { version: 1, sources: [{ ...example.sources[0], owner: { namePattern: '(' } }] };
    expect(importSettings(JSON.stringify(regex))).toMatchObject({
      ok: false,
      errors: ['sources[0].owner.namePattern: must be a valid regular expression'],
    });
    const noUrl = { version: 1, sources: [{ id: 'r', name: 'R', type: 'rancher' }] };
    expect(importSettings(JSON.stringify(noUrl)).ok).toBe(false);
  });

  it('keeps service rules through export and import, trimmed, and names a bad one', () => {
    const first = importSettings(
      JSON.stringify({
        ...example,
        serviceRules: [{ name: ' cart ', match: [' Job:default/cart ', 'cart-*'] }],
      }),
    );
    if (!first.ok) throw new Error(first.errors.join('\n'));
    expect(first.value.serviceRules).toEqual([{ name: 'cart', match: ['Job:default/cart', 'cart-*'] }]);
    expect(importSettings(exportSettings(first.value))).toEqual(first);
    expect(defaultSettings().serviceRules).toEqual([]);
    expect(
      importSettings(JSON.stringify({ version: 1, serviceRules: [{ name: 'x', match: [] }] })),
    ).toMatchObject({
      ok: false,
      errors: ['serviceRules[0].match: a rule needs at least one job to match'],
    });
    expect(
      importSettings(JSON.stringify({ version: 1, serviceRules: [{ name: 'x', match: ['cart api'] }] })),
    ).toMatchObject({
      ok: false,
      errors: ['serviceRules[0].match[0]: a row key, job name or glob has no spaces'],
    });
    const twice = {
      version: 1,
      serviceRules: [
        { name: 'Cart', match: ['a'] },
        { name: 'cart', match: ['b'] },
      ],
    };
    expect(importSettings(JSON.stringify(twice))).toMatchObject({
      ok: false,
      errors: ['serviceRules: service rule names must be unique'],
    });
  });

  it('keeps cluster aliases through export and import, trimmed, and names a bad one', () => {
    const withAliases = {
      ...example,
      clusterAliases: [{ name: ' Europe 1 ', match: ['prod-rancher/c-m-abc', 'https://10.20.0.1:6443'] }],
    };
    const first = importSettings(JSON.stringify(withAliases));
    if (!first.ok) throw new Error(first.errors.join('\n'));
    expect(first.value.clusterAliases).toEqual([
      { name: 'Europe 1', match: ['prod-rancher/c-m-abc', 'https://10.20.0.1:6443'] },
    ]);
    expect(importSettings(exportSettings(first.value))).toEqual(first);
    expect(defaultSettings().clusterAliases).toEqual([]);
    const empty = importSettings(JSON.stringify({ version: 1, clusterAliases: [{ name: 'x', match: [] }] }));
    expect(empty).toMatchObject({
      ok: false,
      errors: ['clusterAliases[0].match: an alias needs at least one cluster to match'],
    });
    const twice = {
      version: 1,
      clusterAliases: [
        { name: 'EU', match: ['a'] },
        { name: 'eu', match: ['b'] },
      ],
    };
    expect(importSettings(JSON.stringify(twice))).toMatchObject({
      ok: false,
      errors: ['clusterAliases: cluster alias names must be unique'],
    });
  });

  it('stores only valid settings and loads defaults when none are stored', async () => {
    const storage = memoryStorage();
    expect(await loadSettings(storage)).toEqual({ ok: true, value: defaultSettings() });
    expect((await saveSettings(storage, { version: 2 })).ok).toBe(false);
    expect(storage.data).toEqual({});
    expect((await saveSettings(storage, example)).ok).toBe(true);
    const loaded = await loadSettings(storage);
    expect(loaded.ok && loaded.value.sources[0]?.id).toBe('prod-rancher');
  });
});

describe('settings: argocd, nomad and generic sources', () => {
  const argocd = { id: 'cd', name: 'Argo CD', type: 'argocd', baseUrl: 'https://argocd.example.com/' };
  const nomad = { id: 'nomad', name: 'Nomad', type: 'nomad', baseUrl: 'https://nomad.example.com' };
  const generic = {
    id: 'forge',
    name: 'Forge',
    type: 'generic',
    baseUrl: 'https://forge.example.com',
    generic: {
      clusters: { url: '/api/v2/clusters', list: 'data.clusters', id: 'id' },
      jobs: { url: '{apiBase}/jobs', list: 'jobs', name: 'name', fields: { image: 'spec.image' } },
    },
  };
  const errorsOf = (source: unknown): string[] => {
    const r = importSettings(JSON.stringify({ version: 1, sources: [source] }));
    return r.ok ? [] : r.errors;
  };

  it('accepts each type and gives every one the fields the rest of Tattler reads, with their defaults', () => {
    const r = importSettings(JSON.stringify({ version: 1, sources: [argocd, nomad, generic] }));
    if (!r.ok) throw new Error(r.errors.join('\n'));
    for (const s of r.value.sources) {
      expect(s).toMatchObject({
        enabled: true,
        discovery: true,
        clusters: [],
        owner: { namespaces: [] },
        kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'],
        ignoreFields: [],
        links: {},
      });
    }
    const [a, n, g] = r.value.sources;
    expect(a?.baseUrl).toBe('https://argocd.example.com');
    expect(n?.nomad).toBeUndefined();
    expect(g?.generic?.jobs).toMatchObject({ kind: 'Job', fields: { image: 'spec.image' } });
    expect(importSettings(exportSettings(r.value))).toEqual(r);
  });

  it('fills per-type defaults when the block is given', () => {
    const r = importSettings(
      JSON.stringify({
        version: 1,
        sources: [
          { ...argocd, argocd: {} },
          { ...nomad, nomad: { filter: 'Meta.team == "shop"' } },
        ],
      }),
    );
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.value.sources[0]?.argocd).toEqual({ projects: [] });
    expect(r.value.sources[1]?.nomad).toEqual({
      filter: 'Meta.team == "shop"',
      versionsWithinHours: 24,
      includeChildJobs: false,
    });
  });

  it.each([
    [
      'argocd without its server',
      { ...argocd, baseUrl: undefined },
      'sources[0].baseUrl: an argocd source needs the Argo CD server URL',
    ],
    [
      'nomad without server or regions',
      { ...nomad, baseUrl: undefined },
      'sources[0].baseUrl: a nomad source needs the Nomad server URL (or regions listed under clusters)',
    ],
    [
      'nomad with a label selector',
      { ...nomad, owner: { labelSelector: 'a=b' } },
      'sources[0].owner.labelSelector: nomad has no label selectors: use nomad.filter (a Nomad filter expression)',
    ],
    [
      'nomad with a negative window',
      { ...nomad, nomad: { versionsWithinHours: -1 } },
      'sources[0].nomad.versionsWithinHours:',
    ],
    [
      'nomad options on argocd',
      { ...argocd, nomad: {} },
      'sources[0].nomad: only a nomad source takes nomad options',
    ],
    [
      'argocd options on nomad',
      { ...nomad, argocd: { projects: ['x'] } },
      'sources[0].argocd: only an argocd source takes argocd options',
    ],
    [
      'generic options on nomad',
      { ...nomad, generic: generic.generic },
      'sources[0].generic: only a generic source takes generic options',
    ],
    [
      'generic without its mapping',
      { ...generic, generic: undefined },
      'sources[0].generic: a generic source needs its mapping',
    ],
    [
      'generic with neither cluster list nor clusters',
      { ...generic, generic: { jobs: generic.generic.jobs } },
      'sources[0].clusters: a generic source needs a cluster list (generic.clusters) or clusters listed by hand',
    ],
    [
      'generic discovery without a base URL',
      { ...generic, baseUrl: undefined },
      'sources[0].baseUrl: a generic source that discovers clusters needs baseUrl',
    ],
    [
      'generic with a misspelt mapping key',
      { ...generic, generic: { ...generic.generic, jobs: { ...generic.generic.jobs, feilds: {} } } },
      'sources[0].generic.jobs.feilds:',
    ],
    [
      'generic with a path that cannot be read',
      { ...generic, generic: { ...generic.generic, jobs: { ...generic.generic.jobs, list: 'items[x]' } } },
      'sources[0].generic.jobs.list: path `items[x]` is not valid: expected an index, `*` or a quoted name inside [], got `x` at position 6',
    ],
    [
      'generic with an empty path',
      { ...generic, generic: { ...generic.generic, jobs: { ...generic.generic.jobs, name: ' ' } } },
      'sources[0].generic.jobs.name: must not be empty',
    ],
    [
      'generic with a bad automation pattern',
      {
        ...generic,
        generic: { ...generic.generic, jobs: { ...generic.generic.jobs, automationPattern: '(' } },
      },
      'sources[0].generic.jobs.automationPattern: must be a valid regular expression',
    ],
    [
      'generic with an unknown health state',
      {
        ...generic,
        generic: {
          ...generic.generic,
          jobs: { ...generic.generic.jobs, health: { path: 'state', values: { UP: 'fine' } } },
        },
      },
      'sources[0].generic.jobs.health.values.UP:',
    ],
    [
      'generic with a label selector',
      { ...generic, owner: { labelSelector: 'a=b' } },
      'sources[0].owner.labelSelector: a generic source has no label selectors',
    ],
  ])('names the field: %s', (_, source, error) => {
    const errors = errorsOf(source);
    expect(errors.some((e) => e.startsWith(error))).toBe(true);
  });

  it('nomad regions listed by hand need no server; generic clusters listed by hand need no cluster list', () => {
    expect(
      errorsOf({
        ...nomad,
        baseUrl: undefined,
        clusters: [{ id: 'global', apiBase: 'https://nomad.example.com' }],
      }),
    ).toEqual([]);
    expect(
      errorsOf({
        ...generic,
        baseUrl: undefined,
        generic: { jobs: generic.generic.jobs },
        clusters: [{ id: 'c-1', apiBase: 'https://forge.example.com/api/v2/clusters/c-1' }],
      }),
    ).toEqual([]);
  });
});

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

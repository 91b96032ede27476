/**
 * Tokens: kept in the extension's own IndexedDB (lib/secret-store.ts, here over fake-indexeddb),
 * each with the one origin it was entered for; never in settings or an export; a source whose
 * origin changes loses its token and is asked for it again; tokens older versions kept in
 * `browser.storage.local` move out of content scripts' reach.
 */
import { describe, expect, it } from 'vitest';
import { openSecretStore } from '../lib/secret-store';
import {
  cleartextTokenWarning,
  loadSecrets,
  migrateLegacySecrets,
  reconcileSecrets,
  type SecretStore,
  saveSecret,
  tokenOrigin,
  usableSecret,
} from '../lib/secrets';
import { exportSettings, loadSettings, saveSettings } from '../lib/settings';

const TOKEN = 'c8d1e2f3-0a1b-4c2d-9e3f-4a5b6c7d8e9f';
const A = 'https://nomad.example.com:4646';
const NOW = Date.parse('2025-03-10T15:00:00Z');

let n = 0;
const store = (): SecretStore =>
  openSecretStore(`secrets-test-${++n}-${Math.random().toString(36).slice(2)}`);

const nomad = (over: { id?: string; baseUrl?: string; clusters?: { apiBase: string }[] } = {}) => ({
  id: over.id ?? 'nomad-prod',
  name: 'Nomad prod',
  ...('baseUrl' in over ? (over.baseUrl ? { baseUrl: over.baseUrl } : {}) : { baseUrl: A }),
  clusters: over.clusters ?? [],
});

describe('the origin a token is for', () => {
  it("is the base URL's origin, port and scheme included; else the one origin of the hand-listed clusters", () => {
    expect(tokenOrigin(nomad({ baseUrl: `${A}/ui/jobs` }))).toEqual({ origin: A });
    expect(tokenOrigin(nomad({ baseUrl: 'https://nomad.example.com' }))).toEqual({
      origin: 'https://nomad.example.com',
    });
    expect(
      tokenOrigin(nomad({ baseUrl: '', clusters: [{ apiBase: `${A}/` }, { apiBase: `${A}/v1` }] })),
    ).toEqual({ origin: A });
  });

  it('is none when the clusters are on several origins, or there is nothing to go by', () => {
    const several = tokenOrigin(
      nomad({ baseUrl: '', clusters: [{ apiBase: A }, { apiBase: 'https://nomad.example.com:4647' }] }),
    );
    expect(several).toEqual({
      error: `a token is sent to one origin only, and these clusters are on ${A}, https://nomad.example.com:4647: make one source per origin`,
    });
    expect(tokenOrigin(nomad({ baseUrl: '' }))).toEqual({ error: 'a token needs the server URL it is for' });
  });
});

describe('the store', () => {
  it('keeps a token with its origin, trimmed; an empty paste deletes it; two lines are refused', async () => {
    const s = store();
    const saved = await saveSecret(s, nomad(), `  ${TOKEN}\n`, NOW);
    expect(saved).toEqual({ sourceId: 'nomad-prod', value: TOKEN, origin: A, savedAt: NOW });
    expect(await s.get('nomad-prod')).toEqual(saved);
    await expect(saveSecret(s, nomad(), 'a\nb', NOW)).rejects.toThrow('a token is one line');
    await saveSecret(s, nomad(), '   ', NOW);
    expect(await s.get('nomad-prod')).toBeUndefined();
    await expect(saveSecret(s, nomad({ baseUrl: '' }), TOKEN, NOW)).rejects.toThrow('needs the server URL');
  });

  it('a pass gets each token only while its source still reads the origin it was entered for', async () => {
    const s = store();
    await saveSecret(s, nomad(), TOKEN, NOW);
    await saveSecret(s, nomad({ id: 'other', baseUrl: 'https://other.example.com' }), 'tok-2', NOW);
    expect(
      await loadSecrets(s, [nomad(), nomad({ id: 'other', baseUrl: 'https://other.example.com' })]),
    ).toEqual({
      tokens: { 'nomad-prod': TOKEN, other: 'tok-2' },
      bound: [
        { value: TOKEN, origin: A },
        { value: 'tok-2', origin: 'https://other.example.com' },
      ],
    });
    // The same source, its URL on another port: no token.
    const moved = nomad({ baseUrl: 'https://nomad.example.com:4647' });
    expect(await loadSecrets(s, [moved])).toEqual({ tokens: {}, bound: [] });
    expect(usableSecret(await s.get('nomad-prod'), moved)).toBeUndefined();
  });

  it('is never part of the settings document or its export', async () => {
    const data: Record<string, unknown> = {};
    const local = {
      get: async (key: string) => (key in data ? { [key]: data[key] } : {}),
      set: async (items: Record<string, unknown>) => void Object.assign(data, items),
    };
    await saveSettings(local, {
      version: 1,
      sources: [{ id: 'nomad-prod', name: 'Nomad', type: 'nomad', baseUrl: A }],
    });
    await saveSecret(store(), nomad(), TOKEN, NOW);
    const loaded = await loadSettings(local);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    expect(exportSettings(loaded.value)).not.toContain(TOKEN);
    expect(JSON.stringify(data)).not.toContain(TOKEN);
  });
});

describe('settings that change under a token', () => {
  it('a source that now reads another origin loses its token, with a notice that asks for it again', async () => {
    const s = store();
    await saveSecret(s, nomad(), TOKEN, NOW);
    await saveSecret(s, nomad({ id: 'gone' }), 'tok-gone', NOW);
    const moved = nomad({ baseUrl: 'https://nomad.example.com:4647' });
    const dropped = await reconcileSecrets(s, [moved], NOW);
    const message = `The token of “Nomad prod” was entered for ${A}; the source now reads https://nomad.example.com:4647, so the token was deleted. Enter the token for https://nomad.example.com:4647.`;
    expect(dropped).toEqual([{ sourceId: 'nomad-prod', name: 'Nomad prod', message }]);
    expect(await s.list()).toEqual([]);
    expect(await s.notices()).toEqual([{ sourceId: 'nomad-prod', message, at: NOW }]);
    // A token entered again clears the notice.
    await saveSecret(s, moved, TOKEN, NOW);
    expect(await s.notices()).toEqual([]);
    expect(await reconcileSecrets(s, [moved], NOW)).toEqual([]);
  });
});

describe('tokens an older version kept in browser.storage.local', () => {
  function legacy(data: Record<string, unknown>) {
    return {
      data,
      get: async () => structuredClone(data),
      remove: async (keys: string[]) => {
        for (const k of keys) delete data[k];
      },
    };
  }

  it('move to the store, bound to their source’s origin, and leave storage.local', async () => {
    const s = store();
    const local = legacy({ settings: { version: 1 }, 'secret:nomad-prod': TOKEN });
    expect(await migrateLegacySecrets(local, s, [nomad()], NOW)).toBe(1);
    expect(local.data).toEqual({ settings: { version: 1 } });
    expect(await s.get('nomad-prod')).toEqual({
      sourceId: 'nomad-prod',
      value: TOKEN,
      origin: A,
      savedAt: NOW,
    });
    expect(await s.notices()).toEqual([]);
    // Idempotent: nothing left to move.
    expect(await migrateLegacySecrets(local, s, [nomad()], NOW)).toBe(0);
  });

  it('a token that cannot be tied to one origin is deleted, and the source says to enter it again', async () => {
    const s = store();
    const split = nomad({
      baseUrl: '',
      clusters: [{ apiBase: A }, { apiBase: 'https://nomad-eu.example.com' }],
    });
    const local = legacy({ 'secret:nomad-prod': TOKEN, 'secret:removed-long-ago': 'x' });
    expect(await migrateLegacySecrets(local, s, [split], NOW)).toBe(2);
    expect(local.data).toEqual({});
    expect(await s.list()).toEqual([]);
    const [notice] = await s.notices();
    expect(notice?.sourceId).toBe('nomad-prod');
    expect(notice?.message).toMatch(
      /^Tattler now keeps each token for one origin only\. The token of “Nomad prod” could not be tied to one \(a token is sent to one origin only/,
    );
    expect(notice?.message).toMatch(/so it was deleted: enter it again\.$/);
  });
});

describe('cleartextTokenWarning', () => {
  it('warns for a remote plain-http origin only', () => {
    expect(cleartextTokenWarning('http://nomad.lab.example.com:4646')).toMatch(
      /^http:\/\/nomad\.lab\.example\.com:4646 is plain http/,
    );
    expect(cleartextTokenWarning('http://10.0.0.7:4646')).toMatch(/unencrypted/);
    for (const spared of [
      'https://nomad.example.com',
      'http://127.0.0.1:4646',
      'http://localhost:4646',
      'http://[::1]:4646',
      'not a url',
    ])
      expect(cleartextTokenWarning(spared), spared).toBeUndefined();
  });
});

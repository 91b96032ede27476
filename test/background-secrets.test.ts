/**
 * The background and tokens: a token an older version left in `browser.storage.local` (where
 * content scripts can read it) is moved to the extension's own database at start-up, bound to
 * its source's origin, and a pass sends it there and nowhere else — not to a region listed by
 * hand on another origin.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { type BrowserApi, startBackground } from '../entrypoints/background/service';
import type { FetchLike } from '../lib/http';
import type { StatusAnswer } from '../lib/messages';
import type { PollRun } from '../lib/model';
import { openSecretStore } from '../lib/secret-store';
import { adapterFor } from '../lib/sources/registry';
import { resetFakeBrowser } from './helpers/fake-background';

const TOKEN = '0b7a4c2e-5d1f-4e8a-9c3b-2a1d0e9f8c7b';
const A = 'https://nomad.example.com:4646';
const B = 'https://nomad-eu.example.com:4646';

const SETTINGS = {
  version: 1,
  sources: [
    {
      id: 'nomad',
      name: 'Nomad',
      type: 'nomad',
      baseUrl: A,
      discovery: false,
      clusters: [
        { id: 'global', apiBase: A },
        { id: 'eu', apiBase: B },
      ],
    },
  ],
};

describe('tokens in the background', () => {
  const heard: { origin: string; token: string | undefined }[] = [];
  const fetch: FetchLike = async (url, init) => {
    heard.push({
      origin: new URL(url).origin,
      token: (init.headers as Record<string, string>)['X-Nomad-Token'],
    });
    return new Response('[]', { headers: { 'content-type': 'application/json' } });
  };
  let names = { db: '', secrets: '' };

  beforeEach(async () => {
    resetFakeBrowser();
    heard.length = 0;
    const id = Math.random().toString(36).slice(2);
    names = { db: `bg-secrets-${id}`, secrets: `bg-secrets-store-${id}` };
    // What an older version stored: the settings, and the token beside them in storage.local.
    await fakeBrowser.storage.local.set({ settings: SETTINGS, 'secret:nomad': TOKEN });
  });

  const start = () =>
    startBackground({
      browser: fakeBrowser as unknown as BrowserApi,
      adapterFor,
      dbName: names.db,
      secretStore: openSecretStore(names.secrets),
      fetch,
      canRead: async () => true,
    });

  const pollNow = async () => {
    const [answer] = await fakeBrowser.runtime.onMessage.trigger(
      { type: 'poll-now' },
      { id: fakeBrowser.runtime.id },
    );
    return (await answer) as unknown as StatusAnswer;
  };

  it('sends the token to the origin it was entered for, and not to a region on another origin', async () => {
    const bg = start();
    const status = await pollNow();
    expect(status.last?.clusters).toMatchObject({ ok: 1, auth: 1 });
    expect(heard.filter((h) => h.origin === A).map((h) => h.token)).toEqual([TOKEN]);
    expect(heard.filter((h) => h.token !== undefined && h.origin !== A)).toEqual([]);
    const runs = (await bg.db.polls.toArray()) as PollRun[];
    expect(runs.find((r) => r.target === 'nomad/eu')).toMatchObject({
      status: 'auth',
      message: expect.stringContaining(`not sent: the token was given for ${A}, not for ${B}`),
    });
  });

  it('moves a token out of storage.local at start-up, where content scripts could read it', async () => {
    start();
    await pollNow();
    const local = await fakeBrowser.storage.local.get(null);
    expect(Object.keys(local)).toEqual(['settings']);
    expect(JSON.stringify(local)).not.toContain(TOKEN);
    expect(await openSecretStore(names.secrets).get('nomad')).toMatchObject({ value: TOKEN, origin: A });
  });
});

/**
 * Page-integration registration when start-up, a settings change and a permission grant come
 * at once (an import that grants an origin wakes a stopped background with all three): one
 * sync at a time, and a script found registered already is updated, not registered twice.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { idempotentRegistration } from '../entrypoints/background/page-scripts';
import { type BrowserApi, startBackground } from '../entrypoints/background/service';
import type { RegisteredScript, RegistrationApi } from '../lib/pages/registration';
import { adapterFor } from '../lib/sources/registry';
import { resetFakeBrowser } from './helpers/fake-background';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pages = (...origins: string[]) => ({ version: 1, pages: { alertmanager: { origins } } });

/** The browser's registry as Firefox keeps it: asynchronous, and a second register of an id throws. */
function browserRegistry() {
  let scripts: RegisteredScript[] = [];
  const calls: string[] = [];
  const scripting: RegistrationApi['scripting'] = {
    getRegisteredContentScripts: async (filter) => {
      await sleep(20);
      return scripts.filter((s) => !filter?.ids || filter.ids.includes(s.id));
    },
    registerContentScripts: async (list) => {
      calls.push('register');
      await sleep(5);
      for (const s of list)
        if (scripts.some((x) => x.id === s.id))
          throw new Error(`Content script with id "${s.id}" is already registered`);
      scripts = [...scripts, ...list];
    },
    updateContentScripts: async (list) => {
      calls.push('update');
      scripts = scripts.map((s) => ({ ...s, ...(list.find((u) => u.id === s.id) ?? {}) }));
    },
    unregisterContentScripts: async () => {
      calls.push('unregister');
      scripts = [];
    },
  };
  return { scripting, calls, scripts: () => scripts };
}

describe('page-integration registration', () => {
  const granted = new Set<string>();
  beforeEach(() => {
    granted.clear();
    resetFakeBrowser(granted);
  });

  it('an import that grants a second origin while start-up registers the first ends with both', async () => {
    const registry = browserRegistry();
    Object.assign(fakeBrowser, { scripting: registry.scripting });
    const warn = vi.spyOn(console, 'warn');
    granted.add('https://am-1.example.com/*');
    await fakeBrowser.storage.local.set({ settings: pages('https://am-1.example.com') });

    startBackground({
      browser: fakeBrowser as unknown as BrowserApi,
      adapterFor,
      dbName: `pages-${Math.random()}`,
      canRead: async () => true,
    });
    // While start-up's sync is between its check and its register: the import lands.
    granted.add('https://am-2.example.com/*');
    await fakeBrowser.storage.local.set({
      settings: pages('https://am-1.example.com', 'https://am-2.example.com'),
    });
    for (let i = 0; i < 50 && registry.scripts()[0]?.matches?.length !== 2; i++) await sleep(20);

    expect(registry.scripts()).toHaveLength(1);
    expect(registry.scripts()[0]?.matches).toEqual([
      'https://am-1.example.com/*',
      'https://am-2.example.com/*',
    ]);
    expect(registry.calls.filter((c) => c === 'register')).toHaveLength(1);
    expect(warn).not.toHaveBeenCalledWith('Tattler: could not register page integrations', expect.anything());
    warn.mockRestore();
  });

  it('"already registered" becomes an update to what was asked', async () => {
    const registry = browserRegistry();
    const api = idempotentRegistration({
      permissions: { contains: async () => true, request: async () => true },
      scripting: registry.scripting,
    });
    await api.scripting.registerContentScripts([{ id: 'tattler-pages', matches: ['https://a.example/*'] }]);
    await api.scripting.registerContentScripts([{ id: 'tattler-pages', matches: ['https://b.example/*'] }]);
    expect(registry.scripts()).toEqual([{ id: 'tattler-pages', matches: ['https://b.example/*'] }]);
    expect(registry.calls).toEqual(['register', 'register', 'update']);
  });

  it('other registration errors still fail', async () => {
    const api = idempotentRegistration({
      permissions: { contains: async () => true, request: async () => true },
      scripting: {
        ...browserRegistry().scripting,
        registerContentScripts: async () => {
          throw new Error('Invalid url pattern');
        },
      },
    });
    await expect(api.scripting.registerContentScripts([{ id: 'x' }])).rejects.toThrow('Invalid url pattern');
  });
});

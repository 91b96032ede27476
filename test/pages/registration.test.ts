import { describe, expect, it } from 'vitest';
import {
  matchPatternOf,
  type RegisteredScript,
  type RegistrationApi,
  SCRIPT_FILE,
  SCRIPT_ID,
  syncContentScripts,
  userOrigins,
} from '../../lib/pages/registration';
import { integrationsFor } from '../../lib/pages/registry';
import { type Settings, validateSettings } from '../../lib/settings';

function settings(pages: unknown): Settings {
  const parsed = validateSettings({ version: 1, pages });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

function fakeApi(granted: string[]) {
  let scripts: RegisteredScript[] = [];
  const calls: string[] = [];
  const requested: string[][] = [];
  const api: RegistrationApi = {
    permissions: {
      contains: async ({ origins }) => origins.every((o) => granted.includes(o)),
      request: async ({ origins }) => {
        requested.push(origins);
        granted.push(...origins);
        return true;
      },
    },
    scripting: {
      getRegisteredContentScripts: async (filter) =>
        scripts.filter((s) => !filter?.ids || filter.ids.includes(s.id)),
      registerContentScripts: async (list) => {
        calls.push('register');
        scripts = [...scripts, ...list];
      },
      updateContentScripts: async (list) => {
        calls.push('update');
        scripts = scripts.map((s) => ({ ...s, ...(list.find((u) => u.id === s.id) ?? {}) }));
      },
      unregisterContentScripts: async (filter) => {
        calls.push('unregister');
        scripts = scripts.filter((s) => !filter?.ids?.includes(s.id));
      },
    },
  };
  return { api, calls, requested, scripts: () => scripts };
}

/** The demo build's manifest content script (wxt.config.ts). */
const DEMO_BUILT_IN = ['*://127.0.0.1/*', '*://localhost/*'];

describe('registration', () => {
  it('uses port-less match patterns (Firefox rejects ports)', () => {
    expect(matchPatternOf('https://am.example.com:9093')).toBe('https://am.example.com/*');
    expect(matchPatternOf('ftp://x')).toBeUndefined();
  });

  it("lists the switched-on integrations' origins, loopback too unless the manifest's own script covers it", () => {
    const s = settings({
      alertmanager: {
        origins: ['https://am.example.com:9093', 'http://127.0.0.1:9093', 'https://127.0.0.1:9443'],
      },
      grafana: { enabled: false, origins: ['https://grafana.example.com'] },
      text: { origins: ['https://wiki.example.com', 'https://am.example.com:9093'] },
    });
    // The store build declares no content script: a local Alertmanager is registered like any other.
    expect(userOrigins(s)).toEqual([
      'http://127.0.0.1:9093',
      'https://127.0.0.1:9443',
      'https://am.example.com:9093',
      'https://wiki.example.com',
    ]);
    // The demo build's manifest runs on every loopback page, http and https: those need no registration.
    expect(userOrigins(s, DEMO_BUILT_IN)).toEqual([
      'https://am.example.com:9093',
      'https://wiki.example.com',
    ]);
    // What the code leaves to the manifest, the manifest covers: the two follow from one list.
    expect(userOrigins(s, ['http://127.0.0.1/*'])).toContain('https://127.0.0.1:9443');
  });

  it('registers for granted origins only, updates, and unregisters when none is left', async () => {
    const fake = fakeApi(['https://am.example.com/*']);
    const s1 = settings({
      alertmanager: { origins: ['https://am.example.com:9093'] },
      text: { origins: ['https://wiki.example.com'] },
    });
    expect(await syncContentScripts(s1, fake.api)).toEqual({
      registered: ['https://am.example.com/*'],
      missingPermission: ['https://wiki.example.com'],
    });
    expect(fake.scripts()).toEqual([
      {
        id: SCRIPT_ID,
        js: [SCRIPT_FILE],
        matches: ['https://am.example.com/*'],
        runAt: 'document_idle',
        allFrames: false,
      },
    ]);

    // The options page asks, on the user's click (components/options/store.ts); the next sync picks the grant up.
    await fake.api.permissions.request({ origins: ['https://wiki.example.com/*'] });
    await syncContentScripts(s1, fake.api);
    expect(fake.scripts()[0]?.matches).toEqual(['https://am.example.com/*', 'https://wiki.example.com/*']);

    // Nothing changed: nothing to do.
    await syncContentScripts(s1, fake.api);
    expect(fake.calls).toEqual(['register', 'update']);

    await syncContentScripts(
      settings({ alertmanager: { enabled: false, origins: ['https://am.example.com'] } }),
      fake.api,
    );
    expect(fake.scripts()).toEqual([]);
    expect(fake.calls.at(-1)).toBe('unregister');
  });

  it('runs an integration only where it is allowed', () => {
    const s = settings({
      alertmanager: { origins: ['https://am.example.com'] },
      rancher: { enabled: false },
    });
    const ids = (url: string, builtIn: readonly string[] = DEMO_BUILT_IN) =>
      integrationsFor(new URL(url), s.pages, builtIn).map((i) => i.id);
    // The store build: nothing runs on a page nobody listed, loopback included.
    expect(ids('http://127.0.0.1:9093/#/alerts', [])).toEqual([]);
    expect(ids('https://127.0.0.1:9443/#/alerts')).toContain('alertmanager');
    expect(ids('http://127.0.0.1:9093/#/alerts')).toEqual([
      'alertmanager',
      'prometheus',
      'grafana',
      'pagerduty',
      'openshift',
      'argocd',
      'nomad',
    ]);
    expect(ids('https://am.example.com/#/alerts')).toEqual(['alertmanager']);
    expect(ids('https://am.example.com:8443/#/alerts')).toEqual([]);
    expect(ids('https://other.example.com/')).toEqual([]);
  });
});

/**
 * The options page entrypoint: wires the browser (storage, permissions, IndexedDB, fetch with
 * the user's session, downloads) into the options app and mounts it. No logic of its own.
 */
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { demoFromHash } from '../../components/first-run/demo';
import type { OptionsIo } from '../../components/options/io';
import { OptionsApp } from '../../components/options/OptionsApp';
import '../../components/first-run/first-run.css';
import { openDb } from '../../lib/db';
import { historyStore } from '../../lib/history';
import { createHttp } from '../../lib/http';
import { builtInPatterns } from '../../lib/pages/built-in';
import { INTEGRATIONS } from '../../lib/pages/registry';
import { openSecretStore } from '../../lib/secret-store';
import { SETTINGS_KEY } from '../../lib/settings';
import { adapterFor } from '../../lib/sources/registry';

const io: OptionsIo = {
  storage: browser.storage.local,
  secrets: openSecretStore(),
  onSettingsChanged(callback) {
    const listener = (changes: Record<string, unknown>, area: string) => {
      if (area === 'local' && SETTINGS_KEY in changes) callback();
    };
    browser.storage.onChanged.addListener(listener);
    return () => browser.storage.onChanged.removeListener(listener);
  },
  permissions: {
    contains: (p) => browser.permissions.contains(p),
    request: (p) => browser.permissions.request(p),
    remove: (p) => browser.permissions.remove(p),
  },
  declaredOrigins: browser.runtime.getManifest().host_permissions ?? [],
  history: historyStore(openDb()),
  http: (timeoutMs, secrets) => createHttp({ timeoutMs, ...(secrets ? { secrets } : {}) }),
  adapterFor: (type) => adapterFor(type),
  estimate: () => navigator.storage.estimate(),
  download(fileName, mime, text) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: mime }));
    a.download = fileName;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  },
};

// "Built in on the demo fleet" only where the manifest runs the integrations by itself (the demo build).
const builtIn = builtInPatterns(browser.runtime.getManifest()).length > 0;
const integrations = INTEGRATIONS.map(({ id, name, kind, onLoopback }) => ({
  id,
  name,
  kind,
  onLoopback: onLoopback && builtIn,
}));

/** `#demo=<loopback URL>` (scripts/demo.ts opens it): offered by the demo build only (wxt.config.ts). */
const demoUrl = () => (import.meta.env.MODE === 'demo' ? demoFromHash(location.hash) : undefined);

function mount() {
  render(
    <OptionsApp
      io={io}
      integrations={integrations}
      {...(demoUrl() ? { demoUrl: demoUrl() as string } : {})}
    />,
    document.getElementById('app') as HTMLElement,
  );
}

mount();
// The demo script may open the page again with another #demo=…
window.addEventListener('hashchange', mount);

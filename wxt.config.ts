import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { noInnerHtml } from './scripts/no-inner-html';

// The demo fleet runs on loopback. Those origins are the only host access Tattler asks for up
// front; every real console the user configures is requested at run time as an optional host
// permission, for exactly that origin.
const LOOPBACK = ['http://127.0.0.1/*', 'http://localhost/*'];

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [noInnerHtml(), preact()] }),
  webExt: { disabled: true },
  manifest: ({ browser }) => ({
    name: 'Tattler',
    description: 'What changed in your fleet, where, when, and who did it.',
    permissions: ['alarms', 'storage', 'scripting', 'unlimitedStorage'],
    host_permissions: LOOPBACK,
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    // Firefox only: Chrome warns about keys it does not know.
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            // Tattler collects nothing: what it reads stays in the browser. (The manifest types
            // predate Firefox's data_collection_permissions key, hence the cast.)
            // 140 (desktop) and 142 (Android) are the first to know data_collection_permissions.
            gecko: {
              id: 'tattler@tattler.dev',
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['none'] },
            } as { id: string },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {}),
  }),
});

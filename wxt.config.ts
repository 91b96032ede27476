import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { noInnerHtml } from './scripts/no-inner-html';

/**
 * Two builds from one source:
 *
 * - The store build (`wxt build`, `wxt zip`: mode "production") asks for no host access up front
 *   and runs no content script by itself. Every console, API or alert page the user configures
 *   is requested at run time as an optional host permission for exactly that origin, and the
 *   page integrations are registered there once granted (lib/pages/registration.ts).
 * - The demo build (`--mode demo`, into `.output/<browser>-mv3-demo`) adds the demo fleet's
 *   loopback origins: host access, and the page integrations' content script on every loopback
 *   page (http and https), so `npm run demo` and the end-to-end tests need no prompt. The demo's
 *   first-run offers (the popup's probe of the fleet's port, "Use the demo fleet") exist only in
 *   this build (entrypoints check `import.meta.env.MODE`).
 */
export const DEMO_MODE = 'demo';
const LOOPBACK = ['*://127.0.0.1/*', '*://localhost/*'];

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [noInnerHtml(), preact()] }),
  webExt: { disabled: true },
  hooks: {
    // WXT writes an empty list when every content script registers at run time: leave none.
    'build:manifestGenerated': (_wxt, manifest) => {
      if (manifest.content_scripts?.length === 0) delete manifest.content_scripts;
    },
  },
  manifest: ({ browser, mode }) => ({
    name: 'Tattler',
    description: 'What changed in your fleet, where, when, and who did it.',
    permissions: ['alarms', 'storage', 'scripting', 'unlimitedStorage'],
    ...(mode === DEMO_MODE
      ? {
          host_permissions: LOOPBACK,
          // entrypoints/pages.content.ts, as its runtime registration uses it.
          content_scripts: [{ matches: LOOPBACK, js: ['content-scripts/pages.js'], run_at: 'document_idle' }],
        }
      : {}),
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

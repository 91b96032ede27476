/**
 * Page integrations: change badges on alert pages and job consoles (lib/pages/, wiring in
 * lib/pages/boot.ts). Built into the manifest for the demo fleet's loopback origins only; the
 * origins users add are registered at run time (lib/pages/registration.ts) with this same file.
 */
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { mountBadge } from '../components/badge/mount';
import { bootPages } from '../lib/pages/boot';

export default defineContentScript({
  matches: ['http://127.0.0.1/*', 'http://localhost/*'],
  runAt: 'document_idle',
  // Badges render in shadow roots of their own; nothing is ever injected into the page's styles.
  cssInjectionMode: 'ui',
  main(ctx) {
    bootPages({ ctx, browser, mountBadge });
  },
});

/**
 * Page integrations: change badges on alert pages and job consoles (lib/pages/, wiring in
 * lib/pages/boot.ts). Registered at run time on the origins the user listed and granted
 * (lib/pages/registration.ts); the store build's manifest runs it nowhere by itself. The demo
 * build's manifest adds it on loopback pages (wxt.config.ts).
 */
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { mountBadge } from '../components/badge/mount';
import { bootPages } from '../lib/pages/boot';

export default defineContentScript({
  registration: 'runtime',
  runAt: 'document_idle',
  // Badges render in shadow roots of their own; nothing is ever injected into the page's styles.
  cssInjectionMode: 'ui',
  main(ctx) {
    bootPages({ ctx, browser, mountBadge });
  },
});

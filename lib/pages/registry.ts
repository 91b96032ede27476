/**
 * Every page integration, and which of them may run on a given page. The ids are the keys of
 * `settings.pages` (on/off and extra origins per integration); the options page lists these.
 */
import { alertmanager } from './alertmanager';
import { argocd } from './argocd';
import { builtInCovers } from './built-in';
import { grafana } from './grafana';
import { nomad } from './nomad';
import { openshift } from './openshift';
import { pagerduty } from './pagerduty';
import { prometheus } from './prometheus';
import { rancher } from './rancher';
import { text } from './text';
import type { PageIntegration } from './types';

export const INTEGRATIONS: readonly PageIntegration[] = [
  alertmanager,
  prometheus,
  grafana,
  pagerduty,
  rancher,
  openshift,
  argocd,
  nomad,
  text,
];

export type PagesSettings = Record<string, { enabled: boolean; origins: string[] } | undefined>;

export const integrationEnabled = (pages: PagesSettings, id: string): boolean => pages[id]?.enabled !== false;

/**
 * Integrations allowed on this page: switched on, and either built in where the manifest's own
 * content script runs (`builtIn`: the demo build's loopback) or the page's origin listed for that
 * integration. Whether the page really is that app is decided later, per scan, by `matches` and
 * `detect` (single-page apps change both without a reload).
 */
export function integrationsFor(
  url: URL,
  pages: PagesSettings,
  builtIn: readonly string[] = [],
): PageIntegration[] {
  return INTEGRATIONS.filter((integration) => {
    if (!integrationEnabled(pages, integration.id)) return false;
    if (integration.onLoopback && builtInCovers(url, builtIn)) return true;
    return (pages[integration.id]?.origins ?? []).includes(url.origin);
  });
}

export const integrationById = (id: string): PageIntegration | undefined =>
  INTEGRATIONS.find((i) => i.id === id);

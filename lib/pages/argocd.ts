/**
 * Argo CD's application page, `/applications/<namespace>/<name>` (Argo CD 2.5+, apps in any
 * namespace) or `/applications/<name>` (earlier).
 *
 * From argoproj/argo-ui's source (src/components/top-bar/top-bar.tsx), which Argo CD's pages
 * use: breadcrumbs in `.top-bar__breadcrumbs`, the last one (the application's name) a
 * `span.top-bar__breadcrumbs-last-item`; the page title in `.top-bar__title`.
 *
 * An application can deploy to any cluster, and the URL does not say which: the subject names
 * the application and the Argo CD origin, which the background maps to the clusters that
 * Argo CD source reports. No namespace is sent: Argo CD's URL names the Application's own
 * namespace, which is not necessarily the one its workload runs in.
 */
import { jobPage } from './console-rows';
import { firstOf, segments } from './dom';
import type { PageIntegration } from './types';

export function argocdApp(url: URL): string | undefined {
  const parts = segments(url.pathname);
  const a = parts.indexOf('applications');
  if (a < 0) return undefined;
  const rest = parts.slice(a + 1);
  if (rest.length === 1) return rest[0];
  if (rest.length === 2) return rest[1];
  return undefined;
}

export const argocd: PageIntegration = {
  id: 'argocd',
  name: 'Argo CD application',
  kind: 'console',
  onLoopback: true,
  matches: (url) => argocdApp(url) !== undefined,
  detect: (doc) =>
    doc.querySelector('.top-bar__breadcrumbs, .top-bar__title, .application-details') !== null ||
    /argo/i.test(doc.title),
  find(doc, ctx) {
    const name = argocdApp(ctx.url);
    const heading = firstOf(doc, ['.top-bar__breadcrumbs-last-item', '.top-bar__title', 'h1']);
    const page = jobPage(heading, ctx.url, name ? { name } : undefined);
    return page ? [page] : [];
  },
};

/**
 * OpenShift web console: workload lists and pages, `/k8s/ns/<ns>/deployments[/<name>[/<tab>]]`
 * (also the `apps~v1~Deployment` form of the resource, and `/k8s/all-namespaces/<resource>`).
 *
 * From openshift/console's source: a resource page's heading is
 * `span[data-test-id="resource-title"]` inside `h1.co-m-pane__heading` (newer releases:
 * `[data-test="page-heading"] h1`); list rows link the name to the resource's page
 * (`ResourceLink`, `a.co-resource-item__resource-name`). Rows are found by those links.
 *
 * A console shows one cluster, and its URL does not name it: the subject carries the console's
 * origin, which the background maps to the cluster whose API is served there (the console's
 * `/api/kubernetes`, or `api.<domain>` for `console-openshift-console.apps.<domain>`).
 */
import { type JobRef, jobPage, jobRows } from './console-rows';
import { firstOf, segments } from './dom';
import type { PageIntegration } from './types';

const KIND_OF_RESOURCE: Record<string, string> = {
  deployments: 'Deployment',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  cronjobs: 'CronJob',
  deploymentconfigs: 'DeploymentConfig',
  'apps~v1~Deployment': 'Deployment',
  'apps~v1~StatefulSet': 'StatefulSet',
  'apps~v1~DaemonSet': 'DaemonSet',
  'batch~v1~CronJob': 'CronJob',
  'apps.openshift.io~v1~DeploymentConfig': 'DeploymentConfig',
};

interface Place {
  kind: string;
  ref?: JobRef;
}

export function openshiftPlace(url: URL): Place | undefined {
  const parts = segments(url.pathname);
  const k = parts.indexOf('k8s');
  if (k < 0) return undefined;
  let i = k + 1;
  let namespace: string | undefined;
  if (parts[i] === 'ns') {
    namespace = parts[i + 1];
    i += 2;
  } else if (parts[i] === 'all-namespaces') {
    i += 1;
  } else {
    return undefined;
  }
  const kind = KIND_OF_RESOURCE[parts[i] ?? ''];
  if (!kind) return undefined;
  const name = parts[i + 1];
  if (!name) return { kind };
  if (!namespace) return undefined;
  return { kind, ref: { name, namespace, kind } };
}

export const openshift: PageIntegration = {
  id: 'openshift',
  name: 'OpenShift console',
  kind: 'console',
  onLoopback: true,
  matches: (url) => openshiftPlace(url) !== undefined,
  detect: (doc) =>
    doc.querySelector('[data-test-id="resource-title"], [data-test="page-heading"], .co-m-pane__heading') !==
      null || /openshift|okd/i.test(doc.title),
  find(doc, ctx) {
    const place = openshiftPlace(ctx.url);
    if (!place) return [];
    if (place.ref) {
      const heading = firstOf(doc, [
        '[data-test-id="resource-title"]',
        '[data-test="page-heading"] h1',
        'h1.co-m-pane__heading',
        'h1',
      ]);
      const page = jobPage(heading, ctx.url, place.ref);
      return page ? [page] : [];
    }
    return jobRows(doc, ctx.url, (u) => openshiftPlace(u)?.ref);
  },
};

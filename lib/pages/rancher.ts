/**
 * Rancher's cluster explorer: workload lists and workload pages,
 * `/dashboard/c/<clusterId>/explorer/<type>[/<namespace>/<name>]`. Also serves the demo fleet's
 * console, which mimics these URLs on 127.0.0.1.
 *
 * From rancher/dashboard's source: shell/components/SortableTable/index.vue renders each row as
 * `tr.main-row[data-node-id="<namespace>/<name>"]`, the name cell linking to the workload's page;
 * the workload page's masthead carries the name in an `h1`. Rows are found by their links (see
 * console-rows.ts); `data-node-id` rows without a recognizable link are matched too.
 *
 * The cluster id in the URL is the id Rancher's source records as the cluster's native id.
 */
import { type JobRef, jobPage, jobRows } from './console-rows';
import { consoleLabels, firstOf, segments } from './dom';
import type { FoundSubject, PageIntegration } from './types';

const KIND_OF_TYPE: Record<string, string> = {
  'apps.deployment': 'Deployment',
  'apps.statefulset': 'StatefulSet',
  'apps.daemonset': 'DaemonSet',
  'batch.cronjob': 'CronJob',
};

const LIST_TYPES = new Set([...Object.keys(KIND_OF_TYPE), 'workload']);

interface Place {
  cluster: string;
  type: string;
  ref?: JobRef;
}

/** `/…/c/<cluster>/explorer/<type>[/<ns>/<name>]` anywhere in the path (Rancher may sit under a prefix). */
export function rancherPlace(url: URL): Place | undefined {
  const parts = segments(url.pathname);
  const c = parts.findIndex((p, i) => p === 'c' && parts[i + 2] === 'explorer');
  if (c < 0) return undefined;
  const cluster = parts[c + 1];
  const type = parts[c + 3];
  if (!cluster || !type) return undefined;
  const rest = parts.slice(c + 4);
  if (rest.length === 0) return { cluster, type };
  const kind = KIND_OF_TYPE[type];
  if (!kind || rest.length !== 2) return undefined;
  const [namespace, name] = rest as [string, string];
  return { cluster, type, ref: { cluster, namespace, name, kind } };
}

export const rancher: PageIntegration = {
  id: 'rancher',
  name: 'Rancher workloads',
  kind: 'console',
  onLoopback: true,
  // Workload pages and lists, and any other dashboard page listing workloads by link (a
  // user's "jobs I changed" page): rows are recognized by their links, whatever the page.
  matches(url) {
    const place = rancherPlace(url);
    if (place) return place.ref !== undefined || LIST_TYPES.has(place.type);
    return segments(url.pathname)[0] === 'dashboard';
  },
  detect: (doc) => doc.querySelector('a[href*="/explorer/"], h1, [data-node-id]') !== null,
  find(doc, ctx) {
    const place = rancherPlace(ctx.url);
    if (place?.ref) {
      const heading = firstOf(doc, ['.masthead h1', 'main h1', 'h1']);
      const page = jobPage(heading, ctx.url, place.ref);
      return page ? [page] : [];
    }
    const out = jobRows(doc, ctx.url, (u) => rancherPlace(u)?.ref);
    // Rows without a link to the workload's page still name it in data-node-id.
    const seen = new Set(out.map((s) => s.element));
    const kind = place ? KIND_OF_TYPE[place.type] : undefined;
    if (place && kind) {
      for (const row of doc.querySelectorAll('tr.main-row[data-node-id], tr[data-node-id]')) {
        if (seen.has(row)) continue;
        const [namespace, name] = (row.getAttribute('data-node-id') ?? '').split('/');
        if (!namespace || !name) continue;
        const cell =
          row.querySelector('td[data-title="Name"], td:nth-child(3)') ?? row.lastElementChild ?? row;
        const subject: FoundSubject = {
          element: row,
          labels: consoleLabels({ origin: ctx.url.origin, cluster: place.cluster, namespace, name, kind }),
          anchor: cell,
          placement: 'append',
        };
        out.push(subject);
      }
    }
    return out;
  },
};

/**
 * Nomad's web UI: the job list (`/ui/jobs`) and a job's page (`/ui/jobs/<id>@<namespace>`,
 * also `/ui/jobs/<id>` for the default namespace, and its tabs `/ui/jobs/<id>@<ns>/<tab>`).
 *
 * From hashicorp/nomad's source (ui/app, and the page objects its tests use): the job page's
 * title carries `data-test-job-name`; list rows are `tr[data-test-job-row]` whose
 * `td[data-test-job-name]` links to the job's page. Rows are found by those links.
 *
 * A Nomad cluster (region) is not in the URL: the subject carries the UI's origin, which the
 * background maps to the clusters of the Nomad source there.
 */
import { type JobRef, jobPage, jobRows } from './console-rows';
import { firstOf, segments } from './dom';
import type { PageIntegration } from './types';

const TABS = new Set([
  'definition',
  'versions',
  'deployments',
  'allocations',
  'evaluations',
  'clients',
  'services',
  'variables',
]);

interface Place {
  ref?: JobRef;
}

export function nomadPlace(url: URL): Place | undefined {
  const parts = segments(url.pathname);
  const ui = parts.indexOf('ui');
  if (ui < 0 || parts[ui + 1] !== 'jobs') return undefined;
  const rest = parts.slice(ui + 2);
  // `/ui/jobs/run` is the form for a new job, not a job.
  if (rest.length === 0 || rest[0] === 'run') return rest.length === 0 ? {} : undefined;
  if (rest.length > 2 || (rest.length === 2 && !TABS.has(rest[1] as string))) return undefined;
  const idWithNs = rest[0] as string;
  const at = idWithNs.lastIndexOf('@');
  const name = at > 0 ? idWithNs.slice(0, at) : idWithNs;
  const namespace = at > 0 ? idWithNs.slice(at + 1) : (url.searchParams.get('namespace') ?? 'default');
  return { ref: { name, namespace } };
}

export const nomad: PageIntegration = {
  id: 'nomad',
  name: 'Nomad jobs',
  kind: 'console',
  onLoopback: true,
  matches: (url) => nomadPlace(url) !== undefined,
  detect: (doc) =>
    doc.querySelector('[data-test-job-name], [data-test-job-row]') !== null || /nomad/i.test(doc.title),
  find(doc, ctx) {
    const place = nomadPlace(ctx.url);
    if (!place) return [];
    if (place.ref) {
      const heading = firstOf(doc, [
        'h1[data-test-job-name]',
        '[data-test-job-name]:not(td)',
        'h1.title',
        'h1',
      ]);
      const page = jobPage(heading, ctx.url, place.ref);
      return page ? [page] : [];
    }
    return jobRows(doc, ctx.url, (u) => nomadPlace(u)?.ref);
  },
};

/**
 * Argo CD: the destination clusters Argo CD deploys to, and in each the applications that target
 * it, read with the user's Argo CD session (the `argocd.token` cookie, which the browser sends:
 * `Http` asks for credentials). Two endpoints, both GET:
 *
 *   GET <argocd>/api/v1/clusters                                  → discovery (`items[].server`)
 *   GET <argocd>/api/v1/applications?projects=…&selector=…       → every application at once
 *
 * Each discovered cluster is a Tattler cluster whose native id is its server URL and whose API
 * base is Argo CD itself. Argo CD cannot filter applications by destination, so every cluster's
 * poll needs the same list; within one pass (one `Http`), one answer serves every cluster of the
 * source for a few seconds instead of being fetched once per cluster.
 */
import type { Disappearance } from '../../diff';
import { type Http, PollError } from '../../http';
import type { DiscoveredCluster, JobSnapshot } from '../../model';
import type { SourceSettings } from '../../settings';
import { matchesLabelSelector } from '../label-selector';
import { groupFromLabels, namePredicate, nonEmpty, rec, shapeError, trimBase } from '../shared';
import type { PollContext, PollOk, SourceAdapter } from '../types';
import { type ArgoApp, deploysTo, namespaceOf, normalizeApp } from './normalize';

export const CLUSTERS_PATH = '/api/v1/clusters';
export const APPLICATIONS_PATH = '/api/v1/applications';

/** How long one application list serves the clusters of a pass (ms, on the pass's clock). */
export const LIST_REUSE_MS = 15_000;

const baseOf = (source: SourceSettings): string => {
  if (!source.baseUrl)
    throw new PollError('error', `source ${source.id} has no baseUrl (the Argo CD server)`);
  return trimBase(source.baseUrl);
};

/** `items` is a list, or null (Go's nil slice) when there are none; absent is not this API. */
function itemsOf(body: unknown, url: string, what: string): unknown[] {
  const obj = rec(body);
  if (!obj) throw shapeError('not a JSON object', url);
  if (!('items' in obj)) throw shapeError(`no items (not an Argo CD ${what} list)`, url);
  if (obj.items === null) return [];
  if (!Array.isArray(obj.items)) throw shapeError('items is not a list', url);
  return obj.items;
}

// ---------------------------------------------------------------------------------------------
// Discovery

export function parseClusters(body: unknown, url: string, base: string): DiscoveredCluster[] {
  const out: DiscoveredCluster[] = [];
  itemsOf(body, url, 'cluster').forEach((item, i) => {
    const c = rec(item);
    const server = nonEmpty(c?.server);
    if (!c || !server) throw shapeError(`items[${i}] has no server`, url);
    const cluster: DiscoveredCluster = {
      nativeId: trimBase(server),
      name: nonEmpty(c.name) ?? server,
      // Every cluster is read through Argo CD's API, not its own.
      apiBase: base,
    };
    const group = groupFromLabels(c.labels);
    if (group) cluster.group = group;
    out.push(cluster);
  });
  return out;
}

export async function discoverArgoCd(
  http: Http,
  source: SourceSettings,
): Promise<{ clusters: DiscoveredCluster[]; bytes: number }> {
  if (source.discovery === false) return { clusters: [], bytes: 0 };
  const base = baseOf(source);
  const url = `${base}${CLUSTERS_PATH}`;
  const { body, bytes } = await http.getJson(url);
  return { clusters: parseClusters(body, url, base), bytes };
}

// ---------------------------------------------------------------------------------------------
// Applications

export function applicationsUrl(base: string, source: SourceSettings): string {
  const query = new URLSearchParams();
  for (const project of source.argocd?.projects ?? []) query.append('projects', project);
  const selector = source.owner.labelSelector?.trim();
  if (selector) query.set('selector', selector);
  const q = query.toString();
  return `${base}${APPLICATIONS_PATH}${q ? `?${q}` : ''}`;
}

export function parseApplications(body: unknown, url: string): ArgoApp[] {
  const items = itemsOf(body, url, 'application');
  items.forEach((item, i) => {
    const metadata = rec(rec(item)?.metadata);
    if (!metadata) throw shapeError(`items[${i}] has no metadata`, url);
    if (typeof metadata.name !== 'string' || metadata.name === '') {
      throw shapeError(`items[${i}] has no metadata.name`, url);
    }
  });
  return items as ArgoApp[];
}

interface Listed {
  at: number;
  result: Promise<{ apps: ArgoApp[]; bytes: number }>;
}

/** Per Http (one per pass), per URL: the list being fetched or fetched moments ago. */
const recent = new WeakMap<Http, Map<string, Listed>>();

/**
 * The application list, shared by the clusters of one pass. A failure is shared too (every
 * cluster of the source then reports it), and not kept: the next pass asks again.
 */
export function listApplications(
  http: Http,
  url: string,
  now: number,
): Promise<{ apps: ArgoApp[]; bytes: number; shared: boolean }> {
  let byUrl = recent.get(http);
  if (!byUrl) {
    byUrl = new Map();
    recent.set(http, byUrl);
  }
  const hit = byUrl.get(url);
  if (hit && Math.abs(now - hit.at) < LIST_REUSE_MS) {
    // Bytes are counted once, by the poll that fetched them.
    return hit.result.then(({ apps }) => ({ apps, bytes: 0, shared: true }));
  }
  const result = http.getJson(url).then(({ body, bytes }) => ({ apps: parseApplications(body, url), bytes }));
  const entry: Listed = { at: now, result };
  byUrl.set(url, entry);
  result.catch(() => {
    if (byUrl.get(url) === entry) byUrl.delete(url);
  });
  return result.then((r) => ({ ...r, shared: false }));
}

export async function pollArgoCd(ctx: PollContext): Promise<PollOk> {
  const { source } = ctx;
  const base = trimBase(source.baseUrl ?? ctx.apiBase);
  const url = applicationsUrl(base, source);
  const matchesName = namePredicate(source.owner.namePattern);
  const namespaces = new Set(source.owner.namespaces);
  const { apps, bytes } = await listApplications(ctx.http, url, ctx.now);

  const cluster = { server: ctx.nativeId, name: ctx.clusterName };
  const jobs: JobSnapshot[] = [];
  const seen = new Set<string>();
  for (const app of apps) {
    if (!deploysTo(app, cluster)) continue;
    if (!matchesName(app.metadata.name)) continue;
    if (namespaces.size && !namespaces.has(namespaceOf(app))) continue;
    const job = normalizeApp(app, ctx);
    // Two apps of one name in two app namespaces, deploying to one destination namespace, would
    // share a row; the first is kept (rare: Argo CD's "apps in any namespace" only).
    if (seen.has(job.key)) continue;
    seen.add(job.key);
    jobs.push(job);
  }
  return { jobs, bytes };
}

/** `/api/v1/applications/<name>?appNamespace=<ns>&project=<p>` for a job's `ref` (`<ns>/<name>`). */
export function applicationUrl(base: string, ref: string, project: string | undefined): string | undefined {
  const slash = ref.indexOf('/');
  const name = ref.slice(slash + 1);
  if (slash < 0 || !name) return undefined;
  const query = new URLSearchParams();
  const appNamespace = ref.slice(0, slash);
  if (appNamespace) query.set('appNamespace', appNamespace);
  // Without a project, Argo CD answers "permission denied" for an application that does not
  // exist (so that existence does not leak); with it, a user allowed in the project gets 404.
  if (project) query.set('project', project);
  const q = query.toString();
  return `${base}${APPLICATIONS_PATH}/${encodeURIComponent(name)}${q ? `?${q}` : ''}`;
}

/**
 * Asks Argo CD about each application a complete list left out. 404 is gone; 403 says nothing
 * (see applicationUrl); an application that still deploys here and still matches the source's
 * projects, selector and filters means the list lied; one that no longer does is elsewhere.
 */
export async function confirmArgoCdGone(
  ctx: PollContext,
  jobs: readonly JobSnapshot[],
): Promise<Map<string, Disappearance>> {
  const { source } = ctx;
  const base = trimBase(source.baseUrl ?? ctx.apiBase);
  const out = new Map<string, Disappearance>();
  for (const job of jobs) {
    const project = typeof job.fields.project === 'string' ? job.fields.project : undefined;
    const url = job.ref ? applicationUrl(base, job.ref, project) : undefined;
    if (!url) {
      out.set(job.key, 'unknown');
      continue;
    }
    const res = await ctx.http.getJson(url, { acceptStatus: [403, 404] });
    if (res.status === 404) out.set(job.key, 'gone');
    else if (res.status === 403) out.set(job.key, 'unknown');
    else {
      const [app] = parseApplications({ items: [res.body] }, url);
      out.set(job.key, app && isOurs(app, ctx) ? 'present' : 'elsewhere');
    }
  }
  return out;
}

/** The same tests a poll applies to the list, for one application read by name. */
function isOurs(app: ArgoApp, ctx: PollContext): boolean {
  const { source } = ctx;
  if (!deploysTo(app, { server: ctx.nativeId, name: ctx.clusterName })) return false;
  const projects = source.argocd?.projects ?? [];
  const project = rec(app.spec)?.project;
  if (projects.length && !projects.includes(typeof project === 'string' ? project : '')) return false;
  const labels = rec(app.metadata.labels) ?? {};
  if (matchesLabelSelector(source.owner.labelSelector, labels as Record<string, string>) === false)
    return false;
  if (!namePredicate(source.owner.namePattern)(app.metadata.name)) return false;
  return source.owner.namespaces.length === 0 || source.owner.namespaces.includes(namespaceOf(app));
}

export const argocdAdapter: SourceAdapter = {
  discover: discoverArgoCd,
  poll: pollArgoCd,
  confirmGone: confirmArgoCdGone,
};

/**
 * Argo CD: the destination clusters Argo CD deploys to, and in each the applications that target
 * it, read with the user's Argo CD session (the `argocd.token` cookie, which the browser sends:
 * `Http` asks for credentials). All GET:
 *
 *   GET <argocd>/api/v1/clusters                                   → discovery (`items[].server`)
 *   GET <argocd>/api/v1/applications?projects=…&selector=…        → every application at once
 *   GET <argocd>/api/v1/applications?…&fields=<LIST_FIELDS>        → the same, trimmed
 *   GET <argocd>/api/v1/applications/<name>?appNamespace=…&project=…   → one application
 *
 * Each discovered cluster is a Tattler cluster whose native id is its server URL and whose API
 * base is Argo CD itself. Argo CD cannot filter applications by destination, so every cluster's
 * poll needs the same list; within one pass (one `Http`), one answer serves every cluster of the
 * source for a few seconds instead of being fetched once per cluster.
 *
 * Light on Argo CD. An application's full answer is mostly `status.resources` (every object it
 * manages, with its state) and the sync result, none of which Tattler reads. After a cluster's
 * first sight, the list is asked for with `fields=`, which Argo CD's API server honours for a fixed
 * set of paths (`appFields` in pkg/apiclient/application/forwarder_overwrite.go; others are left
 * out silently): exactly what an application's version token is made of (normalize.ts
 * TOKEN_PATHS). An application whose token is the one Tattler stores is unchanged; one that moved,
 * or is new, is read in full by name (its history and who synced it are not in the trimmed list) —
 * or, when many did, from the full list. A server that ignores `fields` answers full objects,
 * which are used as they are.
 */
import type { Disappearance } from '../../diff';
import { type Http, PollError } from '../../http';
import { type DiscoveredCluster, type JobSnapshot, jobKeyOf, rowKeyOf } from '../../model';
import type { SourceSettings } from '../../settings';
import { matchesLabelSelector } from '../label-selector';
import { groupFromLabels, namePredicate, nonEmpty, rec, shapeError, trimBase } from '../shared';
import type { PollContext, PollOk, SourceAdapter } from '../types';
import {
  ARGOCD_KIND,
  type ArgoApp,
  appNamespaceOf,
  deploysTo,
  jobNameOf,
  namespaceOf,
  normalizeApp,
  versionTokenOf,
} from './normalize';

export const CLUSTERS_PATH = '/api/v1/clusters';
export const APPLICATIONS_PATH = '/api/v1/applications';

/** How long one application list serves the clusters of a pass (ms, on the pass's clock). */
export const LIST_REUSE_MS = 15_000;

/**
 * What a trimmed list asks for: the token's paths (normalize.ts TOKEN_PATHS), under `items.`, as
 * Argo CD's web UI asks for its own.
 */
export const LIST_FIELDS = [
  'metadata.resourceVersion',
  ...[
    'metadata.name',
    'metadata.namespace',
    'metadata.labels',
    'metadata.creationTimestamp',
    'spec.destination',
    'spec.project',
    'spec.source',
    'spec.sources',
    'spec.syncPolicy',
    'status.sync.status',
    'status.sync.revision',
    'status.health',
    'status.summary',
    'status.operationState.phase',
    'status.operationState.startedAt',
    'status.operationState.finishedAt',
  ].map((f) => `items.${f}`),
].join(',');

/** More applications of one cluster moved than this, and the full list is read instead of each by name. */
export const MAX_APP_GETS = 20;

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

export function applicationsUrl(base: string, source: SourceSettings, trimmed = false): string {
  const query = new URLSearchParams();
  for (const project of source.argocd?.projects ?? []) query.append('projects', project);
  const selector = source.owner.labelSelector?.trim();
  if (selector) query.set('selector', selector);
  if (trimmed) query.set('fields', LIST_FIELDS);
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

/** The applications of the list that are this cluster's jobs (destination, name pattern, namespaces), one per row. */
function ofCluster(apps: readonly ArgoApp[], ctx: PollContext): ArgoApp[] {
  const { source } = ctx;
  const matchesName = namePredicate(source.owner.namePattern);
  const namespaces = new Set(source.owner.namespaces);
  const cluster = { server: ctx.nativeId, name: ctx.clusterName };
  const out: ArgoApp[] = [];
  const seen = new Set<string>();
  for (const app of apps) {
    if (!deploysTo(app, cluster)) continue;
    if (!matchesName(app.metadata.name)) continue;
    if (namespaces.size && !namespaces.has(namespaceOf(app))) continue;
    // Two apps of one name in two app namespaces, deploying to one destination namespace, would
    // share a row; the first is kept (rare: Argo CD's "apps in any namespace" only).
    const key = keyOf(app, ctx);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(app);
  }
  return out;
}

/** The job key an application has in this cluster (what normalizeApp gives it). */
const keyOf = (app: ArgoApp, ctx: PollContext): string =>
  jobKeyOf(
    ctx.clusterId,
    rowKeyOf(ARGOCD_KIND, namespaceOf(app), jobNameOf(app.metadata.name, ctx.clusterName)),
  );

/** A full application carries its uid and history; a trimmed one (fields=) does not. */
const isFull = (app: ArgoApp): boolean =>
  typeof app.metadata.uid === 'string' || rec(app.status)?.history !== undefined;

/** The applications whose token is the one stored, by key; the rest, normalized. */
function split(apps: readonly ArgoApp[], ctx: PollContext): { jobs: JobSnapshot[]; unchanged: string[] } {
  const jobs: JobSnapshot[] = [];
  const unchanged: string[] = [];
  for (const app of apps) {
    const key = keyOf(app, ctx);
    if (ctx.known?.get(key) === versionTokenOf(app)) unchanged.push(key);
    else jobs.push(normalizeApp(app, ctx));
  }
  return { jobs, unchanged };
}

export async function pollArgoCd(ctx: PollContext): Promise<PollOk> {
  const { source } = ctx;
  const base = trimBase(source.baseUrl ?? ctx.apiBase);
  if (!ctx.known) {
    // First sight: everything is new, and the full list has everything.
    const { apps, bytes } = await listApplications(ctx.http, applicationsUrl(base, source), ctx.now);
    return { jobs: ofCluster(apps, ctx).map((app) => normalizeApp(app, ctx)), bytes };
  }
  const trimmed = await listApplications(ctx.http, applicationsUrl(base, source, true), ctx.now);
  let bytes = trimmed.bytes;
  const ours = ofCluster(trimmed.apps, ctx);
  const moved = ours.filter((app) => ctx.known?.get(keyOf(app, ctx)) !== versionTokenOf(app));
  const unchanged = ours.filter((app) => !moved.includes(app)).map((app) => keyOf(app, ctx));
  const fromFullList = async (): Promise<PollOk> => {
    const full = await listApplications(ctx.http, applicationsUrl(base, source), ctx.now);
    return { ...split(ofCluster(full.apps, ctx), ctx), bytes: bytes + full.bytes };
  };
  if (moved.length === 0) return { jobs: [], unchanged, bytes };
  // A server that ignored `fields` answered full objects: use them.
  if (moved.every(isFull)) return { jobs: moved.map((app) => normalizeApp(app, ctx)), unchanged, bytes };
  if (moved.length > MAX_APP_GETS || moved.length * 2 > ours.length) return fromFullList();
  const jobs: JobSnapshot[] = [];
  for (const app of moved) {
    const project = rec(app.spec)?.project;
    const ref = `${appNamespaceOf(app) ?? ''}/${app.metadata.name}`;
    const url = applicationUrl(base, ref, typeof project === 'string' ? project : undefined);
    if (!url) continue;
    const res = await ctx.http.getJson(url, { acceptStatus: [403, 404] });
    bytes += res.bytes;
    // Deleted since the list: the watcher asks about a stored job the list leaves out.
    if (res.status === 404) continue;
    // Allowed to list but not to get: the full list has it.
    if (res.status === 403) return fromFullList();
    const [full] = parseApplications({ items: [res.body] }, url);
    // Moved to another cluster, or out of the filters, since the list: not this cluster's job.
    if (!full || !isOurs(full, ctx)) continue;
    jobs.push(normalizeApp(full, ctx));
  }
  return { jobs, unchanged, bytes };
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

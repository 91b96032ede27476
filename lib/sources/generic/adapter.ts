/**
 * A home-grown cluster manager, configured rather than coded: settings say which URL lists the
 * clusters, which lists a cluster's jobs, and where in each JSON answer the values are (paths in
 * the syntax of json-path.ts). See settings.ts here for every option.
 *
 * This is the situation Tattler was first written for: no audit log, only each job's current
 * state plus "last changed at" and "last changed by". A second change between two polls hides
 * the first; the diff then still sees the state move, and marks the reported actor stale when the
 * reported time predates the window. The mapping from JSON to snapshots is normalize.ts; this
 * file fetches (the cluster list, each cluster's job list) and applies the owner filter.
 *
 * Light on the manager: where it sends an `ETag` with a cluster's job list, the next poll asks
 * with `If-None-Match` (RFC 9110 §13.1.2). A 304 means the list is the one Tattler last read in
 * full, so every stored job is unchanged; nothing is sent or parsed again. The ETag is remembered
 * (the cluster's memo) only from a list that showed every job Tattler stores — a list that left
 * one out must be read again, so that the second list in a row without it records it deleted.
 *
 * Where requests may go. A cluster list names each cluster's API base, and a manager that is
 * wrong, compromised or merely mistaken could name any URL — one Tattler would then GET with the
 * user's cookies every pass. So a request goes only to an origin the user wrote down: the base
 * URL's, one listed in `apiOrigins`, a hand-listed cluster's, or that of an absolute URL in the
 * mapping. A cluster discovered elsewhere is still listed, and its poll fails with an error that
 * says which origin and how to allow it; nothing is sent there.
 *
 * Not supported (yet): paged job lists; a request header other than the browser's session.
 */
import { type Http, PollError } from '../../http';
import { safeHttpUrl } from '../../links';
import type { DiscoveredCluster, JobSnapshot } from '../../model';
import type { SourceSettings } from '../../settings';
import { isRecord, namePredicate, pathOf, trimBase } from '../shared';
import { stableHash } from '../stable-hash';
import type { PollContext, PollOk, SourceAdapter } from '../types';
import { PathNotFoundError, PathSyntaxError } from './json-path';
import { type JobMapping, listAt, normalizeItem, optionalText, optionsOf, textAt } from './normalize';

/** An absolute http(s) URL, or a path resolved against the source's base URL. */
export function resolveUrl(url: string, base: string | undefined, what: string): string {
  let resolved: string | undefined;
  try {
    resolved = base ? new URL(url, `${trimBase(base)}/`).href : new URL(url).href;
  } catch {
    resolved = undefined;
  }
  // A relative path resolves against the base's origin, as links in a page do: `/api/x`.
  const safe = safeHttpUrl(resolved);
  if (!safe)
    throw new PollError(
      'error',
      `${what} ${JSON.stringify(url)} is not an http(s) URL${base ? '' : ' (no baseUrl to resolve it against)'}`,
    );
  return safe;
}

const originOf = (url: string | undefined): string | undefined => {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
};

/** The origins the user wrote down for this source: the only ones its requests may go to. */
export function allowedOrigins(source: SourceSettings): Set<string> {
  const mapping = source.generic;
  const written = [
    source.baseUrl,
    ...(source.apiOrigins ?? []),
    ...source.clusters.map((c) => c.apiBase),
    mapping?.clusters?.url,
    // A job URL that starts with a placeholder is only as good as what fills it.
    mapping?.jobs.url.startsWith('{') ? undefined : mapping?.jobs.url,
  ];
  return new Set(written.map(originOf).filter((o): o is string => o !== undefined));
}

/** Throws, before anything is sent, when `url` is on an origin the user did not write down. */
function assertAllowed(url: string, source: SourceSettings, what: string): void {
  const origin = originOf(url);
  if (origin && allowedOrigins(source).has(origin)) return;
  throw new PollError(
    'error',
    `${what} is on ${origin ?? url}, which is not this source's origin${source.baseUrl ? ` (${originOf(source.baseUrl)})` : ''} nor one listed under “Other API origins”: Tattler sends nothing there. Add ${origin ?? 'it'} there if you trust it.`,
    url,
  );
}

/** Mapping errors (a path that finds nothing, a bad path) become an `error` poll naming the URL. */
function asPollError(error: unknown, url: string): unknown {
  if (error instanceof PathNotFoundError || error instanceof PathSyntaxError) {
    return new PollError('error', error.message, url);
  }
  return error;
}

// ---------------------------------------------------------------------------------------------
// Discovery

export async function discoverGeneric(
  http: Http,
  source: SourceSettings,
): Promise<{ clusters: DiscoveredCluster[]; bytes: number }> {
  const mapping = optionsOf(source).clusters;
  if (source.discovery === false || !mapping) return { clusters: [], bytes: 0 };
  const url = resolveUrl(mapping.url, source.baseUrl, 'generic.clusters.url');
  assertAllowed(url, source, 'the cluster list');
  const where = pathOf(url).split('?')[0] ?? url;
  const { body, bytes } = await http.getJson(url);
  try {
    const clusters = listAt(body, mapping.list, where).map((item, i): DiscoveredCluster => {
      const at = `${where} (cluster ${i})`;
      const id = textAt(item, mapping.id, at);
      const apiPath = optionalText(item, mapping.apiBase);
      const cluster: DiscoveredCluster = {
        nativeId: id,
        name: optionalText(item, mapping.name) ?? id,
        // Without an API base per cluster, jobs are read from the manager itself ({cluster} in the URL).
        apiBase: trimBase(
          apiPath ? resolveUrl(apiPath, source.baseUrl, `cluster ${id}'s API base`) : (source.baseUrl ?? url),
        ),
      };
      const group = optionalText(item, mapping.group);
      if (group) cluster.group = group;
      return cluster;
    });
    return { clusters, bytes };
  } catch (error) {
    throw asPollError(error, url);
  }
}

// ---------------------------------------------------------------------------------------------
// Poll

export function jobsUrl(ctx: PollContext, jobs: JobMapping): string {
  const filled = jobs.url
    .replaceAll('{cluster}', encodeURIComponent(ctx.nativeId))
    .replaceAll('{clusterName}', encodeURIComponent(ctx.clusterName))
    // A URL prefix, not a path segment: inserted as it is.
    .replaceAll('{apiBase}', trimBase(ctx.apiBase));
  return resolveUrl(filled, ctx.source.baseUrl ?? ctx.apiBase, 'generic.jobs.url');
}

interface GenericMemo {
  v: 1;
  /** What the ETag was read for: the URL and the whole mapping (another mapping normalizes differently). */
  for: string;
  etag?: string;
}

const memoFor = (ctx: PollContext, url: string): GenericMemo => ({
  v: 1,
  for: stableHash([url, ctx.source.generic ?? null, ctx.source.owner]),
});

/** The ETag remembered for this list and this mapping, if any (never at a first sight). */
function rememberedEtag(ctx: PollContext, memo: GenericMemo): string | undefined {
  const stored = ctx.memo;
  if (!ctx.known || !isRecord(stored) || stored.v !== 1 || stored.for !== memo.for) return undefined;
  return typeof stored.etag === 'string' && stored.etag !== '' ? stored.etag : undefined;
}

export async function pollGeneric(ctx: PollContext): Promise<PollOk> {
  const { jobs: mapping } = optionsOf(ctx.source);
  const url = jobsUrl(ctx, mapping);
  assertAllowed(url, ctx.source, `the job list of cluster ${ctx.clusterName}`);
  const where = pathOf(url).split('?')[0] ?? url;
  const matches = namePredicate(ctx.source.owner.namePattern);
  const namespaces = new Set(ctx.source.owner.namespaces);
  const memo = memoFor(ctx, url);
  const etag = rememberedEtag(ctx, memo);
  const res = await ctx.http.getJson(
    url,
    etag ? { headers: { 'If-None-Match': etag }, acceptStatus: [304] } : {},
  );
  const { body, bytes } = res;
  if (res.status === 304) {
    // The list Tattler last read in full, unchanged: so is every job it stores.
    return {
      jobs: [],
      unchanged: [...(ctx.known?.keys() ?? [])],
      bytes,
      memo: { ...memo, etag: etag as string },
    };
  }
  const answerEtag = res.headers.get('etag') ?? undefined;
  try {
    const out: JobSnapshot[] = [];
    const seen = new Set<string>();
    listAt(body, mapping.list, where).forEach((item, i) => {
      const job = normalizeItem(item, i, ctx, where);
      if (!matches(job.name)) return;
      if (namespaces.size && !namespaces.has(job.namespace)) return;
      // Two entries for one job would make the diff flip between them: the first one counts.
      if (seen.has(job.key)) return;
      seen.add(job.key);
      out.push(job);
    });
    // Remember the ETag only from a list that showed every job Tattler stores (see the top).
    const complete = !ctx.known || [...ctx.known.keys()].every((k) => seen.has(k));
    return { jobs: out, bytes, memo: complete && answerEtag ? { ...memo, etag: answerEtag } : memo };
  } catch (error) {
    throw asPollError(error, url);
  }
}

export const genericAdapter: SourceAdapter = {
  discover: discoverGeneric,
  poll: pollGeneric,
};

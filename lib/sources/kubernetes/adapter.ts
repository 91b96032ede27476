/**
 * Lists a cluster's workloads through the Kubernetes API — directly (`https://k8s.example:6443`),
 * through Rancher's proxy (`<rancher>/k8s/clusters/<id>`) or OpenShift's console
 * (`<console>/api/kubernetes`); all three serve the same paths below the base.
 *
 * A poll is complete or it fails: every page of every list must arrive and look like a list,
 * or the whole poll throws a PollError. Half a list would read as "jobs deleted" to the diff.
 */
import type { Disappearance } from '../../diff';
import { type Http, PollError } from '../../http';
import type { JobSnapshot, KubernetesKind } from '../../model';
import type { SourceSettings } from '../../settings';
import { matchesLabelSelector } from '../label-selector';
import { isRecord, namePredicate, pathOf, shapeError } from '../shared';
import type { PollContext, PollOk, SourceAdapter } from '../types';
import { readDeploymentHistory } from './history';
import { KIND_INFO, type KubeObject, normalizeObject } from './normalize';

/** Page size. The API server may return fewer; `continue` says whether more follow. */
export const PAGE_LIMIT = 500;
/** A list longer than this many pages is a server that never stops, not a fleet. */
const MAX_PAGES = 1000;

/** The URL of one page of one list. `namespace` undefined means the cluster-wide list. */
export function listUrl(
  apiBase: string,
  kind: KubernetesKind,
  options: { namespace?: string; labelSelector?: string; continueToken?: string } = {},
): string {
  const info = KIND_INFO[kind];
  const ns = options.namespace ? `namespaces/${encodeURIComponent(options.namespace)}/` : '';
  const query = new URLSearchParams({ limit: String(PAGE_LIMIT) });
  const selector = options.labelSelector?.trim();
  if (selector) query.set('labelSelector', selector);
  if (options.continueToken) query.set('continue', options.continueToken);
  return `${apiBase.replace(/\/+$/, '')}/apis/${info.group}/${info.version}/${ns}${info.plural}?${query}`;
}

/** One page of any paged list: its items and the token for the next page, if any. */
export interface Page<T> {
  items: T[];
  continueToken?: string;
}

/** Checks one page is a Kubernetes List whose items carry a name and namespace. */
export function parseListPage(body: unknown, url: string): Page<KubeObject> {
  if (!isRecord(body)) throw shapeError('not a JSON object', url);
  if (typeof body.kind === 'string' && !body.kind.endsWith('List')) {
    throw shapeError(`kind ${body.kind}, not a List`, url);
  }
  // Go encodes an empty slice as [] in practice, but a nil one as null; both mean no items.
  const rawItems = body.items === null ? [] : body.items;
  if (!Array.isArray(rawItems)) throw shapeError('no items array', url);
  rawItems.forEach((item, i) => {
    const metadata = isRecord(item) ? item.metadata : undefined;
    if (!isRecord(metadata)) throw shapeError(`items[${i}] has no metadata`, url);
    if (typeof metadata.name !== 'string' || metadata.name === '') {
      throw shapeError(`items[${i}] has no metadata.name`, url);
    }
    if (typeof metadata.namespace !== 'string' || metadata.namespace === '') {
      throw shapeError(`items[${i}] has no metadata.namespace`, url);
    }
  });
  const meta = isRecord(body.metadata) ? body.metadata : {};
  const token = typeof meta.continue === 'string' && meta.continue !== '' ? meta.continue : undefined;
  return { items: rawItems as KubeObject[], continueToken: token };
}

/** Internal signal: the continue token expired mid-list. */
class ExpiredContinue extends Error {
  constructor(readonly url: string) {
    super('continue token expired');
  }
}

const isExpired = (error: unknown): boolean => error instanceof PollError && error.httpStatus === 410;

/**
 * Reads a paged list to the end. A continue token expires after a few minutes (410 Gone); the
 * list then starts over once, since a consistent list needs a fresh start. A second expiry
 * gives up with `partial`: the server answered, but not completely. Kubernetes lists and
 * Rancher's Steve collections (which pass Kubernetes' token through) page the same way.
 */
export async function readAllPages<T>(
  http: Http,
  pageUrl: (continueToken: string | undefined) => string,
  parse: (body: unknown, url: string) => Page<T>,
): Promise<{ items: T[]; bytes: number }> {
  let bytes = 0;
  for (let attempt = 0; ; attempt++) {
    const items: T[] = [];
    let token: string | undefined;
    let pages = 0;
    try {
      do {
        const url = pageUrl(token);
        let page: Page<T>;
        try {
          const res = await http.getJson(url);
          bytes += res.bytes;
          page = parse(res.body, url);
        } catch (error) {
          // Only an expired *continuation* is worth a restart; a 410 on a fresh list is an error.
          if (token !== undefined && isExpired(error)) throw new ExpiredContinue(url);
          throw error;
        }
        items.push(...page.items);
        if (page.continueToken !== undefined && page.continueToken === token) {
          throw new PollError('error', `list did not advance (same continue token) on ${pathOf(url)}`, url);
        }
        token = page.continueToken;
        if (++pages >= MAX_PAGES && token !== undefined) {
          throw new PollError('error', `list longer than ${MAX_PAGES} pages on ${pathOf(url)}`, url);
        }
      } while (token !== undefined);
      return { items, bytes };
    } catch (error) {
      if (!(error instanceof ExpiredContinue)) throw error;
      if (attempt >= 1) {
        throw new PollError(
          'partial',
          `list could not be finished: continue token expired twice (410) on ${pathOf(error.url)}`,
          error.url,
          undefined,
          410,
        );
      }
    }
  }
}

/** One whole list of one kind, in one namespace or cluster-wide. */
export function listAll(
  http: Http,
  apiBase: string,
  kind: KubernetesKind,
  options: { namespace?: string; labelSelector?: string } = {},
): Promise<{ items: KubeObject[]; bytes: number }> {
  return readAllPages(
    http,
    (continueToken) => listUrl(apiBase, kind, { ...options, continueToken }),
    parseListPage,
  );
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** Every configured kind in every configured namespace (or cluster-wide), complete or not at all. */
export async function pollKubernetes(ctx: PollContext): Promise<PollOk> {
  const source: SourceSettings = ctx.source;
  const owner = source.owner ?? {};
  const matches = namePredicate(owner.namePattern);
  const namespaces: (string | undefined)[] = owner.namespaces?.length
    ? unique(owner.namespaces)
    : [undefined];
  const jobs: JobSnapshot[] = [];
  const seen = new Set<string>();
  let bytes = 0;
  // Sequential on purpose: the watcher already polls clusters in parallel, and one cluster's
  // API server should see one request at a time from each on-call person's browser.
  for (const kind of unique(source.kinds)) {
    for (const namespace of namespaces) {
      const list = await listAll(ctx.http, ctx.apiBase, kind, {
        namespace,
        labelSelector: owner.labelSelector,
      });
      bytes += list.bytes;
      for (const obj of list.items) {
        if (!matches(obj.metadata.name)) continue;
        const job = normalizeObject(kind, obj, ctx);
        if (seen.has(job.key)) continue;
        seen.add(job.key);
        jobs.push(job);
      }
    }
  }
  return { jobs, bytes };
}

/** The URL of one object: `…/apis/apps/v1/namespaces/<ns>/deployments/<name>`. */
export function objectUrl(apiBase: string, kind: KubernetesKind, namespace: string, name: string): string {
  const info = KIND_INFO[kind];
  return `${apiBase.replace(/\/+$/, '')}/apis/${info.group}/${info.version}/namespaces/${encodeURIComponent(
    namespace,
  )}/${info.plural}/${encodeURIComponent(name)}`;
}

const isKubernetesKind = (kind: string): kind is KubernetesKind => kind in KIND_INFO;

/**
 * Asks the API server about each job a complete list left out, by name. 404 with a `Status` body
 * (reason NotFound) is gone; an object that still matches the owner filter means the list lied;
 * one whose labels left the filter is no longer ours. 403 (allowed to list, not to get) says
 * nothing. One request at a time, like the lists.
 */
export async function confirmKubernetesGone(
  ctx: PollContext,
  jobs: readonly JobSnapshot[],
): Promise<Map<string, Disappearance>> {
  const out = new Map<string, Disappearance>();
  const owner = ctx.source.owner ?? {};
  const matches = namePredicate(owner.namePattern);
  for (const job of jobs) {
    if (!isKubernetesKind(job.kind)) {
      out.set(job.key, 'unknown');
      continue;
    }
    const url = objectUrl(ctx.apiBase, job.kind, job.namespace, job.name);
    const res = await ctx.http.getJson(url, { acceptStatus: [403, 404] });
    const body = isRecord(res.body) ? res.body : undefined;
    if (res.status === 404) {
      // A 404 from something that is not the API server (a proxy that lost the cluster) is no answer.
      out.set(job.key, body?.kind === 'Status' && body.reason === 'NotFound' ? 'gone' : 'unknown');
      continue;
    }
    if (res.status === 403) {
      out.set(job.key, 'unknown');
      continue;
    }
    const metadata = isRecord(body?.metadata) ? body.metadata : undefined;
    if (!metadata || metadata.name !== job.name) throw shapeError('not the object asked for', url);
    const labels = isRecord(metadata.labels) ? (metadata.labels as Record<string, string>) : {};
    const ours = matchesLabelSelector(owner.labelSelector, labels);
    if (ours === undefined) out.set(job.key, 'unknown');
    else out.set(job.key, ours && matches(job.name) ? 'present' : 'elsewhere');
  }
  return out;
}

/** A `kubernetes` source: its clusters are the static list in settings; nothing to discover. */
export const kubernetesAdapter: SourceAdapter = {
  async discover() {
    return { clusters: [], bytes: 0 };
  },
  poll: pollKubernetes,
  confirmGone: confirmKubernetesGone,
  history: readDeploymentHistory,
};

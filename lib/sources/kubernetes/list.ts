/**
 * Reading Kubernetes lists: their URLs (paged, or read from the watch cache), one page's shape,
 * every page of a list with its continue tokens, and the URL of one object. The poll (poll.ts)
 * decides what to read; Rancher's cluster list pages the same way and uses `readAllPages` too.
 *
 * Which store answers (https://kubernetes.io/docs/reference/using-api/api-concepts/#semantics-for-get-and-list):
 * a list without a resourceVersion is a consistent read — from etcd, and with `limit` paged there
 * (quorum reads, the load platform teams watch). With `resourceVersion=<a list's version>` and
 * `resourceVersionMatch=NotOlderThan`, the API server answers from its watch cache with data at
 * least that new: never older than what Tattler has already seen, so nothing goes backwards.
 * `resourceVersion=0` ("any") is not used: in HA a cache may be far behind, and an older state read
 * after a newer one would look like changes. Cache reads are sent without `limit`: before
 * Kubernetes 1.31 a `limit` with a resourceVersion other than 0 sent the list to etcd after all
 * (and without `resourceVersionMatch` it even meant "exact", answered 410 once compacted), and
 * the watch cache pages nothing anyway — a metadata-only list is small enough to come in one answer.
 */
import type { GetOptions, Http } from '../../http';
import { PollError } from '../../http';
import type { KubernetesKind } from '../../model';
import { isRecord, pathOf, shapeError } from '../shared';
import { KIND_INFO, type KubeObject } from './normalize';

/** Ask for metadata only (PartialObjectMetadataList); a server that cannot answers the full list. */
export const METADATA_ACCEPT =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/** Page size. The API server may return fewer; `continue` says whether more follow. */
export const PAGE_LIMIT = 500;
/** A list longer than this many pages is a server that never stops, not a fleet. */
const MAX_PAGES = 1000;

export interface ListOptions {
  /** One namespace; undefined is the cluster-wide list. */
  namespace?: string;
  labelSelector?: string;
  /** Read from the watch cache, at least as new as this list resourceVersion. */
  notOlderThan?: string;
}

/** The URL of one page of one list. */
export function listUrl(
  apiBase: string,
  kind: KubernetesKind,
  options: ListOptions & { continueToken?: string } = {},
): string {
  const info = KIND_INFO[kind];
  const ns = options.namespace ? `namespaces/${encodeURIComponent(options.namespace)}/` : '';
  // From the watch cache, not older than a version already seen, in one answer (see the top).
  const query = new URLSearchParams(
    options.notOlderThan
      ? { resourceVersion: options.notOlderThan, resourceVersionMatch: 'NotOlderThan' }
      : { limit: String(PAGE_LIMIT) },
  );
  const selector = options.labelSelector?.trim();
  if (selector) query.set('labelSelector', selector);
  if (options.continueToken) query.set('continue', options.continueToken);
  return `${apiBase.replace(/\/+$/, '')}/apis/${info.group}/${info.version}/${ns}${info.plural}?${query}`;
}

/** One page of any paged list: its items and the token for the next page, if any. */
export interface Page<T> {
  items: T[];
  continueToken?: string;
  /** The list's resourceVersion, when it says one. */
  resourceVersion?: string;
  /** The list's kind: `DeploymentList`, or `PartialObjectMetadataList` for metadata only. */
  kind?: string;
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
  const page: Page<KubeObject> = { items: rawItems as KubeObject[], continueToken: token };
  if (typeof meta.resourceVersion === 'string' && meta.resourceVersion !== '')
    page.resourceVersion = meta.resourceVersion;
  if (typeof body.kind === 'string') page.kind = body.kind;
  return page;
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
  options: GetOptions = {},
): Promise<{ items: T[]; bytes: number; resourceVersion?: string; kind?: string }> {
  let bytes = 0;
  for (let attempt = 0; ; attempt++) {
    const items: T[] = [];
    let token: string | undefined;
    let pages = 0;
    let first: Page<T> | undefined;
    try {
      do {
        const url = pageUrl(token);
        let page: Page<T>;
        try {
          const res = await http.getJson(url, options);
          bytes += res.bytes;
          page = parse(res.body, url);
        } catch (error) {
          // Only an expired *continuation* is worth a restart; a 410 on a fresh list is an error.
          if (token !== undefined && isExpired(error)) throw new ExpiredContinue(url);
          throw error;
        }
        first ??= page;
        items.push(...page.items);
        if (page.continueToken !== undefined && page.continueToken === token) {
          throw new PollError('error', `list did not advance (same continue token) on ${pathOf(url)}`, url);
        }
        token = page.continueToken;
        if (++pages >= MAX_PAGES && token !== undefined) {
          throw new PollError('error', `list longer than ${MAX_PAGES} pages on ${pathOf(url)}`, url);
        }
      } while (token !== undefined);
      // Every page of a consistent list has the first one's resourceVersion.
      return {
        items,
        bytes,
        ...(first?.resourceVersion ? { resourceVersion: first.resourceVersion } : {}),
        ...(first?.kind ? { kind: first.kind } : {}),
      };
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

/** One whole list of one kind, in one namespace or cluster-wide (`accept` METADATA_ACCEPT for metadata only). */
export function listAll(
  http: Http,
  apiBase: string,
  kind: KubernetesKind,
  options: ListOptions & { accept?: string } = {},
): Promise<{ items: KubeObject[]; bytes: number; resourceVersion?: string; kind?: string }> {
  const { accept, ...list } = options;
  return readAllPages(
    http,
    (continueToken) => listUrl(apiBase, kind, { ...list, continueToken }),
    parseListPage,
    accept ? { headers: { Accept: accept } } : {},
  );
}

/** The URL of one object: `…/apis/apps/v1/namespaces/<ns>/deployments/<name>`. */
export function objectUrl(
  apiBase: string,
  kind: KubernetesKind,
  namespace: string,
  name: string,
  notOlderThan?: string,
): string {
  const info = KIND_INFO[kind];
  // A GET with a resourceVersion is "not older than" it, from the watch cache.
  const query = notOlderThan ? `?${new URLSearchParams({ resourceVersion: notOlderThan })}` : '';
  return `${apiBase.replace(/\/+$/, '')}/apis/${info.group}/${info.version}/namespaces/${encodeURIComponent(
    namespace,
  )}/${info.plural}/${encodeURIComponent(name)}${query}`;
}

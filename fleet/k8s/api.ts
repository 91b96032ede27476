/**
 * One cluster's Kubernetes API, as Rancher proxies it at `/k8s/clusters/<id>/…`: discovery,
 * list (cluster-wide and per namespace) with label/field selectors and limit/continue paging, and
 * single-object GET, each reading the state its resourceVersion parameters ask for
 * (read-semantics.ts: the watch cache or etcd, 410 for a compacted revision, 504 for one not
 * reached yet). Answers are plain JSON, or a Table / PartialObjectMetadataList when the Accept
 * header asks for one. Read-only: every other verb is refused. Each answer says what it served
 * (`Served`), for the fleet's traffic counters.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/util';
import type { SimCluster } from './cluster';
import { decodeContinue, encodeContinue } from './continue-token';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery';
import {
  isSemanticsError,
  type ReadFrom,
  readSemantics,
  type SemanticsError,
  servedFrom,
  tooLarge,
  waitForRevision,
} from './read-semantics';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors';
import { EXPIRED_MESSAGE, sendStatus } from './status';
import { type IncludeObject, toTable } from './table';
import { type KObject, keyOf, RESOURCES, type ResourceInfo } from './types';

export interface KubeApiOptions {
  /** How long a continue token stays valid. */
  continueTtlMs: number;
  /** Answer `as=Table` requests with a Table (kubectl's server-side printing); else the plain list. */
  tables: boolean;
}

type Wanted = { as: 'plain' } | { as: 'Table'; version: 'v1' | 'v1beta1' } | { as: 'PartialObjectMetadata' };

/** What one request was, as the traffic counters record it. */
export interface Served {
  /** The resource's plural (`deployments`), or `discovery`. */
  resource: string;
  verb: 'list' | 'get' | 'discovery' | 'refused';
  /** The representation: full objects, metadata only, or a Table. */
  as?: 'object' | 'metadata' | 'table';
  from?: ReadFrom;
}

const asOf = (w: Wanted): NonNullable<Served['as']> =>
  w.as === 'plain' ? 'object' : w.as === 'Table' ? 'table' : 'metadata';

function sendError(res: ServerResponse, e: SemanticsError & { details?: unknown }): void {
  sendStatus(res, e.code, e.reason, e.message, e.details ? { details: e.details as never } : {});
}

/** Reads not older than a revision wait for the store to reach it, as the watch cache does. */
async function fresh(cluster: SimCluster, rv: number): Promise<SemanticsError | undefined> {
  const { store } = cluster;
  if (await waitForRevision(() => store.resourceVersion(), rv)) return undefined;
  return tooLarge(rv, store.resourceVersion());
}

/** Content negotiation on Accept, in the client's order of preference. */
export function negotiate(accept: string | undefined, tables = true): Wanted | undefined {
  if (!accept || accept.trim() === '') return { as: 'plain' };
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    const p = Object.fromEntries(params.map((x) => x.split('=').map((s) => s.trim()) as [string, string]));
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    if (p.as === undefined) return { as: 'plain' };
    if (p.g !== 'meta.k8s.io') continue;
    if (p.as === 'Table' && (p.v === 'v1' || p.v === 'v1beta1')) {
      if (tables) return { as: 'Table', version: p.v };
      continue;
    }
    if ((p.as === 'PartialObjectMetadataList' || p.as === 'PartialObjectMetadata') && p.v === 'v1') {
      return { as: 'PartialObjectMetadata' };
    }
  }
  return undefined;
}

interface Route {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
}

/** `/apis/apps/v1/namespaces/shop/deployments/checkout` → the resource, namespace and name. */
function route(parts: string[]): Route | undefined {
  let gv: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') {
    gv = 'v1';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    gv = `${parts[1]}/${parts[2]}`;
    rest = parts.slice(3);
  } else return undefined;
  const byPlural = (plural: string | undefined) =>
    RESOURCES.find((r) => r.groupVersion === gv && r.plural === plural);
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const info = byPlural(rest[2]);
    if (!info?.namespaced || rest.length > 4) return undefined;
    return { info, namespace: rest[1], ...(rest[3] !== undefined ? { name: rest[3] } : {}) };
  }
  const info = byPlural(rest[0]);
  if (!info || rest.length > 2) return undefined;
  if (rest.length === 2 && info.namespaced) return undefined;
  return { info, ...(rest[1] !== undefined ? { name: rest[1] } : {}) };
}

const listKind = (info: ResourceInfo): string => `${info.kind}List`;

/** The resource a path below a cluster's API names (`deployments`), or `discovery`; for counting requests. */
export function resourceOf(parts: string[]): string {
  return route(parts)?.info.plural ?? 'discovery';
}

/** Items of a typed list carry no kind/apiVersion in the API server's JSON; single objects do. */
function asListItem(obj: KObject): Omit<KObject, 'kind' | 'apiVersion'> {
  const { kind: _k, apiVersion: _a, ...rest } = obj;
  return rest;
}

function notFound(res: ServerResponse, info: ResourceInfo, name: string) {
  const resource = info.group ? `${info.plural}.${info.group}` : info.plural;
  sendStatus(res, 404, 'NotFound', `${resource} "${name}" not found`, {
    details: { name, ...(info.group ? { group: info.group } : {}), kind: info.plural },
  });
}

export async function handleKubeApi(
  req: IncomingMessage,
  res: ServerResponse,
  cluster: SimCluster,
  parts: string[],
  query: URLSearchParams,
  options: KubeApiOptions,
): Promise<Served> {
  const refused = (resource: string): Served => ({ resource, verb: 'refused' });
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendStatus(
      res,
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource`,
    );
    return refused('');
  }
  const path = parts.join('/');
  const discovery: Served = { resource: 'discovery', verb: 'discovery' };
  // Discovery.
  if (path === 'version') {
    sendJson(res, 200, versionInfo(cluster.info));
    return discovery;
  }
  if (path === 'api') {
    sendJson(res, 200, apiVersions());
    return discovery;
  }
  if (path === 'apis') {
    sendJson(res, 200, apiGroupList());
    return discovery;
  }
  if (parts[0] === 'apis' && parts.length === 2) {
    const group = apiGroup(parts[1] ?? '');
    if (group) sendJson(res, 200, group);
    else sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
    return discovery;
  }
  if (path === 'api/v1' || (parts[0] === 'apis' && parts.length === 3)) {
    const list = apiResourceList(path === 'api/v1' ? 'v1' : `${parts[1]}/${parts[2]}`);
    if (list) sendJson(res, 200, list);
    else sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
    return discovery;
  }

  const r = route(parts);
  if (!r) {
    sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
    return refused('');
  }
  if (query.get('watch') === 'true' || query.get('watch') === '1') {
    sendStatus(res, 405, 'MethodNotAllowed', 'watch is not served by this API server');
    return refused(r.info.plural);
  }
  const wanted = negotiate(req.headers.accept, options.tables);
  if (!wanted) {
    sendStatus(
      res,
      406,
      'NotAcceptable',
      `only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io`,
    );
    return refused(r.info.plural);
  }
  const includeObject = (query.get('includeObject') ?? 'Metadata') as IncludeObject;
  if (!['None', 'Metadata', 'Object'].includes(includeObject)) {
    sendStatus(res, 400, 'BadRequest', `includeObject: Unsupported value: "${includeObject}"`);
    return refused(r.info.plural);
  }
  const now = Date.now();
  const semantics = readSemantics(query, r.name !== undefined ? 'get' : 'list');
  if (isSemanticsError(semantics)) {
    sendError(res, semantics);
    return refused(r.info.plural);
  }
  const served: Served = {
    resource: r.info.plural,
    verb: r.name !== undefined ? 'get' : 'list',
    as: asOf(wanted),
    from: servedFrom(semantics),
  };

  if (r.name !== undefined) {
    if (semantics.kind === 'not-older-than') {
      const late = await fresh(cluster, semantics.rv);
      if (late) {
        sendError(res, late);
        return served;
      }
    }
    const obj = cluster.store.get(keyOf(r.info.plural, r.namespace, r.name));
    if (!obj) {
      notFound(res, r.info, r.name);
      return served;
    }
    if (wanted.as === 'Table') {
      const meta = { resourceVersion: obj.metadata.resourceVersion };
      sendJson(res, 200, toTable([obj], r.info, meta, { includeObject, version: wanted.version, now }));
    } else if (wanted.as === 'PartialObjectMetadata') {
      sendJson(res, 200, {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: obj.metadata,
      });
    } else sendJson(res, 200, obj);
    return served;
  }

  if (semantics.kind === 'not-older-than') {
    const late = await fresh(cluster, semantics.rv);
    if (late) {
      sendError(res, late);
      return served;
    }
  }
  listObjects(res, cluster, r, query, options, wanted, includeObject, now, semantics);
  return served;
}

function listObjects(
  res: ServerResponse,
  cluster: SimCluster,
  r: Route,
  query: URLSearchParams,
  options: KubeApiOptions,
  wanted: Wanted,
  includeObject: IncludeObject,
  now: number,
  semantics: Exclude<ReturnType<typeof readSemantics>, SemanticsError>,
) {
  const { store } = cluster;
  let labelReqs: ReturnType<typeof parseLabelSelector>;
  let fieldReqs: ReturnType<typeof parseFieldSelector>;
  try {
    labelReqs = parseLabelSelector(query.get('labelSelector') ?? '');
    fieldReqs = parseFieldSelector(query.get('fieldSelector') ?? '');
  } catch (error) {
    if (error instanceof SelectorError) return sendStatus(res, 400, 'BadRequest', error.message);
    throw error;
  }
  const limitText = query.get('limit');
  const limit = limitText === null || limitText === '' ? 0 : Number(limitText);
  if (!Number.isSafeInteger(limit) || limit < 0) {
    return sendStatus(
      res,
      400,
      'BadRequest',
      `limit: Invalid value: "${limitText}": must be a non-negative integer`,
    );
  }

  // Where the list starts: fresh at the current resourceVersion, at the revision asked for, or
  // where a token left off.
  let atRv = store.resourceVersion();
  let pinned = false;
  let after: string | undefined;
  let issued = now;
  if (semantics.kind === 'exact') {
    if (semantics.rv < store.compactedRevision()) {
      return sendStatus(res, 410, 'Expired', 'The resourceVersion for the provided list is too old.');
    }
    if (semantics.rv > atRv) return sendError(res, tooLarge(semantics.rv, atRv));
    atRv = semantics.rv;
    pinned = true;
  }
  const token = query.get('continue');
  if (token) {
    const state = decodeContinue(token);
    if ('error' in state) return sendStatus(res, 400, 'BadRequest', state.error);
    if (now - state.issued > options.continueTtlMs || state.rv < store.compactedRevision()) {
      // Like the API server: the 410 carries a token to continue inconsistently at the current revision.
      const inconsistent = encodeContinue({ rv: store.resourceVersion(), start: state.start, issued: now });
      return sendStatus(res, 410, 'Expired', EXPIRED_MESSAGE, { metadata: { continue: inconsistent } });
    }
    atRv = state.rv;
    after = state.start;
    issued = state.issued;
    pinned = true;
  }

  const keyed = store
    .list(r.info.plural, r.namespace, pinned ? atRv : undefined)
    .map((obj) => ({ key: keyOf(r.info.plural, obj.metadata.namespace, obj.metadata.name), obj }))
    .filter((x) => after === undefined || x.key > after)
    .filter(
      (x) => matchesLabels(labelReqs, x.obj.metadata.labels) && matchesFields(fieldReqs, x.obj.metadata),
    );

  const page = limit > 0 ? keyed.slice(0, limit) : keyed;
  const rest = keyed.length - page.length;
  const listMeta: Record<string, string | number> = { resourceVersion: String(atRv) };
  const last = page[page.length - 1];
  if (rest > 0 && last) {
    listMeta.continue = encodeContinue({ rv: atRv, start: last.key, issued });
    // Unknown (left out) when selectors filter the list, as upstream.
    if (labelReqs.length === 0 && fieldReqs.length === 0) listMeta.remainingItemCount = rest;
  }
  const objects = page.map((x) => x.obj);

  if (wanted.as === 'Table') {
    return sendJson(
      res,
      200,
      toTable(objects, r.info, listMeta, { includeObject, version: wanted.version, now }),
    );
  }
  if (wanted.as === 'PartialObjectMetadata') {
    return sendJson(res, 200, {
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: listMeta,
      items: objects.map((o) => ({
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: o.metadata,
      })),
    });
  }
  sendJson(res, 200, {
    kind: listKind(r.info),
    apiVersion: r.info.groupVersion,
    metadata: listMeta,
    items: objects.map(asListItem),
  });
}

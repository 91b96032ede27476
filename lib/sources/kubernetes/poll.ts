/**
 * One poll of one cluster's workloads, light on its API server:
 *
 * 1. Metadata first. Each list is read as a PartialObjectMetadataList (names, resourceVersions,
 *    labels, managedFields — no spec, no status), compared with the version tokens Tattler stores
 *    (PollContext.known), and only the jobs whose resourceVersion moved, or that are new, are read
 *    in full. Every write to an object, status included, moves its resourceVersion, so an equal one
 *    means an unchanged object; those are reported `unchanged` and neither fetched nor normalized.
 * 2. What moved is read by GET, one object at a time, unless most of the list moved (or this is
 *    the cluster's first sight): then one full list is cheaper. A GET costs a request and one
 *    object; the list costs a request per 500 objects and every object. GETs win on bytes until
 *    nearly everything moved, and on requests only while few did: past MAX_GETS, or past half the
 *    list, the list is read instead.
 * 3. From the watch cache. After a first read, each list is asked for not older than its last
 *    answer's resourceVersion (list.ts says why, and why not `0`); a server that refuses (410, 422,
 *    504 Too large resource version, 400) is read plainly for an hour (memo.ts `plainSince`).
 * 4. Empty kinds are skipped. A list that held none of the user's jobs is not asked again for
 *    EMPTY_REPROBE_MS, unless Tattler stores a job of that kind there; new settings or another API
 *    base ask again at once.
 *
 * A server or proxy that ignores the metadata Accept header and answers full objects keeps
 * working: the objects that moved are taken from that answer. A poll is complete or it fails.
 */
import { type Http, PollError } from '../../http';
import { type JobLinks, type JobSnapshot, jobKeyOf, type KubernetesKind, rowKeyOf } from '../../model';
import { matchesLabelSelector } from '../label-selector';
import { isRecord, namePredicate, shapeError } from '../shared';
import type { PollContext, PollOk } from '../types';
import { workloadLinks } from './links';
import { listAll, METADATA_ACCEPT, objectUrl } from './list';
import { type KubeMemo, type ListMemo, listKey, plainReads, readMemo, stillEmpty } from './memo';
import { type KubeObject, normalizeObject } from './normalize';

/** More objects moved than this, and one full list is read instead of a GET for each. */
export const MAX_GETS = 20;

export interface KubernetesPollOptions {
  /** Read every list in full at every poll, as Tattler did before: the benchmark's baseline. */
  fullLists?: boolean;
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** What reading one list (one kind, one namespace or cluster-wide) found. */
interface ListRead {
  jobs: JobSnapshot[];
  unchanged: string[];
  /** The links of the unchanged jobs that have any, by job key. */
  links: Map<string, JobLinks>;
  bytes: number;
  /** The answer's resourceVersion, for the next read from the cache. */
  rv?: string;
  /** How many of the user's jobs the list holds. */
  ours: number;
}

/** Answers that mean "not from the cache, please": read the list plainly instead. */
const CACHE_REFUSALS = new Set([400, 410, 422, 504]);

class ClusterReader {
  private readonly matches: (name: string) => boolean;
  private readonly owner: PollContext['source']['owner'];

  constructor(
    private readonly ctx: PollContext,
    private readonly memo: KubeMemo,
  ) {
    this.owner = ctx.source.owner ?? { namespaces: [] };
    this.matches = namePredicate(this.owner.namePattern);
  }

  private get http(): Http {
    return this.ctx.http;
  }

  private cacheReads(): boolean {
    return !plainReads(this.memo, this.ctx.now);
  }

  private keyOf(kind: KubernetesKind, obj: KubeObject): string {
    return jobKeyOf(this.ctx.clusterId, rowKeyOf(kind, obj.metadata.namespace, obj.metadata.name));
  }

  /** A list, from the cache when it may be; a refused cache read is read again plainly. */
  private async list(
    kind: KubernetesKind,
    namespace: string | undefined,
    rv: string | undefined,
    accept?: string,
  ) {
    const options = {
      labelSelector: this.owner.labelSelector,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(accept ? { accept } : {}),
    };
    const cached = rv !== undefined && this.cacheReads() ? rv : undefined;
    if (cached === undefined) return listAll(this.http, this.ctx.apiBase, kind, options);
    try {
      return await listAll(this.http, this.ctx.apiBase, kind, { ...options, notOlderThan: cached });
    } catch (error) {
      if (!(error instanceof PollError) || !CACHE_REFUSALS.has(error.httpStatus ?? 0)) throw error;
      this.memo.plainSince = this.ctx.now;
      return listAll(this.http, this.ctx.apiBase, kind, options);
    }
  }

  /** A job listed with the token Tattler stores: its key, and its links as the list shows them. */
  private unchanged(kind: KubernetesKind, obj: KubeObject, out: Pick<ListRead, 'unchanged' | 'links'>): void {
    const key = this.keyOf(kind, obj);
    out.unchanged.push(key);
    const links = workloadLinks(
      kind,
      obj.metadata,
      this.owner.labelSelector,
      this.ctx.source.deployIdAnnotation,
    );
    if (links) out.links.set(key, links);
  }

  /** The user's jobs among full objects: unchanged ones by key (unless `all`), the rest normalized. */
  private split(
    kind: KubernetesKind,
    items: readonly KubeObject[],
    byToken = true,
  ): Pick<ListRead, 'jobs' | 'unchanged' | 'links' | 'ours'> {
    const out = { jobs: [] as JobSnapshot[], unchanged: [] as string[], links: new Map(), ours: 0 };
    for (const obj of items) {
      if (!this.matches(obj.metadata.name)) continue;
      out.ours++;
      const token = obj.metadata.resourceVersion;
      const known = byToken ? this.ctx.known : undefined;
      if (known && typeof token === 'string' && token !== '' && known.get(this.keyOf(kind, obj)) === token) {
        this.unchanged(kind, obj, out);
      } else out.jobs.push(normalizeObject(kind, obj, this.ctx));
    }
    return out;
  }

  /** Every object of the list, in full; `byToken` false normalizes even the unchanged ones. */
  async full(
    kind: KubernetesKind,
    namespace: string | undefined,
    rv: string | undefined,
    byToken = true,
  ): Promise<ListRead> {
    const list = await this.list(kind, namespace, rv);
    return {
      ...this.split(kind, list.items, byToken),
      bytes: list.bytes,
      ...(list.resourceVersion ? { rv: list.resourceVersion } : {}),
    };
  }

  /** Metadata first, then only what moved (see the top of this file). */
  async whatMoved(
    kind: KubernetesKind,
    namespace: string | undefined,
    rv: string | undefined,
  ): Promise<ListRead> {
    const meta = await this.list(kind, namespace, rv, METADATA_ACCEPT);
    const listRv = meta.resourceVersion;
    if (meta.kind !== 'PartialObjectMetadataList') {
      // Full objects after all (a server or proxy that does not do metadata lists): use them.
      return { ...this.split(kind, meta.items), bytes: meta.bytes, ...(listRv ? { rv: listRv } : {}) };
    }
    const out: ListRead = {
      jobs: [],
      unchanged: [],
      links: new Map(),
      bytes: meta.bytes,
      ours: 0,
      ...(listRv ? { rv: listRv } : {}),
    };
    const moved: KubeObject[] = [];
    for (const item of meta.items) {
      if (!this.matches(item.metadata.name)) continue;
      out.ours++;
      const token = item.metadata.resourceVersion;
      const key = this.keyOf(kind, item);
      if (typeof token === 'string' && token !== '' && this.ctx.known?.get(key) === token)
        this.unchanged(kind, item, out);
      else moved.push(item);
    }
    if (moved.length === 0) return out;
    if (moved.length > MAX_GETS || moved.length * 2 > out.ours)
      return this.fullAfter(kind, namespace, listRv, out.bytes);
    for (const item of moved) {
      const got = await this.get(kind, item);
      out.bytes += got.bytes;
      if (got.refused) return this.fullAfter(kind, namespace, listRv, out.bytes);
      if (got.job) out.jobs.push(got.job);
    }
    return out;
  }

  /** The full list instead of GETs, not older than the metadata list just read. */
  private async fullAfter(
    kind: KubernetesKind,
    namespace: string | undefined,
    rv: string | undefined,
    spent: number,
  ) {
    const read = await this.full(kind, namespace, rv);
    return { ...read, bytes: read.bytes + spent };
  }

  /**
   * One object that moved, not older than the version the metadata list showed. Gone meanwhile
   * (404), or out of the owner filter now: nothing — the watcher asks about a stored job a list
   * left out. Allowed to list but not to get (403): `refused`, and the list is read instead.
   */
  private async get(
    kind: KubernetesKind,
    item: KubeObject,
  ): Promise<{ job?: JobSnapshot; bytes: number; refused?: boolean }> {
    const { name, namespace } = item.metadata;
    const token = typeof item.metadata.resourceVersion === 'string' ? item.metadata.resourceVersion : '';
    const url = objectUrl(
      this.ctx.apiBase,
      kind,
      namespace,
      name,
      token && this.cacheReads() ? token : undefined,
    );
    const res = await this.http.getJson(url, { acceptStatus: [403, 404] });
    if (res.status === 403) return { bytes: res.bytes, refused: true };
    if (res.status === 404) return { bytes: res.bytes };
    const obj = res.body;
    const metadata = isRecord(obj) ? obj.metadata : undefined;
    if (!isRecord(metadata) || metadata.name !== name || metadata.namespace !== namespace) {
      throw shapeError('not the object asked for', url);
    }
    const labels = isRecord(metadata.labels) ? (metadata.labels as Record<string, string>) : {};
    if (matchesLabelSelector(this.owner.labelSelector, labels) === false) return { bytes: res.bytes };
    return { job: normalizeObject(kind, obj as KubeObject, this.ctx), bytes: res.bytes };
  }
}

/** Whether Tattler stores a job of this kind in this namespace (or any, cluster-wide) for the cluster. */
function storesAny(ctx: PollContext, kind: string, namespace: string | undefined): boolean {
  if (!ctx.known) return false;
  const prefix = `${ctx.clusterId}|${kind}:${namespace === undefined ? '' : `${namespace}/`}`;
  for (const key of ctx.known.keys()) if (key.startsWith(prefix)) return true;
  return false;
}

/** A poll function for kubernetes and rancher sources (see the top of this file). */
export function kubernetesPoll(options: KubernetesPollOptions = {}): (ctx: PollContext) => Promise<PollOk> {
  return async (ctx) => {
    const owner = ctx.source.owner ?? { namespaces: [] };
    const namespaces: (string | undefined)[] = owner.namespaces?.length
      ? unique(owner.namespaces)
      : [undefined];
    const memo = readMemo(ctx.memo, ctx.apiBase, ctx.source);
    const next: KubeMemo = { v: 1, for: memo.for, lists: {} };
    const reader = new ClusterReader(ctx, memo);
    const jobs: JobSnapshot[] = [];
    const unchanged: string[] = [];
    const unchangedLinks = new Map<string, JobLinks>();
    const seen = new Set<string>();
    let bytes = 0;
    // Sequential on purpose: the watcher already polls clusters in parallel, and one cluster's
    // API server should see one request at a time from each on-call person's browser.
    for (const kind of unique(ctx.source.kinds)) {
      for (const namespace of namespaces) {
        const key = listKey(kind, namespace);
        const entry = memo.lists[key];
        if (
          !options.fullLists &&
          ctx.known &&
          stillEmpty(entry, ctx.now) &&
          !storesAny(ctx, kind, namespace)
        ) {
          next.lists[key] = entry as ListMemo;
          continue;
        }
        // At first sight everything is new: one full list. Then metadata first.
        const read = options.fullLists
          ? await reader.full(kind, namespace, undefined, false)
          : !ctx.known
            ? await reader.full(kind, namespace, entry?.rv)
            : await reader.whatMoved(kind, namespace, entry?.rv);
        bytes += read.bytes;
        for (const job of read.jobs) {
          if (seen.has(job.key)) continue;
          seen.add(job.key);
          jobs.push(job);
        }
        for (const k of read.unchanged) {
          if (seen.has(k)) continue;
          seen.add(k);
          unchanged.push(k);
          const links = read.links.get(k);
          if (links) unchangedLinks.set(k, links);
        }
        next.lists[key] = {
          ...(read.rv ? { rv: read.rv } : {}),
          ...(read.ours === 0 ? { emptySince: ctx.now } : {}),
        };
      }
    }
    if (memo.plainSince !== undefined) next.plainSince = memo.plainSince;
    if (options.fullLists) return { jobs, bytes };
    return { jobs, ...(ctx.known ? { unchanged, unchangedLinks } : {}), bytes, memo: next };
  };
}

/** Metadata first, from the cache, skipping empty kinds: every source's default. */
export const pollKubernetes = kubernetesPoll();

/** Every list in full, every poll: how Tattler polled before (the benchmark's baseline). */
export const pollKubernetesFullLists = kubernetesPoll({ fullLists: true });

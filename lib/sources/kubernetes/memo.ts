/**
 * What the Kubernetes poll remembers about a cluster between polls (PollContext.memo): per list
 * (kind and namespace) the resourceVersion of its last answer — so the next read can come from the
 * watch cache, never older — and since when it has held none of the user's jobs, so it is not
 * asked again until its re-probe is due. Stored data from an earlier version may be anything:
 * `readMemo` takes only what has the right shape, and nothing made for other settings or another
 * API base.
 */
import type { SourceSettings } from '../../settings';
import { isRecord } from '../shared';
import { stableHash } from '../stable-hash';

/** An empty list is asked again after this long (and at once when settings or the API base change). */
export const EMPTY_REPROBE_MS = 30 * 60_000;
/** After a server refused a cache read, Tattler reads it plainly for this long before trying again. */
export const PLAIN_READS_MS = 60 * 60_000;

export interface ListMemo {
  /** The resourceVersion of the list's last complete answer. */
  rv?: string;
  /** When it was found to hold none of the user's jobs (epoch ms, the poll's clock). */
  emptySince?: number;
}

export interface KubeMemo {
  v: 1;
  /** What the memo was made for (API base, kinds, namespaces, owner filter): see `fingerprint`. */
  for: string;
  /** By list: `Deployment` (cluster-wide) or `Deployment/shop`. */
  lists: Record<string, ListMemo>;
  /** When the server last refused a read from its watch cache (an old API server, a proxy). */
  plainSince?: number;
}

export const listKey = (kind: string, namespace: string | undefined): string =>
  namespace === undefined ? kind : `${kind}/${namespace}`;

/** What a memo is valid for: another API base, kind list, namespace list or owner filter starts afresh. */
export function fingerprint(apiBase: string, source: SourceSettings): string {
  const owner = source.owner ?? {};
  return stableHash([
    apiBase.replace(/\/+$/, ''),
    [...source.kinds].sort(),
    [...(owner.namespaces ?? [])].sort(),
    owner.labelSelector ?? '',
    owner.namePattern ?? '',
  ]);
}

/** The stored memo if it is one of ours and made for these settings; else a fresh one. */
export function readMemo(stored: unknown, apiBase: string, source: SourceSettings): KubeMemo {
  const fresh: KubeMemo = { v: 1, for: fingerprint(apiBase, source), lists: {} };
  if (!isRecord(stored) || stored.v !== 1 || stored.for !== fresh.for || !isRecord(stored.lists))
    return fresh;
  for (const [key, value] of Object.entries(stored.lists)) {
    if (!isRecord(value)) continue;
    const entry: ListMemo = {};
    if (typeof value.rv === 'string' && /^\d+$/.test(value.rv)) entry.rv = value.rv;
    if (typeof value.emptySince === 'number' && Number.isFinite(value.emptySince))
      entry.emptySince = value.emptySince;
    fresh.lists[key] = entry;
  }
  if (typeof stored.plainSince === 'number' && Number.isFinite(stored.plainSince))
    fresh.plainSince = stored.plainSince;
  return fresh;
}

/** Whether an empty list may be skipped this poll (a clock set back re-probes at once). */
export const stillEmpty = (entry: ListMemo | undefined, now: number): boolean =>
  entry?.emptySince !== undefined && entry.emptySince <= now && now - entry.emptySince < EMPTY_REPROBE_MS;

/** Whether reads from the watch cache are off for now, after a server refused one. */
export const plainReads = (memo: KubeMemo, now: number): boolean =>
  memo.plainSince !== undefined && memo.plainSince <= now && now - memo.plainSince < PLAIN_READS_MS;

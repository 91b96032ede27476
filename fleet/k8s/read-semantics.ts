/**
 * Which state a get or list reads, from its `resourceVersion`, `resourceVersionMatch`, `limit` and
 * `continue`, as the Kubernetes API concepts page lays it out ("Semantics for get and list",
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#semantics-for-get-and-list), with
 * the checks of apimachinery's ListOptions validation and the answers the API server gives:
 *
 *   resourceVersion unset                      Most Recent: a consistent (quorum) read of etcd
 *   resourceVersion="0"                        Any: whatever the watch cache has
 *   resourceVersion=X, NotOlderThan            Not older than X: the watch cache, once it has X
 *   resourceVersion=X, match unset, no limit   Not older than X (the legacy meaning)
 *   resourceVersion=X, match unset, limit=n    Exact (the legacy meaning of a paginated list)
 *   resourceVersion=X, Exact                   Exact: etcd at revision X — 410 once compacted
 *   continue=…                                 Exact at the token's revision, from etcd
 *
 * A "not older than" read of a revision the server has not reached waits for it (up to three
 * seconds), then answers 504 "Too large resource version". Which store served a read (`cache` or
 * `etcd`) is what the fleet's traffic counters record: it is what a platform team pays for.
 */

export type ReadFrom = 'cache' | 'etcd';

export type Semantics =
  | { kind: 'most-recent' }
  | { kind: 'any' }
  | { kind: 'not-older-than'; rv: number }
  | { kind: 'exact'; rv: number }
  | { kind: 'continue' };

export interface SemanticsError {
  code: number;
  reason: string;
  message: string;
}

/** Where a read of these semantics is served from. */
export const servedFrom = (s: Semantics): ReadFrom =>
  s.kind === 'any' || s.kind === 'not-older-than' ? 'cache' : 'etcd';

const invalid = (detail: string): SemanticsError => ({
  code: 422,
  reason: 'Invalid',
  message: `ListOptions.meta.k8s.io "" is invalid: ${detail}`,
});

const parseRv = (text: string): number | undefined => (/^\d+$/.test(text) ? Number(text) : undefined);

/** The semantics of a list (or, with `get`, of a get) request, or why it is refused. */
export function readSemantics(query: URLSearchParams, verb: 'list' | 'get'): Semantics | SemanticsError {
  const rvText = query.get('resourceVersion') ?? '';
  const match = query.get('resourceVersionMatch') ?? '';
  const token = query.get('continue') ?? '';
  const limit = Number(query.get('limit') ?? 0);

  if (verb === 'list' && match !== '') {
    if (rvText === '')
      return invalid(
        'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
      );
    if (token !== '')
      return invalid(
        'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided',
      );
    if (match !== 'Exact' && match !== 'NotOlderThan')
      return invalid(
        `resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan", ""`,
      );
    if (match === 'Exact' && rvText === '0')
      return invalid(
        'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
      );
  }
  if (token !== '') {
    if (rvText !== '')
      return {
        code: 400,
        reason: 'BadRequest',
        message: 'specifying resource version is not allowed when using continue',
      };
    return { kind: 'continue' };
  }
  if (rvText === '') return { kind: 'most-recent' };
  const rv = parseRv(rvText);
  if (rv === undefined)
    return { code: 400, reason: 'BadRequest', message: `invalid resource version: ${rvText}` };
  if (rv === 0) return { kind: 'any' };
  if (verb === 'get' || match === 'NotOlderThan') return { kind: 'not-older-than', rv };
  if (match === 'Exact' || limit > 0) return { kind: 'exact', rv };
  return { kind: 'not-older-than', rv };
}

export const isSemanticsError = (s: Semantics | SemanticsError): s is SemanticsError => 'code' in s;

/** The Status the API server answers when a cache read asks for a revision it has not reached. */
export function tooLarge(asked: number, current: number): SemanticsError & { details: unknown } {
  return {
    code: 504,
    reason: 'Timeout',
    message: `Timeout: Too large resource version: ${asked}, current: ${current}`,
    details: {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    },
  };
}

/** How long a cache read waits for a revision it has not reached before giving up. */
export const FRESHNESS_WAIT_MS = 3000;

/** Waits until `current()` reaches `rv`, or `ms` pass; whether it got there. */
export async function waitForRevision(
  current: () => number,
  rv: number,
  ms = FRESHNESS_WAIT_MS,
): Promise<boolean> {
  const until = Date.now() + ms;
  while (current() < rv) {
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * Small helpers shared by the Argo CD, Nomad and generic adapters: defensive readers for network
 * JSON, GETs whose failures name the request path, and the owner filter's name pattern.
 * (The Kubernetes adapter keeps its own; these files do not reach into each other.)
 */
import { type Http, PollError } from '../http';

export type Json = Record<string, unknown>;

export const rec = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const nonEmpty = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
export const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/** The path and query of a URL, for messages: the origin is the same for every request. */
export const pathOf = (url: string): string => {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
};

export const trimBase = (url: string): string => url.replace(/\/+$/, '');

export const shapeError = (what: string, url: string): PollError =>
  new PollError('error', `unexpected shape: ${what} from ${pathOf(url)}`, url);

/**
 * GET through the poll's Http, making sure the failure names the request path (lib/http.ts names
 * only the origin when a connection fails, and that is the same for every request).
 */
export async function getAt(
  http: Http,
  url: string,
  headers?: Record<string, string>,
): Promise<{ body: unknown; headers: Headers; bytes: number }> {
  try {
    return await http.getJson<unknown>(url, headers ? { headers } : {});
  } catch (error) {
    if (!(error instanceof PollError)) throw error;
    const where = pathOf(url);
    if (error.message.includes(where.split('?')[0] ?? where)) throw error;
    throw new PollError(
      error.status,
      `${error.message} on ${where}`,
      error.url ?? url,
      error.loginUrl,
      error.httpStatus,
    );
  }
}

/** The owner filter's name pattern; settings validate it, but a stored one may predate that. */
export function namePredicate(pattern: string | undefined): (name: string) => boolean {
  if (!pattern) return () => true;
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (error) {
    throw new PollError(
      'error',
      `invalid name pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`,
    );
  }
  return (name) => re.test(name);
}

/** Epoch ms from an RFC 3339 string; undefined for anything else. */
export const parseIsoTime = (v: unknown): number | undefined => {
  const t = typeof v === 'string' && v !== '' ? Date.parse(v) : Number.NaN;
  return Number.isFinite(t) ? t : undefined;
};

/** Column group from `environment`/`env` and `region` labels: `prod/eu-west-1`. */
export function groupFromLabels(labels: unknown): string | undefined {
  const l = rec(labels);
  if (!l) return undefined;
  const pick = (keys: string[]) => keys.map((k) => nonEmpty(l[k])).find((x) => x !== undefined);
  const parts = [pick(['environment', 'env']), pick(['region', 'topology.kubernetes.io/region'])].filter(
    (p): p is string => p !== undefined,
  );
  return parts.length ? parts.join('/') : undefined;
}

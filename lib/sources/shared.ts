/**
 * Small helpers every adapter shares: defensive readers for JSON from the network (which may be
 * any shape), shape errors that name the request path, the owner filter's name pattern, and
 * column groups from cluster labels.
 */
import { PollError, pathOf } from '../http';

export { pathOf };

export type Json = Record<string, unknown>;

export const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const rec = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const nonEmpty = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
export const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
/** Only the string elements: a list with a non-string in it is not a valid object anyway. */
export const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

/** Walks nested objects: `at(obj, 'spec', 'template')`. */
export const at = (v: unknown, ...path: string[]): unknown => {
  let cur: unknown = v;
  for (const key of path) cur = rec(cur)?.[key];
  return cur;
};

export const trimBase = (url: string): string => url.replace(/\/+$/, '');

export const shapeError = (what: string, url: string): PollError =>
  new PollError('error', `unexpected shape: ${what} from ${pathOf(url)}`, url);

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

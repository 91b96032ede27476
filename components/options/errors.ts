/**
 * Validation errors from lib/settings.ts (`sources[2].owner.namePattern: must be a valid regular
 * expression`) turned into "which field shows which message", so each error sits next to the
 * field it names. Errors naming no field on screen are shown above the form instead.
 */

export interface FieldError {
  /** The settings path, as lib/settings.ts names it: `owner.namePattern`, `clusters[0].apiBase`. */
  path: string;
  message: string;
}

/** `sources[0].baseUrl: must be a URL…` → { path, message }. */
export function parseError(line: string): FieldError {
  const at = line.indexOf(': ');
  if (at < 0) return { path: '', message: line };
  return { path: line.slice(0, at), message: line.slice(at + 2) };
}

/** Errors under `prefix` (e.g. `sources[3]`), with the prefix taken off their paths. */
export function errorsUnder(lines: readonly string[], prefix: string): FieldError[] {
  const out: FieldError[] = [];
  for (const line of lines) {
    const e = parseError(line);
    if (e.path === prefix) out.push({ path: '', message: e.message });
    else if (e.path.startsWith(`${prefix}.`))
      out.push({ path: e.path.slice(prefix.length + 1), message: e.message });
    else if (e.path.startsWith(`${prefix}[`))
      out.push({ path: e.path.slice(prefix.length), message: e.message });
  }
  return out;
}

export interface AssignedErrors {
  /** Field key → messages. */
  byField: Record<string, string[]>;
  /** Errors that name no field on screen, already phrased with their path. */
  other: string[];
}

/**
 * Assigns each error to the first shown field it can belong to: the exact path, then the list it
 * is an item of (`owner.namespaces[2]` → `owner.namespaces`), then the object it is inside
 * (`generic.jobs.url` → `generic`).
 */
export function assignErrors(errors: readonly FieldError[], shown: (key: string) => boolean): AssignedErrors {
  const byField: Record<string, string[]> = {};
  const other: string[] = [];
  for (const e of errors) {
    const candidates = [e.path, e.path.replace(/\[\d+\]$/, ''), e.path.replace(/\[\d+\].*$/, '')];
    const parts = e.path.split('.');
    for (let i = parts.length - 1; i > 0; i--) candidates.push(parts.slice(0, i).join('.'));
    const key = candidates.find((k) => k !== '' && shown(k));
    if (key === undefined) other.push(e.path ? `${e.path}: ${e.message}` : e.message);
    else {
      const list = byField[key] ?? [];
      if (!list.includes(e.message)) list.push(e.message);
      byField[key] = list;
    }
  }
  return { byField, other };
}

/** A DOM id for a field key: `clusters[0].apiBase` → `clusters-0-apiBase`. */
export const domId = (prefix: string, key: string): string =>
  `${prefix}-${key.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/-+$/, '')}`;

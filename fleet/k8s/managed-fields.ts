/**
 * managedFields bookkeeping, close enough to the API server's for a reader: each manager's entry
 * (manager, operation, subresource) owns the field paths it last set; a write moves ownership of
 * the paths it touched to the writer and bumps the writer's `time`; an entry that owns nothing is
 * dropped. fieldsV1 uses the real encoding: `f:<field>`, `k:{"name":"app"}` for keyed list items,
 * `.` for a map or list item itself.
 */
import type { Json, JsonObject, ManagedFieldsEntry } from './types';

const SEP = '\u0000';
type PathSet = Set<string>;

/** Keyed lists in the objects we serve, and the keys the API server merges them on. */
export function itemKey(item: Json): string | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  if (typeof item.containerPort === 'number') {
    return `k:${JSON.stringify({ containerPort: item.containerPort, protocol: item.protocol ?? 'TCP' })}`;
  }
  if (typeof item.type === 'string' && typeof item.status === 'string')
    return `k:${JSON.stringify({ type: item.type })}`;
  if (typeof item.uid === 'string') return `k:${JSON.stringify({ uid: item.uid })}`;
  if (typeof item.name === 'string') return `k:${JSON.stringify({ name: item.name })}`;
  return undefined;
}

/**
 * Every leaf path of a JSON value, as fieldsV1 would name them, with the leaf's value as JSON
 * text (to compare two versions). Keyed list items also get their "." path.
 */
function leaves(value: Json | undefined, prefix: string, out: Map<string, string>): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object') {
    out.set(prefix, JSON.stringify(value));
    return;
  }
  const head = prefix === '' ? '' : prefix + SEP;
  if (Array.isArray(value)) {
    const keys: string[] = [];
    for (const item of value) {
      const k = itemKey(item);
      if (k === undefined) break;
      keys.push(k);
    }
    if (value.length === 0 || keys.length !== value.length) {
      out.set(prefix, JSON.stringify(value)); // an atomic list: owned whole
      return;
    }
    for (let i = 0; i < value.length; i++) {
      const itemPath = head + keys[i];
      out.set(`${itemPath + SEP}.`, '');
      leaves(value[i], itemPath, out);
    }
    return;
  }
  let empty = true;
  for (const k in value) {
    empty = false;
    leaves(value[k], `${head}f:${k}`, out);
  }
  if (empty) out.set(prefix, '{}');
}

function valuesByPath(value: Json | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (value !== undefined) leaves(value, '', out);
  return out;
}

/** The parts of an object whose ownership is tracked (not identity or server-set metadata). */
export function trackedView(obj: {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
  status?: unknown;
  /** A ControllerRevision's fields: it has no spec. */
  data?: unknown;
  revision?: unknown;
}): JsonObject {
  const metadata: JsonObject = {};
  if (obj.metadata.labels && Object.keys(obj.metadata.labels).length) metadata.labels = obj.metadata.labels;
  if (obj.metadata.annotations && Object.keys(obj.metadata.annotations).length) {
    metadata.annotations = obj.metadata.annotations;
  }
  const out: JsonObject = { metadata };
  if (obj.spec !== undefined) out.spec = obj.spec as Json;
  if (obj.status !== undefined) out.status = obj.status as Json;
  if (obj.data !== undefined) out.data = obj.data as Json;
  if (obj.revision !== undefined) out.revision = obj.revision as Json;
  return out;
}

const isObject = (v: Json | undefined): v is JsonObject =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Keys of a keyed list, or undefined when the list is atomic (owned whole). */
function listKeys(list: Json[]): string[] | undefined {
  if (list.length === 0) return undefined;
  const keys: string[] = [];
  for (const item of list) {
    const k = itemKey(item);
    if (k === undefined) return undefined;
    keys.push(k);
  }
  return keys;
}

/** Walks both versions together, collecting changed and removed leaf paths. */
function diff(
  a: Json | undefined,
  b: Json | undefined,
  prefix: string,
  set: PathSet,
  removed: PathSet,
): void {
  if (a === b) return;
  if (b === undefined) {
    for (const p of valuesByPath(a).keys())
      removed.add(prefix === '' ? p : p === '' ? prefix : prefix + SEP + p);
    return;
  }
  if (a === undefined) {
    for (const p of valuesByPath(b).keys()) set.add(prefix === '' ? p : p === '' ? prefix : prefix + SEP + p);
    return;
  }
  const head = prefix === '' ? '' : prefix + SEP;
  if (isObject(a) && isObject(b) && Object.keys(a).length > 0 && Object.keys(b).length > 0) {
    for (const k in b) diff(a[k], b[k], `${head}f:${k}`, set, removed);
    for (const k in a) if (!(k in b)) diff(a[k], undefined, `${head}f:${k}`, set, removed);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const ka = listKeys(a);
    const kb = listKeys(b);
    if (ka && kb) {
      const byKey = new Map(ka.map((k, i) => [k, a[i]]));
      kb.forEach((k, i) => {
        const before = byKey.get(k);
        if (before === undefined) set.add(`${head + k + SEP}.`);
        diff(before, b[i], head + k, set, removed);
      });
      for (const k of ka) if (!kb.includes(k)) diff(byKey.get(k), undefined, head + k, set, removed);
      return;
    }
  }
  if (typeof a !== 'object' && typeof b !== 'object') {
    set.add(prefix);
    return;
  }
  // Different shapes (or empty objects, atomic lists): compare leaf by leaf.
  const va = valuesByPath(a);
  const vb = valuesByPath(b);
  const at = (p: string) => (prefix === '' ? p : p === '' ? prefix : prefix + SEP + p);
  for (const [p, v] of vb) if (va.get(p) !== v) set.add(at(p));
  for (const p of va.keys()) if (!vb.has(p)) removed.add(at(p));
}

/** Paths whose value differs between `before` and `after` (added or changed), and removed ones. */
export function changedPaths(
  before: JsonObject | undefined,
  after: JsonObject,
): { set: PathSet; removed: PathSet } {
  const set: PathSet = new Set();
  const removed: PathSet = new Set();
  diff(before, after, '', set, removed);
  return { set, removed };
}

/** Every leaf path of a tracked view (what a server-side apply of the whole object owns). */
export function allPaths(view: JsonObject): PathSet {
  return changedPaths(undefined, view).set;
}

/** Only the paths under one top-level part (`f:status`, or everything but status). */
export function pathsUnder(paths: PathSet, top: string, include: boolean): PathSet {
  return new Set([...paths].filter((p) => (p.split(SEP)[0] === top) === include));
}

// Entries are never mutated once written, so their path sets can be remembered.
const pathCache = new WeakMap<JsonObject, PathSet>();

function sortTree(node: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(node).sort()) out[k] = sortTree(node[k] as JsonObject);
  return out;
}

function toFieldsV1(paths: PathSet): JsonObject {
  const tree: JsonObject = {};
  for (const p of paths) {
    let node = tree;
    for (const seg of p.split(SEP)) {
      let child = node[seg] as JsonObject | undefined;
      if (!child) {
        child = {};
        node[seg] = child;
      }
      node = child;
    }
  }
  // The API server writes fieldsV1 with sorted keys.
  const root = sortTree(tree);
  pathCache.set(root, new Set(paths));
  return root;
}

function walkFieldsV1(fields: JsonObject, prefix: string[], out: PathSet): PathSet {
  const entries = Object.entries(fields);
  if (entries.length === 0 && prefix.length) out.add(prefix.join(SEP));
  for (const [k, v] of entries) {
    if (v && typeof v === 'object' && !Array.isArray(v)) walkFieldsV1(v, [...prefix, k], out);
  }
  return out;
}

function fromFieldsV1(fields: JsonObject): PathSet {
  let paths = pathCache.get(fields);
  if (!paths) {
    paths = walkFieldsV1(fields, [], new Set());
    pathCache.set(fields, paths);
  }
  return new Set(paths);
}

export interface Write {
  manager: string;
  /** Server-side apply owns every field of the applied configuration, changed or not. */
  operation?: 'Update' | 'Apply';
  /** For Apply: all paths of the applied configuration. */
  applied?: PathSet;
  subresource?: string;
  apiVersion: string;
  time: string;
  set: PathSet;
  removed?: PathSet;
}

/** The managedFields after one Update write. */
export function recordWrite(entries: ManagedFieldsEntry[] | undefined, write: Write): ManagedFieldsEntry[] {
  const touched = new Set([...write.set, ...(write.removed ?? [])]);
  const operation = write.operation ?? 'Update';
  const out: ManagedFieldsEntry[] = [];
  let mine: ManagedFieldsEntry | undefined;
  for (const entry of entries ?? []) {
    const same =
      entry.manager === write.manager &&
      entry.operation === operation &&
      entry.subresource === write.subresource;
    if (!same && ![...touched].some((p) => pathCache.get(entry.fieldsV1)?.has(p) ?? true)) {
      out.push(entry); // untouched: kept as it is
      continue;
    }
    const paths = fromFieldsV1(entry.fieldsV1);
    for (const p of touched) paths.delete(p);
    if (same) {
      if (operation === 'Apply') paths.clear();
      for (const p of operation === 'Apply' ? (write.applied ?? write.set) : write.set) paths.add(p);
      mine = { ...entry, time: write.time, apiVersion: write.apiVersion, fieldsV1: toFieldsV1(paths) };
      out.push(mine);
    } else if (paths.size > 0) {
      out.push({ ...entry, fieldsV1: toFieldsV1(paths) });
    }
  }
  const owned = operation === 'Apply' ? (write.applied ?? write.set) : write.set;
  if (!mine && owned.size > 0) {
    const entry: ManagedFieldsEntry = {
      manager: write.manager,
      operation,
      apiVersion: write.apiVersion,
      time: write.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(owned),
    };
    if (write.subresource) entry.subresource = write.subresource;
    out.push(entry);
  }
  return out;
}

/** Paths as strings for tests: `f:spec.f:replicas`. */
export const describePaths = (fields: JsonObject): string[] =>
  [...fromFieldsV1(fields)].map((p) => p.split(SEP).join('.')).sort();

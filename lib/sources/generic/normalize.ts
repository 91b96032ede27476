/**
 * A home-grown manager's JSON → JobSnapshot, through the mapping in settings (paths in the
 * syntax of json-path.ts). Pure: no I/O, no clock. A path the mapping requires that finds
 * nothing throws a PathNotFoundError naming the path and where (adapter.ts turns it into an
 * `error` poll); an optional one that finds nothing leaves the value out.
 *
 * The snapshot carries `changedAt`/`changedBy` exactly as the API reports them, and its version
 * token comes from the mapped version (plus health), or — without one — from a stable hash of
 * the mapped fields, the reported change and the health, so an unchanged job is recognised
 * without comparing fields.
 */
import { PollError } from '../../http';
import { fillTemplate, safeHttpUrl } from '../../links';
import type { Actor, FieldValue, Health, HealthState, JobSnapshot } from '../../model';
import { jobKeyOf, rowKeyOf } from '../../model';
import type { SourceSettings } from '../../settings';
import { trimBase } from '../shared';
import { stableHash, stableStringify } from '../stable-hash';
import type { PollContext } from '../types';
import {
  hasWildcard,
  PathNotFoundError,
  requireFirst,
  requireList,
  selectAll,
  selectFirst,
} from './json-path';

export type GenericOptions = NonNullable<SourceSettings['generic']>;
export type JobMapping = GenericOptions['jobs'];

export function optionsOf(source: SourceSettings): GenericOptions {
  if (!source.generic) throw new PollError('error', `source ${source.id} has no generic mapping`);
  return source.generic;
}

/** The list a path points at: every match of a wildcard path, else the one array it finds. */
export function listAt(body: unknown, path: string, where: string): unknown[] {
  if (hasWildcard(path)) return requireList(body, path, where);
  const found = requireFirst(body, path, where);
  if (!Array.isArray(found)) {
    throw new PathNotFoundError(
      path,
      where,
      `it found ${found === null ? 'null' : typeof found}, not a list`,
    );
  }
  return found;
}

/** An id or name: a string, or a number written as one. */
export function textAt(item: unknown, path: string, where: string): string {
  const value = requireFirst(item, path, where);
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new PathNotFoundError(path, where, `it found ${JSON.stringify(value)}, not a name`);
}

export const optionalText = (item: unknown, path: string | undefined): string | undefined => {
  if (!path) return undefined;
  const value = selectFirst(item, path);
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
};

/** Epoch ms from what APIs use for times: RFC 3339 text, or epoch s / ms / µs / ns by magnitude. */
export function parseTime(value: unknown): number | undefined {
  let n: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) n = value;
  else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) n = Number(value);
  else if (typeof value === 'string' && value.trim() !== '') {
    const t = Date.parse(value);
    return Number.isFinite(t) ? t : undefined;
  }
  if (n === undefined || n <= 0) return undefined;
  // 1e11 s is the year 5138 and 1e11 ms is 1973: every plausible time falls in one band.
  if (n < 1e11) return Math.round(n * 1000);
  if (n < 1e14) return Math.round(n);
  if (n < 1e17) return Math.round(n / 1e3);
  return Math.round(n / 1e6);
}

const scalarText = (v: unknown): string =>
  typeof v === 'string' ? v : v === null || typeof v !== 'object' ? String(v) : stableStringify(v);

/** A mapped field's value: scalars as they are, lists as lists of text, objects as stable JSON. */
export function fieldValue(item: unknown, path: string): FieldValue | undefined {
  const values = selectAll(item, path);
  if (hasWildcard(path)) return values.length ? values.map(scalarText) : undefined;
  const v = values[0];
  if (v === undefined) return undefined;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.map(scalarText);
  return stableStringify(v);
}

const HEALTH_WORDS: Record<string, HealthState> = {
  healthy: 'healthy',
  ok: 'healthy',
  running: 'healthy',
  up: 'healthy',
  ready: 'healthy',
  active: 'healthy',
  progressing: 'progressing',
  deploying: 'progressing',
  pending: 'progressing',
  starting: 'progressing',
  updating: 'progressing',
  degraded: 'degraded',
  failed: 'degraded',
  failing: 'degraded',
  error: 'degraded',
  down: 'degraded',
  unhealthy: 'degraded',
  suspended: 'suspended',
  paused: 'suspended',
  stopped: 'suspended',
  disabled: 'suspended',
};

export function healthOf(item: unknown, mapping: JobMapping['health']): Health {
  if (!mapping) return { state: 'unknown' };
  const raw = selectFirst(item, mapping.path);
  if (raw === undefined || raw === null) return { state: 'unknown', message: 'no health reported' };
  const text = scalarText(raw);
  const state = mapping.values[text] ?? HEALTH_WORDS[text.trim().toLowerCase()] ?? 'unknown';
  return { state, message: text };
}

const patterns = new Map<string, RegExp | null>();

/** Settings validate the pattern; one stored before that must not fail every poll. */
function compiled(pattern: string): RegExp | null {
  let re = patterns.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern);
    } catch {
      re = null;
    }
    patterns.set(pattern, re);
  }
  return re;
}

export function actorOf(item: unknown, jobs: JobMapping): Actor | undefined {
  const name = optionalText(item, jobs.changedBy);
  if (!name || !jobs.changedBy) return undefined;
  const automated = jobs.automationPattern ? (compiled(jobs.automationPattern)?.test(name) ?? false) : false;
  return { name, kind: automated ? 'automation' : 'person', via: `field ${jobs.changedBy}` };
}

/** A link the API gave, absolute or relative to the manager; only ever http(s). */
function linkFromApi(link: string, base: string): string | undefined {
  try {
    return safeHttpUrl(new URL(link, `${trimBase(base)}/`).href);
  } catch {
    return undefined;
  }
}

export function normalizeItem(
  item: unknown,
  index: number,
  ctx: Omit<PollContext, 'http'>,
  where: string,
): JobSnapshot {
  const jobs = optionsOf(ctx.source).jobs;
  const at = `${where} (job ${index})`;
  const name = textAt(item, jobs.name, at);
  const namespace = optionalText(item, jobs.namespace) ?? '';
  const kind = jobs.kind;
  const rowKey = rowKeyOf(kind, namespace, name);

  const fields: Record<string, FieldValue> = {};
  for (const [field, path] of Object.entries(jobs.fields)) {
    const value = fieldValue(item, path);
    if (value !== undefined) fields[field] = value;
  }
  const health = healthOf(item, jobs.health);
  const changedAt = jobs.changedAt ? parseTime(selectFirst(item, jobs.changedAt)) : undefined;
  const changedBy = actorOf(item, jobs);
  const instance = optionalText(item, jobs.instance);
  const deployId = optionalText(item, jobs.deployId);
  const rawVersion = optionalText(item, jobs.version);
  const version = rawVersion !== undefined && /^\d+$/.test(rawVersion) ? Number(rawVersion) : undefined;

  const snapshot: JobSnapshot = {
    key: jobKeyOf(ctx.clusterId, rowKey),
    clusterId: ctx.clusterId,
    rowKey,
    kind,
    namespace,
    name,
    versionToken:
      rawVersion !== undefined
        ? `v${rawVersion}:${health.state}`
        : `h${stableHash([fields, changedAt ?? null, changedBy?.name ?? null, instance ?? null, health.state, ...(deployId !== undefined ? [deployId] : [])])}`,
    fields,
    health,
    observedAt: ctx.now,
  };
  if (version !== undefined && Number.isSafeInteger(version)) snapshot.version = version;
  if (instance !== undefined) snapshot.instance = instance;
  if (changedAt !== undefined) snapshot.changedAt = changedAt;
  if (changedBy) snapshot.changedBy = changedBy;
  if (deployId !== undefined) snapshot.deployId = deployId;

  const template = ctx.source.links?.job;
  const fromTemplate = template
    ? fillTemplate(template, { cluster: ctx.nativeId, clusterName: ctx.clusterName, namespace, name, kind })
    : undefined;
  const apiLink = optionalText(item, jobs.link);
  const link =
    fromTemplate ?? (apiLink ? linkFromApi(apiLink, ctx.source.baseUrl ?? ctx.apiBase) : undefined);
  if (link) snapshot.link = link;
  return snapshot;
}

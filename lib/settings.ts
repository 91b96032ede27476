/**
 * Settings: one validated document, kept in `browser.storage.local` under `settings`.
 * The schema is the documentation of the format (README "Settings"); errors name the field.
 * Secrets (tokens) never live here, so an export can never leak one.
 */
import * as v from 'valibot';
import type { SourceType } from './model';
import { SOURCE_CATALOG } from './sources/catalog';
import { nonEmpty, type OptionBlock, originUrl, type SourceRule } from './sources/settings-common';

/**
 * A source: one schema per type (lib/sources/<type>/settings.ts), chosen by `type`; then the
 * type's rules that tie its fields together, once the source has parsed, each naming its field.
 */
const SourceSchema = v.variant(
  'type',
  Object.values(SOURCE_CATALOG).map((t) => t.settings),
);
type ParsedSource = v.InferOutput<typeof SourceSchema>;

const Source = v.pipe(
  SourceSchema,
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const source = dataset.value;
    // The rules of the source's own type: the catalog pairs each type's rules with its schema.
    const rules = SOURCE_CATALOG[source.type].rules as readonly SourceRule<ParsedSource>[];
    for (const rule of rules) {
      if (rule.holds(source)) continue;
      addIssue({ message: rule.message, path: pathItems(source, rule.path) });
    }
  }),
);

/** valibot path items for a field path under `input`, as v.forward makes them. */
function pathItems(input: unknown, path: readonly string[]): [v.IssuePathItem, ...v.IssuePathItem[]] {
  const items: v.IssuePathItem[] = [];
  let at = input as Record<string, unknown> | undefined;
  for (const key of path) {
    const value = at?.[key];
    items.push({ type: 'unknown', origin: 'value', input: at, key, value });
    at = value as Record<string, unknown> | undefined;
  }
  return items as [v.IssuePathItem, ...v.IssuePathItem[]];
}

const LabelMapping = v.strictObject({
  cluster: v.optional(v.array(nonEmpty), ['cluster']),
  namespace: v.optional(v.array(nonEmpty), ['namespace']),
  job: v.optional(v.array(nonEmpty), [
    'deployment',
    'statefulset',
    'daemonset',
    'job_name',
    'app',
    'service',
  ]),
});

const PageIntegration = v.strictObject({
  enabled: v.optional(v.boolean(), true),
  /** Extra origins this integration runs on (the user's own Alertmanager, Grafana …). */
  origins: v.optional(v.array(originUrl), []),
});

/** One cluster under one name across sources (lib/identity/clusters.ts, README "Cluster identity"). */
const ClusterAlias = v.strictObject({
  name: nonEmpty,
  /** Cluster ids (`source/native`), names, native ids or API addresses. */
  match: v.pipe(v.array(nonEmpty), v.minLength(1, 'an alias needs at least one cluster to match')),
});

/** Rows joined into one service by hand (lib/identity/services.ts, README "Service identity"). */
const ServiceRule = v.strictObject({
  name: nonEmpty,
  /** Row keys (`Deployment:shop/cart`), job names, or globs of either (`*`, `?`). */
  match: v.pipe(
    v.array(
      v.pipe(
        nonEmpty,
        v.check((m) => !/\s/.test(m.trim()), 'a row key, job name or glob has no spaces'),
      ),
    ),
    v.minLength(1, 'a rule needs at least one job to match'),
  ),
});

export const SettingsSchema = v.strictObject({
  version: v.literal(1),
  sources: v.optional(
    v.pipe(
      v.array(Source),
      v.check((list) => new Set(list.map((x) => x.id)).size === list.length, 'source ids must be unique'),
    ),
    [],
  ),
  /** Seconds between passes. Packed Chrome extensions cannot alarm more often than every 30 s. */
  pollIntervalSec: v.optional(v.pipe(v.number(), v.integer(), v.minValue(30), v.maxValue(3600)), 60),
  /** Polls in flight at once, and requests in flight to one API host (lib/pace.ts). */
  concurrency: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(32)), 6),
  /** Seconds between polls of a quiet cluster (no change seen lately, no alert names it). */
  quietPollSec: v.optional(v.pipe(v.number(), v.integer(), v.minValue(30), v.maxValue(3600)), 600),
  /** Requests per minute one browser may send to one API host (a Rancher serves many clusters). */
  hostRequestsPerMinute: v.optional(v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(10_000)), 300),
  requestTimeoutSec: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(120)), 10),
  retentionDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365)), 30),
  /** Which alert labels name the cluster, namespace and job. */
  labels: v.optional(LabelMapping, {}),
  /** Clusters joined (or kept apart) by hand, beyond the automatic rules. */
  clusterAliases: v.optional(
    v.pipe(
      v.array(ClusterAlias),
      v.check(
        (list) => new Set(list.map((a) => a.name.toLowerCase())).size === list.length,
        'cluster alias names must be unique',
      ),
    ),
    [],
  ),
  /** Rows joined into services (or kept apart) by hand, before the automatic rules. */
  serviceRules: v.optional(
    v.pipe(
      v.array(ServiceRule),
      v.check(
        (list) => new Set(list.map((r) => r.name.toLowerCase())).size === list.length,
        'service rule names must be unique',
      ),
    ),
    [],
  ),
  /** Page integrations by id (lib/pages/registry.ts): on/off and the origins each runs on. */
  pages: v.optional(v.record(v.pipe(v.string(), v.regex(/^[a-z0-9-]+$/)), PageIntegration), {}),
});

/**
 * A source as code reads it, whatever its type: the fields every type has, its `type`, and each
 * type's option block as optional (set only on a source of that type — the schema sees to it).
 */
type Flat<U extends { type: string }> = Omit<U, OptionBlock | 'type'> & { type: SourceType } & {
  [K in OptionBlock]?: Exclude<U extends unknown ? (K extends keyof U ? U[K] : never) : never, undefined>;
};
export type SourceSettings = Flat<ParsedSource>;
export type SourceInput = Flat<v.InferInput<typeof SourceSchema>>;

export type Settings = Omit<v.InferOutput<typeof SettingsSchema>, 'sources'> & { sources: SourceSettings[] };
export type SettingsInput = Omit<v.InferInput<typeof SettingsSchema>, 'sources'> & {
  sources?: SourceInput[];
};
export type StaticClusterSettings = SourceSettings['clusters'][number];

export const defaultSettings = (): Settings => v.parse(SettingsSchema, { version: 1 });

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** `sources[0].baseUrl` from valibot's path. */
function fieldName(issue: v.BaseIssue<unknown>): string {
  const path = issue.path ?? [];
  let out = '';
  for (const item of path) {
    const key = (item as { key: unknown }).key;
    out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  }
  return out || '(settings)';
}

export function validateSettings(input: unknown): Parsed<Settings> {
  const result = v.safeParse(SettingsSchema, input);
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, errors: result.issues.map((i) => `${fieldName(i)}: ${i.message}`) };
}

/** Parses an imported settings file. Nothing is stored unless this returns ok. */
export function importSettings(text: string): Parsed<Settings> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`not JSON: ${(error as Error).message}`] };
  }
  return validateSettings(json);
}

/** Serializes settings for a file or the clipboard. Settings hold no secrets by construction. */
export function exportSettings(settings: Settings): string {
  return `${JSON.stringify(settings, null, 2)}\n`;
}

/** The part of `browser.storage.local` settings need; lets tests pass a plain object. */
export interface StorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

const KEY = 'settings';

/** Stored settings, or defaults when none are stored. A stored document that no longer
 * validates is reported, not silently replaced: the caller shows the errors. */
export async function loadSettings(storage: StorageArea): Promise<Parsed<Settings>> {
  const stored = (await storage.get(KEY))[KEY];
  if (stored === undefined) return { ok: true, value: defaultSettings() };
  return validateSettings(stored);
}

export async function saveSettings(storage: StorageArea, input: unknown): Promise<Parsed<Settings>> {
  const parsed = validateSettings(input);
  if (parsed.ok) await storage.set({ [KEY]: parsed.value });
  return parsed;
}

export const SETTINGS_KEY = KEY;

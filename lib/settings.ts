/**
 * Settings: one validated document, kept in `browser.storage.local` under `settings`.
 * The schema is the documentation of the format (README "Settings"); errors name the field.
 * Secrets (tokens) never live here, so an export can never leak one.
 */
import * as v from 'valibot';

export const KUBERNETES_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'] as const;
export type KubernetesKind = (typeof KUBERNETES_KINDS)[number];

const nonEmpty = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'));
const httpUrl = v.pipe(
  v.string(),
  v.trim(),
  v.url('must be a URL such as https://rancher.example.com'),
  v.regex(/^https?:\/\//, 'must start with http:// or https://'),
  // A trailing slash would double up when paths are appended.
  v.transform((s) => s.replace(/\/+$/, '')),
);
const regexSource = v.pipe(
  v.string(),
  v.check((s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  }, 'must be a valid regular expression'),
);

const StaticCluster = v.strictObject({
  id: nonEmpty,
  name: v.optional(nonEmpty),
  apiBase: httpUrl,
  group: v.optional(v.string()),
});

const OwnerFilter = v.strictObject({
  /** Kubernetes label selector, passed as `labelSelector`: `app.kubernetes.io/part-of=shop`. */
  labelSelector: v.optional(v.string()),
  /** Namespaces to list; empty means all namespaces the session may read. */
  namespaces: v.optional(v.array(nonEmpty), []),
  /** Regular expression a job name must match. */
  namePattern: v.optional(regexSource),
});

const Links = v.strictObject({
  /** Console page of a job; placeholders {cluster} {clusterName} {namespace} {name} {kind} {user}. */
  job: v.optional(v.string()),
  /** The jobs of the person who changed one; usually needs {user}. */
  user: v.optional(v.string()),
});

export const SOURCE_TYPES = ['kubernetes', 'rancher'] as const;

const Source = v.pipe(
  v.strictObject({
    id: v.pipe(
      v.string(),
      v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes'),
    ),
    name: nonEmpty,
    type: v.picklist(SOURCE_TYPES),
    enabled: v.optional(v.boolean(), true),
    /** The console or API server: Rancher's URL for `rancher`. */
    baseUrl: v.optional(httpUrl),
    /** Find clusters through the source (Rancher's cluster list). */
    discovery: v.optional(v.boolean(), true),
    /** Clusters listed by hand; merged with discovered ones. */
    clusters: v.optional(v.array(StaticCluster), []),
    owner: v.optional(OwnerFilter, {}),
    kinds: v.optional(v.array(v.picklist(KUBERNETES_KINDS)), [...KUBERNETES_KINDS]),
    /** Annotation your deploy tooling stamps with the person who made a change. */
    actorAnnotation: v.optional(v.string()),
    /** Field paths whose changes are not worth recording, e.g. `spec.replicas` under an autoscaler. */
    ignoreFields: v.optional(v.array(nonEmpty), []),
    links: v.optional(Links, {}),
  }),
  v.forward(
    v.check(
      (s) => s.type !== 'rancher' || s.baseUrl !== undefined,
      'a rancher source needs the Rancher server URL',
    ),
    ['baseUrl'],
  ),
  v.forward(
    v.check(
      (s) => s.type !== 'kubernetes' || s.clusters.length > 0,
      'a kubernetes source needs at least one cluster',
    ),
    ['clusters'],
  ),
);

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

const origin = v.pipe(
  v.string(),
  v.trim(),
  v.url('must be an origin such as https://alertmanager.example.com'),
  v.regex(/^https?:\/\//, 'must start with http:// or https://'),
  // Permissions and content-script matches are per origin; a path would only mislead.
  v.transform((s) => new URL(s).origin),
);

const PageIntegration = v.strictObject({
  enabled: v.optional(v.boolean(), true),
  /** Extra origins this integration runs on (the user's own Alertmanager, Grafana …). */
  origins: v.optional(v.array(origin), []),
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
  concurrency: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(32)), 6),
  requestTimeoutSec: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(120)), 10),
  retentionDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365)), 30),
  /** Which alert labels name the cluster, namespace and job. */
  labels: v.optional(LabelMapping, {}),
  /** Page integrations by id (lib/pages/registry.ts): on/off and the origins each runs on. */
  pages: v.optional(v.record(v.pipe(v.string(), v.regex(/^[a-z0-9-]+$/)), PageIntegration), {}),
});

export type Settings = v.InferOutput<typeof SettingsSchema>;
export type SettingsInput = v.InferInput<typeof SettingsSchema>;
export type SourceSettings = Settings['sources'][number];
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

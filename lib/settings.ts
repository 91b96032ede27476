/**
 * Settings: one validated document, kept in `browser.storage.local` under `settings`.
 * The schema is the documentation of the format (README "Settings"); errors name the field.
 * Secrets (tokens) never live here, so an export can never leak one.
 */
import * as v from 'valibot';
import { parsePath } from './sources/generic/json-path';

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

/** Why a generic mapping's path cannot be read (json-path.ts's message), or undefined. */
function pathError(path: string): string | undefined {
  try {
    parsePath(path);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

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

export const SOURCE_TYPES = ['kubernetes', 'rancher', 'argocd', 'nomad', 'generic'] as const;
export type SourceTypeName = (typeof SOURCE_TYPES)[number];

/** Argo CD: which applications are ours, beyond the owner filter. */
const ArgoCdOptions = v.strictObject({
  /** Argo CD projects, passed as `projects=`; empty means every project the session may read. */
  projects: v.optional(v.array(nonEmpty), []),
});

/** Nomad: how to list jobs, and how much detail a poll fetches. */
const NomadOptions = v.strictObject({
  /** A Nomad filter expression passed as `filter=`, e.g. `Meta.team == "shop"` (server-side). */
  filter: v.optional(v.string()),
  /**
   * Versions (images, counts, who submitted) are read for jobs submitted within this many hours,
   * or since the last complete poll when that is older. Older jobs use the job list alone, so a
   * poll costs one request per page plus one per recently changed job. See lib/sources/nomad.ts.
   */
  versionsWithinHours: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(24 * 365)), 24),
  /** Periodic and dispatched child jobs (`ParentID` set) come and go by themselves; off by default. */
  includeChildJobs: v.optional(v.boolean(), false),
});

/** A path into a JSON answer, in the syntax of lib/sources/json-path.ts: `data.clusters`, `items[*].name`. */
const jsonPath = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'must not be empty'),
  v.check(
    (s) => pathError(s) === undefined,
    (issue) => pathError(String(issue.input)) ?? 'is not a valid path',
  ),
);

const GenericClusters = v.strictObject({
  /** Lists the clusters: absolute, or relative to the source's baseUrl. */
  url: nonEmpty,
  /** Where the list of clusters is in the answer (`data.clusters`); `$` for a top-level array. */
  list: jsonPath,
  /** Within one cluster: its id, and optionally its display name, API base and group. */
  id: jsonPath,
  name: v.optional(jsonPath),
  apiBase: v.optional(jsonPath),
  group: v.optional(jsonPath),
});

const HEALTH_STATES = ['healthy', 'progressing', 'degraded', 'suspended', 'unknown'] as const;

const GenericJobs = v.strictObject({
  /**
   * Lists one cluster's jobs. Placeholders: {cluster} (the cluster's id), {clusterName},
   * {apiBase} (not encoded: a URL prefix). Absolute, or relative to the source's baseUrl.
   */
  url: nonEmpty,
  list: jsonPath,
  name: jsonPath,
  namespace: v.optional(jsonPath),
  /** The kind shown for these jobs (rows are `kind:namespace/name`). */
  kind: v.optional(nonEmpty, 'Job'),
  /** Tracked fields: field name → path. A path with `[*]` gives a list. */
  fields: v.optional(v.record(nonEmpty, jsonPath), {}),
  changedAt: v.optional(jsonPath),
  changedBy: v.optional(jsonPath),
  /** Names matching this regular expression are automations (CI, bots), not people. */
  automationPattern: v.optional(regexSource),
  /** A number that rises with each change; lets the diff count versions skipped between polls. */
  version: v.optional(jsonPath),
  /** A stable identity of this incarnation (a uid): a new one means deleted and re-created. */
  instance: v.optional(jsonPath),
  /** The job's console page, when the API gives one (links.job, when set, wins). */
  link: v.optional(jsonPath),
  health: v.optional(
    v.strictObject({
      path: jsonPath,
      /** The API's value → Tattler's state; unmapped values are matched by name, else unknown. */
      values: v.optional(v.record(v.string(), v.picklist(HEALTH_STATES)), {}),
    }),
  ),
});

/** A home-grown cluster manager, configured rather than coded (lib/sources/generic.ts). */
const GenericOptions = v.strictObject({
  clusters: v.optional(GenericClusters),
  jobs: GenericJobs,
});

const Source = v.pipe(
  v.strictObject({
    id: v.pipe(
      v.string(),
      v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes'),
    ),
    name: nonEmpty,
    type: v.picklist(SOURCE_TYPES),
    enabled: v.optional(v.boolean(), true),
    /**
     * The console or API server: Rancher's URL for `rancher`, Argo CD's for `argocd`, Nomad's for
     * `nomad`; for `generic`, the base that relative cluster-list and job-list URLs resolve against.
     */
    baseUrl: v.optional(httpUrl),
    /** Find clusters through the source (Rancher's cluster list). */
    discovery: v.optional(v.boolean(), true),
    /** Clusters listed by hand; merged with discovered ones. */
    clusters: v.optional(v.array(StaticCluster), []),
    owner: v.optional(OwnerFilter, {}),
    /**
     * Kubernetes kinds to list (kubernetes, rancher). Ignored by argocd, nomad and generic
     * sources, whose jobs have one kind each (`Application`, `NomadJob`, `generic.jobs.kind`).
     */
    kinds: v.optional(v.array(v.picklist(KUBERNETES_KINDS)), [...KUBERNETES_KINDS]),
    /** Annotation your deploy tooling stamps with the person who made a change. */
    actorAnnotation: v.optional(v.string()),
    /** Field paths whose changes are not worth recording, e.g. `spec.replicas` under an autoscaler. */
    ignoreFields: v.optional(v.array(nonEmpty), []),
    links: v.optional(Links, {}),
    /** Per-type options; each only on a source of that type. */
    argocd: v.optional(ArgoCdOptions),
    nomad: v.optional(NomadOptions),
    generic: v.optional(GenericOptions),
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
  v.forward(
    v.check(
      (s) => s.type !== 'argocd' || s.baseUrl !== undefined,
      'an argocd source needs the Argo CD server URL',
    ),
    ['baseUrl'],
  ),
  v.forward(
    v.check(
      (s) => s.type !== 'nomad' || s.baseUrl !== undefined || s.clusters.length > 0,
      'a nomad source needs the Nomad server URL (or regions listed under clusters)',
    ),
    ['baseUrl'],
  ),
  v.forward(
    v.check((s) => s.type !== 'generic' || s.generic !== undefined, 'a generic source needs its mapping'),
    ['generic'],
  ),
  v.forward(
    v.check(
      (s) => s.type !== 'generic' || s.generic?.clusters !== undefined || s.clusters.length > 0,
      'a generic source needs a cluster list (generic.clusters) or clusters listed by hand',
    ),
    ['clusters'],
  ),
  v.forward(
    v.check(
      (s) => s.type !== 'generic' || s.generic?.clusters === undefined || s.baseUrl !== undefined,
      'a generic source that discovers clusters needs baseUrl',
    ),
    ['baseUrl'],
  ),
  // Label selectors mean something to Kubernetes and Argo CD only; silently ignoring one would
  // watch more jobs than the user asked for.
  v.forward(
    v.check(
      (s) => s.type !== 'nomad' || !s.owner.labelSelector?.trim(),
      'nomad has no label selectors: use nomad.filter (a Nomad filter expression)',
    ),
    ['owner', 'labelSelector'],
  ),
  v.forward(
    v.check(
      (s) => s.type !== 'generic' || !s.owner.labelSelector?.trim(),
      'a generic source has no label selectors: use owner.namespaces or owner.namePattern',
    ),
    ['owner', 'labelSelector'],
  ),
  v.forward(
    v.check(
      (s) => s.argocd === undefined || s.type === 'argocd',
      'only an argocd source takes argocd options',
    ),
    ['argocd'],
  ),
  v.forward(
    v.check((s) => s.nomad === undefined || s.type === 'nomad', 'only a nomad source takes nomad options'),
    ['nomad'],
  ),
  v.forward(
    v.check(
      (s) => s.generic === undefined || s.type === 'generic',
      'only a generic source takes generic options',
    ),
    ['generic'],
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

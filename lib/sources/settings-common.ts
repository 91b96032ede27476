/**
 * What every source's settings have in common, for the per-type schemas (lib/sources/<type>/
 * settings.ts) and lib/settings.ts, which joins them with `v.variant('type', …)`: the shared
 * validators, the fields every source has, and the per-type option blocks only their own type
 * may carry. A type's rules that tie fields together ("a rancher source needs the Rancher server
 * URL") are listed beside its schema and checked once the source has parsed.
 */
import * as v from 'valibot';
import { KUBERNETES_KINDS, type SourceType } from '../model';

export const nonEmpty = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'));

const httpUrl = v.pipe(
  v.string(),
  v.trim(),
  v.url('must be a URL such as https://rancher.example.com'),
  v.regex(/^https?:\/\//, 'must start with http:// or https://'),
  // A trailing slash would double up when paths are appended.
  v.transform((s) => s.replace(/\/+$/, '')),
);

/** An origin (scheme, host, port): `https://alertmanager.example.com`; a path is dropped. */
export const originUrl = v.pipe(
  v.string(),
  v.trim(),
  v.url('must be an origin such as https://alertmanager.example.com'),
  v.regex(/^https?:\/\//, 'must start with http:// or https://'),
  // Permissions, content-script matches and where a session may go are per origin; a path would only mislead.
  v.transform((s) => new URL(s).origin),
);

export const regexSource = v.pipe(
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

/**
 * A Kubernetes annotation key: an optional prefix (a DNS subdomain, at most 253 characters) and
 * `/`, then a name of at most 63 — letters, digits, `-`, `_`, `.`, beginning and ending with a
 * letter or digit (Kubernetes' own rule for label and annotation keys).
 */
const ANNOTATION_KEY =
  /^(?:(?=[a-z0-9.-]{1,253}\/)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\/)?(?=.{1,63}$)[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export const annotationKey = v.pipe(
  v.string(),
  v.trim(),
  v.regex(ANNOTATION_KEY, 'must be an annotation key such as forge.example.com/deploy-id'),
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

/** The fields every source has, whatever its type. */
const COMMON = {
  id: v.pipe(
    v.string(),
    v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes'),
  ),
  name: nonEmpty,
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
  /**
   * Annotation a home-grown manager stamps on the workloads it deploys with its deploy's id
   * (kubernetes, rancher): a change that moves it is traced to that deploy, recorded by the
   * manager's generic source (`generic.jobs.deployId`; lib/identity/cause.ts).
   */
  deployIdAnnotation: v.optional(annotationKey),
  /** Field paths whose changes are not worth recording, e.g. `spec.replicas` under an autoscaler. */
  ignoreFields: v.optional(v.array(nonEmpty), []),
  links: v.optional(Links, {}),
};

/** Per-type option blocks: each only on a source of that type (the type's schema replaces its own). */
const OTHER_TYPES_OPTIONS = {
  argocd: v.optional(v.never('only an argocd source takes argocd options')),
  nomad: v.optional(v.never('only a nomad source takes nomad options')),
  generic: v.optional(v.never('only a generic source takes generic options')),
  apiOrigins: v.optional(v.never('only a generic source takes apiOrigins')),
};

/** The keys of the per-type option blocks. */
export type OptionBlock = keyof typeof OTHER_TYPES_OPTIONS;

/** One source type's schema: the common fields, its literal `type`, and its own entries. */
export function sourceSchema<T extends SourceType, E extends v.ObjectEntries>(type: T, entries: E) {
  const others = Object.fromEntries(
    Object.entries(OTHER_TYPES_OPTIONS).filter(([key]) => !(key in entries)),
  ) as Omit<typeof OTHER_TYPES_OPTIONS, keyof E>;
  // `type` third, as documents have always had it: an exported document keeps its key order.
  const { id, name, ...rest } = COMMON;
  return v.strictObject({ id, name, type: v.literal(type), ...rest, ...others, ...entries } as typeof COMMON &
    typeof others & { type: v.LiteralSchema<T, undefined> } & E);
}

/** A rule that ties a type's fields together, with the field path its message names. */
export interface SourceRule<S> {
  path: readonly string[];
  message: string;
  holds(source: S): boolean;
}

/** Label selectors mean something to Kubernetes and Argo CD only: ignoring one would watch more than asked. */
export const noLabelSelector = <S extends { owner: { labelSelector?: string | undefined } }>(
  message: string,
): SourceRule<S> => ({
  path: ['owner', 'labelSelector'],
  message,
  holds: (s) => !s.owner.labelSelector?.trim(),
});

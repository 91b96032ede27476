/** A generic source: a home-grown cluster manager, configured rather than coded (adapter.ts). */
import * as v from 'valibot';
import {
  noLabelSelector,
  nonEmpty,
  originUrl,
  regexSource,
  type SourceRule,
  sourceSchema,
} from '../settings-common';
import { parsePath } from './json-path';

/** Why a mapping's path cannot be read (json-path.ts's message), or undefined. */
function pathError(path: string): string | undefined {
  try {
    parsePath(path);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A path into a JSON answer, in the syntax of json-path.ts: `data.clusters`, `items[*].name`. */
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
  /**
   * The id of the deploy that last changed the job, as the manager records it: a Kubernetes change
   * that stamped the same id (the Kubernetes source's `deployIdAnnotation`) is traced to it.
   */
  deployId: v.optional(jsonPath),
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

/** The mapping: where the clusters are listed (optional), and where each cluster's jobs are. */
const GenericOptions = v.strictObject({
  clusters: v.optional(GenericClusters),
  jobs: GenericJobs,
});

export const genericSettings = sourceSchema('generic', {
  generic: v.optional(GenericOptions),
  /**
   * Origins besides the base URL's that the cluster list may send Tattler to (a manager whose
   * clusters' APIs live on hosts of their own). A cluster whose API base is on any other origin
   * is listed but never polled: the answer of a server is not a reason to send your session
   * somewhere new.
   */
  apiOrigins: v.optional(v.array(originUrl), []),
});

type GenericSource = v.InferOutput<typeof genericSettings>;

export const genericRules: readonly SourceRule<GenericSource>[] = [
  { path: ['generic'], message: 'a generic source needs its mapping', holds: (s) => s.generic !== undefined },
  {
    path: ['clusters'],
    message: 'a generic source needs a cluster list (generic.clusters) or clusters listed by hand',
    holds: (s) => s.generic?.clusters !== undefined || s.clusters.length > 0,
  },
  {
    path: ['baseUrl'],
    message: 'a generic source that discovers clusters needs baseUrl',
    holds: (s) => s.generic?.clusters === undefined || s.baseUrl !== undefined,
  },
  noLabelSelector<GenericSource>(
    'a generic source has no label selectors: use owner.namespaces or owner.namePattern',
  ),
];

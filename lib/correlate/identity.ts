/**
 * What a page names, before anything is looked up: an alert's labels (or a console row's
 * reserved `tattler/*` labels) → the clusters, namespace, jobs, kind, origin and free words they
 * may name. Runs in content scripts (to keep messages small) and in the background alike.
 */

/** Which labels name the cluster, the namespace and the job (settings.labels). */
export interface LabelMapping {
  cluster: readonly string[];
  namespace: readonly string[];
  job: readonly string[];
}

/**
 * Label keys page integrations use when they know exactly what a page shows (a console's URL),
 * whatever settings.labels says. Alert pages send the alert's own labels.
 */
export const RESERVED = {
  /** A cluster's name or the id its source uses (Rancher's `c-m-abc12`). */
  cluster: 'tattler/cluster',
  namespace: 'tattler/namespace',
  job: 'tattler/job',
  kind: 'tattler/kind',
  /** The console's origin: when no cluster is named, the clusters whose API lives there. */
  origin: 'tattler/origin',
  /** Free words (an incident title): each counts only if it is a known cluster or watched job. */
  words: 'tattler/words',
} as const;

const RESERVED_KEYS = new Set<string>(Object.values(RESERVED));

/** What a subject's labels name, before any lookup. */
export interface SubjectIdentity {
  /** Values that may name a cluster (a name or a native id). */
  clusters: string[];
  namespace?: string;
  /** Candidate job names, most specific first. */
  jobs: string[];
  /** A kind when the label says it (`deployment=` → Deployment). */
  kind?: string;
  origin?: string;
  words: string[];
}

/** Label keys whose name says the kind of job. */
const KIND_OF_LABEL: Record<string, string> = {
  deployment: 'Deployment',
  statefulset: 'StatefulSet',
  daemonset: 'DaemonSet',
  cronjob: 'CronJob',
};

/** A Job a CronJob created carries the schedule time as a suffix: `backup-28391840`. */
const CRONJOB_CHILD = /^(.+)-\d{8,10}$/;

function firstValue(labels: Record<string, string>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = labels[key]?.trim();
    if (value) return value;
  }
  return undefined;
}

export function identityOf(labels: Record<string, string>, mapping: LabelMapping): SubjectIdentity {
  const clusters: string[] = [];
  const jobs: string[] = [];
  let kind: string | undefined;
  const add = (list: string[], value: string | undefined) => {
    if (value && !list.includes(value)) list.push(value);
  };

  add(clusters, labels[RESERVED.cluster]?.trim());
  for (const key of mapping.cluster) add(clusters, labels[key]?.trim());

  const reservedJob = labels[RESERVED.job]?.trim();
  add(jobs, reservedJob);
  if (reservedJob) kind = labels[RESERVED.kind]?.trim() || undefined;
  for (const key of mapping.job) {
    const value = labels[key]?.trim();
    if (!value) continue;
    if (jobs.length === 0 && !kind) kind = KIND_OF_LABEL[key];
    add(jobs, value);
    const parent = CRONJOB_CHILD.exec(value)?.[1];
    if (parent) add(jobs, parent);
  }

  const namespace = labels[RESERVED.namespace]?.trim() || firstValue(labels, mapping.namespace);
  const origin = labels[RESERVED.origin]?.trim() || undefined;
  const words = (labels[RESERVED.words] ?? '').split(/[\s,()[\]]+/).filter((w) => w.length >= 2);
  return {
    clusters,
    jobs,
    words,
    ...(namespace ? { namespace } : {}),
    ...(kind ? { kind } : {}),
    ...(origin ? { origin } : {}),
  };
}

export const namesAnything = (id: SubjectIdentity): boolean =>
  id.clusters.length > 0 || id.jobs.length > 0 || id.origin !== undefined || id.words.length > 0;

/**
 * The labels worth sending to the background: those settings map, and the reserved ones.
 * Keeps messages small (an alert's annotations never travel) and within the schema's limits.
 */
const keySets = new WeakMap<LabelMapping, Set<string>>();

export function relevantLabels(
  labels: Record<string, string>,
  mapping: LabelMapping,
): Record<string, string> {
  let keys = keySets.get(mapping);
  if (!keys) {
    keys = new Set<string>([...mapping.cluster, ...mapping.namespace, ...mapping.job, ...RESERVED_KEYS]);
    keySets.set(mapping, keys);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (keys.has(key) && value.length <= 1024) out[key] = value;
  }
  return out;
}

/**
 * Resolution: what a subject's identity (identity.ts) names among the clusters and jobs Tattler
 * knows — cluster names and native ids, a console's origin, free words that are a known cluster
 * or a watched job. The background's side; pure.
 */
import { identityOf, type LabelMapping, type SubjectIdentity } from './identity';

export interface ClusterRef {
  id: string;
  name: string;
  nativeId: string;
  apiBase: string;
  sourceId: string;
}

/** One way the subject names a cluster (a label's value, a console's origin, a word) and what it resolved to. */
export interface NamedCluster {
  /** As the page named it. */
  label: string;
  /** The known clusters it names: none when Tattler knows no such cluster. */
  ids: string[];
}

export interface ResolvedSubject {
  key: string;
  identity: SubjectIdentity;
  /** Watched clusters the subject names. */
  clusterIds: string[];
  /** Each cluster the subject names, and what it resolved to (several sources may know one cluster). */
  namedClusters: NamedCluster[];
  /** The subject names a cluster at all (perhaps one we don't watch). */
  namesCluster: boolean;
  /** Job names to match, lowercased. */
  jobs: string[];
  /**
   * The watched jobs (row keys) of the services the subject's job names name (answer.ts
   * `serviceRowsOf`): each is the subject's job, whatever its own name, namespace or kind.
   */
  serviceRows?: ReadonlySet<string>;
  startsAt?: number;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Clusters whose API a console at `origin` shows (OpenShift: console.apps.X ↔ api.X). */
export function clustersAtOrigin(origin: string, clusters: readonly ClusterRef[]): ClusterRef[] {
  const target = originOf(origin);
  if (!target) return [];
  const host = new URL(target).hostname;
  const openshift = /^console-openshift-console\.apps\.(.+)$/.exec(host)?.[1];
  return clusters.filter((c) => {
    const api = originOf(c.apiBase);
    if (!api) return false;
    if (api === target) return true;
    return openshift !== undefined && new URL(api).hostname === `api.${openshift}`;
  });
}

/** Clusters by lowercased name, native id and id (and identity name: see `indexClusters`). */
export type ClusterIndex = ReadonlyMap<string, readonly ClusterRef[]>;

/**
 * One place seen through several sources (lib/identity/clusters.ts): each cluster's id → every
 * cluster of its identity, and the identity's name. A subject naming one names them all.
 */
export type SameAs = ReadonlyMap<string, { name: string; refs: readonly ClusterRef[] }>;

/** Every cluster of the identities of these (each once, in order). */
export function expandSame(refs: readonly ClusterRef[], sameAs: SameAs | undefined): ClusterRef[] {
  if (!sameAs) return [...refs];
  const out = new Map<string, ClusterRef>();
  for (const r of refs) for (const s of sameAs.get(r.id)?.refs ?? [r]) out.set(s.id, s);
  return [...out.values()];
}

export function indexClusters(clusters: readonly ClusterRef[], sameAs?: SameAs): ClusterIndex {
  const byName = new Map<string, ClusterRef[]>();
  for (const c of clusters) {
    const names = [c.name, c.nativeId, c.id, sameAs?.get(c.id)?.name ?? c.name];
    for (const n of new Set(names.map((x) => x.toLowerCase()))) {
      const list = byName.get(n) ?? [];
      list.push(c);
      byName.set(n, list);
    }
  }
  if (sameAs) for (const [n, refs] of byName) byName.set(n, expandSame(refs, sameAs));
  return byName;
}

export function resolveSubject(
  subject: { key: string; labels: Record<string, string>; startsAt?: number },
  mapping: LabelMapping,
  clusters: readonly ClusterRef[],
  watchedJobNames: ReadonlySet<string>,
  byName: ClusterIndex = indexClusters(clusters),
  sameAs?: SameAs,
): ResolvedSubject {
  const identity = identityOf(subject.labels, mapping);
  const lower = (s: string) => s.toLowerCase();
  const ids = new Set<string>();
  const namedClusters: NamedCluster[] = [];
  const name = (label: string, refs: readonly ClusterRef[]) => {
    for (const c of refs) ids.add(c.id);
    namedClusters.push({ label, ids: refs.map((c) => c.id) });
  };
  for (const value of identity.clusters) name(value, byName.get(lower(value)) ?? []);
  let namesCluster = identity.clusters.length > 0;
  if (!namesCluster && identity.origin) {
    const atOrigin = expandSame(clustersAtOrigin(identity.origin, clusters), sameAs);
    if (atOrigin.length > 0) name(identity.origin, atOrigin);
    namesCluster = atOrigin.length > 0;
  }
  const jobs = identity.jobs.map(lower);
  for (const word of identity.words) {
    const w = lower(word);
    const named = byName.get(w);
    if (named) {
      name(word, named);
      namesCluster = true;
    } else if (watchedJobNames.has(w) && !jobs.includes(w)) {
      jobs.push(w);
    }
  }
  return {
    key: subject.key,
    identity,
    clusterIds: [...ids],
    namedClusters,
    namesCluster,
    jobs,
    ...(subject.startsAt !== undefined ? { startsAt: subject.startsAt } : {}),
  };
}

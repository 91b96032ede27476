/**
 * Cluster identity across sources: which of the clusters Tattler knows — each one source's view,
 * `${sourceId}/${nativeId}` — are the same place. Rancher's `prod-eu-1`, the Argo CD destination
 * that deploys into it and the home-grown registry's entry for it are one column in the grid and
 * one cluster to an alert. Pure; the rules, in order (README "Cluster identity"):
 *
 * 1. Aliases (settings `clusterAliases`): every cluster an alias matches — by id, name, native id
 *    or API address — is one identity, named as the alias says. A cluster an alias claims is
 *    joined by name to nothing else (rule 3), so an alias also splits a wrong name match.
 * 2. Same Kubernetes API address: Rancher's proxy URL (`https://rancher/k8s/clusters/<id>`), a
 *    static Kubernetes cluster's API base and an Argo CD destination's `server` name the API they
 *    reach; the same URL is the same cluster. Compared as URLs: scheme and host in any case, a
 *    default port or trailing slashes make no difference; the path is compared exactly.
 * 3. Same name, for a cluster that has no API address of its own (a home-grown registry's entry,
 *    read through the manager): it joins the one identity with an address and that name (any
 *    case). Two such identities — the same name on two different servers — are ambiguous, and
 *    it joins neither: a name is a weak claim, an address a strong one.
 *
 * Nomad regions are not Kubernetes clusters: only an alias joins them to one.
 */
import type { Cluster, SourceType } from '../model';
import type { Settings } from '../settings';

export interface ClusterAlias {
  /** What the column and the answers call the identity. */
  name: string;
  /** Cluster ids (`source/native`), names, native ids or API addresses, any case. */
  match: readonly string[];
}

export interface IdentityRules {
  /** Each source's type, by source id: what a cluster's fields mean depends on it. */
  sourceTypes: Readonly<Record<string, SourceType>>;
  aliases?: readonly ClusterAlias[];
}

/** Why a cluster is in its identity, for the column's tooltip and the tests. */
export type JoinReason = 'alias' | 'address' | 'name';

export interface ClusterIdentity {
  /** Stable while the membership's first cluster stays: that cluster's id. */
  id: string;
  name: string;
  /** Most telling source first (Rancher, Kubernetes, Argo CD, registries, Nomad), then by id. */
  members: Cluster[];
  /** Set when an alias made it. */
  alias?: string;
  /** How each member other than the first was joined, by cluster id. */
  joined: Record<string, JoinReason>;
}

/** The rules as settings give them: each source's type, and the user's aliases. */
export const identityRulesOf = (settings: Pick<Settings, 'sources' | 'clusterAliases'>): IdentityRules => ({
  sourceTypes: Object.fromEntries(settings.sources.map((s) => [s.id, s.type])),
  aliases: settings.clusterAliases,
});

/** Whose name and group an identity takes: the sources that know the cluster best first. */
const TYPE_RANK: Record<SourceType, number> = { rancher: 0, kubernetes: 1, argocd: 2, generic: 3, nomad: 4 };

/** A Kubernetes API URL, compared as the same API: lower-case scheme and host, no default port, no trailing slash. */
export function normalAddress(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

/**
 * The Kubernetes API a cluster is reached at, as another source would name it; none where the
 * source reads the cluster through something else (a registry's manager, Nomad).
 */
export function addressOf(cluster: Cluster, type: SourceType | undefined): string | undefined {
  switch (type) {
    case 'argocd':
      return normalAddress(cluster.nativeId);
    case 'rancher':
    case 'kubernetes':
      return normalAddress(cluster.apiBase);
    default:
      return undefined;
  }
}

function byRank(types: IdentityRules['sourceTypes']) {
  const rank = (c: Cluster) => TYPE_RANK[types[c.sourceId] ?? 'generic'];
  return (a: Cluster, b: Cluster) => rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Union–find over cluster indexes. */
function unions(n: number) {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] as number;
    while (parent[i] !== r) {
      const next = parent[i] as number;
      parent[i] = r;
      i = next;
    }
    return r;
  };
  const join = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  return { find, join };
}

/** Whether `ref` (as a user writes it in an alias) names the cluster. */
function aliasMatches(ref: string, cluster: Cluster, address: string | undefined): boolean {
  const r = ref.trim().toLowerCase();
  if (!r) return false;
  if (
    r === cluster.id.toLowerCase() ||
    r === cluster.name.toLowerCase() ||
    r === cluster.nativeId.toLowerCase()
  )
    return true;
  const asAddress = normalAddress(ref);
  return asAddress !== undefined && address !== undefined && asAddress === address;
}

export interface Identities {
  identities: ClusterIdentity[];
  /** Cluster id → its identity. */
  byCluster: ReadonlyMap<string, ClusterIdentity>;
}

export function clusterIdentities(clusters: readonly Cluster[], rules: IdentityRules): Identities {
  const types = rules.sourceTypes;
  const list = [...clusters].sort(byRank(types));
  const addresses = list.map((c) => addressOf(c, types[c.sourceId]));
  const { find, join } = unions(list.length);
  const reason = new Map<number, JoinReason>();
  const aliasOfRoot = new Map<number, string>();
  const claimed = new Set<number>();

  // 1. Aliases.
  for (const alias of rules.aliases ?? []) {
    let first: number | undefined;
    list.forEach((c, i) => {
      if (!alias.match.some((ref) => aliasMatches(ref, c, addresses[i]))) return;
      claimed.add(i);
      if (first === undefined) first = i;
      else {
        join(first, i);
        reason.set(i, 'alias');
      }
    });
    if (first !== undefined) aliasOfRoot.set(first, alias.name);
  }

  // 2. The same API address.
  const byAddress = new Map<string, number>();
  addresses.forEach((address, i) => {
    if (address === undefined) return;
    const seen = byAddress.get(address);
    if (seen === undefined) byAddress.set(address, i);
    else {
      if (find(seen) !== find(i)) reason.set(i, 'address');
      join(seen, i);
    }
  });

  // 3. A cluster without an address joins the one addressed identity of its name.
  const addressedRootsByName = new Map<string, Set<number>>();
  list.forEach((c, i) => {
    if (addresses[i] === undefined) return;
    const key = c.name.toLowerCase();
    const roots = addressedRootsByName.get(key) ?? new Set<number>();
    roots.add(find(i));
    addressedRootsByName.set(key, roots);
  });
  list.forEach((c, i) => {
    if (addresses[i] !== undefined || claimed.has(i) || types[c.sourceId] === 'nomad') return;
    const roots = addressedRootsByName.get(c.name.toLowerCase());
    if (roots?.size !== 1) return;
    const [root] = roots as Set<number>;
    join(root as number, i);
    reason.set(i, 'name');
  });

  // Alias names carry over to whichever index ends up the root.
  const aliasByRoot = new Map<number, string>();
  for (const [i, name] of aliasOfRoot) if (!aliasByRoot.has(find(i))) aliasByRoot.set(find(i), name);

  const groups = new Map<number, number[]>();
  list.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  const identities: ClusterIdentity[] = [];
  const byCluster = new Map<string, ClusterIdentity>();
  for (const [root, indexes] of groups) {
    const members = indexes.map((i) => list[i] as Cluster);
    const first = members[0] as Cluster;
    const alias = aliasByRoot.get(root);
    const joined: Record<string, JoinReason> = {};
    for (const i of indexes.slice(1)) joined[(list[i] as Cluster).id] = reason.get(i) ?? 'address';
    const identity: ClusterIdentity = {
      id: first.id,
      name: alias ?? first.name,
      members,
      joined,
      ...(alias ? { alias } : {}),
    };
    identities.push(identity);
    for (const m of members) byCluster.set(m.id, identity);
  }
  return { identities, byCluster };
}

/** The group an identity's column sits in: its first member's that has one. */
export const groupOf = (identity: ClusterIdentity): string | undefined =>
  identity.members.find((m) => m.group)?.group;

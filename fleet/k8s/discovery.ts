/**
 * Discovery documents: what a client (kubectl, client-go) reads first to learn which groups,
 * versions and resources the cluster serves. Only what the fleet serves is advertised, with the
 * verbs it answers (it is read-only).
 */
import type { ClusterInfo } from '../scenario/topology';
import { hash32 } from '../sim/prng';
import { RESOURCES } from './types';

const GROUPS = ['apps', 'batch'] as const;

export function apiVersions(): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.43.0.1:443' }],
  };
}

const groupDoc = (name: string) => ({
  name,
  versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
  preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
});

export function apiGroupList(): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: GROUPS.map(groupDoc) };
}

export function apiGroup(name: string): unknown | undefined {
  return (GROUPS as readonly string[]).includes(name)
    ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(name) }
    : undefined;
}

const storageVersionHash = (s: string): string =>
  `${Buffer.from(hash32(s).toString(16).padStart(8, '0'), 'hex').toString('base64')}AAA=`;

/** APIResourceList for `v1`, `apps/v1` or `batch/v1`; undefined for anything else. */
export function apiResourceList(groupVersion: string): unknown | undefined {
  const resources = RESOURCES.filter((r) => r.groupVersion === groupVersion);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.flatMap((r) => {
      const main = {
        name: r.plural,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['get', 'list'],
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
        ...(r.kind !== 'Namespace' ? { categories: ['all'] } : {}),
        storageVersionHash: storageVersionHash(`${groupVersion}/${r.plural}`),
      };
      const status = {
        name: `${r.plural}/status`,
        singularName: '',
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['get'],
      };
      return [main, status];
    }),
  };
}

export function versionInfo(cluster: ClusterInfo): unknown {
  const [, minor = '29'] = /^v\d+\.(\d+)/.exec(cluster.k8sVersion) ?? [];
  return {
    major: '1',
    minor,
    gitVersion: cluster.k8sVersion,
    gitCommit: hash32(cluster.k8sVersion).toString(16).padStart(8, '0').repeat(5),
    gitTreeState: 'clean',
    buildDate: '2024-04-17T19:41:52Z',
    goVersion: 'go1.21.9',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

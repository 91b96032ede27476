import { describe, expect, it } from 'vitest';
import { addressOf, clusterIdentities, type IdentityRules, normalAddress } from '../lib/identity/clusters';
import type { Cluster } from '../lib/model';
import { cluster } from './builders';

const NOW = Date.UTC(2026, 0, 5, 12);
const RANCHER = 'https://rancher.example';

const types: IdentityRules['sourceTypes'] = {
  rancher: 'rancher',
  argocd: 'argocd',
  forge: 'generic',
  static: 'kubernetes',
  nomad: 'nomad',
};

/** Rancher's view of a downstream cluster: its proxy URL is its API. */
const rancher = (id: string, name: string) =>
  cluster('rancher', id, NOW, { name, apiBase: `${RANCHER}/k8s/clusters/${id}` });
/** Argo CD's view: native id = the destination server; its API base is Argo CD itself. */
const argo = (server: string, name: string) =>
  cluster('argocd', server, NOW, { name, apiBase: 'https://argocd.example' });
/** A home-grown registry's entry: read through the manager, no Kubernetes API of its own. */
const forge = (id: string, name: string) =>
  cluster('forge', id, NOW, { name, apiBase: `https://forge.example/api/v2/clusters/${id}` });

const groupsOf = (clusters: Cluster[], rules: Partial<IdentityRules> = {}) =>
  clusterIdentities(clusters, { sourceTypes: types, ...rules })
    .identities.map((i) => i.members.map((m) => m.id).sort())
    .sort((a, b) => (a[0] as string).localeCompare(b[0] as string));

describe('normalAddress', () => {
  it('treats scheme and host case, a default port and trailing slashes as the same API', () => {
    expect(normalAddress('HTTPS://Rancher.Example:443/k8s/clusters/c-m-1/')).toBe(
      'https://rancher.example/k8s/clusters/c-m-1',
    );
    expect(normalAddress('https://10.20.0.1:6443')).toBe('https://10.20.0.1:6443');
  });
  it('keeps the path as it is, and refuses what is not an http(s) URL', () => {
    expect(normalAddress('https://rancher.example/k8s/clusters/C-M-1')).not.toBe(
      normalAddress('https://rancher.example/k8s/clusters/c-m-1'),
    );
    expect(normalAddress('prod-eu-1')).toBeUndefined();
    expect(normalAddress('ftp://x.example/')).toBeUndefined();
  });
  it('knows which field is the API address for each source type', () => {
    expect(addressOf(argo('https://k.example/', 'x'), 'argocd')).toBe('https://k.example');
    expect(addressOf(rancher('c-m-1', 'x'), 'rancher')).toBe(`${RANCHER}/k8s/clusters/c-m-1`);
    expect(addressOf(forge('c-101', 'x'), 'generic')).toBeUndefined();
  });
});

describe('clusterIdentities', () => {
  it('joins an Argo CD destination to the Rancher cluster whose proxy URL it names', () => {
    const r = rancher('c-m-abc', 'prod-eu-1');
    const a = argo(`${RANCHER}/k8s/clusters/c-m-abc`, 'c-m-abc');
    const { identities, byCluster } = clusterIdentities([a, r], { sourceTypes: types });
    expect(identities).toHaveLength(1);
    const id = byCluster.get(a.id);
    expect(id?.name).toBe('prod-eu-1');
    expect(id?.id).toBe(r.id);
    expect(id?.members.map((m) => m.sourceId)).toEqual(['rancher', 'argocd']);
    expect(id?.joined).toEqual({ [a.id]: 'address' });
  });

  it('joins a destination written with a trailing slash or another case in the host', () => {
    const r = rancher('c-m-abc', 'prod-eu-1');
    const a = argo('https://RANCHER.example/k8s/clusters/c-m-abc/', 'prod-eu-1');
    expect(groupsOf([r, a])).toEqual([[a.id, r.id].sort()]);
  });

  it('keeps the same display name on different servers apart', () => {
    const r = rancher('c-m-abc', 'prod-eu-1');
    const a = argo('https://10.20.0.1:6443', 'prod-eu-1');
    expect(groupsOf([r, a])).toEqual([[a.id], [r.id]]);
  });

  it('joins a static Kubernetes cluster whose API base is the same proxy URL', () => {
    const r = rancher('c-m-abc', 'prod-eu-1');
    const s = cluster('static', 'eu1', NOW, { name: 'eu1', apiBase: `${RANCHER}/k8s/clusters/c-m-abc/` });
    expect(groupsOf([r, s])).toEqual([[r.id, s.id].sort()]);
  });

  it('joins a registry entry without an API address by its name, when one identity has that name', () => {
    const r = rancher('c-m-abc', 'prod-eu-1');
    const a = argo(`${RANCHER}/k8s/clusters/c-m-abc`, 'prod-eu-1');
    const f = forge('c-101', 'PROD-EU-1');
    const { byCluster } = clusterIdentities([r, a, f], { sourceTypes: types });
    expect(byCluster.get(f.id)?.id).toBe(r.id);
    expect(byCluster.get(f.id)?.joined[f.id]).toBe('name');
  });

  it('joins a registry entry to neither when its name is on two different servers', () => {
    const r = rancher('c-m-abc', 'prod-eu-1');
    const a = argo('https://10.20.0.1:6443', 'prod-eu-1');
    const f = forge('c-101', 'prod-eu-1');
    expect(groupsOf([r, a, f])).toEqual([[a.id], [f.id], [r.id]]);
  });

  it('never joins a Nomad region by name', () => {
    const r = rancher('c-m-abc', 'eu-west');
    const n = cluster('nomad', 'eu-west', NOW, { name: 'eu-west', apiBase: 'https://nomad.example' });
    expect(groupsOf([r, n])).toEqual([[n.id], [r.id]]);
  });

  it('does not take a shared manager URL for an address', () => {
    // Two registry entries read through one manager URL are two clusters.
    const f1 = cluster('forge', 'a', NOW, { name: 'a', apiBase: 'https://forge.example' });
    const f2 = cluster('forge', 'b', NOW, { name: 'b', apiBase: 'https://forge.example' });
    expect(groupsOf([f1, f2])).toEqual([[f1.id], [f2.id]]);
  });

  it('lets an alias join what the rules cannot, and name the identity', () => {
    const r = rancher('c-m-abc', 'prod-eu-1');
    const a = argo('https://10.20.0.1:6443', 'eu-prod');
    const n = cluster('nomad', 'eu-west', NOW, { name: 'eu-west', apiBase: 'https://nomad.example' });
    const { byCluster, identities } = clusterIdentities([r, a, n], {
      sourceTypes: types,
      aliases: [{ name: 'Europe 1', match: ['prod-eu-1', 'https://10.20.0.1:6443/', 'NOMAD/eu-west'] }],
    });
    expect(identities).toHaveLength(1);
    expect(byCluster.get(n.id)?.name).toBe('Europe 1');
    expect(byCluster.get(n.id)?.alias).toBe('Europe 1');
    expect(byCluster.get(a.id)?.joined[a.id]).toBe('alias');
  });

  it('lets an alias split a registry entry from a name match', () => {
    const r = rancher('c-m-abc', 'prod-eu-1');
    const f = forge('c-101', 'prod-eu-1');
    expect(groupsOf([r, f])).toEqual([[f.id, r.id].sort()]);
    const split = groupsOf([r, f], { aliases: [{ name: 'legacy prod-eu-1', match: ['forge/c-101'] }] });
    expect(split).toEqual([[f.id], [r.id]]);
  });

  it('is the same whatever order the clusters come in', () => {
    const r = rancher('c-m-abc', 'prod-eu-1');
    const a = argo(`${RANCHER}/k8s/clusters/c-m-abc`, 'x');
    const f = forge('c-101', 'prod-eu-1');
    const one = clusterIdentities([r, a, f], { sourceTypes: types }).byCluster.get(f.id);
    const two = clusterIdentities([f, a, r], { sourceTypes: types }).byCluster.get(f.id);
    expect(two?.id).toBe(one?.id);
    expect(two?.members.map((m) => m.id)).toEqual(one?.members.map((m) => m.id));
  });
});

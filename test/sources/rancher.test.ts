import { describe, expect, it } from 'vitest';
import { createHttp, PollError } from '../../lib/http';
import {
  discoverRancher,
  isWatchable,
  parseClusterCollection,
  type SteveCluster,
} from '../../lib/sources/rancher/adapter';
import { groupFromLabels as groupOf } from '../../lib/sources/shared';
import { FakeKubeApi, fixture, makeSource } from './helpers';

interface Collection {
  data: SteveCluster[];
  [key: string]: unknown;
}

describe('discoverRancher', () => {
  it('lists every cluster that is up or has been (a disconnected one too), with name, API base and group', async () => {
    const api = new FakeKubeApi();
    const { clusters, bytes } = await discoverRancher(createHttp({ fetch: api.fetch }), makeSource());
    expect(api.requests.map((u) => u.href)).toEqual([
      'https://rancher.example.com/v1/management.cattle.io.clusters',
    ]);
    expect(clusters).toEqual([
      { nativeId: 'local', name: 'local', apiBase: 'https://rancher.example.com/k8s/clusters/local' },
      {
        nativeId: 'c-m-abc12',
        name: 'prod-eu-1',
        apiBase: 'https://rancher.example.com/k8s/clusters/c-m-abc12',
        group: 'prod/eu-west-1',
      },
      {
        nativeId: 'c-m-def34',
        name: 'staging-us',
        apiBase: 'https://rancher.example.com/k8s/clusters/c-m-def34',
        group: 'staging/us-east-1',
      },
      {
        nativeId: 'c-m-gh567',
        name: 'prod-ap-1',
        apiBase: 'https://rancher.example.com/k8s/clusters/c-m-gh567',
        group: 'prod/ap-southeast-1',
      },
      {
        nativeId: 'c-m-ij890',
        name: 'c-m-ij890',
        apiBase: 'https://rancher.example.com/k8s/clusters/c-m-ij890',
        group: 'ap-south-1',
      },
      {
        nativeId: 'c-xyz99',
        name: 'old-dev',
        apiBase: 'https://rancher.example.com/k8s/clusters/c-xyz99',
        group: 'dev',
      },
    ]);
    expect(bytes).toBe(JSON.stringify(fixture('rancher/clusters.json')).length);
  });

  it('leaves out a cluster Rancher is removing, the local one included', async () => {
    const clusters = fixture<Collection>('rancher/clusters.json');
    const local = clusters.data.find((c) => c.id === 'local');
    if (!local?.metadata.state) throw new Error('fixture changed');
    local.metadata.state.name = 'removing';
    const api = new FakeKubeApi({ clusters });
    const found = await discoverRancher(createHttp({ fetch: api.fetch }), makeSource());
    expect(found.clusters.map((c) => c.nativeId)).not.toContain('local');
  });

  it('keeps a Rancher path prefix in both the request and the API bases', async () => {
    const api = new FakeKubeApi();
    const { clusters } = await discoverRancher(
      createHttp({ fetch: api.fetch }),
      makeSource({ baseUrl: 'https://tools.example.com/rancher/' }),
    );
    expect(api.requests[0]?.pathname).toBe('/rancher/v1/management.cattle.io.clusters');
    expect(clusters[1]?.apiBase).toBe('https://tools.example.com/rancher/k8s/clusters/c-m-abc12');
  });

  it('asks nothing when the source has discovery turned off', async () => {
    const api = new FakeKubeApi();
    expect(await discoverRancher(createHttp({ fetch: api.fetch }), makeSource({ discovery: false }))).toEqual(
      {
        clusters: [],
        bytes: 0,
      },
    );
    expect(api.requests).toHaveLength(0);
  });

  it('follows a Steve continue token', async () => {
    const all = fixture<Collection>('rancher/clusters.json');
    const pages = [
      { ...all, data: all.data.slice(0, 3), continue: 'tok-1' },
      { ...all, data: all.data.slice(3) },
    ];
    const urls: string[] = [];
    const fetch = async (input: string) => {
      urls.push(input);
      const page = new URL(input).searchParams.get('continue') === 'tok-1' ? pages[1] : pages[0];
      return new Response(JSON.stringify(page), { headers: { 'content-type': 'application/json' } });
    };
    const { clusters } = await discoverRancher(createHttp({ fetch }), makeSource());
    expect(urls[1]).toBe('https://rancher.example.com/v1/management.cattle.io.clusters?continue=tok-1');
    expect(clusters.map((c) => c.nativeId)).toEqual([
      'local',
      'c-m-abc12',
      'c-m-def34',
      'c-m-gh567',
      'c-m-ij890',
      'c-xyz99',
    ]);
  });

  it('rejects a Kubernetes List or items without ids as the wrong shape', () => {
    const url = 'https://rancher.example.com/v1/management.cattle.io.clusters';
    const attempt = (body: unknown) => () => parseClusterCollection(body, url);
    expect(attempt({ kind: 'ClusterList', items: [] })).toThrow(
      'unexpected shape: no data array (not a Steve collection) from /v1/management.cattle.io.clusters',
    );
    expect(attempt({ data: [{ metadata: {} }] })).toThrow('data[0] has no id');
    expect(attempt({ data: [{ id: 'c-1' }] })).toThrow('data[0] has no metadata');
    expect(attempt('collection')).toThrow(PollError);
  });
});

describe('isWatchable and groupOf', () => {
  const cluster = (metadata: SteveCluster['metadata'], status?: SteveCluster['status']): SteveCluster => ({
    id: 'c',
    metadata,
    status,
  });

  it('watches what is up or was up; not what is still provisioning or being removed', () => {
    expect(isWatchable(cluster({ state: { name: 'active' } }))).toBe(true);
    expect(isWatchable(cluster({ state: { name: 'unavailable' } }))).toBe(true);
    expect(isWatchable(cluster({ state: { name: 'updating' } }))).toBe(true);
    expect(isWatchable(cluster({ state: { name: 'provisioning' } }))).toBe(false);
    expect(isWatchable(cluster({ state: { name: 'removing' } }))).toBe(false);
    expect(
      isWatchable(cluster({ state: { name: 'active' }, deletionTimestamp: '2025-01-01T00:00:00Z' })),
    ).toBe(false);
    expect(isWatchable(cluster({}, { conditions: [{ type: 'Ready', status: 'True' }] }))).toBe(true);
    expect(isWatchable(cluster({}, { conditions: [{ type: 'Ready', status: 'False' }] }))).toBe(true);
    expect(isWatchable(cluster({}, { conditions: [{ type: 'Ready', status: 'Unknown' }] }))).toBe(false);
    expect(isWatchable(cluster({}))).toBe(false);
  });

  it('joins the first environment label and the first region label', () => {
    expect(
      groupOf({ environment: 'prod', env: 'x', region: 'eu', 'topology.kubernetes.io/region': 'y' }),
    ).toBe('prod/eu');
    expect(groupOf({ env: 'dev', 'topology.kubernetes.io/region': 'us' })).toBe('dev/us');
    expect(groupOf({ env: 'dev' })).toBe('dev');
    expect(groupOf({ environment: '', region: 'eu' })).toBe('eu');
    expect(groupOf({ other: 'x' })).toBeUndefined();
    expect(groupOf(undefined)).toBeUndefined();
  });
});

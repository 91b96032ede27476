/**
 * Which adapter serves which source type. The watcher looks adapters up here and knows nothing
 * else about cluster APIs.
 */
import type { SourceSettings } from '../settings';
import { argocdAdapter } from './argocd/adapter';
import { genericAdapter } from './generic/adapter';
import { kubernetesAdapter, pollKubernetes } from './kubernetes/adapter';
import { nomadAdapter } from './nomad/adapter';
import { discoverRancher } from './rancher/adapter';
import type { SourceAdapter } from './types';

/** Rancher finds the clusters; each is then an ordinary Kubernetes API behind Rancher's proxy. */
export const rancherAdapter: SourceAdapter = {
  discover: discoverRancher,
  poll: pollKubernetes,
};

export const ADAPTERS: Readonly<Record<SourceSettings['type'], SourceAdapter>> = {
  kubernetes: kubernetesAdapter,
  rancher: rancherAdapter,
  argocd: argocdAdapter,
  nomad: nomadAdapter,
  generic: genericAdapter,
};

export function adapterFor(type: SourceSettings['type']): SourceAdapter {
  return ADAPTERS[type];
}

/**
 * Which adapter serves which source type. The watcher looks adapters up here and knows nothing
 * else about cluster APIs.
 */
import type { SourceSettings } from '../settings';
import { argocdAdapter } from './argocd';
import { genericAdapter } from './generic';
import { confirmKubernetesGone, kubernetesAdapter, pollKubernetes } from './kubernetes';
import { nomadAdapter } from './nomad';
import { discoverRancher } from './rancher';
import type { SourceAdapter } from './types';

/** Rancher finds the clusters; each is then an ordinary Kubernetes API behind Rancher's proxy. */
export const rancherAdapter: SourceAdapter = {
  discover: discoverRancher,
  poll: pollKubernetes,
  confirmGone: confirmKubernetesGone,
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

/**
 * Which adapter serves which source type: one per type, a full Record, so a type without an
 * adapter does not compile. The watcher looks adapters up here and knows nothing else about
 * cluster APIs. (What else each type brings — settings schema, form — is catalog.ts's, kept
 * apart because content scripts load the schemas and must not load fetching code.)
 */
import type { SourceType } from '../model';
import { argocdAdapter } from './argocd/adapter';
import { genericAdapter } from './generic/adapter';
import { kubernetesAdapter } from './kubernetes/adapter';
import { nomadAdapter } from './nomad/adapter';
import { rancherAdapter } from './rancher/adapter';
import type { SourceAdapter } from './types';

export const ADAPTERS: Readonly<Record<SourceType, SourceAdapter>> = {
  kubernetes: kubernetesAdapter,
  rancher: rancherAdapter,
  argocd: argocdAdapter,
  nomad: nomadAdapter,
  generic: genericAdapter,
};

export function adapterFor(type: SourceType): SourceAdapter {
  return ADAPTERS[type];
}

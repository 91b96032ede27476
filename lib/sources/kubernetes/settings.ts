/** A kubernetes source: Kubernetes API bases listed by hand (direct, a Rancher proxy, OpenShift's console). */
import type * as v from 'valibot';
import { type SourceRule, sourceSchema } from '../settings-common';

export const kubernetesSettings = sourceSchema('kubernetes', {});

export const kubernetesRules: readonly SourceRule<v.InferOutput<typeof kubernetesSettings>>[] = [
  {
    path: ['clusters'],
    message: 'a kubernetes source needs at least one cluster',
    holds: (s) => s.clusters.length > 0,
  },
];

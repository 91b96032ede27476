/** A rancher source: clusters from Rancher's cluster list, each polled through its /k8s/clusters/<id> proxy. */
import type * as v from 'valibot';
import { type SourceRule, sourceSchema } from '../settings-common';

export const rancherSettings = sourceSchema('rancher', {});

export const rancherRules: readonly SourceRule<v.InferOutput<typeof rancherSettings>>[] = [
  {
    path: ['baseUrl'],
    message: 'a rancher source needs the Rancher server URL',
    holds: (s) => s.baseUrl !== undefined,
  },
];

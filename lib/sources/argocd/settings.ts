/** An argocd source: Argo CD's destination clusters and the applications that target them. */
import * as v from 'valibot';
import { nonEmpty, type SourceRule, sourceSchema } from '../settings-common';

/** Argo CD: which applications are ours, beyond the owner filter. */
const ArgoCdOptions = v.strictObject({
  /** Argo CD projects, passed as `projects=`; empty means every project the session may read. */
  projects: v.optional(v.array(nonEmpty), []),
});

export const argocdSettings = sourceSchema('argocd', { argocd: v.optional(ArgoCdOptions) });

export const argocdRules: readonly SourceRule<v.InferOutput<typeof argocdSettings>>[] = [
  {
    path: ['baseUrl'],
    message: 'an argocd source needs the Argo CD server URL',
    holds: (s) => s.baseUrl !== undefined,
  },
];

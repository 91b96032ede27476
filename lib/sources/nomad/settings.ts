/** A nomad source: Nomad's regions and their jobs, read with an ACL token kept apart from settings. */
import * as v from 'valibot';
import { noLabelSelector, type SourceRule, sourceSchema } from '../settings-common';

/** Nomad: how to list jobs, and how much detail a poll fetches. */
const NomadOptions = v.strictObject({
  /** A Nomad filter expression passed as `filter=`, e.g. `Meta.team == "shop"` (server-side). */
  filter: v.optional(v.string()),
  /**
   * Versions (images, counts, who submitted) are read for jobs submitted within this many hours,
   * or since the last complete poll when that is older. Older jobs use the job list alone, so a
   * poll costs one request per page plus one per recently changed job. See adapter.ts.
   */
  versionsWithinHours: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(24 * 365)), 24),
  /** Periodic and dispatched child jobs (`ParentID` set) come and go by themselves; off by default. */
  includeChildJobs: v.optional(v.boolean(), false),
});

export const nomadSettings = sourceSchema('nomad', { nomad: v.optional(NomadOptions) });

type NomadSource = v.InferOutput<typeof nomadSettings>;

export const nomadRules: readonly SourceRule<NomadSource>[] = [
  {
    path: ['baseUrl'],
    message: 'a nomad source needs the Nomad server URL (or regions listed under clusters)',
    holds: (s) => s.baseUrl !== undefined || s.clusters.length > 0,
  },
  noLabelSelector<NomadSource>('nomad has no label selectors: use nomad.filter (a Nomad filter expression)'),
];

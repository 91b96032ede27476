/**
 * Nomad's own memory of a job: `GET /v1/job/<id>/versions?diffs=true` answers the versions it
 * still tracks (the last `JobTrackedVersions`, 6 by default), newest first, each a full Job with
 * its `Version`, `SubmitTime` (ns), `JobModifyIndex` and the submitting token's accessor id
 * (`NomadTokenID`); `Diffs[i]` compares `Versions[i]` with `Versions[i+1]`.
 *
 * Each is a version on the `version` axis, with everything a snapshot built from versions has
 * (lib/sources/nomad/normalize.ts), its own time, its submitter's token and what Nomad says it
 * changed. A job stored from the list alone (no details) is placed by its stored version token
 * (`j<JobModifyIndex>:…`, from `PollContext.known`): the version with that index is the "before"
 * of its first change. What cannot be recovered: versions past the tracked count, and who a
 * token belongs to (Nomad names an accessor id, not a person).
 */
import type { FieldValue, JobHistory, PastVersion } from '../../model';
import { arr, num, rec } from '../shared';
import {
  type NomadStub,
  type NomadVersions,
  nanosToMs,
  stubFields,
  summarizeDiff,
  tokenActor,
  versionFields,
} from './normalize';

/** `j1450:healthy` → 1450: the JobModifyIndex a stored Nomad snapshot was at. */
const modifyIndexOf = (token: string | undefined): number | undefined => {
  const m = token ? /^j(\d+):/.exec(token) : null;
  return m ? Number(m[1]) : undefined;
};

export function historyOf(versions: NomadVersions, storedToken?: string): JobHistory | undefined {
  const diffs = arr(versions.Diffs);
  const storedIndex = modifyIndexOf(storedToken);
  const out: JobHistory = { axis: 'version', versions: [] };
  arr(versions.Versions).forEach((item, i) => {
    const job = rec(item);
    const version = num(job?.Version);
    if (!job || version === undefined) return;
    const fields: Record<string, FieldValue> = stubFields(job as NomadStub);
    versionFields(job, fields);
    const past: PastVersion = { version, fields, from: `Nomad version ${version}` };
    const at = nanosToMs(job.SubmitTime);
    if (at !== undefined) past.at = at;
    const actor = tokenActor(job.NomadTokenID);
    if (actor) past.actor = actor;
    const cause = summarizeDiff(diffs[i]);
    if (cause) past.changeCause = cause;
    out.versions.push(past);
    if (storedIndex !== undefined && num(job.JobModifyIndex) === storedIndex) out.base = version;
  });
  return out.versions.length ? out : undefined;
}

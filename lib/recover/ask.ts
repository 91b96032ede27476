/**
 * Pure: which jobs' history is worth its requests (a Deployment's ReplicaSets, a StatefulSet's
 * ControllerRevisions cost a list per namespace). At first sight, every job's: that is history
 * from day zero. Afterwards only a job whose revision moved by more than one since the stored
 * snapshot — a revision in between came and went unseen. A job that moved by one, or not at all,
 * has nothing to recover.
 *
 * A StatefulSet or DaemonSet does not carry its revision: only its history says it. Its history
 * is therefore read whenever its generation moved (a template edit always moves it), and again
 * while a read could not say the revision because the controller had not yet observed the spec.
 * Between those reads the revision is carried over (carryRevision).
 */
import type { JobSnapshot } from '../model';

export function wantsHistory(prev: JobSnapshot | undefined, curr: JobSnapshot, baseline: boolean): boolean {
  if (baseline) return true;
  if (!prev || prev.instance !== curr.instance) return false;
  if (curr.revision === undefined) {
    const generationMoved = prev.version !== curr.version;
    const revisionStillUnknown = prev.revision === undefined && (prev.health.lag ?? 0) > 0;
    return generationMoved || revisionStillUnknown;
  }
  return prev.revision !== undefined && curr.revision - prev.revision > 1;
}

/** The jobs of a poll whose history to read; `prevOf` gives the stored snapshot of a moved job. */
export function jobsWantingHistory(
  jobs: readonly JobSnapshot[],
  prevOf: (key: string) => JobSnapshot | undefined,
  baseline: boolean,
): JobSnapshot[] {
  return jobs.filter((job) => wantsHistory(prevOf(job.key), job, baseline));
}

/**
 * The revision a job whose object does not carry one (StatefulSet, DaemonSet) is at, when its
 * history was not read this poll: the stored one, as long as the generation did not move (the
 * template, and so the revision, cannot change without it).
 */
export function carryRevision(prev: JobSnapshot | undefined, curr: JobSnapshot): number | undefined {
  if (curr.revision !== undefined || prev?.revision === undefined) return curr.revision;
  return prev.instance === curr.instance && prev.version === curr.version ? prev.revision : undefined;
}

/**
 * Pure: which jobs' history is worth its requests (a Deployment's ReplicaSets cost a list per
 * namespace). At first sight, every job's: that is history from day zero. Afterwards only a job
 * whose revision moved by more than one since the stored snapshot — a revision in between came
 * and went unseen. A job that moved by one, or not at all, has nothing to recover.
 */
import type { JobSnapshot } from '../model';

export function wantsHistory(prev: JobSnapshot | undefined, curr: JobSnapshot, baseline: boolean): boolean {
  if (baseline) return true;
  if (!prev || prev.instance !== curr.instance) return false;
  return prev.revision !== undefined && curr.revision !== undefined && curr.revision - prev.revision > 1;
}

/** The jobs of a poll whose history to read; `prevOf` gives the stored snapshot of a moved job. */
export function jobsWantingHistory(
  jobs: readonly JobSnapshot[],
  prevOf: (key: string) => JobSnapshot | undefined,
  baseline: boolean,
): JobSnapshot[] {
  return jobs.filter((job) => wantsHistory(prevOf(job.key), job, baseline));
}

/**
 * The background's side of the page integrations: answers `correlate`, `correlate-groups` and `watched-jobs`
 * requests from IndexedDB. Reads only, in two steps — the clusters and watched jobs' row keys (to
 * resolve what the subjects name), then the changes and poll runs since the earliest window and
 * the clusters where the named jobs are watched (index keys only) —
 * and leaves the rest to the pure answer.ts. The background (entrypoints/background/service.ts)
 * hands it every request it does not answer itself.
 */
import { changesBetween, pollRunsSince, type TattlerDb } from '../db';
import type { Request } from '../messages';
import { flattenGroups, summariseGroups } from '../pages/group-summary';
import type { Settings } from '../settings';
import { buildAnswer, planAnswer, rowKeyParts, type Subject, type WatchedJob } from './answer';
import { type CorrelateOptions, DEFAULT_OPTIONS } from './rank';
import { staleAfterMs } from './sight';
import type { CorrelateAnswer } from './wire';

export type { CorrelateAnswer } from './wire';

export interface WatchedJobsAnswer {
  /** Names of the jobs Tattler watches, unique, sorted. */
  names: string[];
}

const MAX_NAMES = 5000;
/** Ranked changes kept per member of a group before the merge trims the group's to the limit. */
const GROUP_MEMBER_LIMIT = 500;

/** Row keys (`kind:namespace/name`) of every watched job, from the index alone. */
function watchedRowKeys(db: TattlerDb): Promise<string[]> {
  return db.jobs.orderBy('rowKey').uniqueKeys() as Promise<string[]>;
}

/** Names of watched jobs, from the index of row keys (`kind:namespace/name`) only. */
export async function watchedJobNames(db: TattlerDb): Promise<string[]> {
  const names = new Set<string>();
  for (const rowKey of await watchedRowKeys(db)) names.add(rowKeyParts(rowKey).name);
  return [...names].sort().slice(0, MAX_NAMES);
}

/** Where each of these jobs is watched: the clusters of their snapshots, from the index alone. */
async function watchedJobsOf(db: TattlerDb, rowKeys: readonly string[]): Promise<WatchedJob[]> {
  if (rowKeys.length === 0) return [];
  const out: WatchedJob[] = [];
  await db.jobs
    .where('rowKey')
    .anyOf(rowKeys as string[])
    .eachKey((key, cursor) => {
      const rowKey = key as string;
      const primary = cursor.primaryKey as string;
      // The primary key is `${clusterId}|${rowKey}` (model.ts jobKeyOf).
      out.push({ clusterId: primary.slice(0, primary.length - rowKey.length - 1), rowKey });
    });
  return out;
}

export interface AnswerOptions extends Partial<CorrelateOptions> {}

export async function answerCorrelate(
  db: TattlerDb,
  settings: Settings,
  subjects: readonly Subject[],
  now: number,
  options: AnswerOptions = {},
): Promise<CorrelateAnswer> {
  const o: CorrelateOptions = { ...DEFAULT_OPTIONS, ...options };
  const [clusters, rowKeys] = await Promise.all([db.clusters.toArray(), watchedRowKeys(db)]);
  const plan = planAnswer(settings, subjects, clusters, rowKeys, now, o);
  const [changes, runs, watchedJobs] =
    plan.from === undefined
      ? [[], [], []]
      : await Promise.all([
          changesBetween(db, plan.from, Number.POSITIVE_INFINITY),
          // From a little earlier: a failing run that ended just before the window still hid
          // the cluster until the next good poll.
          pollRunsSince(db, plan.from - staleAfterMs(settings.pollIntervalSec)),
          watchedJobsOf(db, plan.rowKeys),
        ]);
  return buildAnswer(plan, changes, runs, watchedJobs, settings, now, o);
}

/** The background's handler for the page integrations' requests; undefined for requests it does not own. */
export function handlePageRequest(
  request: Request,
  db: TattlerDb,
  settings: Settings,
  now: number,
): Promise<unknown> | undefined {
  switch (request.type) {
    case 'correlate':
      return answerCorrelate(db, settings, request.subjects, now);
    case 'correlate-groups':
      // Every member as an ordinary subject, ranked in full so that the merge counts right.
      return answerCorrelate(db, settings, flattenGroups(request.groups), now, {
        limit: GROUP_MEMBER_LIMIT,
      }).then((answer) => summariseGroups(answer, request.groups));
    case 'watched-jobs':
      return watchedJobNames(db).then((names): WatchedJobsAnswer => ({ names }));
    default:
      return undefined;
  }
}

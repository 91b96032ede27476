/**
 * The background's side of the page integrations: answers `correlate`, `correlate-groups` and `watched-jobs`
 * requests from IndexedDB. Reads only, in two steps — the clusters and watched job names (to
 * resolve what the subjects name), then the changes and poll runs since the earliest window —
 * and leaves the rest to the pure answer.ts. The background (entrypoints/background/service.ts)
 * hands it every request it does not answer itself.
 */
import { pollRunsSince, type TattlerDb } from '../db';
import type { Request } from '../messages';
import { flattenGroups, summariseGroups } from '../pages/group-summary';
import type { Settings } from '../settings';
import { changesBetween } from '../store/changes';
import { presentRowKeys } from '../store/presence';
import { buildAnswer, planAnswer, type Subject } from './answer';
import { type CorrelateOptions, DEFAULT_OPTIONS } from './rank';
import type { CorrelateAnswer } from './wire';

export type { CorrelateAnswer } from './wire';

export interface WatchedJobsAnswer {
  /** Names of the jobs Tattler watches, unique, sorted. */
  names: string[];
}

const MAX_NAMES = 5000;
/** Ranked changes kept per member of a group before the merge trims the group's to the limit. */
const GROUP_MEMBER_LIMIT = 500;

/** Names of watched jobs, from the index of row keys (`kind:namespace/name`) only. */
export async function watchedJobNames(db: TattlerDb): Promise<string[]> {
  const rowKeys = await presentRowKeys(db);
  const names = new Set<string>();
  for (const rowKey of rowKeys) {
    const slash = rowKey.lastIndexOf('/');
    if (slash >= 0) names.add(rowKey.slice(slash + 1));
  }
  return [...names].sort().slice(0, MAX_NAMES);
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
  const [clusters, watched] = await Promise.all([db.clusters.toArray(), watchedJobNames(db)]);
  const plan = planAnswer(settings, subjects, clusters, watched, now, o);
  const [changes, runs] =
    plan.from === undefined
      ? [[], []]
      : await Promise.all([
          changesBetween(db, plan.from, Number.POSITIVE_INFINITY),
          pollRunsSince(db, plan.from),
        ]);
  return buildAnswer(plan, changes, runs, settings, now, o);
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

/**
 * The background's side of the page integrations: answers `correlate`, `correlate-groups` and `watched-jobs`
 * requests from IndexedDB. Reads only, in two steps — the clusters and where each job runs (the
 * cluster states: to resolve what the subjects name, to group jobs into services by their links,
 * and to say where a named job is watched),
 * then the changes and poll runs since the earliest window — and leaves the rest to the pure answer.ts. The background (entrypoints/background/service.ts)
 * hands it every request it does not answer itself.
 */
import { pollRunsSince, type TattlerDb } from '../db';
import { isOperation, syncLookup } from '../identity/cause';
import { serviceIdentities } from '../identity/services';
import type { Request } from '../messages';
import { flattenGroups, summariseGroups } from '../pages/group-summary';
import type { Settings } from '../settings';
import { changesBetween } from '../store/changes';
import { watchedRows } from '../store/presence';
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

/**
 * Names of watched jobs, from the row keys (`kind:namespace/name`) of the cluster states, and of
 * the services they make (lib/identity/services.ts): a runbook naming `storefront` names its jobs.
 */
export async function watchedJobNames(
  db: TattlerDb,
  settings: Pick<Settings, 'serviceRules'> = { serviceRules: [] },
): Promise<string[]> {
  const { where, links } = await watchedRows(db);
  const names = new Set<string>();
  for (const rowKey of where.keys()) names.add(rowKeyParts(rowKey).name);
  const jobs = [...where.keys()].map((rowKey) => {
    const l = links.get(rowKey);
    return l ? { rowKey, links: l } : { rowKey };
  });
  for (const service of serviceIdentities(jobs, settings.serviceRules).services) names.add(service.name);
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
  // Where each job runs, from the cluster states in one read: the names resolve what the
  // subjects name, the clusters say where a named job is watched.
  const [clusters, { where, links }] = await Promise.all([db.clusters.toArray(), watchedRows(db)]);
  const plan = planAnswer(settings, subjects, clusters, [...where.keys()], now, o, links);
  const watchedJobs: WatchedJob[] = plan.rowKeys.flatMap((rowKey) =>
    (where.get(rowKey) ?? []).map((clusterId) => ({ clusterId, rowKey })),
  );
  const [changes, runs] =
    plan.from === undefined
      ? [[], []]
      : await Promise.all([
          changesBetween(db, plan.from, Number.POSITIVE_INFINITY),
          // From a little earlier: a failing run that ended just before the window still hid
          // the cluster until the next good poll.
          pollRunsSince(db, plan.from - staleAfterMs(settings.pollIntervalSec)),
        ]);
  // A sync recorded just before the window may have caused a change within it: read it too.
  const span = syncLookup(changes);
  const syncs =
    span && plan.from !== undefined && span[0] < plan.from
      ? (await changesBetween(db, span[0], plan.from)).filter(isOperation)
      : [];
  return buildAnswer(plan, changes, runs, watchedJobs, settings, now, o, syncs);
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
      return watchedJobNames(db, settings).then((names): WatchedJobsAnswer => ({ names }));
    default:
      return undefined;
  }
}

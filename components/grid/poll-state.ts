/**
 * The state of polling, for the popup header: when the last pass ran, how many clusters are ok,
 * failing or waiting for a login, and where to log in. Derived from the poll runs in the
 * database (live, and right even when the background is asleep), completed by the background's
 * `status` answer when it gives one.
 */
import { safeHttpUrl } from '../../lib/links';
import type { PassSummary, StatusAnswer } from '../../lib/messages';
import type { Cluster, PollRun } from '../../lib/model';

export interface Login {
  sourceId: string;
  url: string;
}

export interface Failure {
  target: string;
  name: string;
  status: PollRun['status'];
  message?: string;
}

export interface PollState {
  lastPassAt?: number;
  running: boolean;
  ok: number;
  /** Unreachable, error or partial. */
  failing: number;
  /** Their session is missing: a login fixes them. */
  auth: number;
  /** Listed, never polled yet. */
  pending: number;
  logins: Login[];
  /** Latest failing run of each cluster or discovery source, for the details. */
  failures: Failure[];
  /** The last pass could not write its history ("history could not be written: storage full"). */
  storageError?: string;
}

export function pollState(
  clusters: readonly Cluster[],
  polls: readonly PollRun[],
  status?: StatusAnswer,
  /** The last pass's summary as stored, for when the background has not answered (yet). */
  stored?: PassSummary,
): PollState {
  const last = status?.last ?? stored;
  const latest = new Map<string, PollRun>();
  let lastRunAt: number | undefined;
  for (const run of polls) {
    const seen = latest.get(run.target);
    if (!seen || run.to > seen.to) latest.set(run.target, run);
    if (lastRunAt === undefined || run.to > lastRunAt) lastRunAt = run.to;
  }
  const state: PollState = {
    running: status?.running ?? false,
    ok: 0,
    failing: 0,
    auth: 0,
    pending: 0,
    logins: [],
    failures: [],
  };
  const lastPassAt = last?.finishedAt ?? lastRunAt;
  if (lastPassAt !== undefined) state.lastPassAt = lastPassAt;
  if (last?.storageError) state.storageError = last.storageError;

  const loginUrls = new Set<string>();
  const addLogin = (sourceId: string, raw: string | undefined) => {
    const url = safeHttpUrl(raw);
    if (!url || loginUrls.has(url)) return;
    loginUrls.add(url);
    state.logins.push({ sourceId, url });
  };
  const noteFailure = (target: string, name: string, run: PollRun) => {
    const f: Failure = { target, name, status: run.status };
    if (run.message) f.message = run.message;
    state.failures.push(f);
    if (run.status === 'auth') addLogin(run.sourceId, run.loginUrl);
  };

  for (const cluster of clusters) {
    if (cluster.goneSince !== undefined) continue;
    const run = latest.get(cluster.id);
    if (!run) state.pending++;
    else if (run.status === 'ok') state.ok++;
    else {
      if (run.status === 'auth') state.auth++;
      else state.failing++;
      noteFailure(cluster.id, cluster.name, run);
    }
  }
  // A discovery source that fails hides clusters we do not know about yet: worth a line too.
  for (const [target, run] of latest) {
    if (target.startsWith('discovery:') && run.status !== 'ok') noteFailure(target, target, run);
  }
  for (const login of last?.logins ?? []) addLogin(login.sourceId, login.url);
  return state;
}

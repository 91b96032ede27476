/**
 * Coverage: runs of consecutive polls with one outcome (see PollRun in model.ts). A poll with
 * the same outcome as the target's latest run extends it; any other starts a new run.
 * Call inside a transaction that includes `db.polls`.
 */
import type { TattlerDb } from './db';
import type { PollRun, PollStatus } from './model';

export interface PollOutcome {
  target: string;
  sourceId: string;
  status: PollStatus;
  at: number;
  message?: string;
  loginUrl?: string;
}

export async function recordPoll(db: TattlerDb, o: PollOutcome): Promise<void> {
  const last = await db.polls
    .where('[target+to]')
    .between([o.target, -Infinity], [o.target, Infinity])
    .last();
  if (last && last.status === o.status && last.message === o.message && last.to <= o.at) {
    await db.polls.update(last.id as number, { to: o.at, count: last.count + 1 });
    return;
  }
  const run: PollRun = {
    target: o.target,
    sourceId: o.sourceId,
    status: o.status,
    from: o.at,
    to: o.at,
    count: 1,
  };
  if (o.message) run.message = o.message;
  if (o.loginUrl) run.loginUrl = o.loginUrl;
  await db.polls.add(run);
}

/** The latest run of every target: the current state of each cluster and discovery source. */
export async function latestRuns(db: TattlerDb): Promise<Map<string, PollRun>> {
  const out = new Map<string, PollRun>();
  await db.polls.orderBy('to').each((run) => {
    out.set(run.target, run);
  });
  return out;
}

/**
 * Could Tattler see a cluster through the window it looked at? A "nothing changed" is only as
 * good as the polls behind it, so every moment of the window that no good poll covers is named:
 *
 *   - before Tattler first saw the cluster: its first poll is a baseline, so nothing before it
 *     is known (a fresh install, a cluster that joined the fleet mid-window);
 *   - failed polls: from the first failed poll until the next poll that answered — a failing
 *     run that a good poll ended is *recovered*: that poll compared the job's state with the last
 *     good one, so what changed was caught, only its time (and a change undone within the gap)
 *     was lost;
 *   - no poll at all lately (the browser was closed, the extension off, the cluster left
 *     discovery): nothing after the last poll is known.
 *
 * Coverage comes from the poll runs lib/coverage.ts records. Pure.
 */
import type { Cluster, PollRun, PollStatus } from '../model';

/** Why a stretch of the window could not be seen. */
export type UnseenReason =
  | Exclude<PollStatus, 'ok'>
  /** Tattler had not polled the cluster yet. */
  | 'not-watched-yet'
  /** No poll happened (browser or extension off). */
  | 'not-polled'
  /** Discovery no longer lists the cluster; it is not polled. */
  | 'gone';

export interface Unseen {
  /** Unseen time within the window. */
  ms: number;
  /** The first and last unseen moments within the window. */
  from: number;
  to: number;
  /** Why, for the latest unseen stretch. */
  reason: UnseenReason;
  /** The latest failing poll's message, exactly as recorded ("401 on /k8s/…"). */
  message?: string;
  /** Every unseen stretch ended with a good poll: changes were caught, their times are less certain. */
  recovered?: boolean;
}

interface Span {
  from: number;
  to: number;
  reason: UnseenReason;
  message?: string;
  recovered: boolean;
}

/** How long without a poll before the cluster counts as not seen: two poll intervals and a minute. */
export const staleAfterMs = (pollIntervalSec: number): number => 2 * pollIntervalSec * 1000 + 60_000;

/**
 * The unseen part of [from, min(to, now)] for one cluster, or undefined when good polls covered
 * all of it. `runs`: the cluster's poll runs that overlap the window (more are ignored).
 */
export function unseenIn(
  cluster: Pick<Cluster, 'firstSeen' | 'lastOkPoll' | 'goneSince'>,
  runs: readonly PollRun[],
  from: number,
  to: number,
  now: number,
  staleMs: number,
): Unseen | undefined {
  const end = Math.min(to, now);
  if (end <= from) return undefined;
  const spans: Span[] = [];
  const lastOk = cluster.lastOkPoll;
  if (cluster.firstSeen > from || lastOk === undefined) {
    // Until the first good poll, Tattler knew nothing of the cluster's jobs.
    const firstGood = runs.find((r) => r.status === 'ok')?.from;
    spans.push({
      from,
      to: lastOk === undefined ? end : Math.max(cluster.firstSeen, firstGood ?? cluster.firstSeen),
      reason: 'not-watched-yet',
      recovered: false,
    });
  }
  const sorted = [...runs].sort((a, b) => a.from - b.from || a.to - b.to);
  let lastPoll = lastOk ?? Number.NEGATIVE_INFINITY;
  sorted.forEach((run, i) => {
    lastPoll = Math.max(lastPoll, run.to);
    if (run.status === 'ok') return;
    // Unseen from the first failed poll until the next poll that answered, or until now.
    const next = sorted.slice(i + 1).find((r) => r.status === 'ok');
    spans.push({
      from: run.from,
      to: next ? next.from : end,
      reason: run.status as Exclude<PollStatus, 'ok'>,
      ...(run.message ? { message: run.message } : {}),
      recovered: next !== undefined,
    });
  });
  if (lastOk !== undefined && end - lastPoll > staleMs) {
    const gone = cluster.goneSince !== undefined && cluster.goneSince <= end;
    spans.push({ from: lastPoll, to: end, reason: gone ? 'gone' : 'not-polled', recovered: false });
  }
  return summarise(spans, from, end);
}

/** The spans clipped to [from, end] and merged: the time they cover, and the latest one's reason. */
function summarise(spans: readonly Span[], from: number, end: number): Unseen | undefined {
  const clipped = spans
    .map((s) => ({ ...s, from: Math.max(s.from, from), to: Math.min(s.to, end) }))
    .filter((s) => s.to > s.from)
    .sort((a, b) => a.from - b.from);
  if (clipped.length === 0) return undefined;
  let ms = 0;
  let reach = Number.NEGATIVE_INFINITY;
  for (const s of clipped) {
    const start = Math.max(s.from, reach);
    if (s.to > start) ms += s.to - start;
    reach = Math.max(reach, s.to);
  }
  const latest = clipped.reduce((a, b) => (b.to > a.to || (b.to === a.to && b.from > a.from) ? b : a));
  const out: Unseen = {
    ms,
    from: (clipped[0] as Span).from,
    to: reach,
    reason: latest.reason,
  };
  if (latest.message) out.message = latest.message;
  if (clipped.every((s) => s.recovered)) out.recovered = true;
  return out;
}

/**
 * Messages other parts of the extension send to the background, and their answers.
 * The background validates every message against these schemas and answers only the
 * extension's own contexts (entrypoints/background/service.ts); a page can never reach it.
 */
import * as v from 'valibot';

const Labels = v.record(v.pipe(v.string(), v.maxLength(1024)), v.pipe(v.string(), v.maxLength(4096)));

/** One thing on a page that may name a watched job: an alert's labels, or a console row. */
export const PageSubject = v.strictObject({
  /** Caller's handle for matching answers to elements. */
  key: v.pipe(v.string(), v.maxLength(256)),
  labels: Labels,
  /** When the alert started (epoch ms); absent on consoles. */
  startsAt: v.optional(v.number()),
});
export type PageSubject = v.InferOutput<typeof PageSubject>;

/** Alerts in one message, counted over every group: as many as `correlate` takes subjects. */
export const MAX_GROUP_ALERTS = 2000;

/**
 * Alerts a page shows as one element (a collapsed Alertmanager group, a folded Prometheus rule):
 * answered with one result that sums up theirs (lib/pages/group-summary.ts).
 */
export const PageGroup = v.strictObject({
  key: v.pipe(v.string(), v.maxLength(256)),
  members: v.pipe(
    v.array(v.strictObject({ labels: Labels, startsAt: v.optional(v.number()) })),
    v.minLength(1),
    v.maxLength(MAX_GROUP_ALERTS),
  ),
});
export type PageGroup = v.InferOutput<typeof PageGroup>;

export const Request = v.variant('type', [
  /** Run a pass now (the popup's "Poll now"). */
  v.strictObject({ type: v.literal('poll-now') }),
  /** Is a pass running, and how did the last one go. */
  v.strictObject({ type: v.literal('status') }),
  /** Changes that may explain what a page shows (content scripts). */
  v.strictObject({
    type: v.literal('correlate'),
    subjects: v.pipe(v.array(PageSubject), v.maxLength(2000)),
  }),
  /** One summary per group of alerts (collapsed groups on alert pages). */
  v.strictObject({
    type: v.literal('correlate-groups'),
    groups: v.pipe(
      v.array(PageGroup),
      v.maxLength(500),
      v.check(
        (groups) => groups.reduce((n, g) => n + g.members.length, 0) <= MAX_GROUP_ALERTS,
        `at most ${MAX_GROUP_ALERTS} alerts in all`,
      ),
    ),
  }),
  /** Names of the jobs Tattler watches (the generic page integration finds them in page text). */
  v.strictObject({ type: v.literal('watched-jobs') }),
]);
export type Request = v.InferOutput<typeof Request>;

export interface PassSummary {
  startedAt: number;
  finishedAt: number;
  clusters: { ok: number; auth: number; unreachable: number; error: number; partial: number; gone: number };
  changes: number;
  bytes: number;
  /** Where to log in, for sources whose session is missing. */
  logins: { sourceId: string; url: string }[];
  /**
   * Set when this pass could not write to IndexedDB ("history could not be written: storage
   * full"). Nothing was lost: the polls that could not be written are polled again.
   */
  storageError?: string;
  /**
   * Clusters this pass did not ask about (lib/pace.ts): quiet ones whose turn has not come, and
   * ones held back — by a host that asked to wait (429), a backoff after 5xx, or a host's
   * request budget spent. Not gaps: their next poll covers the time.
   */
  paced?: { quiet: number; held: number; overBudget: number };
}

/** Why "Poll now" did not start a pass of its own; `message` is said to the person who pressed it. */
export interface NotStarted {
  /**
   * joined: a pass was already running, and the answer is its result; lease: another pass
   * holds the lease (`until`); settings: the stored settings are invalid; failed: the pass
   * threw before it could finish.
   */
  code: 'joined' | 'lease' | 'settings' | 'failed';
  message: string;
  until?: number;
}

export interface StatusAnswer {
  running: boolean;
  last?: PassSummary;
  /** On the answer to "poll-now" when it did not start a pass: why. */
  notStarted?: NotStarted;
}

export function parseRequest(message: unknown): Request | undefined {
  const r = v.safeParse(Request, message);
  return r.success ? r.output : undefined;
}

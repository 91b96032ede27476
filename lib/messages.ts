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
}

export interface StatusAnswer {
  running: boolean;
  last?: PassSummary;
}

export function parseRequest(message: unknown): Request | undefined {
  const r = v.safeParse(Request, message);
  return r.success ? r.output : undefined;
}

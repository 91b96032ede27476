/**
 * How far a cluster's clock is from the browser's, from the `Date` header of its answers.
 *
 * Reported times ("last changed at" in managedFields, Argo CD's deployedAt, Nomad's SubmitTime)
 * are on the cluster's clock; a poll's window is on the browser's. A cluster a few seconds behind
 * makes every freshly reported time look older than the window, i.e. "the actor may belong to an
 * earlier change" — wrongly. So every answer's `Date` is compared with the moment it was sent and
 * received, and reported times are read through the median offset of a cluster's answers.
 *
 * `Date` has whole seconds (RFC 9110: truncated), so the server's time lies in [date, date + 1 s):
 * the middle of that second is the estimate, good to about ±0.5 s plus half the round trip.
 */
import type { GetOptions, Http, JsonResponse } from './http';

export interface ClockSample {
  url: string;
  /** Server clock minus browser clock, ms. */
  offsetMs: number;
}

export interface ClockBook {
  /** The median offset of the answers from URLs under `base`, or undefined when none had a Date. */
  offsetFor(base: string): number | undefined;
  readonly samples: readonly ClockSample[];
}

/** One sample from one answer, or undefined when it carries no usable Date. */
export function sampleOffset(date: string | null, sentAt: number, receivedAt: number): number | undefined {
  if (!date) return undefined;
  const t = Date.parse(date);
  if (!Number.isFinite(t)) return undefined;
  return Math.round(t + 500 - (sentAt + receivedAt) / 2);
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : Math.round(((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2);
};

/**
 * An `Http` that notes the clock offset of every answer it passes on. One per pass, shared by all
 * of its clusters (adapters may share one answer between clusters of a pass, keyed by the Http).
 */
export function withClockBook(http: Http, now: () => number): { http: Http; book: ClockBook } {
  const samples: ClockSample[] = [];
  const measured: Http = {
    async getJson<T = unknown>(url: string, options?: GetOptions): Promise<JsonResponse<T>> {
      const sentAt = now();
      const res = await http.getJson<T>(url, options);
      const offsetMs = sampleOffset(res.headers.get('date'), sentAt, now());
      if (offsetMs !== undefined) samples.push({ url, offsetMs });
      return res;
    },
  };
  const book: ClockBook = {
    samples,
    offsetFor(base) {
      const prefix = base.replace(/\/+$/, '');
      const mine = samples
        .filter((s) => s.url === prefix || s.url.startsWith(`${prefix}/`) || s.url.startsWith(`${prefix}?`))
        .map((s) => s.offsetMs);
      return mine.length ? median(mine) : undefined;
    },
  };
  return { http: measured, book };
}

/**
 * One pass's manners per API host, wrapped around its Http: at most `hostConcurrency` requests in
 * flight to one origin (however many clusters and adapters share it), nothing at all to a host
 * that asked to wait (a 429 before this pass, or one met during it), and a count of the requests
 * each host was sent, against which the watcher checks the pass's budget before it starts a poll.
 * The policy (who is due, how long to wait) is lib/pace.ts; this file only enforces it.
 */
import { type Http, PollError, pathOf } from './http';
import { originOf, type PacePolicy } from './pace';

export interface HostGate {
  /** The pass's Http, with the host rules applied. */
  http: Http;
  /** Whether a poll of a cluster reached at `apiBase` may start: its host is not held, and has budget left. */
  admit(apiBase: string): boolean;
  /** Until when a host is held, if it is. */
  heldUntil(url: string): number | undefined;
  /** Requests sent to each host so far. */
  sent(): ReadonlyMap<string, number>;
}

class Slots {
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async take(): Promise<void> {
    if (this.inFlight < this.limit) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  give(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.inFlight--;
  }
}

export function createHostGate(
  inner: Http,
  options: { policy: PacePolicy; holds?: ReadonlyMap<string, number>; now: () => number },
): HostGate {
  const { policy, now } = options;
  const holds = new Map(options.holds ?? []);
  const slots = new Map<string, Slots>();
  const sent = new Map<string, number>();

  const heldUntil = (url: string): number | undefined => {
    const until = holds.get(originOf(url));
    return until !== undefined && until > now() ? until : undefined;
  };

  /** Not sent: the host asked for quiet. The poll fails as if it had been refused itself. */
  const refuse = (url: string, until: number): PollError => {
    const error = new PollError(
      'error',
      `429 Too Many Requests from ${originOf(url)} earlier in this pass: not asking ${pathOf(url)} before ${new Date(until).toISOString()}`,
      url,
      undefined,
      429,
    );
    error.retryAfterMs = until - now();
    return error;
  };

  const http: Http = {
    async getJson(url, opts) {
      const host = originOf(url);
      const held = heldUntil(url);
      if (held !== undefined) throw refuse(url, held);
      let gate = slots.get(host);
      if (!gate) {
        gate = new Slots(Math.max(1, policy.hostConcurrency));
        slots.set(host, gate);
      }
      await gate.take();
      try {
        // Again: a 429 may have come while this request waited for its turn.
        const since = heldUntil(url);
        if (since !== undefined) throw refuse(url, since);
        sent.set(host, (sent.get(host) ?? 0) + 1);
        try {
          return await inner.getJson(url, opts);
        } catch (error) {
          if (error instanceof PollError && error.httpStatus === 429) {
            const wait = Math.min(policy.maxHoldMs, error.retryAfterMs ?? policy.passMs);
            holds.set(host, Math.max(holds.get(host) ?? 0, now() + wait));
          }
          throw error;
        }
      } finally {
        gate.give();
      }
    },
  };

  return {
    http,
    admit: (apiBase) =>
      heldUntil(apiBase) === undefined && (sent.get(originOf(apiBase)) ?? 0) < policy.hostBudget,
    heldUntil,
    sent: () => sent,
  };
}

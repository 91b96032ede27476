/**
 * Injected faults: the next N requests to one cluster's API (or to cluster discovery) go wrong in
 * a chosen way, so the extension's handling of each poll outcome can be exercised on demand.
 * `429` is the API server's priority-and-fairness refusal (or Rancher's own, for discovery):
 * `Retry-After` in whole seconds, at least 1.
 */
import type { ServerResponse } from 'node:http';

export const FAULT_KINDS = ['slow', '500', '429', 'login-page', 'truncated', 'down'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Where a fault applies: a cluster id, or Rancher's cluster list. */
export const DISCOVERY = 'discovery';

export interface Fault {
  target: string;
  kind: FaultKind;
  /** Requests still to be affected. */
  remaining: number;
  /** For `slow`: delay before answering; for `429`: the wait its Retry-After asks for. */
  ms: number;
}

export class Faults {
  private faults: Fault[] = [];

  add(target: string, kind: FaultKind, count = 1, ms = 3000): Fault {
    if (!FAULT_KINDS.includes(kind))
      throw new Error(`unknown fault kind "${kind}"; known: ${FAULT_KINDS.join(', ')}`);
    if (!Number.isInteger(count) || count < 1) throw new Error('count must be a positive integer');
    if (!Number.isFinite(ms) || ms < 0) throw new Error('ms must be a non-negative number');
    const fault = { target, kind, remaining: count, ms };
    this.faults.push(fault);
    return fault;
  }

  /** The fault for this request, if any (used up one request at a time, oldest first). */
  take(target: string): Fault | undefined {
    const fault = this.faults.find((f) => f.target === target && f.remaining > 0);
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return { ...fault };
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }
}

/**
 * Makes the response end after half its body, without a Content-Length: the client reads a
 * cleanly terminated but incomplete JSON document.
 */
export function truncateResponse(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (
    status: number,
    headers?: Record<string, string | number>,
  ) => ServerResponse;
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  res.writeHead = ((status: number, headers?: Record<string, string | number>) => {
    const h = { ...(headers ?? {}) };
    for (const k of Object.keys(h)) if (k.toLowerCase() === 'content-length') delete h[k];
    return writeHead(status, h);
  }) as ServerResponse['writeHead'];
  res.end = ((chunk?: unknown) => {
    if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) {
      const buf = Buffer.from(chunk as string);
      return end(buf.subarray(0, Math.floor(buf.length / 2)));
    }
    return end();
  }) as ServerResponse['end'];
}

/** A fault's `ms` as the delay-seconds of a Retry-After header (whole seconds, at least one). */
export const retryAfterSeconds = (fault: Pick<Fault, 'ms'>): number =>
  Math.max(1, Math.ceil(fault.ms / 1000));

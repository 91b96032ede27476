/**
 * What clients cost the simulated production: requests and bytes per system, cluster, resource
 * and kind of read (a full list, a metadata list, a GET; from the watch cache or from etcd; an
 * answer or a 304). Tests assert on it ("a steady pass fetches no full object"), the benchmark
 * reads it, and `GET /_fleet/traffic` shows it. Rows are aggregated, so a long demo stays small.
 */
import type { ServerResponse } from 'node:http';

export interface TrafficEntry {
  system: 'kubernetes' | 'rancher' | 'argocd' | 'nomad' | 'homegrown';
  /** The cluster the request was about, when it was about one. */
  cluster?: string;
  /** What was read: `deployments`, `applications`, `jobs`, `versions`, `discovery` … */
  resource: string;
  /** `list`, `get`, `discovery`, `refused` (an error answered before anything was read) … */
  verb: string;
  /** The representation asked for: `object`, `metadata`, `table`, or a system's own (`fields`). */
  as?: string;
  /** Where the API server read it from. */
  from?: 'cache' | 'etcd';
  status: number;
  bytes: number;
}

export interface TrafficRow extends TrafficEntry {
  requests: number;
}

const KEYS = ['system', 'cluster', 'resource', 'verb', 'as', 'from', 'status'] as const;

export class Traffic {
  private readonly rows = new Map<string, TrafficRow>();

  record(entry: TrafficEntry): void {
    const key = JSON.stringify(KEYS.map((k) => entry[k] ?? null));
    const row = this.rows.get(key);
    if (row) {
      row.requests++;
      row.bytes += entry.bytes;
    } else this.rows.set(key, { ...entry, requests: 1 });
  }

  /** Every row, in the order first seen. */
  list(): TrafficRow[] {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }

  /** Requests and bytes of the rows that match every field given. */
  count(match: Partial<TrafficEntry> = {}): { requests: number; bytes: number } {
    let requests = 0;
    let bytes = 0;
    for (const row of this.rows.values()) {
      if (KEYS.some((k) => match[k] !== undefined && row[k] !== match[k])) continue;
      requests += row.requests;
      bytes += row.bytes;
    }
    return { requests, bytes };
  }

  reset(): void {
    this.rows.clear();
  }
}

/** Counts the body bytes a response sends; call the result once it has ended. */
export function countBytes(res: ServerResponse): () => number {
  let n = 0;
  const add = (chunk: unknown) => {
    if (typeof chunk === 'string') n += Buffer.byteLength(chunk);
    else if (chunk instanceof Uint8Array) n += chunk.byteLength;
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    add(chunk);
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'function') add(chunk);
    return end(chunk, ...rest);
  }) as ServerResponse['end'];
  return () => n;
}

/**
 * The plumbing the three extra systems share: an HTTP server on 127.0.0.1 (port chosen by the
 * OS), small response helpers, cookies, request bodies, and injectable faults. Each system file
 * keeps only what makes it that system.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Traffic, type TrafficEntry } from '../traffic';

export interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

export const text = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  body,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
});

export const html = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  body,
  headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
});

export const redirect = (location: string, headers: Record<string, string> = {}): Reply => ({
  status: 302,
  body: '',
  headers: { location, ...headers },
});

export const page = (title: string, body: string): string =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

export function cookiesOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const newToken = (bytes = 18): string => randomBytes(bytes).toString('base64url');

// ---------------------------------------------------------------------------------------------
// Faults

/**
 * What a system can be told to do wrong. `partial` is system-specific: the list starts but
 * cannot be finished (a later page fails, or the answer is cut short).
 */
export const FAULTS = [
  'none',
  'unauthorized',
  'forbidden',
  'login-page',
  'server-error',
  'slow',
  'bad-json',
  'wrong-shape',
  'truncated',
  'partial',
] as const;
export type FaultName = (typeof FAULTS)[number];

export interface FaultSetting {
  name: FaultName;
  /** Only requests whose path starts with this; every API request when absent. */
  pathPrefix?: string;
  /** How long `slow` waits before answering (ms). */
  delayMs?: number;
}

export class Faults {
  current: FaultSetting = { name: 'none' };

  set(name: FaultName, options: Omit<FaultSetting, 'name'> = {}): void {
    this.current = { name, ...options };
  }

  clear(): void {
    this.current = { name: 'none' };
  }

  /** The fault for this request, if one applies. */
  for(path: string): FaultSetting | undefined {
    const f = this.current;
    if (f.name === 'none') return undefined;
    if (f.pathPrefix && !path.startsWith(f.pathPrefix)) return undefined;
    return f;
  }
}

/** The generic answers to faults; systems override `wrong-shape` and `partial`. */
export function genericFault(fault: FaultSetting, good: () => Reply, loginPath: string): Reply | undefined {
  switch (fault.name) {
    case 'unauthorized':
      return json(401, { error: 'unauthorized', message: 'unauthorized' });
    case 'forbidden':
      return text(403, 'Permission denied');
    case 'login-page':
      // A console whose session expired: the API path redirects to the login page.
      return redirect(loginPath);
    case 'server-error':
      return text(500, 'internal error: upstream connect error or disconnect/reset before headers');
    case 'bad-json':
      return { status: 200, body: "{items: ['not', json]", headers: { 'content-type': 'application/json' } };
    case 'truncated': {
      const r = good();
      return { ...r, body: r.body.slice(0, Math.max(1, Math.floor(r.body.length / 2))) };
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Server

export type Handler = (req: IncomingMessage, url: URL) => Promise<Reply> | Reply;

export interface Started {
  url: string;
  /** Every request as it arrived: method, path with query, headers. */
  requests: { method: string; path: string; headers: IncomingMessage['headers'] }[];
  /** What every answer cost, by what it was (fleet/traffic.ts). */
  traffic: Traffic;
  close(): Promise<void>;
}

/** What a request was about, for the traffic counters; undefined for requests not worth counting (pages). */
export type Classify = (url: URL) => Omit<TrafficEntry, 'status' | 'bytes'> | undefined;

/**
 * Serves `handler` on 127.0.0.1:0; `slowFor` says how long to hold a request before answering,
 * `classify` what each API request was, for the traffic counters.
 */
export async function serve(
  handler: Handler,
  slowFor: (url: URL) => number | undefined,
  classify: Classify = () => undefined,
): Promise<Started> {
  const requests: Started['requests'] = [];
  const traffic = new Traffic();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, headers: req.headers });
    const send = (reply: Reply) => {
      if (res.writableEnded || res.destroyed) return;
      const bytes = Buffer.byteLength(reply.body);
      res.writeHead(reply.status, { 'content-length': bytes, ...reply.headers });
      res.end(reply.body);
      const what = classify(url);
      if (what) traffic.record({ ...what, status: reply.status, bytes });
    };
    const run = () =>
      Promise.resolve()
        .then(() => handler(req, url))
        .then(send, (error: unknown) => send(text(500, `fleet bug: ${String(error)}`)));
    const delay = slowFor(url);
    if (delay === undefined) {
      void run();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      void run();
    }, delay);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    traffic,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A clock the systems stamp changes with; tests pass their own to control time. */
export type Clock = () => number;

/** A small seeded generator (mulberry32) for made-up ids: the same seed, the same fleet. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uuidFrom(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

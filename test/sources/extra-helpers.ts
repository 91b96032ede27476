/**
 * Test support for the Argo CD, Nomad and generic adapters: fixtures, validated sources, poll
 * contexts, a routing stub `fetch`, and the fault table every source is held to.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { createHttp, type FetchLike, type HttpOptions, PollError } from '../../lib/http';
import type { PollStatus } from '../../lib/model';
import { type SettingsInput, type SourceSettings, validateSettings } from '../../lib/settings';
import type { PollContext } from '../../lib/sources/types';

const FIXTURES = new URL('../fixtures/', import.meta.url);

export const fixtureText = (path: string): string => readFileSync(new URL(path, FIXTURES), 'utf8');
export const fixture = <T = unknown>(path: string): T => JSON.parse(fixtureText(path)) as T;

/** 2025-03-10T15:00:00Z: the poll time the fixtures are written around. */
export const NOW = Date.parse('2025-03-10T15:00:00Z');

type SourceInput = NonNullable<SettingsInput['sources']>[number];

export function source(input: Partial<SourceInput> & Pick<SourceInput, 'type'>): SourceSettings {
  const parsed = validateSettings({ version: 1, sources: [{ id: 'src', name: 'Source', ...input }] });
  if (!parsed.ok) throw new Error(`bad test source: ${parsed.errors.join('; ')}`);
  return parsed.value.sources[0] as SourceSettings;
}

export function ctx(
  http: PollContext['http'],
  src: SourceSettings,
  cluster: { nativeId: string; name?: string; apiBase: string },
  overrides: Partial<PollContext> = {},
): PollContext {
  return {
    http,
    source: src,
    now: NOW,
    clusterId: `${src.id}/${cluster.nativeId}`,
    clusterName: cluster.name ?? cluster.nativeId,
    nativeId: cluster.nativeId,
    apiBase: cluster.apiBase,
    ...overrides,
  };
}

export const jsonHeaders = { 'content-type': 'application/json' };

export function respond(body: string, init: ResponseInit = {}): Response {
  return new Response(body, init);
}

/**
 * What a browser's fetch gives an extension for a redirect it did not follow (`redirect:
 * 'manual'`): status 0, no headers, an empty body. `onRead` tells a test the body was read.
 */
export function opaqueRedirect(url: string, onRead?: () => void): Response {
  const read = async () => {
    onRead?.();
    return '';
  };
  return {
    type: 'opaqueredirect',
    status: 0,
    ok: false,
    redirected: false,
    url,
    headers: new Headers(),
    body: null,
    text: read,
    json: read,
  } as unknown as Response;
}

export interface Route {
  /** Matches when the request's path (without query) equals this, or the regex matches it. */
  path: string | RegExp;
  reply: (url: URL, init: RequestInit) => Response | Promise<Response>;
}

/** A fetch answering from routes; anything else is a 404 the test will notice. */
export function routed(routes: Route[]): FetchLike & { urls: URL[] } {
  const urls: URL[] = [];
  const fetch = (async (input: string, init: RequestInit) => {
    const url = new URL(input);
    urls.push(url);
    const route = routes.find((r) =>
      typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname),
    );
    if (!route) return respond(`no route for ${url.pathname}`, { status: 404 });
    return route.reply(url, init);
  }) as FetchLike & { urls: URL[] };
  fetch.urls = urls;
  return fetch;
}

export const jsonReply =
  (body: unknown, headers: Record<string, string> = {}) =>
  () =>
    respond(typeof body === 'string' ? body : JSON.stringify(body), {
      headers: { ...jsonHeaders, ...headers },
    });

export interface RecordedRequest {
  url: string;
  init: RequestInit;
}

export function recordingHttp(fetch: FetchLike, options: Omit<HttpOptions, 'fetch' | 'onRequest'> = {}) {
  const requests: RecordedRequest[] = [];
  const http = createHttp({
    timeoutMs: 5000,
    ...options,
    fetch,
    onRequest: (url, init) => requests.push({ url, init }),
  });
  return { http, requests };
}

/** Every request was a GET without a body. */
export function expectAllGets(requests: readonly RecordedRequest[]): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const { url, init } of requests) {
    expect({ url, method: init.method, body: init.body ?? undefined }).toEqual({
      url,
      method: 'GET',
      body: undefined,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The fault table

const LOGIN = 'https://sso.example.com/login?return=console';
const loginPage =
  '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>…</form></body></html>';

/** A fetch that answers only when the request's signal fires, as a hung server does. */
export const hang: FetchLike = (_input, init) =>
  new Promise((_, reject) => {
    init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
  });

export interface FaultTarget {
  name: string;
  /** What the error message must name. */
  path: string;
  /** Runs discovery or a poll over the given fetch; resolves to what it returned. */
  run: (fetch: FetchLike) => Promise<unknown>;
  /** Answers every request well except the one under test (by path) — for faults on a later request. */
  around?: (faulty: FetchLike) => FetchLike;
  good: string;
  wrongShape: string;
  /** How this source can be answered only in part, and what that must become. */
  partial: { fetch: FetchLike; status: Exclude<PollStatus, 'ok'> };
  /** When the faulty request comes after a good one, what each status becomes (Nomad: partial). */
  statusFor?: (status: Exclude<PollStatus, 'ok'>) => Exclude<PollStatus, 'ok'>;
}

export interface Fault {
  name: string;
  fetch: (t: FaultTarget) => FetchLike;
  status: Exclude<PollStatus, 'ok'>;
}

export const FAULTS: Fault[] = [
  {
    name: '401',
    fetch: () => async () => respond('{"error":"unauthorized"}', { status: 401 }),
    status: 'auth',
  },
  {
    name: '403 Permission denied',
    fetch: () => async () => respond('Permission denied', { status: 403 }),
    status: 'auth',
  },
  {
    // As Node's fetch shows a redirect it did not follow; Tattler follows none (lib/http.ts).
    name: 'a redirect to a login page',
    fetch: () => async () =>
      respond(loginPage, { status: 302, headers: { 'content-type': 'text/html', location: LOGIN } }),
    status: 'auth',
  },
  {
    name: 'a redirect, as a browser shows it (opaque)',
    fetch: () => async (url) => opaqueRedirect(url),
    status: 'auth',
  },
  {
    name: 'an HTML page with status 200',
    fetch: () => async () =>
      respond(loginPage, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } }),
    status: 'auth',
  },
  { name: '500', fetch: () => async () => respond('internal error', { status: 500 }), status: 'error' },
  { name: 'a timeout', fetch: () => hang, status: 'unreachable' },
  {
    name: 'a network error',
    fetch: () => async () => {
      throw new TypeError('fetch failed');
    },
    status: 'unreachable',
  },
  {
    name: 'bad JSON',
    fetch: () => async () => respond("{items: ['x']", { headers: jsonHeaders }),
    status: 'error',
  },
  {
    name: 'truncated JSON',
    fetch: (t) => async () =>
      respond(t.good.slice(0, Math.floor(t.good.length / 2)), { headers: jsonHeaders }),
    status: 'error',
  },
  {
    name: 'JSON of the wrong shape',
    fetch: (t) => async () => respond(t.wrongShape, { headers: jsonHeaders }),
    status: 'error',
  },
  { name: 'a partial answer', fetch: (t) => t.partial.fetch, status: 'partial' },
];

/** An Http over a stub fetch with a short timeout, for fault tables. */
export const faultHttp = (fetch: FetchLike) => createHttp({ fetch, timeoutMs: 50 });

/** Answers with the first 60% of `text`: a one-response list cut off mid-way is not JSON. */
export const cutOff =
  (text: string): FetchLike =>
  async () =>
    respond(text.slice(0, Math.floor(text.length * 0.6)), { headers: jsonHeaders });

/** Runs one fault against one target: it must fail with the right status, return no jobs, name the path. */
export async function expectFault(target: FaultTarget, fault: Fault): Promise<void> {
  const base = fault.fetch(target);
  const fetch = fault.name === 'a partial answer' || !target.around ? base : target.around(base);
  const status =
    fault.name === 'a partial answer'
      ? target.partial.status
      : (target.statusFor?.(fault.status) ?? fault.status);
  const outcome = await target.run(fetch).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  // Zero jobs: the call must not resolve at all.
  expect(outcome).not.toHaveProperty('value');
  const error = (outcome as { error: unknown }).error;
  expect(error).toBeInstanceOf(PollError);
  const e = error as PollError;
  expect({ status: e.status, message: e.message }).toMatchObject({
    status,
    message: expect.stringContaining(target.path),
  });
}

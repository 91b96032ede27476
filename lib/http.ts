/**
 * The only way Tattler talks to clusters: GET, with the user's own browser session, and every
 * failure turned into a poll outcome a person can act on. Sources receive an `Http` and never
 * call `fetch` themselves, so these are properties of this file, not promises per source:
 *
 * - Read-only: every request is a GET without a body.
 * - No redirect is followed (`redirect: 'manual'`). A browser shows an extension nothing of a
 *   redirect it did not follow (an opaque response: status 0, no Location, no body — tried in
 *   Chromium's service worker and Firefox's extension pages alike), so Tattler cannot tell a
 *   login redirect from a redirect elsewhere and follows neither: the request's origin "needs
 *   login", the redirect's body is never read, and the place it pointed to hears nothing — not
 *   the user's cookies for it, not a token. `manual` rather than `error` for requests that carry
 *   a token too: neither follows, and `error` fails like a dropped connection, so the person
 *   would read "could not connect" where a login is missing.
 * - A token goes only to the origin it was given for (`HttpOptions.secrets`): a request that
 *   carries one to any other origin is not sent.
 */
import type { PollStatus } from './model';

export class PollError extends Error {
  constructor(
    readonly status: Exclude<PollStatus, 'ok'>,
    message: string,
    readonly url?: string,
    readonly loginUrl?: string,
    /** HTTP status when there was one (410 matters to Kubernetes list continuation). */
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'PollError';
  }

  /**
   * How long the server asked to be left alone (its `Retry-After`, in ms from when it answered),
   * on a 429 or a 5xx that carried one. The pace (lib/pace.ts) holds the host that long.
   */
  retryAfterMs?: number;
}

/**
 * A `Retry-After` header (RFC 9110 §10.2.3) as a delay in ms: delay-seconds, or an HTTP-date.
 * A date is read against the answer's own `Date` header when there is one, so a server whose
 * clock is off still gets the wait it meant; else against `now`. Anything else is undefined.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  answer: { date?: string | null; now: number },
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) {
    const s = Number(text);
    return Number.isSafeInteger(s) ? s * 1000 : undefined;
  }
  const at = Date.parse(text);
  if (!Number.isFinite(at) || !/\bGMT$/.test(text)) return undefined;
  const served = answer.date ? Date.parse(answer.date) : Number.NaN;
  return Math.max(0, at - (Number.isFinite(served) ? served : answer.now));
}

export interface GetOptions {
  headers?: Record<string, string>;
  /**
   * Statuses besides 2xx that are an answer rather than a failure (404 when asking whether a job
   * still exists). Their body is the parsed JSON, or undefined when it is not JSON.
   */
  acceptStatus?: readonly number[];
}

export interface JsonResponse<T = unknown> {
  body: T;
  headers: Headers;
  bytes: number;
  status: number;
}

export interface Http {
  /** GET a JSON document; throws PollError for anything that is not a 2xx JSON answer. */
  getJson<T = unknown>(url: string, options?: GetOptions): Promise<JsonResponse<T>>;
}

/** `fetch` as the browser (or Node) provides it; injectable for tests. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** A secret and the one origin it was given for (lib/secrets.ts). */
export interface BoundSecret {
  value: string;
  /** `https://nomad.example.com:4646`: scheme, host and port, exactly. */
  origin: string;
}

export interface HttpOptions {
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Called once per request before it is sent; tests use it to watch every request. */
  onRequest?: (url: string, init: RequestInit) => void;
  /**
   * The secrets requests may carry, each with its origin. A request whose URL or headers hold one
   * is sent only to an origin that secret was given for; anywhere else it fails unsent.
   */
  secrets?: readonly BoundSecret[];
}

/** The path and query of a URL, for messages: the origin is the same for every request. */
export const pathOf = (url: string): string => {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
};

const looksLikeHtml = (contentType: string, text: string): boolean =>
  contentType.includes('text/html') || /^\s*</.test(text);

/** `Bearer <token>` carries the token as much as `<token>` does. */
const carries = (value: string, secret: string): boolean => value === secret || value.endsWith(` ${secret}`);

/** Why this request must not be sent: it carries a secret given for other origins only. */
function misdirectedSecret(
  url: string,
  headers: Record<string, string>,
  secrets: readonly BoundSecret[],
): string | undefined {
  if (secrets.length === 0) return undefined;
  const origin = originOf(url);
  const values = Object.values(headers);
  for (const secret of secrets) {
    if (!values.some((v) => carries(v, secret.value)) && !url.includes(secret.value)) continue;
    const allowed = secrets.filter((s) => s.value === secret.value).map((s) => s.origin);
    if (origin === undefined || !allowed.includes(origin))
      return `not sent: the token was given for ${allowed.join(', ')}, not for ${origin ?? url} (${pathOf(url)})`;
  }
  return undefined;
}

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/** The Fetch standard's redirect statuses: not 304, which answers a conditional request. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** A redirect, as a browser shows it (opaque) or as Node's fetch does (a 3xx with its Location). */
const isRedirect = (response: Response): boolean =>
  response.type === 'opaqueredirect' || REDIRECT_STATUSES.has(response.status);

export function createHttp(options: HttpOptions = {}): Http {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const secrets = options.secrets ?? [];

  return {
    async getJson<T>(url: string, opts: GetOptions = {}): Promise<JsonResponse<T>> {
      const where = pathOf(url);
      const headers = { Accept: 'application/json', ...opts.headers };
      const refused = misdirectedSecret(url, headers, secrets);
      if (refused) throw new PollError('auth', refused, url);
      const init: RequestInit = {
        method: 'GET',
        credentials: 'include',
        redirect: 'manual',
        cache: 'no-store',
        headers,
        signal: AbortSignal.timeout(timeoutMs),
      };
      options.onRequest?.(url, init);

      let response: Response;
      let text: string;
      try {
        response = await doFetch(url, init);
        if (isRedirect(response)) {
          // Its body is the redirecting server's to show a browser, not an answer: never read.
          void response.body?.cancel().catch(() => {});
          const origin = originOf(url) ?? url;
          throw new PollError(
            'auth',
            `needs login at ${origin}: ${where} answered with a redirect, which Tattler does not follow`,
            url,
            loginUrlFor(url),
            response.status || undefined,
          );
        }
        text = await response.text();
      } catch (error) {
        if (error instanceof PollError) throw error;
        const name = (error as { name?: string })?.name;
        if (name === 'TimeoutError' || name === 'AbortError') {
          throw new PollError('unreachable', `timed out after ${seconds(timeoutMs)} on ${where}`, url);
        }
        throw new PollError(
          'unreachable',
          `could not connect to ${new URL(url).origin} for ${where} (${describe(error)})`,
          url,
        );
      }

      // What crossed the wire when the server says; else characters, which JSON mostly is.
      const bytes = Number(response.headers.get('content-length')) || text.length;
      const contentType = response.headers.get('content-type') ?? '';
      if (opts.acceptStatus?.includes(response.status) && (response.status < 200 || response.status >= 300)) {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        return { body: body as T, headers: response.headers, bytes, status: response.status };
      }
      if (response.status === 401 || response.status === 403) {
        throw new PollError('auth', `${response.status} on ${where}`, url, loginUrlFor(url), response.status);
      }
      if (response.status < 200 || response.status >= 300) {
        const wait = parseRetryAfter(response.headers.get('retry-after'), {
          date: response.headers.get('date'),
          now: Date.now(),
        });
        const what = response.status === 429 ? '429 Too Many Requests' : String(response.status);
        const error = new PollError(
          'error',
          `${what} on ${where}${wait !== undefined ? `: asked to wait ${seconds(wait)}` : ''}`,
          url,
          undefined,
          response.status,
        );
        if (wait !== undefined) error.retryAfterMs = wait;
        throw error;
      }
      if (looksLikeHtml(contentType, text)) {
        // A console whose session expired may answer API calls with its login page. That is a
        // missing login, not an empty list.
        throw new PollError(
          'auth',
          `needs login: got an HTML page instead of JSON from ${where}`,
          url,
          loginUrlFor(url),
        );
      }
      let body: T;
      try {
        body = JSON.parse(text) as T;
      } catch (error) {
        throw new PollError('error', `not JSON from ${where}: ${(error as Error).message}`, url);
      }
      return { body, headers: response.headers, bytes, status: response.status };
    },
  };
}

/** Node's fetch hides the reason (ECONNREFUSED …) in `cause`; browsers give none. */
function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${String(error)}: ${detail}` : String(error);
}

const seconds = (ms: number) => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`);

/** Where to send a person to log in: the origin's front page; consoles redirect from there. */
export function loginUrlFor(url: string): string | undefined {
  try {
    return `${new URL(url).origin}/`;
  } catch {
    return undefined;
  }
}

/**
 * Rancher's local login and sessions. A login sets the `R_SESS` cookie to a token of the form
 * `token-xxxxx:secret`; API clients may instead send a Rancher API token as a bearer token (or as
 * HTTP basic access key / secret key). Sessions expire after a TTL, and the scenario can expire
 * them all at once (the on-call person has to log in again, as after a Rancher restart).
 */

import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseCookies } from '../http/util';

export const SESSION_COOKIE = 'R_SESS';

export interface Credentials {
  username: string;
  password: string;
}

interface Session {
  user: string;
  expiresAt: number;
}

const tokenName = (): string => {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = 'token-';
  for (const b of randomBytes(5)) s += alphabet[b % alphabet.length];
  return s;
};

const secret = (): string => {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (const b of randomBytes(54)) s += alphabet[b % alphabet.length];
  return s;
};

export class Auth {
  private readonly sessions = new Map<string, Session>();
  /** The long-lived API token (for kubectl and scripts); not a session, never expired by the scenario. */
  readonly apiToken = `${tokenName()}:${secret()}`;

  constructor(
    readonly credentials: Credentials,
    private readonly sessionTtlMs: number,
  ) {}

  /** A new session for a correct username and password; undefined otherwise. */
  login(username: unknown, password: unknown): { token: string; expiresAt: number } | undefined {
    if (username !== this.credentials.username || password !== this.credentials.password) return undefined;
    const token = `${tokenName()}:${secret()}`;
    const expiresAt = Date.now() + this.sessionTtlMs;
    this.sessions.set(token, { user: username, expiresAt });
    return { token, expiresAt };
  }

  logout(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  expireAll(): number {
    const n = this.sessions.size;
    this.sessions.clear();
    return n;
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  /** `R_SESS=…; Path=/; HttpOnly; SameSite=Lax; Expires=…; Max-Age=…` */
  cookieFor(token: string, expiresAt: number): string {
    const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
    return `${SESSION_COOKIE}=${token}; Path=/; Expires=${new Date(expiresAt).toUTCString()}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax`;
  }

  clearCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax`;
  }

  sessionToken(req: IncomingMessage): string | undefined {
    return parseCookies(req.headers.cookie)[SESSION_COOKIE];
  }

  /** Who the request is from: a live session cookie, or the API token; undefined when neither. */
  authenticate(req: IncomingMessage, allowToken: boolean): string | undefined {
    const token = this.sessionToken(req);
    if (token) {
      const session = this.sessions.get(token);
      if (session && session.expiresAt > Date.now()) return session.user;
      if (session) this.sessions.delete(token);
    }
    if (!allowToken) return undefined;
    const header = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    if (bearer && bearer[1] === this.apiToken) return this.credentials.username;
    const basic = /^Basic\s+(\S+)$/i.exec(header);
    if (basic && Buffer.from(basic[1] ?? '', 'base64').toString('utf8') === this.apiToken)
      return this.credentials.username;
    return undefined;
  }
}

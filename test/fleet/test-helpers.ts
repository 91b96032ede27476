/** Helpers shared by the fleet's tests: logging in and calling the fleet over real HTTP. */
import type { Fleet } from '../../fleet/index';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
type Loose = any;

export async function login(fleet: Fleet): Promise<string> {
  const res = await fetch(`${fleet.url}/v3-public/localProviders/local?action=login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...fleet.credentials, description: 'UI session', responseType: 'cookie' }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  const cookie = res.headers.get('set-cookie') ?? '';
  const pair = cookie.split(';')[0] ?? '';
  if (!pair.startsWith('R_SESS=')) throw new Error(`no R_SESS cookie: ${cookie}`);
  return pair;
}

export interface CallOptions {
  cookie?: string;
  token?: string;
  accept?: string;
}

export async function call(fleet: Fleet, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  if (options.cookie) headers.Cookie = options.cookie;
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  return fetch(`${fleet.url}${path}`, { headers, redirect: 'manual' });
}

/** GET as the API token; the body parsed as JSON. */
export async function getJson<T = Loose>(
  fleet: Fleet,
  path: string,
  accept?: string,
): Promise<{ status: number; body: T }> {
  const res = await call(fleet, path, { token: fleet.apiToken, ...(accept ? { accept } : {}) });
  return { status: res.status, body: (await res.json()) as T };
}

export async function post(
  fleet: Fleet,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Loose }> {
  const res = await fetch(`${fleet.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

export const kubePath = (clusterId: string, rest: string): string => `/k8s/clusters/${clusterId}${rest}`;

/** A cluster's id by display name. */
export function clusterId(fleet: Fleet, displayName: string): string {
  const c = fleet.clusters().find((x) => x.displayName === displayName);
  if (!c) throw new Error(`no cluster ${displayName}`);
  return c.id;
}

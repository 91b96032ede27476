/**
 * Finding the demo fleet from the popup's first-run screen. `npm run demo` and `npm run fleet`
 * serve it on a well-known loopback port; the popup asks that one address — and nothing else —
 * whether a Rancher-style API answers there, without cookies.
 */

export const DEMO_FLEET_PORT = 18080;
export const DEMO_FLEET_URL = `http://127.0.0.1:${DEMO_FLEET_PORT}`;

/** True when a Rancher-style API answers at `url`: its cluster list, or its JSON "401" error. */
export async function probeDemoFleet(
  url: string = DEMO_FLEET_URL,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = 800,
): Promise<boolean> {
  try {
    const response = await fetchImpl(`${url}/v1/management.cattle.io.clusters`, {
      method: 'GET',
      credentials: 'omit',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json()) as { type?: unknown };
    return body?.type === 'collection' || (response.status === 401 && body?.type === 'error');
  } catch {
    return false;
  }
}

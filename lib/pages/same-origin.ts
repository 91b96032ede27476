/**
 * The only network access page integrations have: a GET of JSON on the page's own origin (an
 * Alertmanager's `/api/v2/alerts` next to its UI), with the page's own cookies, nothing else.
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export async function sameOriginJson(
  url: string,
  pageUrl: string,
  fetchImpl: FetchLike = (input, init) => fetch(input, init),
  timeoutMs = 10_000,
): Promise<unknown> {
  const target = new URL(url, pageUrl);
  if (target.origin !== new URL(pageUrl).origin) throw new Error(`not the page's origin: ${target.origin}`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchImpl(target.href, {
      method: 'GET',
      credentials: 'same-origin',
      redirect: 'error',
      headers: { Accept: 'application/json' },
      signal: controller.signal,
    });
    if (!response.ok) throw new Error(`${response.status} on ${target.pathname}`);
    const type = response.headers.get('content-type') ?? '';
    if (!/json/i.test(type)) throw new Error(`not JSON (${type || 'no content type'}) on ${target.pathname}`);
    return await response.json();
  } finally {
    clearTimeout(timer);
  }
}

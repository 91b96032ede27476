/**
 * Where the manifest's own content script runs: the demo build's loopback pages; nowhere in the
 * store build (wxt.config.ts). Page integrations run there without being listed, and the
 * run-time registration (registration.ts) leaves those origins to the manifest.
 */

/**
 * The match patterns of the content script the manifest itself declares: the demo build's
 * loopback pages (`*://127.0.0.1/*`); none in the store build, where every page integration
 * runs only on origins the user listed and granted.
 */
export function builtInPatterns(
  manifest: { content_scripts?: { matches?: string[] }[] } | undefined,
): string[] {
  return (manifest?.content_scripts ?? []).flatMap((c) => c.matches ?? []);
}

/** The same, asked of the running extension; none when its manifest cannot be read. */
export function builtInPatternsOf(runtime: { getManifest?(): unknown }): string[] {
  try {
    return builtInPatterns(runtime.getManifest?.() as Parameters<typeof builtInPatterns>[0]);
  } catch {
    return [];
  }
}

/** Whether a match pattern such as `*://127.0.0.1/*` or `https://am.example.com/*` covers the page. */
export function patternCovers(pattern: string, url: URL): boolean {
  const m = /^(\*|https?):\/\/([^/]+)\/\*$/.exec(pattern);
  if (!m) return false;
  const [, scheme, host] = m;
  const schemeOk =
    scheme === '*' ? url.protocol === 'http:' || url.protocol === 'https:' : url.protocol === `${scheme}:`;
  return schemeOk && url.hostname === host;
}

/** The page is one the manifest's own content script runs on (the demo build's loopback). */
export const builtInCovers = (url: URL, builtIn: readonly string[]): boolean =>
  builtIn.some((p) => patternCovers(p, url));

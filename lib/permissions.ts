/**
 * Which host permissions the settings need: exactly the origins of the configured sources,
 * their static clusters and the page integrations' extra origins — nothing broader.
 */
import type { Settings } from './settings';

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/**
 * `https://am.example.com:9093` → `https://am.example.com/*`. Match patterns leave the port out:
 * Firefox rejects ports in them, and without one Chrome matches every port. Undefined for what
 * is not an http(s) URL.
 */
export function matchPatternOf(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return `${u.protocol}//${u.hostname}/*`;
  } catch {
    return undefined;
  }
}

/** Match patterns (`https://host/*`) for every origin the settings read from or run on. */
export function originPatternsFor(settings: Settings): string[] {
  const origins = new Set<string>();
  for (const source of settings.sources) {
    if (!source.enabled) continue;
    const base = source.baseUrl && originOf(source.baseUrl);
    if (base) origins.add(base);
    for (const c of source.clusters) {
      const o = originOf(c.apiBase);
      if (o) origins.add(o);
    }
    for (const o of source.apiOrigins ?? []) origins.add(o);
  }
  for (const page of Object.values(settings.pages)) {
    if (page.enabled) for (const o of page.origins) origins.add(o);
  }
  return [...new Set([...origins].map(matchPatternOf).filter((p): p is string => p !== undefined))];
}

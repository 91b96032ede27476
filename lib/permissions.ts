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
  }
  for (const page of Object.values(settings.pages)) {
    if (page.enabled) for (const o of page.origins) origins.add(o);
  }
  // Match patterns ignore ports in Chrome and Firefox; `http://127.0.0.1/*` covers every port.
  return [...origins].map((o) => {
    const u = new URL(o);
    return `${u.protocol}//${u.hostname}/*`;
  });
}

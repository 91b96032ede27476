/**
 * Which host permissions a settings change asks for and which it gives back. Pure, so the
 * options page can compute the request synchronously inside the click (browsers only grant a
 * request made during a user gesture).
 *
 *   ask     origins the new settings read that the old ones did not, plus the ones the new
 *           settings read that the browser is known not to have granted (a refused earlier ask),
 *           except those the manifest declares (a request for them would only flash a note
 *           about a prompt that never comes)
 *   release origins the old settings read that no remaining source or page integration reads,
 *           except those the manifest declares (loopback, for the demo fleet): those cannot be
 *           removed and are never asked for removal
 */
import { originPatternsFor } from '../../lib/permissions';
import type { Settings } from '../../lib/settings';

/**
 * Whether a manifest's host pattern (`*://127.0.0.1/*`, `http://localhost/*`) holds an origin
 * pattern as Tattler writes them (`http://127.0.0.1/*`): `*` as the scheme is http and https.
 */
export function declaredHolds(declared: readonly string[], pattern: string): boolean {
  const m = /^([a-z]+):\/\/([^/]+)\/\*$/.exec(pattern);
  if (!m) return declared.includes(pattern);
  const [, scheme, host] = m;
  return declared.some((d) => {
    const dm = /^(\*|[a-z]+):\/\/([^/]+)\/\*$/.exec(d);
    if (!dm) return false;
    const [, dScheme, dHost] = dm;
    return (
      dHost === host && (dScheme === scheme || (dScheme === '*' && (scheme === 'http' || scheme === 'https')))
    );
  });
}

export function permissionsToAsk(
  before: Settings | undefined,
  after: Settings,
  knownMissing: ReadonlySet<string> = new Set(),
  declared: readonly string[] = [],
): string[] {
  const had = new Set(before ? originPatternsFor(before) : []);
  return originPatternsFor(after).filter(
    (p) => (!had.has(p) || knownMissing.has(p)) && !declaredHolds(declared, p),
  );
}

export function permissionsToRelease(
  before: Settings | undefined,
  after: Settings,
  declared: readonly string[],
): string[] {
  if (!before) return [];
  const still = new Set(originPatternsFor(after));
  return originPatternsFor(before).filter((p) => !still.has(p) && !declaredHolds(declared, p));
}

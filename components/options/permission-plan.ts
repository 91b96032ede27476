/**
 * Which host permissions a settings change asks for and which it gives back. Pure, so the
 * options page can compute the request synchronously inside the click (browsers only grant a
 * request made during a user gesture).
 *
 *   ask     origins the new settings read that the old ones did not, plus the ones the new
 *           settings read that the browser is known not to have granted (a refused earlier ask)
 *   release origins the old settings read that no remaining source or page integration reads,
 *           except those the manifest declares (loopback, for the demo fleet): those cannot be
 *           removed and are never asked for removal
 */
import { originPatternsFor } from '../../lib/permissions';
import type { Settings } from '../../lib/settings';

export function permissionsToAsk(
  before: Settings | undefined,
  after: Settings,
  knownMissing: ReadonlySet<string> = new Set(),
): string[] {
  const had = new Set(before ? originPatternsFor(before) : []);
  return originPatternsFor(after).filter((p) => !had.has(p) || knownMissing.has(p));
}

export function permissionsToRelease(
  before: Settings | undefined,
  after: Settings,
  declared: readonly string[],
): string[] {
  if (!before) return [];
  const still = new Set(originPatternsFor(after));
  const fixed = new Set(declared);
  return originPatternsFor(before).filter((p) => !still.has(p) && !fixed.has(p));
}

/**
 * The toolbar icon's badge: how many changes landed in the last 15 minutes, coloured by how
 * recent the newest one is — the same heat scale as the grid and the page badges.
 * Pure; the background calls `applyToolbarBadge(browser.action, changes, now)` after each pass.
 */
import { HEAT_COLORS, levelForAge } from './heat/scale';
import type { Change } from './model';

export const BADGE_WINDOW_MS = 15 * 60_000;

export interface ToolbarBadge {
  /** '' hides the badge. */
  text: string;
  /** Background colour. */
  color: string;
  /** Text colour with enough contrast on `color`. */
  textColor: string;
}

/** The browser's toolbar badge text fits about four characters. */
const badgeText = (n: number): string => (n <= 0 ? '' : n > 999 ? '999+' : String(n));

export function toolbarBadge(changes: readonly Pick<Change, 'at'>[], now: number): ToolbarBadge {
  let count = 0;
  let newest = Number.NEGATIVE_INFINITY;
  for (const c of changes) {
    // A change stamped a little after `now` (clock skew between passes) is the newest there is.
    const age = Math.max(0, now - c.at);
    if (age > BADGE_WINDOW_MS) continue;
    count++;
    if (c.at > newest) newest = c.at;
  }
  // Level 0 is "transparent" in the grid; a badge with no changes is hidden anyway.
  const level = count === 0 ? 0 : Math.max(1, levelForAge(Math.max(0, now - newest), BADGE_WINDOW_MS));
  const palette = HEAT_COLORS.light;
  return {
    text: badgeText(count),
    color: level === 0 ? '#00000000' : (palette.bg[level] as string),
    textColor: level === 0 ? '#000000' : (palette.fg[level] as string),
  };
}

/** The part of `browser.action` the badge needs; a parameter, so tests need no browser. */
export interface BadgeAction {
  setBadgeText(details: { text: string }): Promise<void> | void;
  setBadgeBackgroundColor(details: { color: string }): Promise<void> | void;
  /** Chrome 110+, Firefox 63+; optional so older APIs still get text and background. */
  setBadgeTextColor?: (details: { color: string }) => Promise<void> | void;
}

export async function applyToolbarBadge(
  action: BadgeAction,
  changes: readonly Pick<Change, 'at'>[],
  now: number,
): Promise<ToolbarBadge> {
  const badge = toolbarBadge(changes, now);
  await action.setBadgeText({ text: badge.text });
  if (badge.text) {
    await action.setBadgeBackgroundColor({ color: badge.color });
    await action.setBadgeTextColor?.({ color: badge.textColor });
  }
  return badge;
}

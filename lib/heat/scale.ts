/**
 * The one heat scale, shared by the popup grid and the page badges, so that "hot" looks the
 * same everywhere. Colour is never the only signal: every level also has a character, and
 * marks (created, deleted, degraded, blind) have their own glyphs.
 *
 * Levels are relative to the chosen window, because "recent" means something different when
 * you look at the last 15 minutes than at the last 7 days.
 */

export type HeatLevel = 0 | 1 | 2 | 3 | 4;

/** Level of a cell whose newest change is `ageMs` old, within a window of `windowMs`. */
export function levelForAge(ageMs: number, windowMs: number): HeatLevel {
  if (!(ageMs >= 0) || ageMs > windowMs) return 0;
  const f = ageMs / windowMs;
  if (f <= 1 / 16) return 4;
  if (f <= 1 / 4) return 3;
  if (f <= 1 / 2) return 2;
  return 1;
}

/** Glyphs for what a cell holds besides a count. Chosen to read at 10 px and to survive greyscale. */
export const MARKS = {
  created: '+',
  deleted: '×',
  degraded: '!',
  /** The job does not run in that cluster. */
  absent: '·',
  /** Polls of that cluster failed in the window: we could not see. */
  blind: '?',
} as const;

/** Count as a character: 1…9, then "9+" would not fit a cell, so "∞" marks many. */
export const countGlyph = (n: number): string => (n <= 0 ? '' : n < 10 ? String(n) : '∞');

/**
 * A sequential single-hue (orange→deep red) ramp: ordered by lightness, so it reads for people
 * with any kind of colour blindness and in greyscale; tuned separately for dark mode.
 * Index = level. Text colours keep 4.5:1 contrast on each background.
 */
export const HEAT_COLORS = {
  light: {
    bg: ['transparent', '#fde8c8', '#fdb872', '#e8653a', '#a3201b'],
    fg: ['inherit', '#4a2a00', '#3d1d00', '#1a0500', '#ffffff'],
  },
  dark: {
    bg: ['transparent', '#4a3417', '#8a5312', '#d9622b', '#ff9a7a'],
    fg: ['inherit', '#f5e6d0', '#fff2e0', '#1a0500', '#1a0500'],
  },
} as const;

/** CSS custom properties for both schemes; components use var(--heat-bg-N) / var(--heat-fg-N). */
export function heatCssVariables(): string {
  const vars = (scheme: 'light' | 'dark') =>
    HEAT_COLORS[scheme].bg
      .map((bg, i) => `--heat-bg-${i}: ${bg}; --heat-fg-${i}: ${HEAT_COLORS[scheme].fg[i]};`)
      .join(' ');
  return `:root, :host { ${vars('light')} }\n@media (prefers-color-scheme: dark) { :root, :host { ${vars('dark')} } }`;
}

/** The time windows the popup offers; heat levels are relative to the chosen one (scale.ts). */

export type WindowId = '15m' | '1h' | '6h' | '24h' | '7d';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const WINDOWS: ReadonlyArray<{ id: WindowId; label: string; ms: number }> = [
  { id: '15m', label: '15 min', ms: 15 * MINUTE },
  { id: '1h', label: '1 hour', ms: HOUR },
  { id: '6h', label: '6 hours', ms: 6 * HOUR },
  { id: '24h', label: '24 hours', ms: 24 * HOUR },
  { id: '7d', label: '7 days', ms: 7 * 24 * HOUR },
];

export const DEFAULT_WINDOW: WindowId = '1h';

export const windowById = (id: string): (typeof WINDOWS)[number] =>
  WINDOWS.find((w) => w.id === id) ?? (WINDOWS[1] as (typeof WINDOWS)[number]);

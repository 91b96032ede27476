/**
 * Times as an on-call person reads them: relative ("3 minutes ago") for the glance, exact
 * (local, to the second, with the zone) for the incident timeline.
 */

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** "3 minutes ago", "yesterday", "just now". */
export function relativeTime(at: number, now: number): string {
  const delta = at - now;
  if (Math.abs(delta) < 10_000) return 'just now';
  for (const [unit, ms] of UNITS) {
    if (Math.abs(delta) >= ms || unit === 'second') return rtf.format(Math.round(delta / ms), unit);
  }
  return 'just now';
}

const exact = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
  timeZoneName: 'short',
});

/** "2024-05-02, 14:03:11 UTC" in the viewer's zone. */
export const exactTime = (at: number): string => exact.format(at);

const clock = new Intl.DateTimeFormat('en-CA', { hour: '2-digit', minute: '2-digit', hour12: false });

/** "14:03", for spans within one day. */
export const clockTime = (at: number): string => clock.format(at);

/** "4 min", "1 h", "2 days": a duration for legends and the window. */
export function durationText(ms: number): string {
  if (ms >= 86_400_000) {
    const d = Math.round(ms / 86_400_000);
    return `${d} day${d === 1 ? '' : 's'}`;
  }
  if (ms >= 3_600_000) return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}

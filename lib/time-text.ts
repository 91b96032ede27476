/**
 * Times and durations as an on-call person reads them, the same in the popup, the badges and
 * the options page: relative ("3 minutes ago") for the glance, exact (local, to the second,
 * with the zone) for the incident timeline, a short clock time for spans, and durations
 * ("4 min", "1 h 20 min").
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', DAY],
  ['hour', HOUR],
  ['minute', MINUTE],
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
const dayAndClock = new Intl.DateTimeFormat('en-CA', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** "14:03" on the day of `now`, "May 1, 14:03" on another day: the ends of a span. */
export function shortTime(at: number, now: number): string {
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  return sameDay ? clock.format(at) : dayAndClock.format(at);
}

/**
 * "4 min", "1 h 20 min", "13 h", "3 d". Under a minute it says "under 1 min" — polls are a
 * minute apart, so seconds would be false precision — unless `seconds` asks for them (a legend
 * of thresholds: "56 s").
 */
export function durationText(ms: number, options: { seconds?: boolean } = {}): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return options.seconds ? `${Math.round(abs / 1000)} s` : 'under 1 min';
  const minutes = Math.round(abs / MINUTE);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 24) return hours < 10 && rest > 0 ? `${hours} h ${rest} min` : `${Math.round(abs / HOUR)} h`;
  return `${Math.round(abs / DAY)} d`;
}

/** "the last hour", "the last 15 minutes", "the last 7 days": a chosen window, in words. */
export function windowPhrase(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  if (minutes % 1440 === 0) return minutes === 1440 ? 'the last 24 hours' : `the last ${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? 'the last hour' : `the last ${minutes / 60} hours`;
  return `the last ${minutes} minutes`;
}

/** "2025-01-15 14:03:11 UTC": the same instant for everyone who reads it (an incident note). */
export const utcTime = (at: number): string =>
  `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** "14:03 UTC" on the day of `day`, the full UTC time on another day: the ends of a span in a note. */
export function utcClock(at: number, day: number): string {
  const full = utcTime(at);
  return full.slice(0, 10) === utcTime(day).slice(0, 10) ? full.slice(11) : full;
}

import { describe, expect, it } from 'vitest';
import { durationText, relativeTime, shortTime, utcClock, utcTime, windowPhrase } from '../lib/time-text';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('durationText', () => {
  it('is short and readable', () => {
    expect(durationText(20_000)).toBe('under 1 min');
    expect(durationText(4 * MINUTE)).toBe('4 min');
    expect(durationText(80 * MINUTE)).toBe('1 h 20 min');
    expect(durationText(2 * HOUR)).toBe('2 h');
    expect(durationText(13 * HOUR + 5 * MINUTE)).toBe('13 h');
    expect(durationText(3 * 24 * HOUR)).toBe('3 d');
  });

  it('counts seconds only when asked (a legend of thresholds)', () => {
    expect(durationText(56_250, { seconds: true })).toBe('56 s');
    expect(durationText(4 * MINUTE, { seconds: true })).toBe('4 min');
  });
});

describe('times', () => {
  const T = Date.UTC(2025, 0, 15, 12, 0, 0);
  it('relative for the glance', () => {
    expect(relativeTime(T - 3 * MINUTE, T)).toBe('3 minutes ago');
    expect(relativeTime(T - 5_000, T)).toBe('just now');
  });

  it('a clock time on the same day, with the date on another', () => {
    expect(shortTime(T - MINUTE, T)).toMatch(/^\d\d:\d\d$/);
    expect(shortTime(T - 3 * 24 * HOUR, T)).toMatch(/^Jan 1\d, \d\d:\d\d$/);
  });

  it('a window in words', () => {
    expect(windowPhrase(HOUR)).toBe('the last hour');
    expect(windowPhrase(15 * MINUTE)).toBe('the last 15 minutes');
    expect(windowPhrase(7 * 24 * HOUR)).toBe('the last 7 days');
  });

  it('UTC for a note everyone reads the same: the date, or only the clock on the same day', () => {
    const at = Date.UTC(2025, 0, 15, 14, 3, 11);
    expect(utcTime(at)).toBe('2025-01-15 14:03:11 UTC');
    expect(utcClock(at, Date.UTC(2025, 0, 15, 0, 0, 0))).toBe('14:03:11 UTC');
    expect(utcClock(at, Date.UTC(2025, 0, 16, 0, 0, 0))).toBe('2025-01-15 14:03:11 UTC');
  });
});

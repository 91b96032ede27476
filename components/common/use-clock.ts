/**
 * "Now", refreshed every `everyMs`: heat fades and "3 minutes ago" ages while the popup is open,
 * even when no pass lands.
 */
import { useEffect, useState } from 'preact/hooks';

export function useClock(everyMs: number, clock: () => number = Date.now): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    const id = setInterval(() => setNow(clock()), everyMs);
    return () => clearInterval(id);
  }, [everyMs, clock]);
  return now;
}

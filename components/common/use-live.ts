/**
 * A live read (lib/live.ts) as a Preact hook: the component re-renders with each new result —
 * a pass that lands while the page is open repaints it.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Live } from '../../lib/live';

export interface LiveResult<T> {
  value?: T;
  error?: unknown;
}

/** `open` returns what to watch, or null when there is nothing to watch yet (the result stays empty). */
export function useLive<T>(open: () => Live<T> | null, deps: readonly unknown[]): LiveResult<T> {
  const [result, setResult] = useState<LiveResult<T>>({});
  // The caller names what the source depends on (deps), as with useEffect itself.
  useEffect(() => {
    const source = open();
    if (!source) return;
    return source.subscribe(
      (value) => setResult({ value }),
      (error) => setResult((prev) => ({ ...prev, error })),
    );
  }, deps);
  return result;
}

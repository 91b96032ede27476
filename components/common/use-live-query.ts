/**
 * Dexie's liveQuery as a Preact hook: the querier re-runs whenever a write anywhere in the
 * extension (the background's pass included — Dexie broadcasts commits across contexts)
 * touches what it read, and the component re-renders with the new result.
 */
import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';

export interface LiveResult<T> {
  value?: T;
  error?: unknown;
}

/** `querier` null: nothing to watch yet (the result stays empty). */
export function useLiveQuery<T>(querier: (() => Promise<T>) | null, deps: readonly unknown[]): LiveResult<T> {
  const [result, setResult] = useState<LiveResult<T>>({});
  // The caller names what the querier depends on (deps), as with useEffect itself.
  useEffect(() => {
    if (!querier) return;
    const subscription = liveQuery(querier).subscribe({
      next: (value) => setResult({ value }),
      error: (error) => setResult((prev) => ({ ...prev, error })),
    });
    return () => subscription.unsubscribe();
  }, deps);
  return result;
}

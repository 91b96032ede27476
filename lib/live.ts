/**
 * Live reads of IndexedDB for the pages that show it (popup, options): Dexie's liveQuery
 * re-runs a query whenever a write anywhere in the extension (the background's pass included —
 * Dexie broadcasts commits across contexts) touches what it read. Components subscribe through
 * this small interface and never see Dexie or the database.
 */
import { liveQuery } from 'dexie';

export interface Live<T> {
  /** Calls `onValue` with each result (the first as soon as it is read); returns an unsubscribe. */
  subscribe(onValue: (value: T) => void, onError: (error: unknown) => void): () => void;
}

export function live<T>(query: () => Promise<T>): Live<T> {
  return {
    subscribe(onValue, onError) {
      const subscription = liveQuery(query).subscribe({ next: onValue, error: onError });
      return () => subscription.unsubscribe();
    },
  };
}

/**
 * A live read that watches a small record (`watch`: a stamp written once per pass) and loads the
 * rest (`load`) only when that changes: what a page shows may be large, and a liveQuery re-runs
 * whenever anything it read is written — for a pass, that is once per cluster otherwise.
 */
export function liveOn<T>(watch: () => Promise<unknown>, load: () => Promise<T>): Live<T> {
  return {
    subscribe(onValue, onError) {
      let latest = 0;
      const subscription = liveQuery(watch).subscribe({
        next: () => {
          const mine = ++latest;
          load().then((value) => {
            if (mine === latest) onValue(value);
          }, onError);
        },
        error: onError,
      });
      return () => subscription.unsubscribe();
    },
  };
}

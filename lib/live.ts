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

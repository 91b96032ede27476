/**
 * Seeded randomness. Everything the fleet makes up (cluster ids, uids, which jobs run where, whom
 * an event picks) comes from here, so the same seed always builds the same fleet.
 *
 * Streams are forked by label rather than shared: the events an operator applies by hand must not
 * shift the choices of other events or clusters, or "same seed → same state" would only hold for
 * one exact order of calls.
 */

/** FNV-1a, 32 bit: stable hashing of labels into seeds. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: readonly T[]): T[];
  /** A string of `length` characters from `alphabet`. */
  chars(length: number, alphabet: string): string;
  /** A random RFC 4122 version-4 shaped uid (Kubernetes uids look like this). */
  uuid(): string;
  /** An independent stream for one purpose, derived from this stream's seed and a label. */
  fork(label: string): Rng;
}

/** mulberry32: tiny, fast, good enough for simulation (not for secrets). */
export function createRng(seed: number): Rng {
  const base = seed >>> 0;
  let state = base;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const rng: Rng = {
    next,
    int,
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
      return out;
    },
    chars(length, alphabet) {
      let s = '';
      for (let i = 0; i < length; i++) s += alphabet[int(0, alphabet.length - 1)];
      return s;
    },
    uuid() {
      const hex = rng.chars(32, '0123456789abcdef');
      const variant = '89ab'[int(0, 3)];
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
    fork: (label) => createRng(hash32(`${base}:${label}`)),
  };
  return rng;
}

/** Lowercase letters and digits, as Rancher and Kubernetes generated names use. */
export const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** The alphabet of Kubernetes' `rand.SafeEncodeString` (pod-template-hash, generated suffixes). */
export const SAFE_ALNUM = 'bcdfghjklmnpqrstvwxz2456789';

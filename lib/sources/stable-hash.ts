/**
 * A short, stable fingerprint of a JSON-like value, for version tokens of sources that have no
 * version of their own. Stable means: the same value gives the same token in every browser and
 * every run, whatever order an object's keys arrived in. Not cryptographic — it only has to tell
 * "unchanged" from "changed" cheaply, and a collision costs one missed comparison.
 */

/** JSON with object keys sorted at every level; `undefined` members are dropped as JSON does. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`).join(',')}}`;
}

/** FNV-1a over UTF-16 code units, 32 bits, from a given offset basis. */
function fnv1a(text: string, basis: number): number {
  let h = basis;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** 64 bits as 16 hex digits: two FNV-1a passes with different bases, so one collision is not enough. */
export function stableHash(value: unknown): string {
  const text = stableStringify(value);
  const a = fnv1a(text, 0x811c9dc5);
  const b = fnv1a(text, 0x01234567 ^ text.length);
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/**
 * A lease in IndexedDB that keeps two passes from running at once — also across a service
 * worker restart, when the in-memory guard is gone but an old pass may still be writing
 * (or was killed mid-pass and left its lease to expire).
 */
import type { TattlerDb } from './db';

const KEY = 'pass-lease';

interface Lease {
  owner: string;
  expiresAt: number;
}

/** Takes the lease if it is free or expired. Atomic: one IndexedDB transaction. */
export function acquireLease(db: TattlerDb, owner: string, now: number, ttlMs: number): Promise<boolean> {
  return db.transaction('rw', db.meta, async () => {
    const held = (await db.meta.get(KEY))?.value as Lease | undefined;
    if (held && held.owner !== owner && held.expiresAt > now) return false;
    await db.meta.put({ key: KEY, value: { owner, expiresAt: now + ttlMs } satisfies Lease });
    return true;
  });
}

/** Extends a lease we hold; false when someone else took it over after it expired. */
export function renewLease(db: TattlerDb, owner: string, now: number, ttlMs: number): Promise<boolean> {
  return db.transaction('rw', db.meta, async () => {
    const held = (await db.meta.get(KEY))?.value as Lease | undefined;
    if (held && held.owner !== owner) return false;
    await db.meta.put({ key: KEY, value: { owner, expiresAt: now + ttlMs } satisfies Lease });
    return true;
  });
}

export function releaseLease(db: TattlerDb, owner: string): Promise<void> {
  return db.transaction('rw', db.meta, async () => {
    const held = (await db.meta.get(KEY))?.value as Lease | undefined;
    if (held?.owner === owner) await db.meta.delete(KEY);
  });
}

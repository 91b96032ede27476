/**
 * A lease in IndexedDB that keeps two passes from running at once — also across a background
 * restart, when the in-memory guard is gone.
 *
 * The holder is one background instance (`owner`: `backgroundOwner()`, a fresh id each time the
 * service worker or background page starts) — or the options page, for the moment it clears
 * the history. It renews the lease on a timer while its pass runs (a heartbeat,
 * `HEARTBEAT_MS`), so the TTL can be short: a holder that stopped beating — its worker was
 * killed mid-pass — loses the lease within `LEASE_TTL_MS`. A browser runs one background
 * instance per extension, so a new instance also recognises any lease it finds at start-up as
 * left by a dead one (`releaseDeadLease`) and does not wait for it to expire.
 *
 * Every lease is written as `now + ttl`; one that expires further ahead than one TTL was written
 * by a clock that was ahead, and is ignored: a clock set back must not block passes for as long
 * as it had been ahead.
 */
import type { TattlerDb } from './db';

const KEY = 'pass-lease';

/** How long a lease lasts without a heartbeat. */
export const LEASE_TTL_MS = 60_000;
/**
 * How often a running pass renews its lease. The same beat keeps the background alive: Chrome
 * and Firefox stop an extension's background 30 s after its last extension API call, even
 * while fetches are pending.
 */
export const HEARTBEAT_MS = 20_000;

const BACKGROUND = 'background/';

/** A new owner id for one background instance. */
export function backgroundOwner(): string {
  return `${BACKGROUND}${crypto.randomUUID()}`;
}

export interface Lease {
  owner: string;
  /** When the holder took it. */
  since: number;
  expiresAt: number;
}

export type LeaseAnswer = { ok: true } | { ok: false; held: Lease };

/** Held by someone, not expired, and not written by a clock that was ahead. */
export function isLive(lease: Lease | undefined, now: number, ttlMs: number): lease is Lease {
  return lease !== undefined && lease.expiresAt > now && lease.expiresAt <= now + ttlMs;
}

async function read(db: TattlerDb): Promise<Lease | undefined> {
  return (await db.meta.get(KEY))?.value as Lease | undefined;
}

/** Takes the lease unless another owner holds a live one. Atomic: one IndexedDB transaction. */
export function acquireLease(db: TattlerDb, owner: string, now: number, ttlMs: number): Promise<LeaseAnswer> {
  return db.transaction('rw', db.meta, async (): Promise<LeaseAnswer> => {
    const held = await read(db);
    if (held && held.owner !== owner && isLive(held, now, ttlMs)) return { ok: false, held };
    const since = held?.owner === owner && isLive(held, now, ttlMs) ? held.since : now;
    await db.meta.put({ key: KEY, value: { owner, since, expiresAt: now + ttlMs } satisfies Lease });
    return { ok: true };
  });
}

/** The heartbeat: extends a lease we hold; false when it was lost to another owner. */
export function renewLease(db: TattlerDb, owner: string, now: number, ttlMs: number): Promise<boolean> {
  return db.transaction('rw', db.meta, async () => {
    const held = await read(db);
    if (held && held.owner !== owner && isLive(held, now, ttlMs)) return false;
    const since = held?.owner === owner ? held.since : now;
    await db.meta.put({ key: KEY, value: { owner, since, expiresAt: now + ttlMs } satisfies Lease });
    return true;
  });
}

export function releaseLease(db: TattlerDb, owner: string): Promise<void> {
  return db.transaction('rw', db.meta, async () => {
    const held = await read(db);
    if (held?.owner === owner) await db.meta.delete(KEY);
  });
}

/**
 * At start-up: a lease held by another background instance was left by the one before this
 * one (stopped mid-pass), which cannot still be running. Removes it and returns it (for the
 * log). Leases of other holders (the options page clearing the history) are left alone.
 */
export function releaseDeadLease(db: TattlerDb, owner: string): Promise<Lease | undefined> {
  return db.transaction('rw', db.meta, async () => {
    const held = await read(db);
    if (!held || held.owner === owner || !held.owner.startsWith(BACKGROUND)) return undefined;
    await db.meta.delete(KEY);
    return held;
  });
}

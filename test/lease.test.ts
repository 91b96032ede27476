/** The pass lease: one holder at a time, a short TTL renewed by a heartbeat, no lease from the future. */
import { describe, expect, it } from 'vitest';
import { openDb } from '../lib/db';
import { acquireLease, backgroundOwner, releaseDeadLease, releaseLease, renewLease } from '../lib/lease';

const TTL = 60_000;
const T0 = Date.UTC(2026, 0, 1, 10);
const db = () => openDb(`lease-${Math.random()}`);
const held = async (d: ReturnType<typeof db>) => (await d.meta.get('pass-lease'))?.value;

describe('pass lease', () => {
  it('keeps a second owner out while the first one holds it, and lets it in once released', async () => {
    const d = db();
    expect(await acquireLease(d, 'a', T0, TTL)).toEqual({ ok: true });
    expect(await acquireLease(d, 'b', T0 + 1000, TTL)).toMatchObject({
      ok: false,
      held: { owner: 'a', since: T0, expiresAt: T0 + TTL },
    });
    await releaseLease(d, 'b'); // not b's: stays
    expect(await held(d)).toMatchObject({ owner: 'a' });
    await releaseLease(d, 'a');
    expect(await acquireLease(d, 'b', T0 + 2000, TTL)).toEqual({ ok: true });
  });

  it('lapses one TTL after the last heartbeat, and a heartbeat keeps it', async () => {
    const d = db();
    await acquireLease(d, 'a', T0, TTL);
    expect(await renewLease(d, 'a', T0 + 50_000, TTL)).toBe(true);
    // Past the first expiry, still held thanks to the heartbeat.
    expect(await acquireLease(d, 'b', T0 + 70_000, TTL)).toMatchObject({ ok: false });
    expect(await held(d)).toMatchObject({ owner: 'a', since: T0, expiresAt: T0 + 50_000 + TTL });
    // No beat for a TTL: another owner may take it, and the old holder's heartbeat then fails.
    expect(await acquireLease(d, 'b', T0 + 50_000 + TTL + 1, TTL)).toEqual({ ok: true });
    expect(await renewLease(d, 'a', T0 + 50_000 + TTL + 2, TTL)).toBe(false);
  });

  it('ignores a lease written while the clock was ahead', async () => {
    const d = db();
    // Taken while the clock said 10:00 tomorrow; the clock has since been set right.
    await acquireLease(d, 'a', T0 + 24 * 3_600_000, TTL);
    expect(await acquireLease(d, 'b', T0, TTL)).toEqual({ ok: true });
    expect(await held(d)).toMatchObject({ owner: 'b', since: T0, expiresAt: T0 + TTL });
  });

  it('at start-up, releases a lease left by the previous background instance, never its own', async () => {
    const d = db();
    const previous = backgroundOwner();
    const current = backgroundOwner();
    await acquireLease(d, previous, T0, TTL);
    expect(await releaseDeadLease(d, current)).toMatchObject({ owner: previous });
    expect(await held(d)).toBeUndefined();
    await acquireLease(d, current, T0, TTL);
    expect(await releaseDeadLease(d, current)).toBeUndefined();
    expect(await held(d)).toMatchObject({ owner: current });
  });

  it('at start-up, leaves the lease of the options page clearing the history alone', async () => {
    const d = db();
    await acquireLease(d, 'options-clearing', T0, TTL);
    expect(await releaseDeadLease(d, backgroundOwner())).toBeUndefined();
    expect(await held(d)).toMatchObject({ owner: 'options-clearing' });
  });
});

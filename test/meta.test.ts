import { describe, expect, it } from 'vitest';
import { openDb } from '../lib/db';
import { lastPass, lastPrune } from '../lib/meta';

const summary = {
  startedAt: 1,
  finishedAt: 2,
  clusters: { ok: 1, auth: 0, unreachable: 0, error: 0, partial: 0, gone: 0 },
  changes: 0,
  bytes: 10,
  logins: [],
};

describe('meta records', () => {
  it('read back what the background writes, and nothing else as that type', async () => {
    const db = openDb(`meta-${Math.random()}`);
    expect(await lastPass(db)).toBeUndefined();
    expect(await lastPrune(db)).toBeUndefined();
    await db.meta.bulkPut([
      { key: 'last-pass', value: summary },
      { key: 'last-prune', value: 1234 },
    ]);
    expect(await lastPass(db)).toEqual(summary);
    expect(await lastPrune(db)).toBe(1234);
    await db.meta.bulkPut([
      { key: 'last-pass', value: { startedAt: 'yesterday' } },
      { key: 'last-prune', value: '1234' },
    ]);
    expect(await lastPass(db)).toBeUndefined();
    expect(await lastPrune(db)).toBeUndefined();
  });
});

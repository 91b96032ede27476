import { describe, expect, it } from 'vitest';
import { mapPool } from '../lib/pool';

describe('mapPool', () => {
  it('keeps the input order with bounded concurrency', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapPool([5, 1, 3, 2], 2, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20]);
    expect(most).toBe(2);
  });

  it('rethrows a failure only once every started item has finished, and starts no new one', async () => {
    const finished: number[] = [];
    const started: number[] = [];
    const run = mapPool([0, 1, 2, 3], 2, async (i) => {
      started.push(i);
      if (i === 0) throw new Error('boom');
      await new Promise((r) => setTimeout(r, 20));
      finished.push(i);
      return i;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([1]);
  });
});

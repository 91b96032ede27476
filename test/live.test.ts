/**
 * Pages that show the history re-read it once a pass ends, not whenever a pass writes: the
 * options page re-running its counts over the whole history on every cluster commit made each
 * pass about three times slower (issue 19).
 */
import { describe, expect, it, vi } from 'vitest';
import { openDb } from '../lib/db';
import { historyStore } from '../lib/history';
import { setLastPass } from '../lib/meta';
import { putChanges } from '../lib/store/write';
import * as build from './builders';

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('the options page’s live reads', () => {
  it('re-read when a pass ends, and not on the writes of a pass in between', async () => {
    const db = openDb(`live-${Math.random()}`);
    const seen: number[] = [];
    const stop = historyStore(db)
      .counts()
      .subscribe(
        (c) => seen.push(c.polls),
        (e) => {
          throw e;
        },
      );
    await vi.waitFor(() => expect(seen).toEqual([0]));
    // What a pass writes per cluster: poll runs, clusters, the log …
    for (let i = 0; i < 5; i++) {
      await db.polls.add({ target: `c-${i}`, sourceId: 's', status: 'ok', from: i, to: i, count: 1 });
      await db.clusters.put(build.cluster('s', `c-${i}`, 0));
    }
    await settle();
    expect(seen).toEqual([0]);
    // … then the pass ends.
    await setLastPass(db, {
      startedAt: 0,
      finishedAt: 1,
      clusters: { ok: 5, auth: 0, unreachable: 0, error: 0, partial: 0, gone: 0 },
      changes: 0,
      bytes: 0,
      logins: [],
    });
    await vi.waitFor(() => expect(seen).toEqual([0, 5]));
    // Writing changes from outside a pass rebuilds the grid: that counts as news too.
    await putChanges(db, [build.change({ clusterId: 's/c-1', name: 'checkout' }, 10)]);
    await vi.waitFor(() => expect(seen.length).toBe(3));
    stop();
    await db.delete();
  });
});

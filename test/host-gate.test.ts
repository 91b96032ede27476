/** lib/host-gate.ts: one pass's manners per API host. */
import { describe, expect, it } from 'vitest';
import { createHostGate } from '../lib/host-gate';
import { type Http, PollError } from '../lib/http';
import type { PacePolicy } from '../lib/pace';

const policy: PacePolicy = {
  passMs: 60_000,
  hotForMs: 900_000,
  quietEveryMs: 600_000,
  hostBudget: 5,
  hostConcurrency: 2,
  maxBackoffMs: 900_000,
  maxHoldMs: 3_600_000,
};

/** An Http that records what was sent and answers when told to. */
function recording(answer: (url: string) => Promise<unknown> | unknown = () => ({})) {
  const sent: string[] = [];
  let inFlight = 0;
  const peak = new Map<string, number>();
  const http: Http = {
    async getJson(url) {
      sent.push(url);
      const host = new URL(url).origin;
      inFlight++;
      peak.set(host, Math.max(peak.get(host) ?? 0, inFlight));
      try {
        const body = await answer(url);
        return { body, headers: new Headers(), bytes: 2, status: 200 } as never;
      } finally {
        inFlight--;
      }
    },
  };
  return { http, sent, peak };
}

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('host gate', () => {
  it('never has more than the configured requests in flight to one host', async () => {
    let inFlightA = 0;
    let peakA = 0;
    const inner = recording(async (url) => {
      if (url.startsWith('https://a.example')) {
        inFlightA++;
        peakA = Math.max(peakA, inFlightA);
        await tick();
        inFlightA--;
      }
      return {};
    });
    const gate = createHostGate(inner.http, { policy: { ...policy, hostBudget: 100 }, now: () => 0 });
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => gate.http.getJson(`https://a.example/x/${i}`)),
      ...Array.from({ length: 3 }, (_, i) => gate.http.getJson(`https://b.example/y/${i}`)),
    ]);
    expect(peakA).toBe(2);
    expect(inner.sent).toHaveLength(13);
    expect(gate.sent().get('https://a.example')).toBe(10);
  });

  it('after a 429, sends that host nothing more until its Retry-After, and other hosts carry on', async () => {
    let now = 1_000_000;
    const inner = recording((url) => {
      if (url.endsWith('/limited')) {
        const e = new PollError('error', '429 Too Many Requests on /limited', url, undefined, 429);
        e.retryAfterMs = 30_000;
        throw e;
      }
      return {};
    });
    const gate = createHostGate(inner.http, { policy, now: () => now });
    await expect(gate.http.getJson('https://a.example/limited')).rejects.toMatchObject({ httpStatus: 429 });
    const refused = await gate.http.getJson('https://a.example/other').catch((e: unknown) => e);
    expect(refused).toMatchObject({ httpStatus: 429, retryAfterMs: 30_000 });
    expect((refused as Error).message).toMatch(
      /^429 Too Many Requests from https:\/\/a\.example earlier in this pass/,
    );
    await gate.http.getJson('https://b.example/fine');
    expect(inner.sent).toEqual(['https://a.example/limited', 'https://b.example/fine']);
    expect(gate.admit('https://a.example/k8s/clusters/c-2')).toBe(false);
    now += 30_000;
    await gate.http.getJson('https://a.example/other');
    expect(inner.sent).toHaveLength(3);
  });

  it('honours holds from before the pass', async () => {
    const inner = recording();
    const gate = createHostGate(inner.http, {
      policy,
      holds: new Map([['https://a.example', 5000]]),
      now: () => 1000,
    });
    await expect(gate.http.getJson('https://a.example/x')).rejects.toMatchObject({ httpStatus: 429 });
    expect(inner.sent).toEqual([]);
    expect(gate.heldUntil('https://a.example/x')).toBe(5000);
  });

  it("admits a cluster's poll only while its host has budget left", async () => {
    const gate = createHostGate(recording().http, { policy, now: () => 0 });
    for (let i = 0; i < 4; i++) await gate.http.getJson(`https://a.example/${i}`);
    expect(gate.admit('https://a.example/k8s/clusters/c-1')).toBe(true);
    await gate.http.getJson('https://a.example/5');
    expect(gate.admit('https://a.example/k8s/clusters/c-1')).toBe(false);
    expect(gate.admit('https://b.example/k8s/clusters/c-1')).toBe(true);
  });
});

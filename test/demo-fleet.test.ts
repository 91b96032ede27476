import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startFleet } from '../fleet/index';
import { probeDemoFleet } from '../lib/demo-fleet';

describe('probeDemoFleet', () => {
  it('recognises the demo fleet by its Rancher-style answer, without a session', async () => {
    const fleet = await startFleet({ autoRun: false });
    try {
      expect(await probeDemoFleet(fleet.url)).toBe(true);
    } finally {
      await fleet.stop();
    }
  });

  it('says no for other servers and for closed ports', async () => {
    const other = createServer((_, res) => res.end('<html>hello</html>'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    expect(await probeDemoFleet(url)).toBe(false);
    await new Promise((r) => other.close(r));
    expect(await probeDemoFleet(url)).toBe(false);
  });
});

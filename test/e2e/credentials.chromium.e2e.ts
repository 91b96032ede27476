/**
 * Where credentials go (credential-flows.ts), in Chromium; and, in Chromium only, that a content
 * script cannot read the token: Chromium's DevTools protocol reaches the content script's
 * isolated world, no protocol reaches Firefox's. Build first: npm run build:demo.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, credentialFlows, listen, portOf, TOKEN } from './credential-flows';
import { importSettingsThroughOptions, type LaunchedExtension, launchExtension } from './harness';
import { enterNomadToken } from './people';

credentialFlows('chromium');

describe("the token is out of a content script's reach, in chromium", () => {
  let ext: LaunchedExtension;
  let server: Server;
  let origin = '';

  beforeAll(async () => {
    server = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>a page</title><p>a loopback page</p>');
    });
    origin = `http://127.0.0.1:${portOf(server)}`;
    ext = await launchExtension();
  });
  afterAll(async () => {
    await ext?.close();
    await closeServer(server);
  });

  it('the page integrations’ script, on a page where it runs, finds neither the token nor its database', async () => {
    const settings = {
      version: 1,
      pollIntervalSec: 600,
      sources: [{ id: 'nomad', name: 'Nomad', type: 'nomad', baseUrl: origin }],
    };
    expect(await importSettingsThroughOptions(ext, settings)).toMatch(/Imported 1 source/);
    await enterNomadToken(ext, 'Nomad', TOKEN);

    const page = await ext.context.newPage();
    const cdp = await page.context().newCDPSession(page);
    const worlds: { id: number; name: string; type?: string }[] = [];
    cdp.on('Runtime.executionContextCreated', ({ context }) =>
      worlds.push({ id: context.id, name: context.name, type: context.auxData?.type }),
    );
    await cdp.send('Runtime.enable');
    await page.goto(`${origin}/`);
    const tattler = () => worlds.find((w) => w.type === 'isolated' && w.name === 'Tattler');
    const deadline = Date.now() + 15_000;
    while (!tattler() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(tattler(), 'the page integrations’ content script runs on this loopback page').toBeDefined();
    // Everything a content script may open: the extension's storage areas, and IndexedDB.
    const { result } = await cdp.send('Runtime.evaluate', {
      contextId: tattler()?.id,
      awaitPromise: true,
      returnByValue: true,
      expression: `(async () => ({
        local: JSON.stringify(await chrome.storage.local.get(null)),
        databases: (await indexedDB.databases()).map((d) => d.name),
      }))()`,
    });
    const seen = result.value as { local: string; databases: string[] };
    // The script did read storage.local (settings are there): the token is not.
    expect(seen.local).toContain('settings');
    expect(seen.local).not.toContain(TOKEN);
    expect(seen.databases).not.toContain('tattler-secrets');
    await page.close();
  });
});

/**
 * The two builds, as shipped. The store packages (`npm run build`, `build:firefox`, `zip`) ask for
 * no host access up front, run no content script by themselves and never probe the demo fleet's
 * loopback port (its first-run offers are only wired in by the demo build's entrypoints); the
 * demo build (`build:demo`)
 * adds the demo fleet's loopback origins, http and https alike, to host access and to the page
 * integrations' content script.
 *
 * Build first: npm run build && npm run build:firefox && npm run build:demo.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const OUT = resolve(import.meta.dirname, '../../.output');

interface Manifest {
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_scripts?: { matches?: string[]; js?: string[] }[];
  permissions?: string[];
}

function manifestOf(dir: string): Manifest {
  const path = join(OUT, dir, 'manifest.json');
  if (!existsSync(path))
    throw new Error(`No build at ${path}: run npm run build, build:firefox and build:demo`);
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** Every text file of a build, for what must not be in it. */
function textOf(dir: string): string {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((name) => {
      const path = join(d, name);
      return statSync(path).isDirectory() ? walk(path) : /\.(js|html|json|css)$/.test(name) ? [path] : [];
    });
  return walk(join(OUT, dir))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

describe.each(['chrome-mv3', 'firefox-mv3'])('the store build %s', (dir) => {
  it('asks for no host access up front and runs no content script by itself', () => {
    const manifest = manifestOf(dir);
    expect(manifest.host_permissions ?? []).toEqual([]);
    expect(manifest.content_scripts ?? []).toEqual([]);
    // Origins the user configures are asked for at run time, each exactly.
    expect(manifest.optional_host_permissions).toEqual(['https://*/*', 'http://*/*']);
    expect(manifest.permissions).toContain('scripting');
    // The page integrations' script is there to be registered on granted origins.
    expect(existsSync(join(OUT, dir, 'content-scripts/pages.js'))).toBe(true);
  });

  it("carries no probe of the demo fleet's loopback port", () => {
    // Booleans, not the text: a failure would print megabytes of bundle.
    expect(textOf(dir).includes('18080'), 'the demo port in the store build').toBe(false);
  });
});

describe.each(['chrome-mv3-demo', 'firefox-mv3-demo'])('the demo build %s', (dir) => {
  it('adds the loopback origins, http and https, to host access and to the content script', () => {
    const manifest = manifestOf(dir);
    const loopback = ['*://127.0.0.1/*', '*://localhost/*'];
    expect(manifest.host_permissions).toEqual(loopback);
    expect(manifest.content_scripts).toEqual([
      expect.objectContaining({ matches: loopback, js: ['content-scripts/pages.js'] }),
    ]);
    expect(textOf(dir).includes('18080'), 'the demo port in the demo build').toBe(true);
  });
});

/**
 * The split of code by where it runs (as Dark Reader does it). Biome holds the direct imports
 * and globals at lint time (biome.json `overrides`): lib/ outside lib/db.ts and lib/pages/ never
 * imports the extension API nor uses the DOM; components/ never import Dexie, lib/db or the
 * cluster adapters; content scripts and lib/pages/ never import Dexie or lib/db.
 *
 * What lint cannot see is what a module reaches through others, and markup written from strings.
 * This scan follows value imports (type-only imports are erased at build) from each entry:
 * - content scripts never reach IndexedDB (Dexie, lib/db.ts, the background's queries): they
 *   run in the page's origin and ask the background;
 * - components never reach the code that talks to cluster APIs (the adapters, their registry);
 * - lib/ outside lib/db.ts and lib/pages/ never reaches the extension API through another module;
 * - what runs in pages (lib/pages/, components/badge/) writes no markup from strings.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return files(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

interface Import {
  spec: string;
  typeOnly: boolean;
}

/** `import … from '…'`, `export … from '…'` (type-only when `import type`/`export type`), `import('…')`. */
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s+(type\s)?[^;]*?from\s+['"]([^'"]+)['"]|import\s*\(?\s*['"]([^'"]+)['"]/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => ({
    spec: (m[2] ?? m[3]) as string,
    typeOnly: m[1] !== undefined,
  }));
}

/** A relative import as a repository path, or undefined for a package. */
function local(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = relative(ROOT, resolve(ROOT, dirname(from), spec));
  return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), base].find(
    (p) => existsSync(join(ROOT, p)) && statSync(join(ROOT, p)).isFile(),
  );
}

/** Every file and package reachable from `entry` through value imports. */
function closure(entry: string): { files: Set<string>; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const { spec, typeOnly } of importsOf(file)) {
      if (typeOnly) continue;
      const found = local(file, spec);
      if (found) todo.push(found);
      else if (!spec.startsWith('.')) packages.add(spec);
    }
  }
  return { files: seen, packages };
}

const contentScripts = () =>
  readdirSync(join(ROOT, 'entrypoints'))
    .filter((n) => /\.content(\.tsx?|$)/.test(n))
    .map((n) => (n.endsWith('.ts') || n.endsWith('.tsx') ? `entrypoints/${n}` : `entrypoints/${n}/index.ts`));

describe('code boundaries', () => {
  it('content scripts never reach IndexedDB (Dexie, lib/db.ts, the background queries)', () => {
    const entries = contentScripts();
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      const reach = closure(entry);
      expect(reach.files, `${entry} runs the page integrations`).toContain('lib/pages/runtime.ts');
      expect(reach.files, `${entry} mounts badges`).toContain('components/badge/mount.tsx');
      const bad = [
        ...[...reach.files].filter(
          (f) => f === 'lib/db.ts' || f === 'lib/live.ts' || f === 'lib/correlate/query.ts',
        ),
        ...[...reach.packages].filter((p) => p === 'dexie' || p.startsWith('fake-indexeddb')),
      ];
      expect(bad, `${entry} reaches ${bad.join(', ')}`).toEqual([]);
    }
  });

  it('content scripts never reach the tokens (lib/secrets.ts, lib/secret-store.ts)', () => {
    for (const entry of contentScripts()) {
      const bad = [...closure(entry).files].filter(
        (f) => f === 'lib/secrets.ts' || f === 'lib/secret-store.ts',
      );
      expect(bad, `${entry} reaches ${bad.join(', ')}`).toEqual([]);
    }
  });

  it('components never open the token store: the entrypoints hand it to them', () => {
    for (const file of files('components')) {
      expect([...closure(file).files], file).not.toContain('lib/secret-store.ts');
    }
  });

  it('components never reach the code that talks to cluster APIs', () => {
    const adapters = (f: string) => /^lib\/sources\/([^/]+\/adapter|registry)\.ts$/.test(f);
    for (const file of files('components')) {
      const bad = [...closure(file).files].filter(adapters);
      expect(bad, `${file} reaches ${bad.join(', ')}`).toEqual([]);
    }
  });

  it('lib/ outside lib/db.ts and lib/pages/ never reaches the extension API through another module', () => {
    const browserFree = files('lib').filter((f) => f !== 'lib/db.ts' && !f.startsWith('lib/pages/'));
    for (const file of browserFree) {
      const { packages } = closure(file);
      const bad = [...packages].filter((p) => p === 'wxt/browser' || p === 'webextension-polyfill');
      expect(bad, `${file} reaches ${bad.join(', ')}`).toEqual([]);
    }
  });

  it('what runs in pages writes no markup from strings', () => {
    const sources = [...files('lib/pages'), ...files('components/badge')];
    const offenders = sources.filter((f) =>
      /\.innerHTML\s*=|outerHTML\s*=|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write/.test(
        readFileSync(join(ROOT, f), 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('the scan itself sees imports (it would catch a violation)', () => {
    const background = closure('entrypoints/background/index.ts');
    expect(background.files).toContain('lib/db.ts');
    expect(background.files).toContain('lib/sources/registry.ts');
    expect(background.packages).toContain('dexie');
    expect(background.files).toContain('lib/secret-store.ts');
    expect(importsOf('lib/watcher.ts').map((i) => i.spec)).toContain('./diff');
    // Type-only imports are erased: lib/pages/boot.ts's type import of wxt/browser reaches nothing.
    expect(importsOf('lib/pages/boot.ts')).toContainEqual({ spec: 'wxt/browser', typeOnly: true });
    expect(closure('lib/pages/boot.ts').packages).not.toContain('wxt/browser');
  });
});

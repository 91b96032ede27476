/**
 * The split of code by where it runs, held by scanning imports (as Dark Reader does):
 * - lib/ is plain TypeScript: only lib/db.ts (IndexedDB) and lib/pages/ (the page side) may
 *   touch the extension API or the DOM;
 * - components/ render data and never talk to cluster APIs (lib/sources/; the catalog of
 *   source types — schemas and form words, no fetching code — is allowed);
 * - content scripts never open IndexedDB (they run in the page's origin; they ask the
 *   background).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
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

const importsOf = (file: string): string[] =>
  [
    ...readFileSync(join(ROOT, file), 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^;]*?from\s+'([^']+)'/g),
  ].map((m) => m[1] as string);

/** Resolves a relative or `@/` import to a repository path (without extension). */
function target(file: string, spec: string): string {
  if (spec.startsWith('@/')) return spec.slice(2);
  if (spec.startsWith('.')) return relative(ROOT, resolve(ROOT, dirname(file), spec));
  return spec;
}

/** Every file reachable from `entry` through relative imports. */
function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of importsOf(file)) {
      const t = target(file, spec);
      if (t === spec && !spec.startsWith('@/')) continue; // a package
      const candidates = [`${t}.ts`, `${t}.tsx`, `${t}/index.ts`, t];
      const found = candidates.find((c) => {
        try {
          return statSync(join(ROOT, c)).isFile();
        } catch {
          return false;
        }
      });
      if (found) visit(found);
    }
  };
  visit(entry);
  return seen;
}

describe('code boundaries', () => {
  it('lib/ uses neither the extension API nor the DOM, except lib/db.ts and lib/pages/', () => {
    const offenders = files('lib')
      .filter((f) => f !== 'lib/db.ts' && !f.startsWith('lib/pages/'))
      .filter((f) => {
        // Code only: comments may well mention `browser.storage.local`.
        const text = readFileSync(join(ROOT, f), 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\/\/.*$/gm, '');
        return (
          importsOf(f).some((s) => /^(wxt\/browser|webextension-polyfill)$/.test(s)) ||
          /\b(browser|chrome)\.(runtime|storage|tabs|alarms|scripting|permissions|action)\b/.test(text) ||
          /\bdocument\.\w|\bwindow\.(location|document|addEventListener|open|postMessage)\b|\b(localStorage|sessionStorage)\b/.test(
            text,
          )
        );
      });
    expect(offenders).toEqual([]);
  });

  it('components/ never import the cluster APIs (only the catalog of source types: schemas and form words)', () => {
    const allowed = new Set(['lib/sources/catalog', 'lib/sources/form-spec']);
    const offenders = files('components').filter((f) =>
      importsOf(f).some((s) => target(f, s).startsWith('lib/sources') && !allowed.has(target(f, s))),
    );
    expect(offenders).toEqual([]);
  });

  it('content scripts never reach IndexedDB (Dexie, lib/db.ts, the background queries)', () => {
    const entries = readdirSync(join(ROOT, 'entrypoints'))
      .filter((n) => /\.content(\.tsx?|$)/.test(n))
      .map((n) =>
        n.endsWith('.ts') || n.endsWith('.tsx') ? `entrypoints/${n}` : `entrypoints/${n}/index.ts`,
      );
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      const reach = closure(entry);
      const bad = [...reach].filter(
        (f) => f === 'lib/db.ts' || f === 'lib/correlate/query.ts' || importsOf(f).includes('dexie'),
      );
      expect(bad, `${entry} reaches ${bad.join(', ')}`).toEqual([]);
    }
  });

  it('the scan itself sees imports (it would catch a violation)', () => {
    expect(closure('entrypoints/background/index.ts')).toContain('lib/db.ts');
    expect(importsOf('lib/watcher.ts')).toContain('./diff');
  });
});

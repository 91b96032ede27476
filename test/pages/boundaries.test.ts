/**
 * What runs in pages stays out of IndexedDB and never writes markup: the content script's
 * modules (lib/pages/, components/badge/, the entrypoint, and what they import) do not import
 * Dexie or lib/db, and none of them uses innerHTML-like sinks.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const ENTRY = join(ROOT, 'entrypoints', 'pages.content.ts');

function resolveImport(from: string, spec: string): string | undefined {
  let base: string;
  if (spec.startsWith('@/')) base = join(ROOT, spec.slice(2));
  else if (spec.startsWith('.')) base = resolve(dirname(from), spec);
  else return undefined;
  return [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find(
    (p) => existsSync(p) && statSync(p).isFile(),
  );
}

/** Every local module the content script pulls in, and the packages it imports. */
function closure(entry: string) {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    const src = readFileSync(file, 'utf8');
    const re =
      /(?:^|\n)\s*(import\s+type\s)?(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\s*\(?\s*['"]([^'"]+)['"]/g;
    for (const m of src.matchAll(re)) {
      if (m[1]) continue; // type-only: erased at build
      const spec = (m[2] ?? m[3]) as string;
      const local = resolveImport(file, spec);
      if (local) todo.push(local);
      else if (!spec.startsWith('.') && !spec.startsWith('@/')) packages.add(spec);
    }
  }
  return { files: [...files].map((f) => f.slice(ROOT.length + 1)).sort(), packages: [...packages].sort() };
}

describe('content script boundaries', () => {
  const { files, packages } = closure(ENTRY);

  it('never reaches IndexedDB', () => {
    expect(files).toContain('lib/pages/runtime.ts');
    expect(files).toContain('components/badge/mount.tsx');
    expect(files.filter((f) => f === 'lib/db.ts' || f === 'lib/correlate/query.ts')).toEqual([]);
    expect(packages.filter((p) => p === 'dexie' || p.startsWith('fake-indexeddb'))).toEqual([]);
  });

  it('writes no markup from strings', () => {
    const dirs = [join(ROOT, 'lib', 'pages'), join(ROOT, 'components', 'badge')];
    const sources = dirs.flatMap((d) => readdirSync(d).map((f) => join(d, f)));
    const offenders = sources.filter((f) =>
      /\.innerHTML\s*=|outerHTML\s*=|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write/.test(
        readFileSync(f, 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
  });
});

/** The build takes Preact's one innerHTML assignment out (scripts/no-inner-html.ts). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withoutPreactInnerHtml } from '../scripts/no-inner-html';

// The ES module build, the one Vite bundles.
const preactPackage = createRequire(import.meta.url).resolve('preact/package.json');
const preactDist = readFileSync(join(dirname(preactPackage), 'dist/preact.mjs'), 'utf8');

describe('no innerHTML in the bundle', () => {
  it("replaces Preact's dangerouslySetInnerHTML assignment with an error, and nothing else", () => {
    const out = withoutPreactInnerHtml(preactDist);
    expect(out).not.toMatch(/\.innerHTML=/);
    expect(out).toContain('Tattler: dangerouslySetInnerHTML is not allowed');
    expect(out.length - preactDist.length).toBeLessThan(100);
  });

  it('fails the build when Preact no longer has that one assignment', () => {
    expect(() => withoutPreactInnerHtml('const x = 1;')).toThrow(/found 0/);
    expect(() => withoutPreactInnerHtml('(a.innerHTML=b.__html);(c.innerHTML=d.__html)')).toThrow(/found 2/);
  });
});

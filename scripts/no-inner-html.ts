/**
 * A Vite plugin for the extension build: takes out the one place where Preact writes
 * `innerHTML` (its `dangerouslySetInnerHTML` prop) and puts a thrown error there instead.
 *
 * Tattler renders every remote string as text and never uses that prop; with the code gone, no
 * future component can use it by accident either — and `web-ext lint` (Mozilla's add-on
 * linter, run on the Firefox package in the tests) has no unsafe `innerHTML` assignment left
 * to warn about. The build fails if Preact's code changes shape, rather than shipping the
 * assignment silently.
 */
import type { Plugin } from 'vite';

/** Preact's minified `(dom.innerHTML = newHtml.__html)`, whatever the variable names. */
const ASSIGNMENT = /\(([A-Za-z_$][\w$]*)\.innerHTML=([A-Za-z_$][\w$]*)\.__html\)/g;
const REFUSAL = '(()=>{throw new Error("Tattler: dangerouslySetInnerHTML is not allowed")})()';

export function withoutPreactInnerHtml(code: string): string {
  const found = code.match(ASSIGNMENT)?.length ?? 0;
  if (found !== 1)
    throw new Error(
      `no-inner-html: expected Preact's one innerHTML assignment, found ${found}; update scripts/no-inner-html.ts`,
    );
  return code.replace(ASSIGNMENT, REFUSAL);
}

export function noInnerHtml(): Plugin {
  return {
    name: 'tattler:no-inner-html',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]node_modules[\\/]preact[\\/]dist[\\/]preact\.m?js$/.test(id.split('?')[0] ?? ''))
        return null;
      return { code: withoutPreactInnerHtml(code), map: null };
    },
  };
}

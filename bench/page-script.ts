/**
 * Bundles a module of this repository into one script to run inside a browser page (an extension
 * page, or the extension's service worker) through the DevTools protocol — which, unlike a
 * <script> tag, is not subject to the extension's content security policy. The module's exports
 * land on `globalThis[name]`.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function pageScript(entry: string, name: string): Promise<string> {
  const out = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    absWorkingDir: ROOT,
    bundle: true,
    format: 'iife',
    globalName: name,
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]?.text;
  if (!code) throw new Error(`could not bundle ${entry}`);
  // `var X = (() => …)()` at the top level of an evaluated script is a global in pages and workers.
  return `${code}\nglobalThis.${name} = ${name};`;
}

/**
 * The alert list page at `/` (and `/#/alerts`): a static shell whose inline script renders the
 * alerts, as Alertmanager's classic UI renders them (see client.js).
 */
import { readFileSync } from 'node:fs';

const CLIENT = readFileSync(new URL('./client.js', import.meta.url), 'utf8');

/** The client script's source, for tests that run it against sample data. */
export const clientScript = (): string => CLIENT;

const attr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function alertPage(groupBy: string[]): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Alertmanager</title>
<style>
  :root { color-scheme: light dark; --fg: #212529; --bg: #fff; --muted: #6c757d; --line: #ccc; --info: #17a2b8; --chip: #e9ecef; }
  @media (prefers-color-scheme: dark) {
    :root { --fg: #dee2e6; --bg: #1b1e21; --muted: #9aa0a6; --line: #444; --info: #5bc0de; --chip: #2b3035; }
  }
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
  nav { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.5rem; background: #343a40; color: #fff; }
  nav a { color: #ddd; text-decoration: none; } nav a.brand { color: #fff; font-weight: 600; }
  main { padding: 1rem 1.5rem; max-width: 1100px; }
  .btn { font: inherit; font-size: .9rem; border: 1px solid var(--line); background: transparent; color: var(--fg); border-radius: 4px; padding: .2rem .55rem; cursor: pointer; }
  .btn-group { display: inline-flex; margin: 0 .25rem .25rem 0; } .btn-group > .btn { border-radius: 0; }
  .btn-outline-info { color: var(--info); border-color: var(--info); } .border-0 { border: 0; }
  .bg-body-secondary { background: var(--chip); } .text-muted { color: var(--muted); }
  .group-header { margin: .6rem 0; } .alert-count { margin-left: .4rem; color: var(--muted); }
  .list-group { list-style: none; padding: 0 0 0 1.5rem; margin: 0; }
  .list-group-item { padding: .4rem 0; border-bottom: 1px solid var(--line); }
  .starts-at { font-family: monospace; margin-right: .8rem; }
  .labels .btn { margin: .15rem .3rem .15rem 0; }
  .alert-warning { padding: .6rem; border: 1px solid #d39e00; border-radius: 4px; }
</style>
</head>
<body>
<nav><a class="brand" href="#/alerts">Alertmanager</a><a href="#/alerts">Alerts</a><a href="#/silences">Silences</a><a href="#/status">Status</a></nav>
<main>
<div id="alert-list" data-group-by="${attr(JSON.stringify(groupBy))}"></div>
</main>
<script>
${CLIENT}
</script>
</body>
</html>
`;
}

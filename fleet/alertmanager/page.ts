/**
 * The alert list page at `<prefix>/` (and `#/alerts`): a static shell whose inline script renders
 * the alerts as Alertmanager's classic UI renders them (see client.js). The navigation bar is
 * Views/NavBar/Views.elm's; the stylesheet stands in for Bootstrap 4 and Font Awesome, which the
 * real page loads (only the few rules the markup needs, with a dark variant for the demo).
 */
import { readFileSync } from 'node:fs';

const CLIENT = [
  readFileSync(new URL('../http/h.js', import.meta.url), 'utf8'),
  readFileSync(new URL('./client.js', import.meta.url), 'utf8'),
].join('\n');

/** The client script's source (with its helper), for tests that run it against sample data. */
export const clientScript = (): string => CLIENT;

export function alertPage(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">
<meta name="color-scheme" content="light dark">
<title>Alertmanager</title>
<style>
  :root { color-scheme: light dark; --fg: #212529; --bg: #fff; --muted: #6c757d; --line: #ccc; --info: #17a2b8; --chip: #f8f9fa; --warn: #fff3cd; }
  @media (prefers-color-scheme: dark) {
    :root { --fg: #dee2e6; --bg: #1b1e21; --muted: #9aa0a6; --line: #444; --info: #5bc0de; --chip: #2b3035; --warn: #4d3d00; }
  }
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
  .navbar { display: flex; gap: 1.5rem; align-items: center; padding: .8rem 1.5rem; margin-bottom: 2rem; border-bottom: 1px solid rgba(0,0,0,.125); }
  .navbar-nav { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
  .navbar a { color: inherit; text-decoration: none; } .navbar-brand { font-weight: 600; font-size: 1.2rem; }
  .container { max-width: 1110px; margin: 0 auto; padding: 0 15px; }
  .card { border: 1px solid var(--line); border-radius: 4px; margin-bottom: 1rem; }
  .card-header { padding: .5rem 1rem 0; border-bottom: 1px solid var(--line); } .card-body { padding: 1rem; }
  .nav { display: flex; gap: .5rem; align-items: center; list-style: none; margin: 0; padding: 0; } .ml-auto { margin-left: auto; }
  .nav-link { display: inline-block; padding: .4rem .8rem; border: 0; color: inherit; }
  .nav-link.active { border: 1px solid var(--line); border-bottom-color: var(--bg); border-radius: 4px 4px 0 0; }
  .form-control { font: inherit; padding: .3rem .5rem; border: 1px solid var(--line); border-radius: 4px; background: transparent; color: inherit; }
  .input-group { display: flex; } .input-group .form-control { flex: 1; }
  .btn { font: inherit; font-size: .9rem; display: inline-block; border: 1px solid var(--line); background: transparent; color: var(--fg); border-radius: 4px; padding: .25rem .6rem; cursor: pointer; text-decoration: none; }
  .btn-sm { font-size: .8rem; padding: .15rem .45rem; } .btn-primary { background: #007bff; border-color: #007bff; color: #fff; }
  .btn-group { display: inline-flex; } .btn-group > .btn:not(:last-child) { border-radius: 4px 0 0 4px; } .btn-group > .btn:last-child { border-radius: 0 4px 4px 0; }
  .btn-outline-info { color: var(--info); border-color: var(--info); } .btn-outline-info.active { background: var(--info); color: var(--bg); }
  .border-0 { border: 0 !important; } .border-right-0 { border-right: 0; }
  .btn-light, .bg-light, .btn-secondary { background: var(--chip); } .text-muted { color: var(--muted); }
  .mr-1 { margin-right: .25rem; } .mr-2 { margin-right: .5rem; } .mr-3 { margin-right: 1rem; } .ml-1 { margin-left: .25rem; }
  .mb-0 { margin-bottom: 0; } .mb-1 { margin-bottom: .25rem; } .mb-2 { margin-bottom: .5rem; } .mb-3 { margin-bottom: 1rem; } .mb-4 { margin-bottom: 1.5rem; }
  .pl-5 { padding-left: 3rem; } .p-0 { padding: 0; } .w-100 { width: 100%; }
  .d-flex { display: flex; } .align-items-start { align-items: flex-start; } .align-self-center { align-self: center; }
  .list-group { list-style: none; padding: 0; margin: 0; }
  .table { border-collapse: collapse; } .table th, .table td { text-align: left; padding: .3rem .6rem; border-top: 1px solid var(--line); vertical-align: top; }
  .text-nowrap { white-space: nowrap; }
  .alert-warning { padding: .75rem 1rem; border-radius: 4px; background: var(--warn); }
  .custom-control { display: inline-flex; gap: .3rem; align-items: center; }
  .fa { display: inline-block; width: .8em; font-style: normal; } .fa-plus::before { content: "+"; } .fa-minus::before { content: "\\2212"; }
</style>
</head>
<body>
<div>
<header class="navbar navbar-expand-md navbar-light bg-light mb-5 pt-3 pb-3" style="border-bottom: 1px solid rgba(0, 0, 0, .125);">
<nav class="container" style="display: flex; gap: 1.5rem; align-items: center;">
<a class="navbar-brand" href="#">Alertmanager</a>
<ul class="navbar-nav"><li class="nav-item active"><a class="nav-link" href="#/alerts" title="Alerts">Alerts</a></li><li class="nav-item"><a class="nav-link" href="#/silences" title="Silences">Silences</a></li><li class="nav-item"><a class="nav-link" href="#/status" title="Status">Status</a></li><li class="nav-item"><a class="nav-link" href="#/settings" title="Settings">Settings</a></li><li class="nav-item"><a class="nav-link" href="https://prometheus.io/docs/alerting/latest/alertmanager/" title="Help" target="_blank">Help</a></li></ul>
<div class="form-inline ml-auto"><a class="btn btn-outline-info" href="#/silences/new">New Silence</a></div>
</nav>
</header>
<div class="container pb-4"><div id="alert-list"></div></div>
</div>
<script>
${CLIENT}
</script>
</body>
</html>
`;
}

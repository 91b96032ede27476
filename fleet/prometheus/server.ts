/**
 * A stand-in Prometheus 3 on its own port, beside the fleet's Alertmanager and holding the same
 * alerts: the HTTP API's rules, alerts and build info (`{status, data}` envelopes, as
 * web/api/v1 answers), and the web UI's alerts page (its single-page app answers every UI route
 * with the same document; `/` goes to `/query`, and `/graph` links of 2.x land there too).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AlertStore } from '../alertmanager/alerts';
import { sendHtml, sendJson } from '../http/util';
import { apiAlerts, apiRuleGroups } from './rules';

const CLIENT = [
  readFileSync(new URL('../http/h.js', import.meta.url), 'utf8'),
  readFileSync(new URL('./client.js', import.meta.url), 'utf8'),
].join('\n');

const BUILD = {
  version: '3.14.0',
  revision: 'e4a7b1f9d8c5a3b2f1e0d9c8b7a6f5e4d3c2b1a0',
  branch: 'HEAD',
  buildUser: 'root@8c6f2e1d7b4a',
  buildDate: '20260811-09:14:27',
  goVersion: 'go1.25.3',
};

/** The UI's routes (mantine-ui/src/App.tsx): each serves the app, which renders by path. */
const UI_ROUTES = new Set([
  '/query',
  '/alerts',
  '/rules',
  '/targets',
  '/service-discovery',
  '/status',
  '/tsdb-status',
  '/flags',
  '/config',
  '/alertmanager-discovery',
]);

const TITLE = 'Prometheus Time Series Collection and Processing Server';

function page(path: string): string {
  const body =
    path === '/alerts'
      ? `<div id="alerts-page"><p>Loading...</p></div>\n<script>\n${CLIENT}\n</script>`
      : '<p>This page of the fleet\'s Prometheus is not imitated: see <a href="alerts">Alerts</a>.</p>';
  return `<!doctype html>
<html lang="en" data-mantine-color-scheme="light">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="color-scheme" content="light dark">
<title>${TITLE}</title>
<style>
  :root { color-scheme: light dark; --fg: #212529; --bg: #fff; --muted: #868e96; --line: #dee2e6; --card: #fff; --chip: #f1f3f5; }
  @media (prefers-color-scheme: dark) { :root { --fg: #c9c9c9; --bg: #1a1b1e; --muted: #909296; --line: #373a40; --card: #25262b; --chip: #2c2e33; } }
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
  header { display: flex; gap: 2rem; align-items: center; padding: .6rem 1rem; background: rgb(65, 73, 81); color: #fff; }
  header a { color: #fff; text-decoration: none; } header .brand { font-size: 1.25rem; }
  main { padding: 1rem; max-width: 1200px; margin: 0 auto; }
  .mantine-Stack-root { display: flex; flex-direction: column; gap: 1rem; } .mantine-Group-root { display: flex; gap: .6rem; align-items: center; }
  .mantine-Card-root { border: 1px solid var(--line); border-radius: 6px; background: var(--card); }
  .mantine-Accordion-item { border: 1px solid var(--line); border-radius: 4px; margin-top: .3rem; border-left: 4px solid #40c057; }
  .mantine-Accordion-item._panelHealthErr_18dev_2 { border-left-color: #fa5252; }
  .mantine-Accordion-control { display: flex; width: 100%; gap: .6rem; align-items: center; padding: .5rem .8rem; font: inherit; color: inherit; background: transparent; border: 0; cursor: pointer; text-align: left; }
  .mantine-Accordion-label { flex: 1; } .mantine-Accordion-content { padding: .5rem 1rem 1rem; }
  .mantine-Text-root { margin: 0; } .mantine-Badge-root { border-radius: 1rem; padding: 0 .6rem; font-size: .7rem; font-weight: 700; text-transform: uppercase; background: #d3f9d8; color: #2b8a3e; }
  ._healthErr_1r5sx_61 { background: #ffe3e3; color: #c92a2a; } ._healthWarn_1r5sx_81 { background: #fff3bf; color: #e67700; }
  ._labelBadge_1r5sx_9 { background: var(--chip); border-radius: 1rem; font-size: .7rem; font-weight: 700; padding: 0 .6rem; white-space: nowrap; }
  .mantine-Table-table { border-collapse: collapse; width: 100%; } .mantine-Table-th, .mantine-Table-td { text-align: left; padding: .4rem .6rem; border-top: 1px solid var(--line); }
  .mantine-Input-input { font: inherit; padding: .3rem .6rem; border: 1px solid var(--line); border-radius: 4px; background: transparent; color: inherit; }
  pre { background: var(--chip); padding: .6rem; border-radius: 4px; white-space: pre-wrap; }
</style>
</head>
<body>
<div id="root">
<header><a href="query" class="brand">Prometheus</a><nav class="mantine-Group-root"><a href="query">Query</a><a href="alerts" aria-current="page">Alerts</a><a href="status">Status</a></nav></header>
<main>${body}</main>
</div>
</body>
</html>
`;
}

export interface PrometheusServerOptions {
  store: AlertStore;
}

export function createPrometheusServer(options: PrometheusServerOptions): Server {
  const { store } = options;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://prometheus.invalid');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, { status: 'error', errorType: 'bad_data', error: 'method not allowed' });
    }
    const path = url.pathname.replace(/\/+$/, '') || '/';
    switch (path) {
      case '/':
      case '/graph':
        res.writeHead(302, { Location: `/query${path === '/graph' ? url.search : ''}` });
        return void res.end();
      case '/-/healthy':
      case '/-/ready':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        return void res.end(
          path === '/-/ready' ? 'Prometheus Server is Ready.\n' : 'Prometheus Server is Healthy.\n',
        );
      case '/api/v1/alerts':
        return sendJson(res, 200, { status: 'success', data: { alerts: apiAlerts(store) } });
      case '/api/v1/rules': {
        const type = url.searchParams.get('type');
        if (type && type !== 'alert' && type !== 'record') {
          return sendJson(res, 400, {
            status: 'error',
            errorType: 'bad_data',
            error: `unsupported type "${type}"`,
          });
        }
        // Only alerting rules here: asking for recording rules gives empty groups.
        const groups = apiRuleGroups(store, Date.now()).map((g) =>
          type === 'record' ? { ...g, rules: [] } : g,
        );
        return sendJson(res, 200, { status: 'success', data: { groups } });
      }
      case '/api/v1/status/buildinfo':
        return sendJson(res, 200, { status: 'success', data: BUILD });
      default:
        if (UI_ROUTES.has(path)) return sendHtml(res, 200, page(path));
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('404 page not found\n');
    }
  };
  return createServer(handle);
}

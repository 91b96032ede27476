/**
 * A stand-in Alertmanager on its own port: the v2 API (alerts, groups, status, silences,
 * receivers; POST /api/v2/alerts accepts alerts as Prometheus sends them) and the alert list page.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody, sendHtml, sendJson } from '../http/util';
import { type Alert, type AlertStore, checkPostable, gettable, receive, receiverFor } from './alerts';
import { alertPage } from './page';

const VERSION = {
  branch: 'HEAD',
  buildDate: '20240228-11:51:20',
  buildUser: 'root@22cd11f671e9',
  goVersion: 'go1.21.7',
  revision: '0aa3c2aad14cff039931923ab16b26b7481783b5',
  version: '0.27.0',
};

const CONFIG = `global:
  resolve_timeout: 5m
route:
  receiver: oncall-shop
  group_by: ['alertname']
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
  - receiver: 'null'
    matchers: ['alertname = Watchdog']
receivers:
- name: oncall-shop
- name: 'null'
`;

const toIso = (ms: number): string => new Date(ms).toISOString();

type Matcher = { name: string; op: '=' | '!=' | '=~' | '!~'; value: string };

/** `filter=cluster="prod-eu-1"` matchers, as amtool and the UI send them. */
function parseMatcher(text: string): Matcher | undefined {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/.exec(text.replace(/^\{|\}$/g, ''));
  if (!m) return undefined;
  return { name: m[1] ?? '', op: m[2] as Matcher['op'], value: m[3] ?? '' };
}

function matches(labels: Record<string, string>, m: Matcher): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test(v);
    case '!~':
      return !new RegExp(`^(?:${m.value})$`).test(v);
  }
}

export interface AlertServerOptions {
  store: AlertStore;
  groupBy: string[];
  startedAt: number;
}

export function createAlertServer(options: AlertServerOptions): Server {
  const { store, groupBy } = options;

  const select = (url: URL): Alert[] | string => {
    const matchers: Matcher[] = [];
    for (const f of url.searchParams.getAll('filter')) {
      const m = parseMatcher(f);
      if (!m) return `bad matcher format: ${f}`;
      matchers.push(m);
    }
    // Nothing is silenced or inhibited here, so active=false hides everything.
    if (url.searchParams.get('active') === 'false') return [];
    const receiver = url.searchParams.get('receiver');
    return store
      .firing()
      .filter((a) => matchers.every((m) => matches(a.labels, m)))
      .filter((a) => !receiver || new RegExp(`^(?:${receiver})$`).test(a.receiver));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://alertmanager.invalid');
    const now = Date.now();
    const path = url.pathname.replace(/\/+$/, '') || '/';

    if (req.method === 'POST' && path === '/api/v2/alerts') {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return sendJson(res, 400, { code: 400, message: 'body is not JSON' });
      }
      if (!Array.isArray(body))
        return sendJson(res, 400, { code: 400, message: 'expected a list of postableAlert' });
      // As Alertmanager does: the valid alerts are taken, and the invalid ones make it a 400.
      const errors: string[] = [];
      for (const item of body) {
        const alert = checkPostable(item, now);
        if (typeof alert === 'string') errors.push(alert);
        else receive(store, alert, now);
      }
      if (errors.length) return sendJson(res, 400, { code: 400, message: errors.join('; ') });
      return sendJson(res, 200, '');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, { code: 405, message: 'method not allowed' });
    }

    switch (path) {
      case '/':
      case '/index.html':
        return sendHtml(res, 200, alertPage(groupBy));
      case '/-/healthy':
      case '/-/ready':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        return void res.end('OK');
      case '/api/v2/status':
        return sendJson(res, 200, {
          cluster: {
            name: '01HQ8XJ5T9ZV4C6M2N7P3R0S1K',
            peers: [{ address: '127.0.0.1:9094', name: '01HQ8XJ5T9ZV4C6M2N7P3R0S1K' }],
            status: 'ready',
          },
          config: { original: CONFIG },
          uptime: toIso(options.startedAt),
          versionInfo: VERSION,
        });
      case '/api/v2/receivers':
        return sendJson(res, 200, [{ name: 'oncall-shop' }, { name: 'null' }]);
      case '/api/v2/silences':
        return sendJson(res, 200, []);
      case '/api/v2/alerts': {
        const alerts = select(url);
        if (typeof alerts === 'string') return sendJson(res, 400, { code: 400, message: alerts });
        return sendJson(
          res,
          200,
          alerts.map((a) => gettable(a, now)),
        );
      }
      case '/api/v2/alerts/groups': {
        const alerts = select(url);
        if (typeof alerts === 'string') return sendJson(res, 400, { code: 400, message: alerts });
        const groups = new Map<
          string,
          { labels: Record<string, string>; receiver: { name: string }; alerts: unknown[] }
        >();
        for (const a of alerts) {
          const labels = Object.fromEntries(
            groupBy.filter((k) => k in a.labels).map((k) => [k, a.labels[k] ?? '']),
          );
          const id = JSON.stringify([a.receiver, labels]);
          const g = groups.get(id) ?? { labels, receiver: { name: receiverFor(a.labels) }, alerts: [] };
          g.alerts.push(gettable(a, now));
          groups.set(id, g);
        }
        return sendJson(res, 200, [...groups.values()]);
      }
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('404 page not found\n');
    }
  };

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { code: 500, message: String(error) });
      else res.destroy();
    });
  });
}

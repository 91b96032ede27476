/**
 * A stand-in Alertmanager on its own port: the v2 API (alerts, groups, status, silences,
 * receivers; POST /api/v2/alerts accepts alerts as Prometheus sends them) and the alert list page,
 * all under a route prefix when one is given (`--web.route-prefix`, e.g. `/alertmanager`: `/`
 * then redirects there, and the API lives at `/alertmanager/api/v2/…`, as app/app.go and
 * api/api.go arrange it).
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
  version: '0.34.0',
};

const yamlList = (items: readonly string[]) => `[${items.map((i) => `'${i}'`).join(', ')}]`;

function configText(groupBy: readonly string[], routeLabels: Record<string, string>): string {
  const labels = Object.entries(routeLabels);
  return `global:
  resolve_timeout: 5m
route:
  receiver: oncall-shop
  group_by: ${yamlList(groupBy)}
${labels.length ? `  labels:\n${labels.map(([k, v]) => `    ${k}: '${v}'\n`).join('')}` : ''}  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
  - receiver: 'null'
    matchers: ['alertname = Watchdog']
receivers:
- name: oncall-shop
- name: 'null'
`;
}

/**
 * prometheus/common's LabelSet.Before: the smaller set first, then by sorted label names and
 * values. Alert groups (dispatch.AlertGroups) are sorted by it, and alerts within a group by
 * `job`, then `instance`, then it (alert.AlertSlice).
 */
export function labelSetBefore(a: Record<string, string>, b: Record<string, string>): boolean {
  const an = Object.keys(a);
  const bn = Object.keys(b);
  if (an.length !== bn.length) return an.length < bn.length;
  for (const name of [...an, ...bn].sort()) {
    const av = a[name];
    const bv = b[name];
    if (av === undefined) return true;
    if (bv === undefined) return false;
    if (av !== bv) return av < bv;
  }
  return false;
}

function alertBefore(a: Record<string, string>, b: Record<string, string>): boolean {
  for (const key of ['job', 'instance']) {
    const av = a[key];
    const bv = b[key];
    if (av === undefined && bv === undefined) continue;
    if (av === undefined) return false;
    if (bv === undefined) return true;
    if (av !== bv) return av < bv;
  }
  return labelSetBefore(a, b);
}

const byBefore =
  <T>(labelsOf: (t: T) => Record<string, string>, before: typeof labelSetBefore) =>
  (x: T, y: T) =>
    before(labelsOf(x), labelsOf(y)) ? -1 : before(labelsOf(y), labelsOf(x)) ? 1 : 0;

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
  /** The route's `group_by`; `['...']` groups by every label (each alert its own group). */
  groupBy: string[];
  startedAt: number;
  /** `--web.route-prefix`, e.g. `/alertmanager`. Default `/`. */
  routePrefix?: string;
  /** The route's `labels` (Alertmanager 0.34+), shown on each group's header. Default none. */
  routeLabels?: Record<string, string>;
}

/** The group labels of an alert under `group_by`. */
export function groupLabelsOf(
  labels: Record<string, string>,
  groupBy: readonly string[],
): Record<string, string> {
  if (groupBy.includes('...')) return { ...labels };
  return Object.fromEntries(groupBy.filter((k) => k in labels).map((k) => [k, labels[k] ?? '']));
}

export function createAlertServer(options: AlertServerOptions): Server {
  const { store, groupBy } = options;
  const prefix = (options.routePrefix ?? '/').replace(/\/+$/, '');
  const routeLabels = options.routeLabels ?? {};
  const config = configText(groupBy, routeLabels);

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
    if (prefix && !(url.pathname === prefix || url.pathname.startsWith(`${prefix}/`))) {
      if (url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(302, { Location: `${prefix}/` });
        return void res.end();
      }
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('404 page not found\n');
    }
    if (prefix && url.pathname === prefix) {
      res.writeHead(301, { Location: `${prefix}/${url.search}` });
      return void res.end();
    }
    const path = url.pathname.slice(prefix.length).replace(/\/+$/, '') || '/';

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
        return sendHtml(res, 200, alertPage());
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
          config: { original: config },
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
        // dispatch.Groups: one group per route and group labels; groups and their alerts sorted.
        const groups = new Map<
          string,
          { labels: Record<string, string>; receiver: string; alerts: Alert[] }
        >();
        for (const a of alerts) {
          const labels = groupLabelsOf(a.labels, groupBy);
          const id = JSON.stringify([a.receiver, labels]);
          const g = groups.get(id) ?? { labels, receiver: receiverFor(a.labels), alerts: [] };
          g.alerts.push(a);
          groups.set(id, g);
        }
        const sorted = [...groups.values()].sort(
          (x, y) =>
            byBefore((g: { labels: Record<string, string> }) => g.labels, labelSetBefore)(x, y) ||
            (x.receiver < y.receiver ? -1 : x.receiver > y.receiver ? 1 : 0),
        );
        return sendJson(
          res,
          200,
          sorted.map((g) => ({
            alerts: g.alerts.sort(byBefore((a: Alert) => a.labels, alertBefore)).map((a) => gettable(a, now)),
            labels: g.labels,
            receiver: { name: g.receiver },
            routeLabels,
          })),
        );
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

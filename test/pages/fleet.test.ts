// @vitest-environment happy-dom
/**
 * The demo fleet's own pages (fleet/), which the end-to-end run will use: its Alertmanager
 * alert list (rendered after load, groups collapsed until clicked) and its Rancher-like console
 * URLs are served by the Alertmanager and Rancher integrations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RESERVED } from '../../lib/correlate/identity';
import { alertmanager } from '../../lib/pages/alertmanager';
import { rancher } from '../../lib/pages/rancher';
import { fakeBackground, hosts, loadPage, run, settle, stopAll } from './helpers';

// The fleet's alert list script, as its page inlines it (fleet/alertmanager/page.ts reads it
// with fs at import, which happy-dom's URL class does not allow; the page around it is a shell).
const clientScript = () =>
  ['http/h.js', 'alertmanager/client.js']
    .map((f) => readFileSync(join(import.meta.dirname, '..', '..', 'fleet', f), 'utf8'))
    .join('\n');
const alertPage = () =>
  `<html><head><title>Alertmanager</title></head><body><header class="navbar"><a class="navbar-brand" href="#">Alertmanager</a></header><div class="container pb-4"><div id="alert-list"></div></div></body></html>`;
// The console's URLs (fleet/console/pages.ts jobPath, userPath), which mimic Rancher's.
const jobPath = (cluster: string, _kind: 'Deployment', ns: string, name: string) =>
  `/dashboard/c/${cluster}/explorer/apps.deployment/${ns}/${name}`;
const userPath = (user: string) => `/dashboard/users/${user}/jobs`;

afterEach(() => {
  stopAll();
  vi.unstubAllGlobals();
  document.documentElement.innerHTML = '<head></head><body></body>';
});

const started = Date.UTC(2025, 0, 15, 11, 52, 10);
const alerts = [
  { cluster: 'prod-eu-1', namespace: 'shop', deployment: 'checkout' },
  { cluster: 'prod-eu-1', namespace: 'shop', deployment: 'cart' },
  { cluster: 'prod-us-1', namespace: 'billing', statefulset: 'ledger' },
].map((l, i) => ({
  labels: { alertname: 'KubeDeploymentReplicasMismatch', severity: 'warning', ...l },
  annotations: {},
  startsAt: new Date(started + i * 60_000).toISOString(),
  endsAt: new Date(started + 3_600_000).toISOString(),
  fingerprint: `f${i}`,
  receivers: [{ name: 'oncall-shop' }],
  status: { state: 'active', silencedBy: [], inhibitedBy: [], mutedBy: [] },
  generatorURL: 'http://prometheus.demo.invalid/graph',
}));
/** `/api/v2/alerts/groups` for group_by: [alertname, cluster]. */
const groups = [
  {
    labels: { alertname: 'KubeDeploymentReplicasMismatch', cluster: 'prod-eu-1' },
    alerts: alerts.slice(0, 2),
  },
  { labels: { alertname: 'KubeDeploymentReplicasMismatch', cluster: 'prod-us-1' }, alerts: alerts.slice(2) },
].map((g) => ({ ...g, receiver: { name: 'oncall-shop' }, routeLabels: {} }));

describe('demo fleet', () => {
  it("annotates its Alertmanager page's collapsed groups at once, and their alerts as they open", async () => {
    loadPage(alertPage(), 'http://127.0.0.1:9093/#/alerts');
    vi.stubGlobal(
      'fetch',
      async () => new Response(JSON.stringify(groups), { headers: { 'content-type': 'application/json' } }),
    );
    new Function(clientScript())();
    const background = fakeBackground();
    const fetched: string[] = [];
    const runtime = run([alertmanager], {
      correlate: background.correlate,
      correlateGroups: background.correlateGroups,
      fetchJson: async (u) => {
        fetched.push(u);
        return groups;
      },
    });
    await new Promise((r) => setTimeout(r, 20));
    await settle(runtime);
    // Rendered, all groups collapsed: no alert on the page, yet each header has its badge.
    const toggles = document.querySelectorAll<HTMLButtonElement>('div.mb-3 > button');
    expect(toggles.length).toBe(2);
    expect(document.querySelectorAll('li.list-group-item')).toHaveLength(0);
    expect(hosts()).toHaveLength(2);
    expect(fetched).toEqual([
      'http://127.0.0.1:9093/api/v2/alerts/groups?silenced=false&inhibited=false&muted=false&active=true',
    ]);
    expect(background.askedGroups().map((g) => g.members.length)).toEqual([2, 1]);

    toggles[0]?.click();
    await settle(runtime);
    expect(hosts()).toHaveLength(4);
    expect(background.asked().map((s) => [s.labels.cluster, s.labels.deployment, s.startsAt])).toEqual([
      ['prod-eu-1', 'checkout', started],
      ['prod-eu-1', 'cart', started + 60_000],
    ]);

    [...document.querySelectorAll<HTMLButtonElement>('button')]
      .find((b) => b.textContent === 'Expand all groups')
      ?.click();
    await settle(runtime);
    expect(hosts()).toHaveLength(5);
    expect(background.asked().at(-1)?.labels).toMatchObject({ cluster: 'prod-us-1', statefulset: 'ledger' });
    // Headers were annotated once: expanding asked about no group again.
    expect(background.groupCalls).toHaveLength(1);
  });

  it("annotates its console's workload rows and a user's jobs page by their Rancher-style links", async () => {
    const row = (cluster: string, ns: string, name: string) =>
      `<tr><td>${ns}</td><td><a href="${jobPath(cluster, 'Deployment', ns, name)}">${name}</a></td><td>Deployment</td></tr>`;
    const html = `<html><head><title>Jobs last changed by alice - Rancher</title></head><body>
      <header><a class="brand" href="/dashboard/">Rancher</a></header>
      <main><nav class="crumbs"><a href="/dashboard/">Clusters</a></nav><h1>Jobs last changed by alice</h1>
      <table><tbody>${row('c-eu1', 'shop', 'checkout')}${row('c-us1', 'shop', 'cart')}</tbody></table></main></body></html>`;
    loadPage(html, `http://127.0.0.1:8443${userPath('alice')}`);
    const background = fakeBackground();
    const runtime = run([rancher], { correlate: background.correlate });
    await settle(runtime);
    expect(hosts()).toHaveLength(2);
    expect(background.asked().map((s) => [s.labels[RESERVED.cluster], s.labels[RESERVED.job]])).toEqual([
      ['c-eu1', 'checkout'],
      ['c-us1', 'cart'],
    ]);
  });
});

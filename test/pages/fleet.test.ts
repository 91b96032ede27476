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
  readFileSync(join(import.meta.dirname, '..', '..', 'fleet', 'alertmanager', 'client.js'), 'utf8');
const alertPage = (groupBy: string[]) =>
  `<html><head><title>Alertmanager</title></head><body><nav><a class="brand" href="#/alerts">Alertmanager</a></nav><main><div id="alert-list" data-group-by='${JSON.stringify(groupBy)}'></div></main></body></html>`;
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

describe('demo fleet', () => {
  it("annotates its Alertmanager page as the groups open, with the group's labels and exact start times", async () => {
    loadPage(alertPage(['alertname', 'cluster']), 'http://127.0.0.1:9093/#/alerts');
    vi.stubGlobal(
      'fetch',
      async () => new Response(JSON.stringify(alerts), { headers: { 'content-type': 'application/json' } }),
    );
    new Function(clientScript())();
    const background = fakeBackground();
    const runtime = run([alertmanager], { correlate: background.correlate });
    await new Promise((r) => setTimeout(r, 20));
    await settle(runtime);
    // Rendered, all groups collapsed: nothing to annotate yet.
    expect(document.querySelectorAll('.group-toggle').length).toBe(2);
    expect(hosts()).toHaveLength(0);

    (document.querySelector('.group-toggle') as HTMLButtonElement).click();
    await settle(runtime);
    expect(hosts()).toHaveLength(2);
    expect(background.asked().map((s) => [s.labels.cluster, s.labels.deployment, s.startsAt])).toEqual([
      ['prod-eu-1', 'checkout', started],
      ['prod-eu-1', 'cart', started + 60_000],
    ]);

    (document.querySelector('.expand-all') as HTMLButtonElement).click();
    await settle(runtime);
    expect(hosts()).toHaveLength(3);
    expect(background.asked().at(-1)?.labels).toMatchObject({ cluster: 'prod-us-1', statefulset: 'ledger' });
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

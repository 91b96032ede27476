import type { AddressInfo } from 'node:net';
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertStore, fingerprint } from '../../fleet/alertmanager/alerts';
import { createAlertServer } from '../../fleet/alertmanager/server';
import { type Fleet, startFleet } from '../../fleet/index';

let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet({ seed: 6, autoRun: false });
  fleet.control.apply('bad-rollout', 'prod-eu-1');
  fleet.control.settle();
  fleet.control.tick(150_000);
});
afterAll(() => fleet.stop());

const am = async (path: string) => {
  const res = await fetch(`${fleet.alertUrl}${path}`);
  return { status: res.status, body: await res.json() };
};

describe('Alertmanager v2 API', () => {
  it('lists gettable alerts', async () => {
    const { status, body } = await am('/api/v2/alerts');
    expect(status).toBe(200);
    const alert = body.find((a: { labels: Record<string, string> }) => a.labels.deployment === 'cart');
    expect(alert).toBeDefined();
    expect(Object.keys(alert).sort()).toEqual(
      [
        'annotations',
        'endsAt',
        'fingerprint',
        'generatorURL',
        'labels',
        'receivers',
        'startsAt',
        'status',
        'updatedAt',
      ].sort(),
    );
    expect(alert.labels).toMatchObject({
      alertname: 'KubeDeploymentReplicasMismatch',
      cluster: 'prod-eu-1',
      namespace: 'shop',
      severity: 'critical',
    });
    expect(alert.status).toEqual({ state: 'active', silencedBy: [], inhibitedBy: [], mutedBy: [] });
    expect(alert.receivers).toEqual([{ name: 'oncall-shop' }]);
    expect(alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(alert.fingerprint).toBe(fingerprint(alert.labels));
    expect(Date.parse(alert.endsAt)).toBeGreaterThan(Date.now());
    expect(Date.parse(alert.startsAt)).toBeLessThanOrEqual(Date.parse(alert.updatedAt));
    expect(alert.annotations.summary).toBeTruthy();
    // Always there: the Watchdog and an unrelated disk alert.
    expect(body.map((a: { labels: Record<string, string> }) => a.labels.alertname)).toEqual(
      expect.arrayContaining(['Watchdog', 'NodeFilesystemSpaceFillingUp']),
    );
  });

  it('filters by matchers', async () => {
    const { body } = await am(`/api/v2/alerts?filter=${encodeURIComponent('cluster="prod-eu-1"')}`);
    expect(body.length).toBeGreaterThan(0);
    expect(body.every((a: { labels: Record<string, string> }) => a.labels.cluster === 'prod-eu-1')).toBe(
      true,
    );
    const re = await am(`/api/v2/alerts?filter=${encodeURIComponent('alertname=~"Kube.*"')}`);
    expect(
      re.body.every((a: { labels: Record<string, string> }) => a.labels.alertname?.startsWith('Kube')),
    ).toBe(true);
    expect((await am('/api/v2/alerts?filter=%3D%3D%3D')).status).toBe(400);
  });

  it('groups alerts by the route’s group labels, with the receiver', async () => {
    const { body } = await am('/api/v2/alerts/groups');
    const group = body.find(
      (g: { labels: Record<string, string> }) => g.labels.alertname === 'KubeDeploymentReplicasMismatch',
    );
    expect(group).toMatchObject({
      labels: { alertname: 'KubeDeploymentReplicasMismatch' },
      receiver: { name: 'oncall-shop' },
    });
    expect(group.alerts.length).toBeGreaterThanOrEqual(1);
    // 0.34: the route's labels come with every group, apart from the group labels.
    expect(group.routeLabels).toEqual({ team: 'shop' });
  });

  it('reports status, receivers and silences', async () => {
    const { body } = await am('/api/v2/status');
    expect(body.cluster.status).toBe('ready');
    expect(body.versionInfo.version).toMatch(/^0\.\d+\.\d+$/);
    expect(body.config.original).toContain('route:');
    expect((await am('/api/v2/receivers')).body).toContainEqual({ name: 'oncall-shop' });
    expect((await am('/api/v2/silences')).body).toEqual([]);
  });

  it('accepts alerts posted the way Prometheus posts them', async () => {
    const res = await fetch(`${fleet.alertUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([
        {
          labels: {
            alertname: 'Posted',
            cluster: 'prod-us-1',
            namespace: 'payments',
            deployment: 'refunds',
            severity: 'warning',
          },
        },
      ]),
    });
    expect(res.status).toBe(200);
    const { body } = await am(`/api/v2/alerts?filter=${encodeURIComponent('alertname="Posted"')}`);
    expect(body).toHaveLength(1);
  });
});

/** A stand-in Alertmanager holding the given alerts (no scenario), on a free port. */
async function alertServer(
  alerts: { labels: Record<string, string>; annotations?: Record<string, string> }[],
  options: { groupBy?: string[]; routePrefix?: string } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const store = new AlertStore();
  const start = Date.UTC(2026, 11, 1, 17, 23, 7, 329);
  alerts.forEach((a, i) => {
    store.fire(a.labels, a.annotations ?? {}, 'up == 0', start + i * 60_000).generatorURL =
      'http://prometheus.example:9090/graph?g0.expr=up';
  });
  const server = createAlertServer({
    store,
    groupBy: options.groupBy ?? ['alertname'],
    startedAt: start,
    routeLabels: { team: 'shop' },
    ...(options.routePrefix ? { routePrefix: options.routePrefix } : {}),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${options.routePrefix ?? ''}`;
  return {
    url,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

const KUBE = { alertname: 'KubeDeploymentReplicasMismatch', cluster: 'prod-eu-1', namespace: 'shop' };
type Posted = { labels: Record<string, string>; annotations?: Record<string, string> };
const ALERTS: Posted[] = [
  {
    labels: { ...KUBE, deployment: 'cart' },
    annotations: { summary: 'Deployment has not matched the expected number of replicas.' },
  },
  { labels: { ...KUBE, deployment: 'checkout' } },
  { labels: { alertname: 'Watchdog', severity: 'none' } },
];

/** Loads the alert page in happy-dom, its inline script running against the live API. */
async function openPage(
  url: string,
  before?: (w: Window) => void,
): Promise<{ window: Window; document: Window['document'] }> {
  const window = new Window({
    url: `${url}/`,
    settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true },
  });
  before?.(window);
  const html = await (await fetch(`${url}/`)).text();
  window.document.write(html);
  const { document } = window;
  for (
    let i = 0;
    i < 100 && !/group|alert/i.test(document.querySelector('#alert-list')?.textContent ?? '');
    i++
  )
    await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 100 && /Loading/.test(document.querySelector('#alert-list')?.textContent ?? ''); i++)
    await new Promise((r) => setTimeout(r, 20));
  return { window, document };
}

/** Clicks the first element matching `selector` in `root` (fails the test when there is none). */
function click(root: { querySelector(s: string): unknown } | undefined, selector: string): void {
  const el = root?.querySelector(selector) as El | null | undefined;
  if (!el) throw new Error(`nothing to click at ${selector}`);
  el.click();
}

type El = { click(): void; textContent: string | null; getAttribute(n: string): string | null };
const headers = (d: Window['document']) => [...d.querySelectorAll('#alert-list div.mb-3:not(.card)')];
const buttonNamed = (d: Window['document'], text: string) =>
  [...d.querySelectorAll('button')].find((b) => b.textContent?.trim() === text) as unknown as El;

describe('the alert list page (Alertmanager 0.34 classic UI)', () => {
  it('starts with every group collapsed: headers only, each with its receiver, group labels, route labels and count', async () => {
    const am = await alertServer(ALERTS);
    const { window, document } = await openPage(am.url);
    try {
      const hs = headers(document);
      expect(hs).toHaveLength(2);
      // Groups sorted by their labels (LabelSet.Before): KubeDeployment… before Watchdog.
      const [kube, watchdog] = hs;
      const button = kube?.querySelector(':scope > button');
      expect(button?.textContent).toBe('oncall-shop');
      expect(button?.querySelector('i')?.getAttribute('class')).toBe('fa fa-plus mr-2');
      // No version of the UI says aria-expanded.
      expect(document.querySelectorAll('[aria-expanded]')).toHaveLength(0);
      expect(
        [...(kube?.querySelectorAll(':scope > .btn-group > span.btn') ?? [])].map((e) => e.textContent),
      ).toEqual(['alertname="KubeDeploymentReplicasMismatch"']);
      const route = kube?.querySelector(':scope > span.btn[title="Route label"]');
      expect(route?.textContent).toBe('team="shop"');
      expect(kube?.lastElementChild?.textContent).toBe('2 alerts');
      expect(watchdog?.querySelector(':scope > button')?.textContent).toBe('null');
      expect(document.querySelectorAll('li.list-group-item')).toHaveLength(0);
      expect(document.querySelector('.pl-5')).not.toBeNull();
    } finally {
      await window.happyDOM.close();
      await am.close();
    }
  });

  it('expands a group on click: its alerts, without the group labels, with an ISO start time and Info/Source/Silence/Link', async () => {
    const am = await alertServer(ALERTS);
    const { window, document } = await openPage(am.url);
    try {
      const kube = headers(document)[0];
      click(kube, ':scope > button');
      expect(kube?.querySelector('i')?.getAttribute('class')).toBe('fa fa-minus mr-2');
      const items = [...document.querySelectorAll('li.list-group-item')];
      expect(items).toHaveLength(2);
      const cart = items.find((li) => li.textContent?.includes('deployment="cart"'));
      const time = cart?.querySelector('div.d-flex > span.align-self-center');
      expect(time?.textContent).toBe('2026-12-01T17:23:07.329Z');
      expect(time?.hasAttribute('title')).toBe(false);
      expect([...(cart?.querySelectorAll('div.d-flex > .btn') ?? [])].map((b) => b.textContent)).toEqual([
        'Info',
        'Source',
        'Silence',
        'Link',
      ]);
      const labels = [...(cart?.querySelectorAll('.btn-group > span.btn') ?? [])].map((e) => e.textContent);
      expect(labels).toEqual(['cluster="prod-eu-1"', 'deployment="cart"', 'namespace="shop"']);
      // Info opens the annotations inside the item, between the buttons and the labels.
      expect(cart?.querySelector('table')).toBeNull();
      click(cart, 'div.d-flex > button');
      const table = cart?.querySelector(':scope > table');
      expect(table?.textContent).toContain('summary:');
      expect(table?.nextElementSibling?.querySelector('.btn-group')).not.toBeNull();
      // An alert without annotations has no Info.
      const checkout = items.find((li) => li.textContent?.includes('deployment="checkout"'));
      expect([...(checkout?.querySelectorAll('div.d-flex > .btn') ?? [])].map((b) => b.textContent)).toEqual([
        'Source',
        'Silence',
        'Link',
      ]);
      click(kube, ':scope > button');
      expect(document.querySelectorAll('li.list-group-item')).toHaveLength(0);
    } finally {
      await window.happyDOM.close();
      await am.close();
    }
  });

  it('remembers "Expand all groups" in localStorage, and forgets it when one group is toggled', async () => {
    const am = await alertServer(ALERTS);
    const first = await openPage(am.url);
    try {
      buttonNamed(first.document, 'Expand all groups').click();
      expect(first.document.querySelectorAll('li.list-group-item')).toHaveLength(3);
      expect(first.window.localStorage.getItem('groupExpandAll')).toBe('true');
      expect(buttonNamed(first.document, 'Collapse all groups')).toBeDefined();
    } finally {
      await first.window.happyDOM.close();
    }
    const second = await openPage(am.url, (w) => w.localStorage.setItem('groupExpandAll', 'true'));
    try {
      // Opened again: every group expanded at once.
      expect(second.document.querySelectorAll('li.list-group-item')).toHaveLength(3);
      click(headers(second.document)[1], ':scope > button');
      // Upstream's quirk: with expand-all loaded from storage, no group is "active" on its own, so
      // toggling one leaves only that one open.
      expect(second.document.querySelectorAll('li.list-group-item')).toHaveLength(1);
      expect(second.window.localStorage.getItem('groupExpandAll')).toBe('false');
    } finally {
      await second.window.happyDOM.close();
      await am.close();
    }
  });

  it('shows a single group expanded, without the pl-5 wrapper', async () => {
    const am = await alertServer(ALERTS.slice(0, 2));
    const { window, document } = await openPage(am.url);
    try {
      expect(headers(document)).toHaveLength(1);
      expect(document.querySelector('.pl-5')).toBeNull();
      expect(document.querySelectorAll('li.list-group-item')).toHaveLength(2);
    } finally {
      await window.happyDOM.close();
      await am.close();
    }
  });

  it("group_by ['...']: one group per alert, whose items show no labels of their own", async () => {
    const am = await alertServer(ALERTS, { groupBy: ['...'] });
    const { window, document } = await openPage(am.url);
    try {
      expect(headers(document)).toHaveLength(3);
      buttonNamed(document, 'Expand all groups').click();
      const items = [...document.querySelectorAll('li.list-group-item')];
      expect(items).toHaveLength(3);
      for (const li of items) expect(li.querySelectorAll('.btn-group')).toHaveLength(0);
      // The smaller label set first (LabelSet.Before): Watchdog's group, then the two others.
      expect(headers(document).map((h) => h.querySelectorAll(':scope > .btn-group').length)).toEqual([
        2, 4, 4,
      ]);
    } finally {
      await window.happyDOM.close();
      await am.close();
    }
  });

  it('serves everything under a route prefix, the page reading the API next to it', async () => {
    const am = await alertServer(ALERTS, { routePrefix: '/alertmanager' });
    try {
      const origin = am.url.replace(/\/alertmanager$/, '');
      const root = await fetch(`${origin}/`, { redirect: 'manual' });
      expect(root.status).toBe(302);
      expect(root.headers.get('location')).toBe('/alertmanager/');
      expect((await fetch(`${origin}/api/v2/alerts`)).status).toBe(404);
      expect((await fetch(`${am.url}/api/v2/alerts`)).status).toBe(200);
      const { window, document } = await openPage(am.url);
      try {
        expect(headers(document)).toHaveLength(2);
      } finally {
        await window.happyDOM.close();
      }
    } finally {
      await am.close();
    }
  });

  it('renders remote text as text, never as markup', async () => {
    const am = await alertServer([
      ...ALERTS,
      { labels: { alertname: 'Injected', namespace: '<img src=x onerror="window.pwned=1">' } },
    ]);
    const { window, document } = await openPage(am.url);
    try {
      buttonNamed(document, 'Expand all groups').click();
      expect(document.querySelector('#alert-list img')).toBeNull();
      const texts = [...document.querySelectorAll('li span.btn')].map((b) => b.textContent);
      expect(texts).toContain('namespace="<img src=x onerror="window.pwned=1">"');
      expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
    } finally {
      await window.happyDOM.close();
      await am.close();
    }
  });
});

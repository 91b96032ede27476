import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../fleet/alertmanager/alerts';
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

/** Loads the alert page in happy-dom with its inline script running against the live API. */
async function openPage(): Promise<{ window: Window; document: Window['document'] }> {
  const window = new Window({
    url: `${fleet.alertUrl}/`,
    settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true },
  });
  const html = await (await fetch(`${fleet.alertUrl}/`)).text();
  window.document.write(html);
  const { document } = window;
  for (let i = 0; i < 100 && !document.querySelector('.alert-group'); i++)
    await new Promise((r) => setTimeout(r, 20));
  // Let anything the script schedules after rendering happen before the page is inspected.
  await new Promise((r) => setTimeout(r, 100));
  return { window, document };
}

describe('the alert list page', () => {
  it('renders groups after load, collapsed; expanding shows alerts with key="value" label buttons and a start time', async () => {
    const { window, document } = await openPage();
    try {
      const groups = [...document.querySelectorAll('.alert-group')];
      expect(groups.length).toBeGreaterThanOrEqual(3);
      // Collapsed: headers only, no alerts in the DOM yet.
      expect(document.querySelectorAll('li').length).toBe(0);
      const toggles = [...document.querySelectorAll('button.group-toggle')];
      expect(toggles.every((t) => t.getAttribute('aria-expanded') === 'false')).toBe(true);

      const group = groups.find(
        (g) => g.querySelector('.group-label')?.textContent === 'alertname="KubeDeploymentReplicasMismatch"',
      );
      expect(group).toBeDefined();
      const toggle = group?.querySelector('button.group-toggle') as unknown as {
        click(): void;
        getAttribute(n: string): string | null;
      };
      toggle.click();
      expect(toggle.getAttribute('aria-expanded')).toBe('true');
      const items = [...(group?.querySelectorAll('li') ?? [])];
      expect(items.length).toBeGreaterThanOrEqual(1);
      const texts = [...(items[0]?.querySelectorAll('button') ?? [])].map((b) => b.textContent);
      expect(texts).toEqual(
        expect.arrayContaining([
          'cluster="prod-eu-1"',
          'namespace="shop"',
          'deployment="cart"',
          'severity="critical"',
        ]),
      );
      // The group's label is in the header, not repeated on the alert.
      expect(texts).not.toContain('alertname="KubeDeploymentReplicasMismatch"');
      expect(items[0]?.querySelector('.starts-at')?.textContent).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      // Other groups stay collapsed.
      expect(document.querySelectorAll('li').length).toBe(items.length);
      toggle.click();
      expect(group?.querySelectorAll('li').length).toBe(0);
    } finally {
      await window.happyDOM.close();
    }
  });

  it('renders remote text as text, never as markup', async () => {
    await fetch(`${fleet.alertUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([
        { labels: { alertname: 'Injected', namespace: '<img src=x onerror="window.pwned=1">' } },
      ]),
    });
    const { window, document } = await openPage();
    try {
      const expand = document.querySelector('button.expand-all') as unknown as { click(): void };
      expand.click();
      expect(document.querySelector('main img')).toBeNull();
      const texts = [...document.querySelectorAll('li button')].map((b) => b.textContent);
      expect(texts).toContain('namespace="<img src=x onerror="window.pwned=1">"');
      expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
    } finally {
      await window.happyDOM.close();
    }
  });
});

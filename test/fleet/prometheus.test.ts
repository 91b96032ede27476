/**
 * The fleet's Prometheus: the API's rules and alerts (the Alertmanager's alerts, with activeAt),
 * and its alerts page as Prometheus 3.14 renders it (rules collapsed, closed panels not in the
 * DOM, labels key="value", "Active Since" a duration).
 */
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../fleet/index';

let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet({ seed: 6, autoRun: false });
  fleet.control.apply('bad-rollout', 'prod-eu-1');
  fleet.control.settle();
  fleet.control.tick(150_000);
  fleet.control.raiseAlert({
    labels: { alertname: 'ShopErrorBudgetBurn', cluster: 'prod-us-1', app: 'payments' },
  });
});
afterAll(() => fleet.stop());

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
const get = async (path: string): Promise<{ status: number; body: any }> => {
  const res = await fetch(`${fleet.promUrl}${path}`);
  return { status: res.status, body: await res.json() };
};

describe('Prometheus HTTP API', () => {
  it('lists the alerting rules by group, each with its state and active alerts', async () => {
    const { status, body } = await get('/api/v1/rules?type=alert');
    expect(status).toBe(200);
    expect(body.status).toBe('success');
    const groups = body.data.groups as {
      name: string;
      rules: { name: string; state: string; alerts: unknown[]; type: string }[];
    }[];
    expect(groups.map((g) => g.name)).toEqual([
      'kubernetes-apps',
      'node-exporter',
      'general.rules',
      'shop-slo',
    ]);
    const dep = groups[0]?.rules.find((r) => r.name === 'KubeDeploymentReplicasMismatch');
    expect(dep?.state).toBe('firing');
    expect(dep?.type).toBe('alerting');
    expect(dep?.alerts).toContainEqual(
      expect.objectContaining({
        labels: expect.objectContaining({ cluster: 'prod-eu-1', deployment: 'cart', namespace: 'shop' }),
        state: 'firing',
        activeAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      }),
    );
    // An alert from outside the simulated rules gets a rule of its own.
    expect(groups[3]?.rules.map((r) => r.name)).toEqual(['ShopErrorBudgetBurn']);
    expect((await get('/api/v1/rules?type=nonsense')).status).toBe(400);
  });

  it('lists the same alerts as the Alertmanager, activeAt no later than its startsAt', async () => {
    const prom = (await get('/api/v1/alerts')).body.data.alerts as {
      labels: Record<string, string>;
      activeAt: string;
    }[];
    const am = (await (await fetch(`${fleet.alertUrl}/api/v2/alerts`)).json()) as {
      labels: Record<string, string>;
      startsAt: string;
    }[];
    expect(
      prom.map((a) => a.labels).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    ).toEqual(am.map((a) => a.labels).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))));
    for (const a of am) {
      const p = prom.find((x) => JSON.stringify(x.labels) === JSON.stringify(a.labels));
      expect(Date.parse(p?.activeAt ?? '')).toBeLessThanOrEqual(Date.parse(a.startsAt));
    }
    // The disk alert's rule holds for an hour: it was active an hour before it fired.
    const disk = prom.find((a) => a.labels.alertname === 'NodeFilesystemSpaceFillingUp');
    const diskAm = am.find((a) => a.labels.alertname === 'NodeFilesystemSpaceFillingUp');
    expect(Date.parse(diskAm?.startsAt ?? '') - Date.parse(disk?.activeAt ?? '')).toBe(3_600_000);
  });

  it('reports its build, and sends / to the query page', async () => {
    expect((await get('/api/v1/status/buildinfo')).body.data.version).toMatch(/^3\./);
    const root = await fetch(`${fleet.promUrl}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/query');
  });
});

describe('the alerts page (Prometheus 3.14 UI)', () => {
  it('shows rules collapsed with nothing of their alerts in the DOM; opening one mounts its table', async () => {
    const window = new Window({
      url: `${fleet.promUrl}/alerts`,
      settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true },
    });
    try {
      window.document.write(await (await fetch(`${fleet.promUrl}/alerts`)).text());
      const { document } = window;
      for (let i = 0; i < 100 && !document.querySelector('[data-accordion-control]'); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(document.title).toBe('Prometheus Time Series Collection and Processing Server');
      const controls = [...document.querySelectorAll('button[data-accordion-control]')];
      expect(controls.map((c) => c.querySelector('p')?.textContent)).toContain(
        'KubeDeploymentReplicasMismatch',
      );
      expect(controls.every((c) => c.getAttribute('aria-expanded') === 'false')).toBe(true);
      expect(document.querySelectorAll('[role="region"], table')).toHaveLength(0);

      const dep = controls.find(
        (c) => c.querySelector('p')?.textContent === 'KubeDeploymentReplicasMismatch',
      );
      expect(dep?.textContent).toMatch(/firing \(\d+\)/);
      (dep as unknown as { click(): void }).click();
      expect(dep?.getAttribute('aria-expanded')).toBe('true');
      const panel = document.getElementById(dep?.getAttribute('aria-controls') ?? '');
      expect(panel?.getAttribute('role')).toBe('region');
      const row = panel?.querySelector('tbody tr');
      const labels = [...(row?.querySelectorAll('td:first-child span') ?? [])].map((s) => s.textContent);
      expect(labels).toEqual(expect.arrayContaining(['cluster="prod-eu-1"', 'namespace="shop"']));
      // "Active Since" is only a duration.
      expect(row?.children[2]?.textContent).toMatch(/^(\d+[dhm] )*[\d.]+s$|^\d+[dhm]( \d+[dhm])*$/);
      (dep as unknown as { click(): void }).click();
      expect(document.getElementById(dep?.getAttribute('aria-controls') ?? '')).toBeNull();
    } finally {
      await window.happyDOM.close();
    }
  });
});

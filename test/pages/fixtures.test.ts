// @vitest-environment happy-dom
/**
 * Every saved page (test/fixtures/pages/<integration>/*.html, each stating where its markup comes
 * from and how many subjects and badges it should give): the integration recognizes the page,
 * finds the identities, and the runtime puts exactly the expected number of badges on it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RESERVED } from '../../lib/correlate/identity';
import { clearAlertApiCache } from '../../lib/pages/alert-api';
import { alertmanager } from '../../lib/pages/alertmanager';
import { INTEGRATIONS, integrationById } from '../../lib/pages/registry';
import { nameMatcher } from '../../lib/pages/text';
import type { FoundSubject } from '../../lib/pages/types';
import {
  fakeBackground,
  fixture,
  fixtureApi,
  fixtures,
  hosts,
  LABELS,
  loadPage,
  NOW,
  readJson,
  run,
  settle,
  stopAll,
} from './helpers';

afterEach(() => {
  stopAll();
  clearAlertApiCache();
  document.documentElement.innerHTML = '<head></head><body></body>';
});

function find(name: string): FoundSubject[] {
  const f = fixture(name);
  loadPage(f.html, f.meta.url);
  const integration = integrationById(f.meta.integration);
  if (!integration) throw new Error(f.meta.integration);
  return integration.find(document, {
    url: new URL(f.meta.url),
    labels: LABELS,
    now: NOW,
    ...(f.meta.watched
      ? { watched: nameMatcher(f.meta.watched) as NonNullable<ReturnType<typeof nameMatcher>> }
      : {}),
  });
}

describe('every fixture', () => {
  it('has a fixture for every integration', () => {
    const covered = new Set(fixtures().map((f) => f.meta.integration));
    expect(INTEGRATIONS.map((i) => i.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  for (const f of fixtures()) {
    it(`${f.name}: ${f.meta.subjects} subjects, ${f.meta.badges} badges`, async () => {
      loadPage(f.html, f.meta.url);
      const url = new URL(f.meta.url);
      const integration = integrationById(f.meta.integration);
      expect(integration).toBeDefined();
      if (!integration) return;
      expect(integration.matches(url)).toBe(true);
      expect(integration.detect(document)).toBe(true);
      const watched = f.meta.watched ? nameMatcher(f.meta.watched) : undefined;
      const found = integration.find(document, {
        url,
        labels: LABELS,
        now: NOW,
        ...(watched ? { watched } : {}),
      });
      expect(found).toHaveLength(f.meta.subjects);
      for (const s of found) expect(s.anchor.isConnected).toBe(true);

      const background = fakeBackground();
      const api = fixtureApi(f);
      const runtime = run([integration], {
        correlate: background.correlate,
        correlateGroups: background.correlateGroups,
        url: () => url,
        ...(api ? { fetchJson: api } : {}),
        ...(f.meta.watched ? { watchedJobNames: async () => f.meta.watched as string[] } : {}),
      });
      await settle(runtime);
      expect(hosts()).toHaveLength(f.meta.badges);
      // Each badge sits by its own subject: no two in one place.
      expect(new Set(hosts().map((h) => h.parentElement)).size).toBe(f.meta.badges);
      runtime.stop();
      expect(hosts()).toHaveLength(0);
    });

    if (f.meta.badgesWithoutApi !== undefined) {
      it(`${f.name}: ${f.meta.badgesWithoutApi} badges when the page's API cannot be read`, async () => {
        loadPage(f.html, f.meta.url);
        clearAlertApiCache();
        const background = fakeBackground();
        const runtime = run([integrationById(f.meta.integration) as never], {
          correlate: background.correlate,
          correlateGroups: background.correlateGroups,
          url: () => new URL(f.meta.url),
          fetchJson: async () => {
            throw new Error('403 on the API');
          },
        });
        await settle(runtime);
        expect(hosts()).toHaveLength(f.meta.badgesWithoutApi as number);
        runtime.stop();
      });
    }
  }
});

describe('Alertmanager', () => {
  it('reads labels, group labels and the start time in every format the UI used', () => {
    const [a, b, c, watchdog] = find('alertmanager/alert-groups.html').filter((s) => !s.group);
    expect(a?.labels).toEqual({
      alertname: 'KubeDeploymentReplicasMismatch',
      cluster: 'prod-eu-1',
      deployment: 'checkout',
      namespace: 'shop',
      severity: 'warning',
    });
    expect(a?.startsAt).toBe(Date.UTC(2025, 0, 15, 11, 52, 10));
    expect(b?.labels.deployment).toBe('cart');
    // The annotation table's text (which mentions another cluster) is not a label.
    expect(b?.labels.cluster).toBe('prod-eu-1');
    expect(b?.startsAt).toBe(Date.UTC(2025, 0, 15, 12, 0, 0));
    expect(c?.startsAt).toBe(Date.UTC(2025, 0, 15, 11, 30, 0));
    expect(watchdog?.labels).toEqual({
      alertname: 'Watchdog',
      prometheus: 'monitoring/k8s',
      severity: 'none',
    });
    // The badge goes into the start-time span, after its text.
    expect(a?.anchor.textContent).toBe('2025-01-15T11:52:10.000Z');
    expect(a?.placement).toBe('append');
  });

  it('reads the markup before alert groups (0.15): key=value buttons, alertname badge, local time', () => {
    const [a, b] = find('alertmanager/alert-list-0.15.html');
    expect(a?.labels).toEqual({
      alertname: 'KubeDeploymentReplicasMismatch',
      cluster: 'prod-eu-1',
      deployment: 'checkout',
      namespace: 'shop',
    });
    expect(a?.startsAt).toBe(new Date(2025, 0, 15, 12, 52, 10).getTime());
    // The filter bar's regex matcher is not a group label.
    expect(b?.labels).toEqual({ alertname: 'TargetDown', cluster: 'prod-us-1', job: 'node-exporter' });
  });

  it("gives an item that shows no labels of its own (group_by: ['...']) its group's labels, never the route's", () => {
    // Views.elm / AlertView.elm (0.34): the header holds every label, the item none; route labels
    // are `span.btn[title="Route label"]` beside the group labels and are not the alert's.
    loadPage(
      `<html><head><title>Alertmanager</title></head><body><div class="pl-5"><div>
        <div class="mb-3"><button class="btn btn-outline-info border-0 mr-1 mb-1"><i class="fa fa-minus mr-2"></i>oncall-shop</button>
          <div class="btn-group mr-1 mb-1"><span class="btn text-muted">alertname="KubeDeploymentReplicasMismatch"</span><button class="btn btn-outline-info">+</button></div>
          <div class="btn-group mr-1 mb-1"><span class="btn text-muted">cluster="prod-eu-1"</span><button class="btn btn-outline-info">+</button></div>
          <div class="btn-group mr-1 mb-1"><span class="btn text-muted">deployment="cart"</span><button class="btn btn-outline-info">+</button></div>
          <span class="btn btn-light text-muted mr-1 mb-1" title="Route label">namespace="platform"</span>
          <span class="ml-1 mb-0">1 alert</span></div>
        <ul class="list-group mb-0"><li class="align-items-start list-group-item border-0 p-0 mb-4">
          <div class="w-100 mb-2 d-flex align-items-start"><span class="align-self-center mr-2">2025-01-15T11:52:10.000Z</span>
            <a class="btn btn-outline-info border-0" href="#/alerts?filter=%7B%7D"><i class="fa fa-link mr-2"></i>Link</a></div>
          <div></div></li></ul>
      </div></div></body></html>`,
      'http://127.0.0.1:9093/alertmanager/#/alerts',
    );
    const item = alertmanager
      .find(document, {
        url: new URL('http://127.0.0.1:9093/alertmanager/#/alerts'),
        labels: LABELS,
        now: NOW,
      })
      .find((s) => s.element.matches('li'));
    expect(item?.labels).toEqual({
      alertname: 'KubeDeploymentReplicasMismatch',
      cluster: 'prod-eu-1',
      deployment: 'cart',
    });
    expect(item?.startsAt).toBe(Date.UTC(2025, 0, 15, 11, 52, 10));
  });

  it("reads a start time it cannot parse from the same origin's /api/v2/alerts", async () => {
    const f = fixture('alertmanager/alert-groups.html');
    loadPage(f.html, 'http://127.0.0.1:9093/alertmanager/#/alerts');
    const first = document.querySelector('li span.align-self-center') as HTMLElement;
    first.textContent = 'a few minutes ago';
    const background = fakeBackground();
    const fetched: string[] = [];
    const api = readJson('alertmanager', 'api-v2-alerts.json');
    const runtime = run([integrationById('alertmanager') as never], {
      correlate: background.correlate,
      fetchJson: async (u) => {
        fetched.push(u);
        return api;
      },
    });
    await settle(runtime);
    expect(fetched).toContain('http://127.0.0.1:9093/alertmanager/api/v2/alerts');
    runtime.stop();
  });

  it('finds the API under a route prefix given without its trailing slash', async () => {
    const f = fixture('alertmanager/alert-groups.html');
    loadPage(f.html, 'http://127.0.0.1:9093/alertmanager#/alerts');
    (document.querySelector('li span.align-self-center') as HTMLElement).textContent = 'a few minutes ago';
    const fetched: string[] = [];
    const background = fakeBackground();
    const runtime = run([integrationById('alertmanager') as never], {
      correlate: background.correlate,
      fetchJson: async (u) => {
        fetched.push(u);
        return readJson('alertmanager', 'api-v2-alerts.json');
      },
    });
    await settle(runtime);
    expect(fetched).toEqual([
      'http://127.0.0.1:9093/alertmanager/api/v2/alerts/groups?silenced=false&inhibited=false&muted=false&active=true',
      'http://127.0.0.1:9093/alertmanager/api/v2/alerts',
    ]);
    const checkout = background.asked().find((s) => s.labels.deployment === 'checkout');
    expect(checkout?.startsAt).toBe(Date.UTC(2025, 0, 15, 11, 52, 10));
    runtime.stop();
  });
});

describe('Prometheus', () => {
  const KUBE = {
    alertname: 'KubeDeploymentReplicasMismatch',
    job: 'kube-state-metrics',
    severity: 'warning',
  };

  it('2.x classic: rules stand for the alerts hidden under them; Active Since as Go prints it', () => {
    const found = find('prometheus/classic-2.33-alerts.html');
    const rule = found[0];
    expect(rule?.labels).toEqual({ alertname: 'KubeDeploymentReplicasMismatch' });
    expect(rule?.group).toEqual({
      size: 2,
      members: [
        {
          labels: { ...KUBE, cluster: 'prod-eu-1', deployment: 'cart', namespace: 'shop' },
          startsAt: Date.UTC(2025, 0, 15, 11, 35, 0, 329),
        },
        {
          labels: { ...KUBE, cluster: 'prod-eu-1', deployment: 'checkout', namespace: 'shop' },
          startsAt: Date.UTC(2025, 0, 15, 11, 37, 10, 500),
        },
      ],
      match: { rule: 'KubeDeploymentReplicasMismatch', group: 'kubernetes-apps' },
    });
    expect(rule?.anchor.tagName).toBe('TD');
    const rows = found.filter((s) => !s.group);
    expect(rows.map((r) => r.labels.deployment ?? r.labels.statefulset ?? r.labels.alertname)).toEqual([
      'cart',
      'checkout',
      'ledger',
      'Watchdog',
    ]);
    // The annotations rows (one mentions another cluster) are not alerts.
    expect(rows[0]?.labels.cluster).toBe('prod-eu-1');
    // The inactive rule has nothing to sum up.
    expect(found.find((s) => s.labels.alertname === 'KubePodCrashLooping')?.group?.members).toEqual([]);
  });

  it('2.x React: key=value badges without quotes, activeAt as is, the rule group from its heading', () => {
    const found = find('prometheus/react-2.53-expanded.html');
    const [cart] = found.filter((s) => !s.group);
    expect(cart?.labels).toEqual({ ...KUBE, cluster: 'prod-eu-1', deployment: 'cart', namespace: 'shop' });
    expect(cart?.startsAt).toBe(Date.UTC(2025, 0, 15, 11, 35, 0, 329));
    expect(found.filter((s) => s.group).map((s) => [s.group?.match, s.group?.size])).toEqual([
      [{ rule: 'KubeDeploymentReplicasMismatch', group: 'kubernetes-apps' }, 2],
      [{ rule: 'KubeStatefulSetReplicasMismatch', group: 'kubernetes-apps' }, 1],
      [{ rule: 'KubePodCrashLooping', group: 'kubernetes-apps' }, 0],
      [{ rule: 'Watchdog', group: 'general.rules' }, 1],
    ]);
  });

  it("3.x: rules' alerts from /api/v1/rules, rows' start times from /api/v1/alerts, under the page's prefix", async () => {
    const f = fixture('prometheus/mantine-3.14-expanded.html');
    loadPage(f.html, 'http://127.0.0.1:9090/prometheus/alerts');
    const api = fixtureApi(f) as (u: string) => Promise<unknown>;
    const fetched: string[] = [];
    const background = fakeBackground();
    const runtime = run([integrationById('prometheus') as never], {
      correlate: background.correlate,
      correlateGroups: background.correlateGroups,
      url: () => new URL('http://127.0.0.1:9090/prometheus/alerts'),
      fetchJson: (u) => {
        fetched.push(u);
        return api(u);
      },
    });
    await settle(runtime);
    expect(fetched.sort()).toEqual([
      'http://127.0.0.1:9090/prometheus/api/v1/alerts',
      'http://127.0.0.1:9090/prometheus/api/v1/rules?type=alert',
    ]);
    expect(background.asked().map((s) => [s.labels.deployment, s.startsAt])).toEqual([
      ['cart', Date.UTC(2025, 0, 15, 11, 35, 0, 329)],
      ['checkout', Date.UTC(2025, 0, 15, 11, 37, 10, 500)],
    ]);
    expect(
      background.askedGroups().map((g) => g.members.map((m) => m.labels.deployment ?? m.labels.statefulset)),
    ).toEqual([['cart', 'checkout'], ['ledger']]);
    runtime.stop();
  });

  it('3.x: without /api/v1/rules, a rule takes the alerts of its name from /api/v1/alerts', async () => {
    const f = fixture('prometheus/mantine-3.14-collapsed.html');
    loadPage(f.html, f.meta.url);
    const background = fakeBackground();
    const runtime = run([integrationById('prometheus') as never], {
      correlate: background.correlate,
      correlateGroups: background.correlateGroups,
      url: () => new URL(f.meta.url),
      fetchJson: async (u) => {
        if (u.includes('/rules')) throw new Error('404 on /api/v1/rules');
        return readJson('prometheus', 'api-v1-alerts.json');
      },
    });
    await settle(runtime);
    expect(background.askedGroups().map((g) => g.members.length)).toEqual([2, 1]);
    expect(hosts()).toHaveLength(2);
    runtime.stop();
  });
});

describe('Grafana', () => {
  it('reads aria-label labels and the Created column, and marks hidden common labels', () => {
    const [a, b] = find('grafana/11.x-rule-instances.html');
    expect(a?.labels).toEqual({ pod: 'checkout-7d9f8b6c5-x2x9q' });
    expect(a?.partial).toBe(true);
    expect(a?.startsAt).toBe(new Date(2025, 0, 15, 12, 41, 3).getTime());
    expect(b?.labels).toEqual({ pod: 'checkout-7d9f8b6c5-h7k2m' });
    expect(a?.placement).toBe('after');
    expect(a?.anchor.getAttribute('role')).toBe('list');
  });

  it('12.x: the folded-labels button inside its own list item, and translated names, change nothing', () => {
    const [a, b] = find('grafana/12.x-rule-instances.html');
    expect(a?.labels).toEqual({ pod: 'checkout-7d9f8b6c5-x2x9q' });
    expect(a?.partial).toBe(true);
    expect(a?.startsAt).toBe(new Date(2025, 0, 15, 12, 41, 3).getTime());
    expect(b?.partial).toBe(true);
  });

  it("the alert groups page: each group's header stands for its alerts; an opened group's alerts are instances", () => {
    const found = find('grafana/12.x-alert-groups-expanded.html');
    expect(found.map((s) => [s.group ? 'group' : 'alert', s.labels.alertname, s.labels.pod ?? ''])).toEqual([
      ['group', 'DatasourceNoData', ''],
      ['group', 'HighErrorRate', ''],
      ['alert', 'HighErrorRate', 'checkout-7d9f8b6c5-x2x9q'],
      ['alert', 'HighErrorRate', 'checkout-7d9f8b6c5-h7k2m'],
    ]);
    expect(found[1]?.anchor.getAttribute('data-testid')).toBe('alert-group');
    // Only pages that show alerts: a contact points page is none of them.
    const grafana = integrationById('grafana');
    expect(grafana?.matches(new URL('http://127.0.0.1:3000/alerting/groups'))).toBe(true);
    expect(
      grafana?.matches(new URL('http://127.0.0.1:3000/alerting/grafana/fe8d0c2b/view?tab=instances')),
    ).toBe(true);
    expect(grafana?.matches(new URL('http://127.0.0.1:3000/alerting/notifications'))).toBe(false);
  });

  it('fills the hidden common labels from the API, or shows nothing without it', async () => {
    const f = fixture('grafana/11.x-rule-instances.html');
    loadPage(f.html, f.meta.url);
    const without = fakeBackground();
    const r1 = run([integrationById('grafana') as never], {
      correlate: without.correlate,
      fetchJson: async () => {
        throw new Error('403');
      },
    });
    await settle(r1);
    expect(hosts()).toHaveLength(f.meta.badgesWithoutApi as number);
    expect(without.asked()).toHaveLength(0);
    r1.stop();

    clearAlertApiCache();
    const withApi = fakeBackground();
    const fetched: string[] = [];
    const api = readJson('grafana', 'api-v2-alerts.json');
    const r2 = run([integrationById('grafana') as never], {
      correlate: withApi.correlate,
      fetchJson: async (u) => {
        fetched.push(u);
        return api;
      },
    });
    await settle(r2);
    expect(fetched[0]).toBe('http://127.0.0.1:3000/api/alertmanager/grafana/api/v2/alerts');
    expect(withApi.asked().map((s) => s.labels)).toEqual([
      { cluster: 'prod-eu-1', namespace: 'shop', service: 'checkout' },
      { cluster: 'prod-eu-1', namespace: 'shop', service: 'checkout' },
    ]);
    expect(hosts()).toHaveLength(2);
    r2.stop();
  });
});

describe('PagerDuty', () => {
  it('takes the labels every firing alert shares, the title words and the start time', () => {
    const [incident] = find('pagerduty/incident.html');
    expect(incident?.labels).toEqual({
      alertname: 'KubePodCrashLooping',
      cluster: 'prod-eu-1',
      container: 'app',
      deployment: 'checkout',
      namespace: 'shop',
      severity: 'critical',
      [RESERVED.words]: 'KubePodCrashLooping (prod-eu-1 app checkout shop critical)',
    });
    expect(incident?.startsAt).toBe(Date.UTC(2025, 0, 15, 11, 52, 40));
    expect(incident?.anchor.tagName).toBe('H1');
  });
});

describe('job consoles', () => {
  it('Rancher: rows by their links, with the cluster id from the URL', () => {
    const rows = find('rancher/deployments.html');
    expect(rows.map((r) => r.labels[RESERVED.job])).toEqual(['checkout', 'cart', 'payments', 'coredns']);
    expect(rows[0]?.labels).toEqual({
      [RESERVED.job]: 'checkout',
      [RESERVED.namespace]: 'shop',
      [RESERVED.kind]: 'Deployment',
      [RESERVED.cluster]: 'c-m-eu1',
      [RESERVED.origin]: 'http://127.0.0.1:8443',
    });
    expect(rows[0]?.element.tagName).toBe('TR');
    const [page] = find('rancher/deployment.html');
    expect(page?.labels[RESERVED.job]).toBe('checkout');
    expect(page?.anchor.tagName).toBe('H1');
  });

  it('OpenShift: rows and the resource page; the cluster comes from the origin', () => {
    const rows = find('openshift/deployments.html');
    expect(rows.map((r) => [r.labels[RESERVED.namespace], r.labels[RESERVED.job]])).toEqual([
      ['shop', 'checkout'],
      ['shop', 'cart'],
      ['shop', 'search'],
    ]);
    expect(rows[0]?.labels[RESERVED.cluster]).toBeUndefined();
    expect(rows[0]?.labels[RESERVED.origin]).toBe('http://127.0.0.1:9000');
    const [page] = find('openshift/deployment.html');
    expect(page?.anchor.getAttribute('data-test-id')).toBe('resource-title');
  });

  it('Argo CD: the application named in the URL, no namespace', () => {
    const [app] = find('argocd/application.html');
    expect(app?.labels).toEqual({
      [RESERVED.job]: 'checkout-prod-eu-1',
      [RESERVED.origin]: 'http://127.0.0.1:8080',
    });
    expect(app?.anchor.className).toBe('top-bar__breadcrumbs-last-item');
  });

  it('Nomad: id@namespace in list links and in the job page URL', () => {
    const rows = find('nomad/jobs.html');
    expect(rows.map((r) => `${r.labels[RESERVED.job]}@${r.labels[RESERVED.namespace]}`)).toEqual([
      'checkout@shop',
      'ledger@billing',
      'nightly-report@default',
    ]);
    const [page] = find('nomad/job.html');
    expect(page?.labels[RESERVED.namespace]).toBe('shop');
  });
});

describe('generic text', () => {
  it('finds whole job names only, and keeps badges out of links', () => {
    const found = find('text/runbook.html');
    expect(found.map((f) => [f.element.tagName, f.labels[RESERVED.job]])).toEqual([
      ['H1', 'checkout'],
      ['P', 'checkout'],
      ['A', 'cart'],
      ['CODE', 'checkout'],
    ]);
    const link = found[2];
    expect(link?.placement).toBe('after');
  });
});

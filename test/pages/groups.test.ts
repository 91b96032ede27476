// @vitest-environment happy-dom
/**
 * Collapsed alert groups: the Alertmanager page as it opens holds only group headers, so each
 * header stands for its group — its alerts read from the page's own /api/v2/alerts/groups, asked
 * as the page asked — and gets one badge summing them up, without a click.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clearAlertApiCache, membersFromGroups, parseGroups } from '../../lib/pages/alert-api';
import { alertmanager, apiQuery, splitMatchers } from '../../lib/pages/alertmanager';
import type { RuntimeOptions } from '../../lib/pages/runtime';
import type { FoundSubject, PageIntegration } from '../../lib/pages/types';
import {
  type Fixture,
  fakeBackground,
  fixture,
  fixtureApi,
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

function open(name: string) {
  const f = fixture(name);
  loadPage(f.html, f.meta.url);
  const url = new URL(f.meta.url);
  return { f, url, found: alertmanager.find(document, { url, labels: LABELS, now: NOW }) };
}

const headersOf = (found: FoundSubject[]) => found.filter((s) => s.group);

/**
 * The runtime on the loaded page with a background that answers groups too, the page's API as
 * `api` (default: the fixture's), every URL asked for recorded.
 */
function runAlertmanager(
  url: string,
  api: (u: string) => Promise<unknown>,
  extra: Partial<RuntimeOptions> = {},
) {
  const background = fakeBackground();
  const fetched: string[] = [];
  const runtime = run([alertmanager], {
    correlate: background.correlate,
    correlateGroups: background.correlateGroups,
    url: () => new URL(url),
    fetchJson: (u) => {
      fetched.push(u);
      return api(u);
    },
    ...extra,
  });
  return { background, runtime, fetched };
}

const apiOf = (f: Fixture) => fixtureApi(f) as (u: string) => Promise<unknown>;

describe('Alertmanager group headers', () => {
  it('0.25: a header per group, its labels and size, no receiver (the button holds only the icon)', () => {
    const { found } = open('alertmanager/0.25-collapsed.html');
    expect(found).toHaveLength(3);
    expect(found.map((s) => [s.labels, s.group])).toEqual([
      [{ alertname: 'KubeDeploymentReplicasMismatch' }, { size: 2, match: { index: '0' } }],
      [{ alertname: 'KubeStatefulSetReplicasMismatch' }, { size: 1, match: { index: '1' } }],
      [{ alertname: 'Watchdog' }, { size: 1, match: { index: '2' } }],
    ]);
    // The badge goes at the header's end, after "2 alerts".
    expect(found[0]?.anchor.matches('div.mb-3')).toBe(true);
    expect(found[0]?.placement).toBe('append');
  });

  it('0.27: the receiver the expand button names tells groups with the same labels apart', () => {
    const { found } = open('alertmanager/0.27-collapsed.html');
    expect(headersOf(found).map((s) => s.group?.match?.receiver)).toEqual([
      'oncall-shop',
      'oncall-shop',
      'null',
    ]);
  });

  it('0.34: route labels are not the group labels; the filter in the URL goes to the API', async () => {
    const { f, url, found } = open('alertmanager/0.34-single-group.html');
    const [header, ...items] = found;
    expect(header?.labels).toEqual({ alertname: 'KubeDeploymentReplicasMismatch', cluster: 'prod-eu-1' });
    expect(items.map((s) => s.labels.namespace)).toEqual(['shop', 'shop']);
    expect(apiQuery(url).getAll('filter')).toEqual(['cluster="prod-eu-1"']);

    const { background, runtime, fetched } = runAlertmanager(url.href, apiOf(f));
    await settle(runtime);
    expect(fetched).toEqual([
      'http://127.0.0.1:9093/api/v2/alerts/groups?filter=cluster%3D%22prod-eu-1%22&silenced=false&inhibited=false&muted=false&active=true',
    ]);
    expect(background.askedGroups()).toHaveLength(1);
  });

  it("sends each group's alerts once, with their start times and only the labels that matter", async () => {
    const { f, url } = open('alertmanager/0.27-collapsed.html');
    const { background, runtime } = runAlertmanager(url.href, apiOf(f));
    await settle(runtime);
    // Watchdog's alert names no job or cluster: its group is not sent at all.
    expect(background.askedGroups().map((g) => g.members)).toEqual([
      [
        {
          labels: { cluster: 'prod-eu-1', deployment: 'cart', namespace: 'shop' },
          startsAt: Date.UTC(2025, 0, 15, 11, 50),
        },
        {
          labels: { cluster: 'prod-eu-1', deployment: 'checkout', namespace: 'shop' },
          startsAt: Date.UTC(2025, 0, 15, 11, 52, 10),
        },
      ],
      [
        {
          labels: { cluster: 'prod-us-1', namespace: 'billing', statefulset: 'ledger' },
          startsAt: Date.UTC(2025, 0, 15, 11, 40),
        },
      ],
    ]);
    expect(background.asked()).toEqual([]);
    expect(hosts()).toHaveLength(2);
    // Asked again on refresh, without reading the API again.
    await runtime.refresh();
    expect(background.groupCalls).toHaveLength(2);
  });

  it('asks again when a header says its group grew', async () => {
    const { f, url } = open('alertmanager/0.25-collapsed.html');
    const { background, runtime } = runAlertmanager(url.href, apiOf(f));
    await settle(runtime);
    expect(background.groupCalls).toHaveLength(1);
    const count = [...document.querySelectorAll('div.mb-3 > span')].find((s) => s.textContent === '1 alert');
    if (count) count.textContent = '2 alerts';
    await settle(runtime);
    expect(background.groupCalls).toHaveLength(2);
    expect(hosts()).toHaveLength(2);
  });

  it('expanding a group keeps its header badge and adds one per alert, each element once', async () => {
    const collapsed = fixture('alertmanager/0.27-collapsed.html');
    const expanded = fixture('alertmanager/0.27-expanded.html');
    loadPage(collapsed.html, collapsed.meta.url);
    const { background, runtime } = runAlertmanager(collapsed.meta.url, apiOf(collapsed));
    await settle(runtime);
    expect(hosts()).toHaveLength(2);
    // Elm adds the lists after the headers; the headers stay where they are.
    const lists = new DOMParser()
      .parseFromString(expanded.html, 'text/html')
      .querySelectorAll('.pl-5 > div > ul.list-group');
    const groups = document.querySelectorAll('.pl-5 > div');
    lists.forEach((ul, i) => {
      groups[i]?.append(document.importNode(ul, true));
    });
    await settle(runtime);
    expect(hosts()).toHaveLength(5);
    expect(background.groupCalls).toHaveLength(1);
    for (const header of document.querySelectorAll('.pl-5 > div > div.mb-3'))
      expect(header.querySelectorAll('tattler-badge').length).toBeLessThanOrEqual(1);
  });

  it("labels the popover's source with the group's size", async () => {
    const { f, url } = open('alertmanager/0.25-collapsed.html');
    const sources: string[] = [];
    const { runtime } = runAlertmanager(url.href, apiOf(f), {
      mountBadge: (host, data) => {
        sources.push(data.source);
        host.textContent = 'badge';
        return { update: () => {}, destroy: () => {} };
      },
    });
    await settle(runtime);
    expect(sources).toEqual(['Alertmanager, a group of 2 alerts', 'Alertmanager, a group of 1 alert']);
  });
});

describe("the API's groups", () => {
  const groups = parseGroups(readJson('alertmanager', 'api-v2-alert-groups.json'));
  const header = (labels: Record<string, string>, match: Record<string, string>): FoundSubject => ({
    element: document.body,
    labels,
    group: { match },
    anchor: document.body,
    placement: 'append',
  });

  it('takes the group at the header’s position when it has the header’s labels and receiver', () => {
    const [a, b] = [
      header({ alertname: 'KubeStatefulSetReplicasMismatch' }, { index: '1', receiver: 'oncall-shop' }),
      // Out of place (the page moved on): found by its labels instead.
      header({ alertname: 'KubeDeploymentReplicasMismatch' }, { index: '2' }),
    ];
    membersFromGroups([a, b] as FoundSubject[], groups);
    expect(a?.group?.members?.map((m) => m.labels.statefulset)).toEqual(['ledger']);
    expect(b?.group?.members?.map((m) => m.labels.deployment)).toEqual(['cart', 'checkout']);
  });

  it('gives a header whose labels or receiver no group has no alerts', () => {
    const c = header({ alertname: 'KubeDeploymentReplicasMismatch' }, { index: '0', receiver: 'other-team' });
    const d = header({ alertname: 'Kube' }, {});
    membersFromGroups([c, d], groups);
    expect(c.group?.members).toBeUndefined();
    expect(d.group?.members).toBeUndefined();
  });
});

describe("the page's query", () => {
  it('splits a filter into one matcher per parameter, commas inside quotes kept', () => {
    expect(splitMatchers('{alertname="A", cluster=~"prod-(eu|us),x", team!="a\\"b,c"}')).toEqual([
      'alertname="A"',
      'cluster=~"prod-(eu|us),x"',
      'team!="a\\"b,c"',
    ]);
    expect(splitMatchers('')).toEqual([]);
  });

  it('carries the switches with the UI’s defaults and the receiver', () => {
    const q = apiQuery(new URL('http://am/#/alerts?silenced=true&receiver=oncall-shop'));
    expect(q.toString()).toBe('silenced=true&inhibited=false&muted=false&active=true&receiver=oncall-shop');
  });

  it('groups alerts itself under the Group tab’s custom grouping, receiver "unknown"', async () => {
    loadPage(
      `<html><head><title>Alertmanager</title></head><body><div class="pl-5">
        <div><div class="mb-3"><button class="btn"><i class="fa fa-plus mr-2"></i>unknown</button>
          <div class="btn-group"><span class="btn">cluster="prod-eu-1"</span><button class="btn">+</button></div>
          <span class="ml-1 mb-0">2 alerts</span></div></div>
        <div><div class="mb-3"><button class="btn"><i class="fa fa-plus mr-2"></i>unknown</button>
          <div class="btn-group"><span class="btn">cluster="prod-us-1"</span><button class="btn">+</button></div>
          <span class="ml-1 mb-0">1 alert</span></div></div></div></body></html>`,
      'http://127.0.0.1:9093/#/alerts?customGrouping=true&group=cluster',
    );
    const alerts = (readJson('alertmanager', 'api-v2-alert-groups.json') as { alerts: unknown[] }[]).flatMap(
      (g) => g.alerts,
    );
    const { background, runtime, fetched } = runAlertmanager(
      'http://127.0.0.1:9093/#/alerts?customGrouping=true&group=cluster',
      async () => alerts,
    );
    await settle(runtime);
    expect(fetched).toEqual([
      'http://127.0.0.1:9093/api/v2/alerts?silenced=false&inhibited=false&muted=false&active=true',
    ]);
    expect(
      background.askedGroups().map((g) => g.members.map((m) => m.labels.deployment ?? m.labels.statefulset)),
    ).toEqual([['cart', 'checkout'], ['ledger']]);
  });
});

describe('markup drift made visible', () => {
  const page = `<html><head><title>Alertmanager</title></head><body><div class="container pb-4"><div>
    <div class="groups-in-a-markup-nobody-knows"><span>alertname="X" cluster="prod-eu-1"</span></div></div></div></body></html>`;

  it('logs once, with the name, an integration that recognised its page and found nothing once it settled', async () => {
    loadPage(page, 'http://127.0.0.1:9093/#/alerts');
    const logs: string[] = [];
    const runtime = run([alertmanager], {
      correlate: fakeBackground().correlate,
      settleMs: 20,
      log: (m) => logs.push(m),
    });
    await settle(runtime);
    document.body.append(document.createElement('p'));
    await settle(runtime);
    await new Promise((r) => setTimeout(r, 60));
    document.body.append(document.createElement('p'));
    await settle(runtime);
    await new Promise((r) => setTimeout(r, 60));
    expect(logs.filter((l) => /markup may have changed/.test(l))).toEqual([
      "Alertmanager: this page looks like Alertmanager's, but nothing on it was recognised once it settled; its markup may have changed",
    ]);
  });

  it('stays quiet when the page says it has nothing to show, once it found something, and for text integrations', async () => {
    const logs: string[] = [];
    const log = (m: string) => logs.push(m);
    // "No alert groups found" (Utils.Views.error): nothing to show, on purpose.
    loadPage(
      '<html><head><title>Alertmanager</title></head><body><div class="alert alert-warning">No alert groups found</div></body></html>',
      'http://127.0.0.1:9093/#/alerts',
    );
    const quiet = run([alertmanager], { correlate: fakeBackground().correlate, settleMs: 20, log });
    await settle(quiet);
    await new Promise((r) => setTimeout(r, 60));
    quiet.stop();

    // Found something once: a later empty scan is a page that changed, not drift.
    const f = fixture('alertmanager/0.25-collapsed.html');
    loadPage(f.html, f.meta.url);
    const found = run([alertmanager], { correlate: fakeBackground().correlate, settleMs: 20, log });
    await settle(found);
    document.body.innerHTML = '<div class="container"></div>';
    await settle(found);
    await new Promise((r) => setTimeout(r, 60));
    found.stop();

    // A text integration finds nothing on most pages by design.
    const text: PageIntegration = {
      id: 'words',
      name: 'Words',
      kind: 'text',
      onLoopback: true,
      matches: () => true,
      detect: () => true,
      find: () => [],
    };
    const words = run([text], { correlate: fakeBackground().correlate, settleMs: 20, log });
    await settle(words);
    await new Promise((r) => setTimeout(r, 60));
    expect(logs).toEqual([]);
  });
});

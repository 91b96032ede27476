// @vitest-environment happy-dom
/**
 * The badge and its popover: what it says (visible text and accessible name), how it looks on
 * the shared heat scale, how it opens and closes (Escape, close button, outside click, focus),
 * and that links are only ever http(s).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { badgeRoot, mountBadge } from '../../components/badge/mount';
import type { ChangeView } from '../../lib/change-view';
import type { SubjectResult } from '../../lib/correlate/wire';
import type { BadgeData } from '../../lib/pages/types';

const T = Date.UTC(2025, 0, 15, 12, 0, 0);
const MIN = 60_000;

const change = (id: string, extra: Partial<ChangeView> = {}): ChangeView => ({
  id,
  clusterId: 'rancher/c-m-eu1',
  clusterName: 'prod-eu-1',
  kind: 'Deployment',
  namespace: 'shop',
  name: 'checkout',
  type: 'updated',
  at: T - 4 * MIN,
  windowStart: T - 5 * MIN,
  windowEnd: T - 4 * MIN,
  reportedAt: T - 4 * MIN,
  actor: { name: 'alice', kind: 'person', via: 'annotation example.com/changed-by' },
  fields: [
    { path: 'containers[app].image', before: 'shop/checkout:1.4.1', after: 'shop/checkout:1.4.2' },
    { path: 'spec.replicas', before: 3, after: 2 },
  ],
  link: 'https://rancher.example/dashboard/c/c-m-eu1/explorer/apps.deployment/shop/checkout',
  userLink: 'https://rancher.example/dashboard/users/alice/jobs',
  ...extra,
});

function hot(): BadgeData {
  const result: SubjectResult = {
    key: 'k',
    watched: true,
    covered: [{ id: 'rancher/c-m-eu1', name: 'prod-eu-1' }],
    notWatched: [],
    mode: 'alert',
    looked: {
      jobs: ['checkout'],
      namespace: 'shop',
      clusterLabels: ['prod-eu-1'],
      clusters: [{ id: 'rancher/c-m-eu1', name: 'prod-eu-1' }],
      from: T - 120 * MIN,
      to: T + 5 * MIN,
      startsAt: T,
    },
    ranked: [
      {
        id: 'a',
        relation: 'same-job-same-cluster',
        timing: 'before',
        offsetMs: 4 * MIN,
        reason: 'same job, same cluster, changed 4 min before the alert started',
      },
      {
        id: 'b',
        relation: 'same-job-other-cluster',
        timing: 'before',
        offsetMs: 30 * MIN,
        reason: 'same job, other cluster, changed 30 min before the alert started',
      },
    ],
    total: 3,
    headline: {
      count: 2,
      afterCount: 0,
      level: 4,
      glyph: '2',
      offsetMs: 4 * MIN,
      timing: 'before',
      actor: 'alice',
      relation: 'same-job-same-cluster',
    },
    blind: [],
  };
  return {
    result,
    changes: {
      a: change('a'),
      b: change('b', {
        clusterName: 'prod-us-1',
        actor: { name: 'bob', kind: 'person' },
        link: 'javascript:alert(1)',
        userLink: 'data:text/html,hi',
        reportedAt: undefined,
      }),
    },
    source: 'Alertmanager',
  };
}

function quiet(blind = false): BadgeData {
  const data = hot();
  data.result = {
    ...data.result,
    ranked: [],
    total: 0,
    headline: blind
      ? { count: 0, afterCount: 0, level: 0, glyph: '?', mark: 'blind' }
      : { count: 0, afterCount: 0, level: 0, glyph: '' },
    blind: blind
      ? [
          {
            clusterId: 'rancher/c-m-eu1',
            clusterName: 'prod-eu-1',
            ms: 14 * MIN,
            from: T - 40 * MIN,
            to: T - 26 * MIN,
            reason: 'unreachable',
            message: 'timeout',
            recovered: true,
          },
        ]
      : [],
  };
  data.changes = {};
  return data;
}

function mount(data: BadgeData) {
  const host = document.createElement('tattler-badge');
  document.body.append(host);
  const handle = mountBadge(host, data);
  const root = badgeRoot(host) as ShadowRoot;
  return { host, handle, root, button: () => root.querySelector('button.badge') as HTMLButtonElement };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const cleanupBody = () => {
  document.body.innerHTML = '';
};

afterEach(() => {
  document.body.innerHTML = '';
});

describe('badge', () => {
  it('is hot when something changed: the grid cell, count, offset and actor, and a full name', () => {
    const { button, host } = mount(hot());
    expect(host.shadowRoot).toBeNull(); // closed to the page
    const b = button();
    expect(b.tagName).toBe('BUTTON');
    expect(b.textContent).toBe('22 changes · 4 min before · alice');
    const cell = b.querySelector('.cell') as HTMLElement;
    expect(cell.textContent).toBe('2');
    expect(cell.className).toBe('cell l4');
    expect(b.getAttribute('aria-label')).toBe(
      'Tattler: 2 changes · 4 min before · alice, same job, same cluster (checkout in prod-eu-1). Show the changes',
    );
    expect(b.getAttribute('aria-expanded')).toBe('false');
  });

  it("names every job of a collapsed group's alerts, and how many alerts it sums up", () => {
    const data = hot();
    data.result = {
      ...data.result,
      alerts: 3,
      looked: { ...data.result.looked, jobs: ['checkout', 'cart'] },
    };
    const { button } = mount(data);
    expect(button().getAttribute('aria-label')).toBe(
      'Tattler: 2 changes · 4 min before · alice, same job, same cluster (3 alerts: checkout, cart in prod-eu-1). Show the changes',
    );
  });

  it('is small and quiet when nothing changed, and says so in its name', () => {
    const { button } = mount(quiet());
    const b = button();
    expect(b.className).toContain('quiet');
    expect(b.textContent).toBe('');
    expect(b.getAttribute('aria-label')).toBe(
      'Tattler: no changes to checkout in prod-eu-1 in the 2 h before the alert started. Show details',
    );
  });

  it('names a cluster once when several sources have a cluster of that name', async () => {
    const data = hot();
    data.result.looked.clusters = [
      { id: 'rancher/c-m-eu1', name: 'prod-eu-1' },
      { id: 'argocd/https://10.20.0.1:6443', name: 'prod-eu-1' },
      { id: 'forge/c-101', name: 'prod-eu-1' },
    ];
    const { button, root } = mount(data);
    expect(button().getAttribute('aria-label')).toBe(
      'Tattler: 2 changes · 4 min before · alice, same job, same cluster (checkout in prod-eu-1). Show the changes',
    );
    button().click();
    await tick();
    expect(root.querySelector('.looked')?.textContent).toMatch(
      /looked for job checkout, namespace shop, cluster prod-eu-1, from /,
    );
  });

  it('says "no changes to the watched jobs in <cluster>" when the alert names a cluster and no job', () => {
    const data = quiet();
    data.result.looked = { ...data.result.looked, jobs: [] };
    expect(mount(data).button().getAttribute('aria-label')).toBe(
      'Tattler: no changes to the watched jobs in prod-eu-1 in the 2 h before the alert started. Show details',
    );
    cleanupBody();
    const blind = quiet(true);
    blind.result.looked = { ...blind.result.looked, jobs: [] };
    expect(mount(blind).button().getAttribute('aria-label')).toBe(
      'Tattler: no changes seen to the watched jobs in prod-eu-1 in the 2 h before the alert started, but it could not see prod-eu-1 for 14 min of that time. Show details',
    );
  });

  it('shows the blind mark when polls failed: "no changes seen" is not "no changes"', () => {
    const { button } = mount(quiet(true));
    const b = button();
    expect(b.querySelector('.cell')?.textContent).toBe('?');
    expect(b.getAttribute('aria-label')).toContain('but it could not see prod-eu-1 for 14 min of that time');
  });

  it('opens a popover with ranked changes, reasons, fields and links; Escape closes it and returns focus', async () => {
    const { button, root } = mount(hot());
    button().click();
    await tick();
    const dialog = root.querySelector('[role="dialog"]') as HTMLElement;
    expect(dialog).not.toBeNull();
    expect(button().getAttribute('aria-expanded')).toBe('true');
    const heading = dialog.querySelector('h2') as HTMLElement;
    expect(heading.textContent).toBe('2 changes before this alert');
    expect(dialog.getAttribute('aria-labelledby')).toBe(heading.id);
    expect(root.activeElement).toBe(heading);

    const items = [...dialog.querySelectorAll('li')];
    expect(items.map((li) => li.querySelector('.reason')?.textContent)).toEqual([
      'same job, same cluster, changed 4 min before the alert started',
      'same job, other cluster, changed 30 min before the alert started',
    ]);
    expect(items[0]?.querySelector('.what')?.textContent).toBe('Deployment shop/checkout in prod-eu-1');
    expect(items[0]?.textContent).toContain('by alice (person, from annotation example.com/changed-by)');
    const rows = [...(items[0]?.querySelectorAll('tr') ?? [])].map((tr) => tr.textContent);
    expect(rows).toEqual([
      'containers[app].imagefrom shop/checkout:1.4.1 → to shop/checkout:1.4.2',
      'spec.replicasfrom 3 → to 2',
    ]);
    const links = [...(items[0]?.querySelectorAll('a') ?? [])].map((a) => [
      a.textContent,
      a.getAttribute('href'),
    ]);
    expect(links).toEqual([
      [
        'Open checkout in its console',
        'https://rancher.example/dashboard/c/c-m-eu1/explorer/apps.deployment/shop/checkout',
      ],
      ["Open alice's jobs", 'https://rancher.example/dashboard/users/alice/jobs'],
    ]);
    // Links that are not http(s) are not links at all.
    expect(items[1]?.querySelectorAll('a')).toHaveLength(0);
    expect(dialog.querySelector('.more')?.textContent).toBe('1 more not shown.');

    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await tick();
    expect(root.querySelector('[role="dialog"]')).toBeNull();
    expect(root.activeElement).toBe(button());
    expect(button().getAttribute('aria-expanded')).toBe('false');
  });

  it('closes on its close button and on a click outside, not on a click inside', async () => {
    const { button, root } = mount(hot());
    button().click();
    await tick();
    (root.querySelector('[role="dialog"] h2') as HTMLElement).dispatchEvent(
      new PointerEvent('pointerdown', { bubbles: true, composed: true }),
    );
    await tick();
    expect(root.querySelector('[role="dialog"]')).not.toBeNull();
    (root.querySelector('.close') as HTMLButtonElement).click();
    await tick();
    expect(root.querySelector('[role="dialog"]')).toBeNull();

    button().click();
    await tick();
    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }));
    await tick();
    expect(root.querySelector('[role="dialog"]')).toBeNull();
  });

  it("keeps the page's click handlers out of it", () => {
    const { button, host } = mount(hot());
    let reached = 0;
    host.parentElement?.addEventListener('click', () => {
      reached += 1;
    });
    button().click();
    expect(reached).toBe(0);
  });

  it('updates in place and cleans up', () => {
    const { button, handle, root } = mount(quiet());
    expect(button().className).toContain('quiet');
    handle.update(hot());
    expect(button().className).not.toContain('quiet');
    handle.destroy();
    expect(root.querySelector('button')).toBeNull();
  });
});

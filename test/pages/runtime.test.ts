// @vitest-environment happy-dom
/**
 * The runtime on single-page apps: groups expanded later, lists re-rendered in place or
 * replaced, badges a framework throws away, navigation without reload, stop; and remote text
 * that must stay text.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { badgeRoot, mountBadge } from '../../components/badge/mount';
import { alertmanager } from '../../lib/pages/alertmanager';
import { bootPages } from '../../lib/pages/boot';
import { rancher } from '../../lib/pages/rancher';
import type { PageIntegration } from '../../lib/pages/types';
import {
  fakeBackground,
  fixture,
  hosts,
  loadPage,
  NOW,
  result,
  run,
  settle,
  setUrl,
  stopAll,
} from './helpers';

// The Alertmanager integration asks its page's own API for the groups; these pages are made up,
// so that GET must go nowhere (unit tests talk only to servers they start): it fails as an
// unreachable API would, which the integration handles.
beforeEach(() => {
  vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
});

afterEach(() => {
  vi.unstubAllGlobals();
  stopAll();
  document.documentElement.innerHTML = '<head></head><body></body>';
});

function alertItem(labels: Record<string, string>, time = '2025-01-15T12:10:00.000Z'): string {
  const buttons = Object.entries(labels)
    .map(([k, v]) =>
      `<div class="btn-group mr-2 mb-2"><span class="btn btn-sm border-right-0 text-muted"></span><button class="btn btn-sm bg-faded btn-outline-secondary" title="Filter by this label">+</button></div>`.replace(
        '</span>',
        `${escapeHtml(`${k}="${v}"`)}</span>`,
      ),
    )
    .join('');
  return `<li class="align-items-start list-group-item border-0 p-0 mb-4"><div class="w-100 mb-2 d-flex align-items-start"><span class="align-self-center mr-2">${time}</span><a class="btn btn-outline-info border-0" href="#/alerts">Link</a></div><div>${buttons}</div></li>`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function loadAlertmanager() {
  const f = fixture('alertmanager/alert-groups.html');
  loadPage(f.html, f.meta.url);
}

const firstItem = () => document.querySelector('li.list-group-item') as HTMLElement;
const hostsIn = (el: Element) => el.querySelectorAll('tattler-badge').length;

describe('single-page apps', () => {
  it('annotates a collapsed Alertmanager group when it is expanded later', async () => {
    loadAlertmanager();
    const background = fakeBackground();
    const runtime = run([alertmanager], { correlate: background.correlate });
    await settle(runtime);
    expect(hosts()).toHaveLength(3);

    // Elm renders the group's list when the user expands it.
    const group = document.getElementById('collapsed-group') as HTMLElement;
    group.insertAdjacentHTML(
      'beforeend',
      `<ul class="list-group mb-0">${alertItem({ namespace: 'billing', service: 'payments' })}${alertItem({ namespace: 'billing', service: 'ledger' })}</ul>`,
    );
    await settle(runtime);
    expect(hosts()).toHaveLength(5);
    expect(hostsIn(group)).toBe(2);
    // The group header's labels (cluster) travel with the alerts that hide them.
    const asked = background.asked().filter((s) => s.labels.service);
    expect(asked.map((s) => [s.labels.cluster, s.labels.service])).toEqual([
      ['prod-us-1', 'payments'],
      ['prod-us-1', 'ledger'],
    ]);
    runtime.stop();
  });

  it('annotates each element once, however often it scans', async () => {
    loadAlertmanager();
    const background = fakeBackground();
    const runtime = run([alertmanager], { correlate: background.correlate });
    await settle(runtime);
    const asked = background.asked().length;
    for (let i = 0; i < 5; i++) {
      runtime.rescan();
      document.body.append(document.createElement('div'));
      await settle(runtime);
    }
    expect(hosts()).toHaveLength(3);
    expect(hostsIn(firstItem())).toBe(1);
    expect(background.asked()).toHaveLength(asked);
    runtime.stop();
  });

  it('re-annotates, once, an element re-rendered in place with other labels', async () => {
    loadAlertmanager();
    const background = fakeBackground();
    const runtime = run([alertmanager], { correlate: background.correlate });
    await settle(runtime);
    const oldHost = firstItem().querySelector('tattler-badge');
    // Elm's virtual DOM reuses the <li> for another alert: only the text nodes change.
    const label = [...firstItem().querySelectorAll('span.btn')].find((s) =>
      s.textContent?.startsWith('deployment='),
    );
    (label?.firstChild as Text).data = 'deployment="search"';
    await settle(runtime);
    expect(hostsIn(firstItem())).toBe(1);
    expect(firstItem().querySelector('tattler-badge')).not.toBe(oldHost);
    expect(background.asked().at(-1)?.labels.deployment).toBe('search');
    expect(hosts()).toHaveLength(3);
    runtime.stop();
  });

  it('annotates a list that re-renders with new elements, and drops badges of removed ones', async () => {
    loadAlertmanager();
    const background = fakeBackground();
    const runtime = run([alertmanager], { correlate: background.correlate });
    await settle(runtime);
    const list = firstItem().parentElement as HTMLElement;
    // A full re-render: new <li> elements for the same alerts, one alert fewer.
    const items = [...list.children].slice(0, 2).map((li) => {
      const clone = li.cloneNode(true) as HTMLElement;
      for (const h of clone.querySelectorAll('tattler-badge')) h.remove();
      return clone;
    });
    list.replaceChildren(...items);
    await settle(runtime);
    expect(hosts()).toHaveLength(2);
    for (const li of list.children) expect(hostsIn(li)).toBe(1);
    runtime.stop();
  });

  it('puts back a badge the page threw away, without asking again', async () => {
    loadAlertmanager();
    const background = fakeBackground();
    const runtime = run([alertmanager], { correlate: background.correlate });
    await settle(runtime);
    const calls = background.calls.length;
    firstItem().querySelector('tattler-badge')?.remove();
    document.body.append(document.createElement('span'));
    await settle(runtime);
    expect(hostsIn(firstItem())).toBe(1);
    expect(background.calls.length).toBe(calls);
    runtime.stop();
  });

  it('scans at most once per frame, however many mutations arrive', async () => {
    loadAlertmanager();
    const frames: (() => void)[] = [];
    const find = vi.spyOn(alertmanager, 'find');
    const background = fakeBackground();
    const runtime = run([alertmanager], {
      correlate: background.correlate,
      schedule: (cb) => {
        frames.push(cb);
        return () => {};
      },
    });
    try {
      expect(frames).toHaveLength(1);
      frames.shift()?.();
      for (let i = 0; i < 20; i++) document.body.append(document.createElement('div'));
      await new Promise((r) => setTimeout(r, 0));
      expect(frames).toHaveLength(1);
      frames.shift()?.();
      expect(find).toHaveBeenCalledTimes(2);
    } finally {
      find.mockRestore();
      runtime.stop();
    }
  });

  it('follows navigation without reload: badges go with the page, and come back', async () => {
    loadAlertmanager();
    const background = fakeBackground();
    const runtime = run([alertmanager], { correlate: background.correlate });
    await settle(runtime);
    expect(hosts()).toHaveLength(3);
    setUrl('http://127.0.0.1:9093/#/silences');
    runtime.rescan();
    await settle(runtime);
    expect(hosts()).toHaveLength(0);
    setUrl('http://127.0.0.1:9093/#/alerts');
    runtime.rescan();
    await settle(runtime);
    expect(hosts()).toHaveLength(3);
    runtime.stop();
  });

  it('stops: badges removed, observer disconnected', async () => {
    loadAlertmanager();
    const background = fakeBackground();
    const runtime = run([alertmanager], { correlate: background.correlate });
    await settle(runtime);
    runtime.stop();
    expect(hosts()).toHaveLength(0);
    const calls = background.calls.length;
    document
      .getElementById('collapsed-group')
      ?.insertAdjacentHTML('beforeend', `<ul class="list-group">${alertItem({ deployment: 'ledger' })}</ul>`);
    await new Promise((r) => setTimeout(r, 10));
    expect(hosts()).toHaveLength(0);
    expect(background.calls.length).toBe(calls);
  });

  it('fails quietly: a broken integration is logged by name, the others still work', async () => {
    loadAlertmanager();
    const broken: PageIntegration = {
      ...rancher,
      id: 'broken',
      name: 'Broken',
      matches: () => true,
      detect: () => true,
      find: () => {
        throw new Error('markup changed');
      },
    };
    const log = vi.fn();
    const background = fakeBackground();
    const runtime = run([broken, alertmanager], { correlate: background.correlate, log });
    await settle(runtime);
    expect(hosts()).toHaveLength(3);
    expect(log).toHaveBeenCalledWith('Broken: scan failed', expect.any(Error));
    runtime.stop();
  });

  it('shows no badge for subjects the background does not watch, and asks nothing for those naming nothing', async () => {
    loadAlertmanager();
    const background = fakeBackground((s) => s.labels.deployment === 'checkout');
    const runtime = run([alertmanager], { correlate: background.correlate });
    await settle(runtime);
    expect(hosts()).toHaveLength(1);
    expect(hostsIn(firstItem())).toBe(1);
    // Watchdog names no job or cluster: never sent.
    expect(background.asked().some((s) => s.labels.alertname === 'Watchdog')).toBe(false);
    // Only mapped labels travel: no alertname, no severity.
    expect(Object.keys(background.asked()[0]?.labels ?? {}).sort()).toEqual([
      'cluster',
      'deployment',
      'namespace',
    ]);
    runtime.stop();
  });
});

describe('remote text stays text', () => {
  it('renders a label value that looks like HTML as text, nowhere as markup', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    document.documentElement.innerHTML = `<head><title>Alertmanager</title></head><body><ul class="list-group">${alertItem(
      {
        cluster: 'prod-eu-1',
        deployment: evil,
      },
    )}</ul></body>`;
    setUrl('http://127.0.0.1:9093/#/alerts');
    const background = fakeBackground();
    const runtime = run([alertmanager], { correlate: background.correlate });
    await settle(runtime);
    expect(background.asked()[0]?.labels.deployment).toBe(evil);
    const [host] = hosts();
    const root = badgeRoot(host as HTMLElement) as ShadowRoot;
    const button = root.querySelector('button') as HTMLButtonElement;
    expect(button.getAttribute('aria-label')).toContain(evil);
    button.click();
    await new Promise((r) => setTimeout(r, 0));
    const dialog = root.querySelector('[role="dialog"]') as HTMLElement;
    expect(dialog.textContent).toContain(evil);
    expect(root.querySelector('img')).toBeNull();
    expect(document.querySelector('img')).toBeNull();
    runtime.stop();
  });
});

describe('content script wiring', () => {
  function fakeBrowser(initial: unknown) {
    let stored: Record<string, unknown> = { settings: initial };
    const listeners = new Set<(changes: Record<string, unknown>, area: string) => void>();
    const sendMessage = vi.fn(
      async (message: {
        type: string;
        subjects?: { key: string; labels: Record<string, string>; startsAt?: number }[];
      }) => {
        if (message.type === 'correlate') {
          return { generatedAt: NOW, results: (message.subjects ?? []).map((s) => result(s)), changes: {} };
        }
        return { names: [] };
      },
    );
    return {
      sendMessage,
      async set(settings: unknown) {
        stored = { settings };
        for (const l of listeners) l({ settings: { newValue: settings } }, 'local');
      },
      api: {
        storage: {
          local: { get: async (key: string) => ({ [key]: stored[key] }), set: async () => {} },
          onChanged: {
            addListener: (l: never) => listeners.add(l),
            removeListener: (l: never) => listeners.delete(l),
          },
        },
        runtime: {
          sendMessage,
          // The demo build's manifest: its own content script runs on loopback pages (wxt.config.ts).
          getManifest: () => ({ content_scripts: [{ matches: ['*://127.0.0.1/*', '*://localhost/*'] }] }),
        },
      },
      listeners,
    };
  }

  function fakeCtx() {
    const invalidated: (() => void)[] = [];
    const located: (() => void)[] = [];
    return {
      ctx: {
        onInvalidated: (cb: () => void) => {
          invalidated.push(cb);
          return () => {};
        },
        addEventListener: (_t: Window, _type: 'wxt:locationchange', handler: () => void) => {
          located.push(handler);
        },
      },
      invalidate: () => {
        for (const cb of invalidated) cb();
      },
      navigate: () => {
        for (const cb of located) cb();
      },
    };
  }

  it('runs the allowed integrations, switches off with settings, and stops when the context ends', async () => {
    loadAlertmanager();
    const b = fakeBrowser({ version: 1 });
    const c = fakeCtx();
    const pages = bootPages({ ctx: c.ctx, browser: b.api as never, mountBadge, refreshMs: 0 });
    const wait = async () => {
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, 20));
        await pages.idle();
      }
    };
    await wait();
    expect(hosts()).toHaveLength(3);
    expect(b.sendMessage.mock.calls[0]?.[0]).toMatchObject({ type: 'correlate' });

    // Other settings change: nothing restarts.
    const calls = b.sendMessage.mock.calls.length;
    await b.set({ version: 1, pollIntervalSec: 120 });
    await wait();
    expect(b.sendMessage.mock.calls.length).toBe(calls);
    expect(hosts()).toHaveLength(3);

    await b.set({ version: 1, pages: { alertmanager: { enabled: false } } });
    await wait();
    expect(hosts()).toHaveLength(0);

    await b.set({ version: 1 });
    await wait();
    expect(hosts()).toHaveLength(3);

    c.invalidate();
    expect(hosts()).toHaveLength(0);
    expect(b.listeners.size).toBe(0);
  });

  it('runs nothing on an origin nobody listed', async () => {
    const f = fixture('alertmanager/alert-groups.html');
    loadPage(f.html, 'https://alertmanager.example.com/#/alerts');
    const b = fakeBrowser({ version: 1 });
    const c = fakeCtx();
    const pages = bootPages({ ctx: c.ctx, browser: b.api as never, mountBadge, refreshMs: 0 });
    await new Promise((r) => setTimeout(r, 30));
    await pages.idle();
    expect(hosts()).toHaveLength(0);
    expect(b.sendMessage).not.toHaveBeenCalled();
    pages.stop();

    const listed = fakeBrowser({
      version: 1,
      pages: { alertmanager: { origins: ['https://alertmanager.example.com'] } },
    });
    const pages2 = bootPages({ ctx: fakeCtx().ctx, browser: listed.api as never, mountBadge, refreshMs: 0 });
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await pages2.idle();
    }
    expect(hosts()).toHaveLength(3);
    pages2.stop();
    expect(hosts()).toHaveLength(0);
  });
});

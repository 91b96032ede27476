// @vitest-environment happy-dom
/**
 * The badge's popover, as a person (or a screen reader) uses it: a rollout is one entry whose
 * disclosure button opens its changes; what Tattler does not watch and could not see is said;
 * "Copy as incident note" puts the note on the clipboard and says so in a live region, copies
 * through a selected field where the page has no Clipboard API, and shows the note, selected,
 * when the page refuses both. The badge lives in a closed shadow root, as on a real page.
 */
import { fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { badgeRoot, mountBadge } from '../../components/badge/mount';
import type { ChangeView } from '../../lib/change-view';
import type { SubjectResult } from '../../lib/correlate/wire';
import { incidentNote } from '../../lib/incident-note';
import type { BadgeData } from '../../lib/pages/types';

const MIN = 60_000;
const T = Date.UTC(2025, 0, 15, 14, 30, 0);

const rolled = (i: number): ChangeView => ({
  id: `r${i}`,
  clusterId: `rancher/c-${i}`,
  clusterName: `prod-${i}`,
  kind: 'Deployment',
  namespace: 'shop',
  name: 'checkout',
  type: 'updated',
  at: T - (30 - i) * MIN,
  windowStart: T - (31 - i) * MIN,
  windowEnd: T - (30 - i) * MIN,
  reportedAt: T - (30 - i) * MIN,
  actor: { name: 'bob', kind: 'person' },
  fields: [
    {
      path: 'containers[app].image',
      before: 'registry.example.com/shop/checkout:1.4.1',
      after: 'registry.example.com/shop/checkout:1.4.2',
    },
  ],
});

function data(): BadgeData {
  const changes = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((i) => [`r${i}`, rolled(i)]));
  const result: SubjectResult = {
    key: 'k',
    watched: true,
    covered: [{ id: 'rancher/c-7', name: 'prod-7' }],
    notWatched: [{ job: 'checkout', cluster: 'staging-7' }],
    mode: 'alert',
    looked: {
      jobs: ['checkout'],
      clusterLabels: ['prod-7', 'staging-7'],
      clusters: [{ id: 'rancher/c-7', name: 'prod-7' }],
      from: T - 120 * MIN,
      to: T + 5 * MIN,
      startsAt: T,
    },
    ranked: [7, 6, 5, 4, 3, 2, 1].map((i) => ({
      id: `r${i}`,
      relation: i === 7 ? 'same-job-same-cluster' : 'same-job-other-cluster',
      timing: 'before',
      offsetMs: (30 - i) * MIN,
      reason: `reason ${i}`,
    })),
    total: 7,
    headline: {
      count: 7,
      afterCount: 0,
      level: 3,
      glyph: '7',
      offsetMs: 23 * MIN,
      timing: 'before',
      actor: 'bob',
    },
    blind: [
      {
        clusterId: 'rancher/c-7',
        clusterName: 'prod-7',
        ms: 55 * MIN,
        from: T - 50 * MIN,
        to: T + 5 * MIN,
        reason: 'not-polled',
      },
    ],
  };
  return {
    result,
    changes,
    source: 'Alertmanager',
    labels: { alertname: 'CheckoutErrors', cluster: 'prod-7', deployment: 'checkout' },
    pageUrl: 'https://alertmanager.example.com/#/alerts',
  };
}

/** Mounts the badge as the page runtime does, opens its popover, and gives queries inside it. */
async function open(d = data()) {
  const host = document.createElement('tattler-badge');
  document.body.append(host);
  mountBadge(host, d);
  const root = badgeRoot(host) as ShadowRoot;
  const inside = within(root as unknown as HTMLElement);
  fireEvent.click(root.querySelector('button.badge') as HTMLElement);
  const dialog = await inside.findByRole('dialog');
  return { root, dialog: within(dialog) };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('the popover', () => {
  it('shows a rollout as one entry that a disclosure button opens', async () => {
    const { root, dialog } = await open();
    const entries = root.querySelectorAll('.pop > ol > li');
    expect(entries).toHaveLength(1);
    const toggle = dialog.getByRole('button', { name: /^bob rolled checkout:1\.4\.2 to 7 clusters, / });
    expect(toggle.tagName).toBe('BUTTON'); // Enter and Space work as on any button
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    const list = root.getElementById(toggle.getAttribute('aria-controls') ?? '') as HTMLElement;
    expect(list.hidden).toBe(true);
    expect(list.getAttribute('aria-label')).toBe('7 changes of this rollout');
    // Why it is shown: its best-ranked change's reason, and where.
    expect(entries[0]?.querySelector(':scope > .change-context .reason')?.textContent).toBe(
      'reason 7 (prod-7)',
    );

    fireEvent.click(toggle);
    await waitFor(() => expect(toggle.getAttribute('aria-expanded')).toBe('true'));
    expect(list.hidden).toBe(false);
    expect([...list.querySelectorAll(':scope > li .what')].map((w) => w.textContent)).toEqual(
      [7, 6, 5, 4, 3, 2, 1].map((i) => `Deployment shop/checkout in prod-${i}`),
    );
    fireEvent.click(toggle);
    await waitFor(() => expect(list.hidden).toBe(true));
  });

  it('says what Tattler does not watch and what it could not see', async () => {
    const { dialog } = await open();
    expect(
      dialog.getByText(
        'Tattler does not watch checkout in staging-7: it cannot say what changed to it there.',
      ),
    ).toBeTruthy();
    expect(
      dialog.getByText(
        /^Could not see prod-7 for 55 min of the 2 h 5 min looked at \(.+–.+\): it was not polled \(the browser or Tattler was not running\)\. Changes there in that time are not known\.$/,
      ),
    ).toBeTruthy();
  });
});

describe('what the claim covers', () => {
  const lines = (root: ShadowRoot) =>
    [...root.querySelectorAll('.pop > p.seen, .pop > p.warn, .pop > p.note')].map((p) => p.textContent);

  it('names the clusters seen throughout, then each gap', async () => {
    const d = data();
    d.result.notWatched = [];
    d.result.covered = [
      { id: 'rancher/c-6', name: 'prod-6' },
      { id: 'rancher/c-7', name: 'prod-7' },
    ];
    const { root } = await open(d);
    const shown = lines(root);
    expect(shown[0]).toBe('Tattler saw prod-6 throughout.');
    expect(shown[1]).toMatch(/^Could not see prod-7 for 55 min /);
    expect(shown).toHaveLength(2);
  });

  it('says it claims nothing when it watches nothing the alert names', async () => {
    const d = data();
    d.result.covered = [];
    d.result.blind = [];
    const { root } = await open(d);
    expect(lines(root)).toEqual([
      'Tattler does not watch checkout in staging-7: it cannot say what changed to it there.',
      'Tattler does not watch what this alert names: it claims nothing about it, and the changes shown are its neighbours’.',
    ]);
  });

  it('says the same in the note', async () => {
    const d = data();
    d.result.covered.push({ id: 'rancher/c-6', name: 'prod-6' });
    const note = incidentNote({ ...d, now: T + 10 * MIN });
    expect(note).toContain(
      '### Coverage\n\n- Tattler saw `prod-6` throughout.\n- Could not see `prod-7` for 55 min',
    );
  });
});

describe('Copy as incident note', () => {
  it('writes the note to the clipboard and says "Copied" in a live region', async () => {
    const writeText = vi.fn(async (_: string) => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    vi.spyOn(Date, 'now').mockReturnValue(T + 10 * MIN);
    const { dialog } = await open();
    const status = dialog.getByRole('status');
    expect(status.textContent).toBe('');
    fireEvent.click(dialog.getByRole('button', { name: 'Copy as incident note' }));
    await waitFor(() => expect(status.textContent).toBe('Copied the incident note (Markdown).'));
    const d = data();
    expect(writeText).toHaveBeenCalledWith(
      incidentNote({ ...d, labels: d.labels ?? {}, pageUrl: d.pageUrl ?? '', now: T + 10 * MIN }),
    );
    expect(writeText.mock.calls[0]?.[0]).toMatch(
      /^## `CheckoutErrors`: 7 changes before this alert \(Tattler\)\n/,
    );
    expect(writeText.mock.calls[0]?.[0]).toContain(
      '- **Rollout** of `Deployment shop/checkout`: `bob` rolled',
    );
  });

  it('shows the note in a selected text field when the page refuses clipboard access', async () => {
    const writeText = vi.fn(async () => {
      throw new DOMException('Document is not focused.', 'NotAllowedError');
    });
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const { root, dialog } = await open();
    fireEvent.click(dialog.getByRole('button', { name: 'Copy as incident note' }));
    const field = (await dialog.findByRole('textbox', {
      name: /This page did not let Tattler copy\. The note is selected below/,
    })) as HTMLTextAreaElement;
    expect(field.value).toMatch(/^## `CheckoutErrors`: 7 changes before this alert/);
    expect(field.readOnly).toBe(true);
    await waitFor(() => expect(root.activeElement).toBe(field));
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, field.value.length]);
    expect(dialog.getByRole('status').textContent).toBe('');
  });

  it('copies through a selected field where the page has no Clipboard API (plain http), else shows it', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined });
    const copied: string[] = [];
    const exec = vi.fn((command: string) => {
      const field = document.querySelector('tattler-badge') as Element;
      const active = (badgeRoot(field) as ShadowRoot).activeElement as HTMLTextAreaElement | null;
      const whole = active?.selectionStart === 0 && active.selectionEnd === active.value.length;
      copied.push(`${command}:${whole ? active?.value.slice(0, 20) : 'part'}`);
      return true;
    });
    Object.defineProperty(document, 'execCommand', { value: exec, configurable: true });
    const { dialog } = await open();
    fireEvent.click(dialog.getByRole('button', { name: 'Copy as incident note' }));
    await waitFor(() =>
      expect(dialog.getByRole('status').textContent).toBe('Copied the incident note (Markdown).'),
    );
    expect(copied).toEqual(['copy:## `CheckoutErrors`:']);
    expect(dialog.queryByRole('textbox')).toBeNull();

    exec.mockReturnValue(false);
    const again = await open();
    fireEvent.click(again.dialog.getByRole('button', { name: 'Copy as incident note' }));
    expect(await again.dialog.findByRole('textbox')).toBeTruthy();
    Reflect.deleteProperty(document, 'execCommand');
  });
});

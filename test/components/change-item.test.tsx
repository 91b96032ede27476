// @vitest-environment happy-dom
/**
 * One change reads the same wherever it is shown: the popup's cell detail and a page badge's
 * popover render it from the same stored change, and must say the same words (actor and its
 * kind, when, versions, fields), carry the same marks (degraded) and offer the same links — a
 * Nomad token is not a person, so neither place offers "their jobs".
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { badgeRoot, mountBadge } from '../../components/badge/mount';
import { ChangeItem } from '../../components/common/ChangeItem';
import { PopupApp } from '../../components/grid/PopupApp';
import type { ChangeView } from '../../lib/change-view';
import { answerCorrelate } from '../../lib/correlate/query';
import type { TattlerDb } from '../../lib/db';
import { incidentNote } from '../../lib/incident-note';
import type { Change } from '../../lib/model';
import { popupData } from '../../lib/popup-data';
import { type Settings, validateSettings } from '../../lib/settings';
import { utcTime } from '../../lib/time-text';
import * as build from '../builders';
import { fakeApi, MIN, NOW, type Shown, seedDb, shown } from './fixtures';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  document.body.innerHTML = '';
});

const parsed = validateSettings({
  version: 1,
  sources: [
    {
      id: 'nomad',
      name: 'Nomad',
      type: 'nomad',
      baseUrl: 'https://nomad.example',
      links: { user: 'https://nomad.example/people/{user}/jobs' },
    },
  ],
});
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const SETTINGS = parsed.value as Settings;

const CLUSTER = build.cluster('nomad', 'eu-west', NOW, {
  apiBase: 'https://nomad.example',
  lastOkPoll: NOW - MIN,
});
const INGEST = { clusterId: CLUSTER.id, kind: 'NomadJob', namespace: 'data', name: 'ingest' };
const JOB = build.job(INGEST, NOW - MIN, { versionToken: '8', health: { state: 'degraded' } });
const base = (id: string, at: number): Change => build.change(INGEST, at, { id, windowEnd: at + 30_000 });

const CHANGES: Change[] = [
  {
    // An image update by a token that degraded the job.
    ...base('by-token', NOW - 4 * MIN),
    reportedAt: NOW - 4 * MIN,
    actor: { name: 'token 1a2b3c4d', kind: 'token', via: 'NomadTokenID (ACL token accessor id)' },
    fields: [
      { path: 'taskgroups[main].tasks[app].image', before: 'ingest:2.0', after: 'ingest:2.1' },
      { path: 'health', before: 'healthy', after: 'degraded' },
    ],
    fromVersion: 6,
    toVersion: 8,
    skipped: 1,
    // The cluster's clock ran behind, and the actor's time lies before the change's window.
    clockOffsetMs: -12_000,
    actorStale: true,
    changeCause: 'nomad job run ingest.nomad.hcl',
    link: 'https://nomad.example/ui/jobs/ingest@data',
  },
  {
    // A person's edit, seen between two polls only.
    ...base('by-alice', NOW - 20 * MIN),
    actor: { name: 'alice', kind: 'person' },
    fields: [{ path: 'taskgroups[main].tasks[app].env', before: ['A=1'], after: ['A=1', 'B=2'] }],
    link: 'https://nomad.example/ui/jobs/ingest@data',
  },
  {
    // A version nobody saw live, read from Nomad's versions afterwards.
    ...base('recovered-v7', NOW - 10 * MIN),
    reportedAt: NOW - 10 * MIN,
    actor: { name: 'token 9f8e7d6c', kind: 'token', via: 'NomadTokenID (ACL token accessor id)' },
    fields: [{ path: 'taskgroups[main].count', before: 2, after: 3 }],
    fromVersion: 6,
    toVersion: 7,
    recovered: { from: 'Nomad version 7' },
    link: 'https://nomad.example/ui/jobs/ingest@data',
  },
];

async function inPopup(db: TattlerDb): Promise<Shown[]> {
  render(
    <PopupApp
      data={popupData(db)}
      settings={{ ok: true, value: SETTINGS }}
      api={fakeApi()}
      clock={() => NOW}
    />,
  );
  fireEvent.click(
    await screen.findByRole('gridcell', { name: /^ingest in eu-west: 3 changes/ }, { timeout: 5000 }),
  );
  const dialog = await screen.findByRole('dialog', { name: 'Changes of ingest in eu-west' });
  // Its changes are read when it opens.
  await waitFor(() => expect(dialog.querySelectorAll('li.change').length).toBeGreaterThan(0));
  return [...dialog.querySelectorAll('li.change')].map(shown);
}

const answerOf = (db: TattlerDb) =>
  answerCorrelate(
    db,
    SETTINGS,
    [{ key: 'alert', labels: { cluster: 'eu-west', job_name: 'ingest' }, startsAt: NOW }],
    NOW,
  );

async function inBadge(db: TattlerDb): Promise<Shown[]> {
  const answer = await answerOf(db);
  const result = answer.results[0];
  if (!result) throw new Error('no result');
  // The badge reads "now" from the page's clock: the same instant as the popup's.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  const host = document.createElement('tattler-badge');
  document.body.append(host);
  mountBadge(host, { result, changes: answer.changes, source: 'Alertmanager' });
  const root = badgeRoot(host) as ShadowRoot;
  (root.querySelector('button.badge') as HTMLButtonElement).click();
  await new Promise((r) => setTimeout(r, 0));
  return [...root.querySelectorAll('[role="dialog"] li.change')].map(shown);
}

describe('a change in the popup and in a badge', () => {
  it('reads the same in both places: words, marks and links', async () => {
    const db = await seedDb({ clusters: [CLUSTER], jobs: [JOB], changes: CHANGES });
    const popup = await inPopup(db);
    const badge = await inBadge(db);
    expect(popup).toHaveLength(3);
    expect(badge).toEqual(popup);

    const [byToken, recovered, byAlice] = popup as [Shown, Shown, Shown];
    // Read from the platform's history, and said so with what it was read from.
    expect(recovered.text).toContain('recovered from Nomad version 7, not seen live');
    expect(byToken.text).not.toContain('recovered');
    // A token is not a person: no "their jobs" link, and it is called a token.
    expect(byToken.text).toContain('by token 1a2b3c4d (token, from NomadTokenID (ACL token accessor id))');
    expect(byToken.links.map(([name]) => name)).toEqual(['Open ingest in its console']);
    // An update that degraded the job is marked so.
    expect(byToken.text).toContain('updated ! degraded the job by token');
    expect(byToken.text).toContain('1 version skipped between polls');
    expect(byAlice.links).toEqual([
      ['Open ingest in its console', 'https://nomad.example/ui/jobs/ingest@data'],
      ["Open alice's jobs", 'https://nomad.example/people/alice/jobs'],
    ]);
  });
});

describe('a change in the incident note', () => {
  it('is written part by part as the item shows it, in the same order', async () => {
    const db = await seedDb({ clusters: [CLUSTER], jobs: [JOB], changes: CHANGES });
    const answer = await answerOf(db);
    const result = answer.results[0];
    if (!result) throw new Error('no result');
    const note = incidentNote({ result, changes: answer.changes, source: 'Alertmanager', now: NOW })
      // Remote values are code spans in the note; the item shows them as plain text.
      .replaceAll('`', '');
    for (const r of result.ranked) {
      render(
        <ol>
          <ChangeItem change={answer.changes[r.id] as ChangeView} now={NOW} />
        </ol>,
      );
      const item = document.querySelector('li.change') as Element;
      // Each part the item shows besides its heading and its time, in the order it shows them.
      const parts = [...item.querySelectorAll('p.warn, p.clock, p.skipped, p.dim, th, p.cause, a')].map((e) =>
        (e.textContent ?? '').replace(/^⚠\s*/, '').trim(),
      );
      expect(parts.length).toBeGreaterThan(2);
      // The change's entry: from its time to the next entry.
      const start = note.indexOf(utcTime((answer.changes[r.id] as ChangeView).at));
      const end = note.indexOf('\n- ', start);
      expect(start).toBeGreaterThan(0);
      const section = note.slice(start, end < 0 ? undefined : end);
      let from = 0;
      for (const part of parts) {
        const at = section.indexOf(part, from);
        expect(at, `"${part}" in the note after position ${from}`).toBeGreaterThanOrEqual(from);
        from = at + part.length;
      }
      cleanup();
    }
  });
});

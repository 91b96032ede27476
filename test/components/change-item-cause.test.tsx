// @vitest-environment happy-dom
/**
 * A change an Argo CD sync caused is one item with two views, the same in the popup's cell detail
 * and in a badge's popover: headed by carol, saying it came through the sync of cart at revision
 * 0b0f8f9 (and that argocd-controller applied it), showing what the Deployment changed (its image)
 * and what the Application changed (its revision), with both consoles linked.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { badgeRoot, mountBadge } from '../../components/badge/mount';
import { PopupApp } from '../../components/grid/PopupApp';
import { answerCorrelate } from '../../lib/correlate/query';
import type { TattlerDb } from '../../lib/db';
import { popupData } from '../../lib/popup-data';
import {
  APP_LINK,
  APPLICATION,
  APPLICATION_CHANGE,
  CLUSTERS,
  DEPLOYMENT,
  DEPLOYMENT_CHANGE,
  NOW,
  SETTINGS,
} from '../cause-fixture';
import { fakeApi, type Shown, seedDb, shown } from './fixtures';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  document.body.innerHTML = '';
});

const seeded = () =>
  seedDb({
    clusters: CLUSTERS,
    jobs: [DEPLOYMENT, APPLICATION],
    changes: [APPLICATION_CHANGE, DEPLOYMENT_CHANGE],
  });

/** The detail of cart's cell in prod-eu-1 (the service row: its Application and its Deployment) that lists the Deployment's change. */
async function inPopup(db: TattlerDb): Promise<Shown[]> {
  render(
    <PopupApp
      data={popupData(db)}
      settings={{ ok: true, value: SETTINGS }}
      api={fakeApi()}
      clock={() => NOW}
    />,
  );
  const cells = await screen.findAllByRole(
    'gridcell',
    { name: /^cart in prod-eu-1: 1 change/ },
    { timeout: 5000 },
  );
  for (const cell of cells) {
    fireEvent.click(cell);
    const dialog = await screen.findByRole('dialog', { name: 'Changes of cart in prod-eu-1' });
    await waitFor(() => expect(dialog.querySelectorAll('li.change').length).toBeGreaterThan(0));
    const items = [...dialog.querySelectorAll('li.change')].map(shown);
    if (items.some((i) => i.text.includes('containers[cart].image'))) return items;
    fireEvent.keyDown(dialog, { key: 'Escape' });
  }
  throw new Error('no cell lists the Deployment’s change');
}

async function inBadge(db: TattlerDb): Promise<Shown[]> {
  const answer = await answerCorrelate(
    db,
    SETTINGS,
    [{ key: 'alert', labels: { cluster: 'prod-eu-1', job_name: 'cart' }, startsAt: NOW }],
    NOW,
  );
  const result = answer.results[0];
  if (!result) throw new Error('no result');
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  const host = document.createElement('tattler-badge');
  document.body.append(host);
  mountBadge(host, { result, changes: answer.changes, source: 'Alertmanager' });
  const root = badgeRoot(host) as ShadowRoot;
  expect(root.querySelector('button.badge')?.textContent).toContain('carol');
  (root.querySelector('button.badge') as HTMLButtonElement).click();
  await new Promise((r) => setTimeout(r, 0));
  return [...root.querySelectorAll('[role="dialog"] li.change')].map(shown);
}

describe('a change an Argo CD sync caused', () => {
  it('is one item headed by carol, with the provenance, both views and both links, in the popup and the badge', async () => {
    const db = await seeded();
    const popup = await inPopup(db);
    const badge = await inBadge(db);
    expect(popup).toHaveLength(1);
    expect(badge).toEqual(popup);
    const [item] = popup as [Shown];
    expect(item.text).toContain('updated by carol (person, from operationState.operation.initiatedBy)');
    expect(item.text).toContain(
      'via Argo CD sync of cart, revision 0b0f8f9 · applied by argocd-controller (client name, from managedFields)',
    );
    // The Deployment's view: its image.
    expect(item.text).toMatch(/containers\[cart\]\.image.*shop\/cart:2\.0\.1.*shop\/cart:2\.1\.0/);
    // The Application's view: its revision.
    expect(item.text).toContain('Application cart in prod-eu-1');
    expect(item.text).toMatch(
      /sync\.revision.*a1b2c3d4e5f60718293a4b5c6d7e8f9012345678.*0b0f8f9a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f/,
    );
    expect(item.text).toContain('version 8 → 9');
    expect(item.links).toEqual([
      ['Open cart in its console', DEPLOYMENT.link ?? null],
      ['Open the Application cart in Argo CD', APP_LINK],
      ["Open carol's jobs", 'https://argocd.example/applications?user=carol'],
    ]);
  });
});

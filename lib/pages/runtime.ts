/**
 * The scanner/observer every page integration runs in. One runtime per page:
 *
 *   - scans on start, on every DOM change (a MutationObserver, batched: at most one scan per
 *     animation frame), on navigation without reload (the caller calls rescan() on
 *     `wxt:locationchange`), and refreshes the answers every minute while the page is visible;
 *   - remembers each subject's element (a WeakMap) with a signature of what it named: the same
 *     element with the same labels is never annotated twice; an element a framework re-rendered
 *     in place with other labels loses its old badge and gets a new one; a badge the framework
 *     threw away is put back;
 *   - asks the background (never IndexedDB) for the changes, in batches, and mounts a badge per
 *     watched subject in a shadow-root host of its own (`<tattler-badge>`);
 *   - a subject may stand for a group of alerts (a collapsed group's header): its members are
 *     sent together (`correlate-groups`) and come back as one summary;
 *   - fails quietly: an integration that throws is logged with its name and skipped; one that
 *     recognises its page but finds nothing on it once the page has settled is logged once (its
 *     markup has probably changed), unless the page says it has nothing to show;
 *   - stop() disconnects everything and removes its badges (page left, integration switched off).
 *
 * Takes the document, the integrations and every effect as parameters: tests run it in happy-dom.
 */
import type { ChangeView } from '../change-view';
import { identityOf, type LabelMapping, namesAnything, relevantLabels } from '../correlate/identity';
import type { CorrelateAnswer, SubjectResult } from '../correlate/wire';
import { noteLabels } from '../incident-note';
import { MAX_GROUP_ALERTS, type PageGroup, type PageSubject } from '../messages';
import { nameMatcher } from './text';
import type {
  BadgeHandle,
  FoundSubject,
  GroupMember,
  MountBadge,
  NameMatcher,
  PageIntegration,
} from './types';

export interface RuntimeOptions {
  doc: Document;
  integrations: readonly PageIntegration[];
  labels: LabelMapping;
  /** Sends `{type:'correlate', subjects}` to the background. */
  correlate(subjects: PageSubject[]): Promise<CorrelateAnswer | undefined>;
  /** Sends `{type:'correlate-groups', groups}`; without it, group subjects get no badge. */
  correlateGroups?(groups: PageGroup[]): Promise<CorrelateAnswer | undefined>;
  mountBadge: MountBadge;
  /** Same-origin GET for integrations that enrich from the page's own API. */
  fetchJson?(url: string): Promise<unknown>;
  /** Sends `{type:'watched-jobs'}`; needed by the generic integration only. */
  watchedJobNames?(): Promise<string[]>;
  /** Runs a callback before the next frame; returns a canceller. Default: requestAnimationFrame. */
  schedule?(callback: () => void): () => void;
  /** Re-asks for visible subjects this often (ms); 0 never. Default 60 s. */
  refreshMs?: number;
  /**
   * How long the page must stay still before an integration that recognised it but found
   * nothing is logged as probably broken by a markup change (ms). Default 5 s; 0 never.
   */
  settleMs?: number;
  now?(): number;
  url?(): URL;
  log?(message: string, error?: unknown): void;
}

export interface Runtime {
  /** Scan again (navigation without reload). */
  rescan(): void;
  /** Re-ask the background for every subject on the page. */
  refresh(): Promise<void>;
  stop(): void;
  /** Resolves when no scan is pending and no answer is awaited. */
  idle(): Promise<void>;
  /** Badges currently on the page. */
  badgeCount(): number;
}

export const HOST_TAG = 'tattler-badge';
const BATCH = 500;
const GROUP_BATCH = 500;
const MAX_REMOUNTS = 5;

interface Rec {
  key: string;
  integration: PageIntegration;
  found: FoundSubject;
  signature: string;
  subject?: PageSubject;
  /** What was asked for a group subject: its members. */
  group?: PageGroup;
  result?: SubjectResult;
  changes?: Record<string, ChangeView>;
  host?: HTMLElement;
  badge?: BadgeHandle;
  remounts: number;
  dropped?: boolean;
}

const labelsSignature = (labels: Record<string, string>): string =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');

function signatureOf(integration: PageIntegration, f: FoundSubject): string {
  const base = `${integration.id}\u0000${labelsSignature(f.labels)}\u0000${f.startsAt ?? ''}`;
  if (!f.group) return base;
  // A group is the same while it shows the same size and the same members (when it shows them).
  const { size, match, members } = f.group;
  const shown = (members ?? []).map((m) => `${labelsSignature(m.labels)}@${m.startsAt ?? ''}`);
  return `${base}\u0001${size ?? ''}\u0001${labelsSignature(match ?? {})}\u0001${shown.join('\u0002')}`;
}

const isHost = (node: Node): boolean =>
  node.nodeType === 1 && (node as Element).tagName === HOST_TAG.toUpperCase();

/** Clickable ancestors a badge must stay out of (its click would follow the link). */
const INTERACTIVE = 'a, button, label, summary, [role="button"], [role="link"]';

function place(host: HTMLElement, found: FoundSubject): boolean {
  let { anchor, placement } = found;
  if (!anchor.isConnected) return false;
  if (placement === 'append' || placement === 'prepend') {
    const interactive = anchor.closest(INTERACTIVE);
    if (interactive) {
      anchor = interactive;
      placement = 'after';
    }
  }
  if ((placement === 'after' || placement === 'before') && !anchor.parentNode) return false;
  if (placement === 'append') anchor.append(host);
  else if (placement === 'prepend') anchor.prepend(host);
  else if (placement === 'after') anchor.after(host);
  else anchor.before(host);
  return true;
}

const prototypes = new WeakMap<Document, HTMLElement>();

function createHost(doc: Document): HTMLElement {
  let proto = prototypes.get(doc);
  if (!proto) {
    proto = doc.createElement(HOST_TAG);
    // Inline so that page rules on unknown elements cannot reach it; the rest lives in its shadow
    // root. Parsed once: hosts are clones.
    proto.setAttribute(
      'style',
      'display:inline-block;vertical-align:middle;margin:0 0 0 4px;padding:0;border:0;float:none;position:static;line-height:0',
    );
    prototypes.set(doc, proto);
  }
  return proto.cloneNode(false) as HTMLElement;
}

export function startRuntime(options: RuntimeOptions): Runtime {
  const { doc, integrations, labels, mountBadge } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((m: string, e?: unknown) => console.warn(`Tattler: ${m}`, e ?? ''));
  const currentUrl = options.url ?? (() => new URL(doc.location?.href ?? 'about:blank'));
  const schedule =
    options.schedule ??
    ((cb: () => void) => {
      if (typeof requestAnimationFrame === 'function') {
        const id = requestAnimationFrame(cb);
        return () => cancelAnimationFrame(id);
      }
      const id = setTimeout(cb, 16);
      return () => clearTimeout(id);
    });

  const settleMs = options.settleMs ?? 5000;
  const foundAny = new Set<PageIntegration>();
  const driftLogged = new Set<PageIntegration>();
  let driftTimer: ReturnType<typeof setTimeout> | undefined;
  const records = new WeakMap<Element, Rec>();
  const live = new Map<string, Rec>();
  let counter = 0;
  let cancelFrame: (() => void) | undefined;
  let inflight = 0;
  let stopped = false;
  let watched: NameMatcher | undefined;
  let waiters: (() => void)[] = [];
  const warned = new Set<string>();

  const settle = () => {
    if (cancelFrame || inflight > 0) return;
    const list = waiters;
    waiters = [];
    for (const w of list) w();
  };

  function requestScan() {
    if (stopped || cancelFrame) return;
    cancelFrame = schedule(() => {
      cancelFrame = undefined;
      scan();
      settle();
    });
  }

  function removeBadge(rec: Rec) {
    try {
      rec.badge?.destroy();
    } catch (error) {
      log(`${rec.integration.name}: badge cleanup failed`, error);
    }
    rec.host?.remove();
    rec.badge = undefined;
    rec.host = undefined;
  }

  function drop(rec: Rec) {
    rec.dropped = true;
    live.delete(rec.key);
    if (records.get(rec.found.element) === rec) records.delete(rec.found.element);
    removeBadge(rec);
  }

  function render(rec: Rec) {
    const result = rec.result;
    if (!result || rec.dropped) return;
    if (!result.watched) {
      removeBadge(rec);
      return;
    }
    const name = rec.integration.name;
    const n = result.alerts;
    const source = n === undefined ? name : `${name}, a group of ${n} ${n === 1 ? 'alert' : 'alerts'}`;
    const data = {
      result,
      changes: rec.changes ?? {},
      source,
      labels: noteLabels(rec.found.labels, labels),
      pageUrl: currentUrl().href,
    };
    if (rec.host?.isConnected && rec.badge) {
      rec.badge.update(data);
      return;
    }
    removeBadge(rec);
    const host = createHost(doc);
    if (!place(host, rec.found)) return;
    rec.host = host;
    try {
      rec.badge = mountBadge(host, data);
    } catch (error) {
      host.remove();
      rec.host = undefined;
      log(`${rec.integration.name}: badge failed`, error);
    }
  }

  function scan() {
    if (stopped) return;
    const url = currentUrl();
    const ctx = { url, labels, now: now(), ...(watched ? { watched } : {}) };
    const fresh: Rec[] = [];
    const current = new Set<Rec>();
    const claimed = new Set<Element>();
    const recognised: PageIntegration[] = [];
    for (const integration of integrations) {
      let found: FoundSubject[];
      try {
        if (!integration.matches(url) || !integration.detect(doc)) continue;
        found = integration.find(doc, ctx);
      } catch (error) {
        log(`${integration.name}: scan failed`, error);
        continue;
      }
      recognised.push(integration);
      if (found.length > 0) foundAny.add(integration);
      for (const f of found) {
        if (claimed.has(f.element)) continue;
        claimed.add(f.element);
        const signature = signatureOf(integration, f);
        const rec = records.get(f.element);
        if (rec && rec.signature === signature) {
          current.add(rec);
          rec.found = f;
          if (rec.result?.watched && !rec.host?.isConnected) {
            // The page re-rendered around the badge and dropped it: put it back, a few times.
            if (rec.remounts < MAX_REMOUNTS) {
              rec.remounts += 1;
              render(rec);
            } else if (!warned.has(integration.id)) {
              warned.add(integration.id);
              log(`${integration.name}: the page keeps removing badges; leaving them off`);
            }
          }
          continue;
        }
        if (rec) drop(rec);
        counter += 1;
        const next: Rec = { key: `t${counter}`, integration, found: f, signature, remounts: 0 };
        records.set(f.element, next);
        live.set(next.key, next);
        current.add(next);
        fresh.push(next);
      }
    }
    for (const rec of [...live.values()]) if (!current.has(rec)) drop(rec);
    if (fresh.length > 0) void process(fresh, url);
    watchForDrift(recognised);
  }

  /**
   * Markup drift made visible: an integration that recognised this page (URL and document) but
   * has found nothing on it is logged once, when the page has stayed still for `settleMs` —
   * unless the page says it has nothing to show (no alerts, still loading). Text integrations
   * find nothing on most pages by design.
   */
  function watchForDrift(recognised: PageIntegration[]) {
    clearTimeout(driftTimer);
    const suspects = recognised.filter((i) => i.kind !== 'text' && !foundAny.has(i) && !driftLogged.has(i));
    if (settleMs <= 0 || suspects.length === 0) return;
    driftTimer = setTimeout(() => {
      for (const integration of suspects) {
        if (stopped || foundAny.has(integration) || driftLogged.has(integration)) continue;
        try {
          if (integration.nothingToShow?.(doc)) continue;
        } catch {
          // A failing check is no reason to stay silent.
        }
        driftLogged.add(integration);
        log(
          `${integration.name}: this page looks like ${integration.name}'s, but nothing on it was recognised once it settled; its markup may have changed`,
        );
      }
    }, settleMs);
  }

  async function process(recs: Rec[], url: URL) {
    inflight += 1;
    try {
      // Work on copies: the signature stays that of what the page shows.
      const work = new Map<Rec, FoundSubject>(
        recs.map((r) => [
          r,
          {
            ...r.found,
            labels: { ...r.found.labels },
            ...(r.found.group ? { group: { ...r.found.group } } : {}),
          },
        ]),
      );
      const byIntegration = new Map<PageIntegration, FoundSubject[]>();
      for (const r of recs) {
        const w = work.get(r) as FoundSubject;
        const needs = w.group
          ? w.group.members === undefined
          : w.partial === true || (r.integration.kind === 'alerts' && w.startsAt === undefined);
        if (!needs || !r.integration.enrich || !options.fetchJson) continue;
        byIntegration.set(r.integration, [...(byIntegration.get(r.integration) ?? []), w]);
      }
      for (const [integration, list] of byIntegration) {
        try {
          await integration.enrich?.(list, {
            url,
            doc,
            fetchJson: options.fetchJson as (u: string) => Promise<unknown>,
          });
        } catch (error) {
          log(`${integration.name}: could not read the page's API`, error);
        }
      }
      const subjects: PageSubject[] = [];
      const groups: PageGroup[] = [];
      for (const r of recs) {
        if (r.dropped) continue;
        const w = work.get(r) as FoundSubject;
        if (w.group) {
          const members = groupMembers(w.group.members ?? []);
          if (members.length === 0) continue;
          r.group = { key: r.key, members };
          groups.push(r.group);
          continue;
        }
        const sent = relevantLabels(w.labels, labels);
        if (!namesAnything(identityOf(sent, labels))) continue;
        r.subject = {
          key: r.key,
          labels: sent,
          ...(w.startsAt !== undefined ? { startsAt: w.startsAt } : {}),
        };
        subjects.push(r.subject);
      }
      await Promise.all([ask(subjects), askGroups(groups)]);
    } finally {
      inflight -= 1;
      settle();
    }
  }

  /** A group's members as the background takes them: those naming something, relevant labels only. */
  function groupMembers(found: readonly GroupMember[]): PageGroup['members'] {
    const out: PageGroup['members'] = [];
    for (const m of found) {
      const sent = relevantLabels(m.labels, labels);
      if (!namesAnything(identityOf(sent, labels))) continue;
      out.push({ labels: sent, ...(m.startsAt !== undefined ? { startsAt: m.startsAt } : {}) });
      if (out.length === MAX_GROUP_ALERTS) break;
    }
    return out;
  }

  async function ask(subjects: PageSubject[]) {
    for (let i = 0; i < subjects.length && !stopped; i += BATCH) {
      await answered(() => options.correlate(subjects.slice(i, i + BATCH)));
    }
  }

  /** Groups in messages of at most GROUP_BATCH groups and MAX_GROUP_ALERTS alerts. */
  async function askGroups(groups: PageGroup[]) {
    const send = options.correlateGroups;
    if (!send) return;
    let batch: PageGroup[] = [];
    let alerts = 0;
    const flush = async () => {
      const sent = batch;
      batch = [];
      alerts = 0;
      if (sent.length > 0 && !stopped) await answered(() => send(sent));
    };
    for (const g of groups) {
      if (batch.length === GROUP_BATCH || alerts + g.members.length > MAX_GROUP_ALERTS) await flush();
      batch.push(g);
      alerts += g.members.length;
    }
    await flush();
  }

  /** Asks the background and puts its answer on the page. */
  async function answered(request: () => Promise<CorrelateAnswer | undefined>) {
    let answer: CorrelateAnswer | undefined;
    try {
      answer = await request();
    } catch (error) {
      log('the background did not answer', error);
      return;
    }
    if (!answer || stopped) return;
    for (const result of answer.results) {
      const rec = live.get(result.key);
      if (!rec || rec.dropped) continue;
      rec.result = result;
      const changes: Record<string, ChangeView> = {};
      for (const r of result.ranked) {
        const c = answer.changes[r.id];
        if (c) changes[r.id] = c;
      }
      rec.changes = changes;
      render(rec);
    }
  }

  async function refresh() {
    if (stopped) return;
    const recs = [...live.values()].filter((r) => !r.dropped);
    const subjects = recs.flatMap((r) => (r.subject ? [r.subject] : []));
    const groups = recs.flatMap((r) => (r.group ? [r.group] : []));
    inflight += 1;
    try {
      await Promise.all([ask(subjects), askGroups(groups)]);
    } finally {
      inflight -= 1;
      settle();
    }
  }

  const observer = new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === 'childList' && [...m.addedNodes, ...m.removedNodes].every(isHost)) continue;
      requestScan();
      return;
    }
  });
  observer.observe(doc.documentElement, { childList: true, subtree: true, characterData: true });

  const refreshMs = options.refreshMs ?? 60_000;
  const timer =
    refreshMs > 0
      ? setInterval(() => {
          if (doc.visibilityState !== 'hidden') void refresh();
        }, refreshMs)
      : undefined;

  if (options.watchedJobNames && integrations.some((i) => i.needsWatchedNames)) {
    inflight += 1;
    options
      .watchedJobNames()
      .then((names) => {
        watched = nameMatcher(names);
        requestScan();
      })
      .catch((error) => log('could not get the watched job names', error))
      .finally(() => {
        inflight -= 1;
        settle();
      });
  }
  requestScan();

  return {
    rescan: requestScan,
    refresh,
    stop() {
      if (stopped) return;
      stopped = true;
      observer.disconnect();
      cancelFrame?.();
      cancelFrame = undefined;
      if (timer) clearInterval(timer);
      clearTimeout(driftTimer);
      for (const rec of [...live.values()]) drop(rec);
      settle();
    },
    idle() {
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        settle();
      });
    },
    badgeCount: () => [...live.values()].filter((r) => r.host?.isConnected).length,
  };
}

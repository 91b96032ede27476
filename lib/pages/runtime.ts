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
 *   - fails quietly: an integration that throws is logged with its name and skipped;
 *   - stop() disconnects everything and removes its badges (page left, integration switched off).
 *
 * Takes the document, the integrations and every effect as parameters: tests run it in happy-dom.
 */
import type { ChangeView } from '../change-view';
import { identityOf, type LabelMapping, namesAnything, relevantLabels } from '../correlate/identity';
import type { CorrelateAnswer, SubjectResult } from '../correlate/wire';
import type { PageSubject } from '../messages';
import { nameMatcher } from './text';
import type { BadgeHandle, FoundSubject, MountBadge, NameMatcher, PageIntegration } from './types';

export interface RuntimeOptions {
  doc: Document;
  integrations: readonly PageIntegration[];
  labels: LabelMapping;
  /** Sends `{type:'correlate', subjects}` to the background. */
  correlate(subjects: PageSubject[]): Promise<CorrelateAnswer | undefined>;
  mountBadge: MountBadge;
  /** Same-origin GET for integrations that enrich from the page's own API. */
  fetchJson?(url: string): Promise<unknown>;
  /** Sends `{type:'watched-jobs'}`; needed by the generic integration only. */
  watchedJobNames?(): Promise<string[]>;
  /** Runs a callback before the next frame; returns a canceller. Default: requestAnimationFrame. */
  schedule?(callback: () => void): () => void;
  /** Re-asks for visible subjects this often (ms); 0 never. Default 60 s. */
  refreshMs?: number;
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
const MAX_REMOUNTS = 5;

interface Rec {
  key: string;
  integration: PageIntegration;
  found: FoundSubject;
  signature: string;
  subject?: PageSubject;
  result?: SubjectResult;
  changes?: Record<string, ChangeView>;
  host?: HTMLElement;
  badge?: BadgeHandle;
  remounts: number;
  dropped?: boolean;
}

function signatureOf(integration: PageIntegration, f: FoundSubject): string {
  const keys = Object.keys(f.labels).sort();
  return `${integration.id}\u0000${keys.map((k) => `${k}=${f.labels[k]}`).join('\u0000')}\u0000${f.startsAt ?? ''}`;
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
    const data = { result, changes: rec.changes ?? {}, source: rec.integration.name };
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
    for (const integration of integrations) {
      let found: FoundSubject[];
      try {
        if (!integration.matches(url) || !integration.detect(doc)) continue;
        found = integration.find(doc, ctx);
      } catch (error) {
        log(`${integration.name}: scan failed`, error);
        continue;
      }
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
  }

  async function process(recs: Rec[], url: URL) {
    inflight += 1;
    try {
      // Work on copies: the signature stays that of what the page shows.
      const work = new Map<Rec, FoundSubject>(
        recs.map((r) => [r, { ...r.found, labels: { ...r.found.labels } }]),
      );
      const byIntegration = new Map<PageIntegration, FoundSubject[]>();
      for (const r of recs) {
        const w = work.get(r) as FoundSubject;
        const needs = w.partial === true || (r.integration.kind === 'alerts' && w.startsAt === undefined);
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
      for (const r of recs) {
        if (r.dropped) continue;
        const w = work.get(r) as FoundSubject;
        const sent = relevantLabels(w.labels, labels);
        if (!namesAnything(identityOf(sent, labels))) continue;
        r.subject = {
          key: r.key,
          labels: sent,
          ...(w.startsAt !== undefined ? { startsAt: w.startsAt } : {}),
        };
        subjects.push(r.subject);
      }
      await ask(subjects);
    } finally {
      inflight -= 1;
      settle();
    }
  }

  async function ask(subjects: PageSubject[]) {
    for (let i = 0; i < subjects.length && !stopped; i += BATCH) {
      let answer: CorrelateAnswer | undefined;
      try {
        answer = await options.correlate(subjects.slice(i, i + BATCH));
      } catch (error) {
        log('the background did not answer', error);
        continue;
      }
      if (!answer || stopped) continue;
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
  }

  async function refresh() {
    if (stopped) return;
    const subjects = [...live.values()].flatMap((r) => (r.subject && !r.dropped ? [r.subject] : []));
    inflight += 1;
    try {
      await ask(subjects);
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

/**
 * Prometheus Alertmanager, classic web UI (Elm, ui/app/src). What it renders, from its source:
 *
 *   Views/AlertList/Views.elm   groups: `div > [div.mb-3 (expand button with the receiver's
 *                               name, one `.btn-group > span.btn` per group label, "N alerts"),
 *                               ul.list-group (only when the group is expanded)]`; groups
 *                               start collapsed unless there is only one.
 *   Views/AlertList/AlertView.elm  an alert: `li.list-group-item > [div.d-flex (titleView: a
 *                               span with the start time; Info/Source/Silence/Link buttons),
 *                               table (annotations, when open), div (one `.btn-group >
 *                               span.btn` per label not already on the group header)]`.
 *   Label text is `key="value"`; before 0.16 labels were `button.btn` with `key=value` and the
 *   alertname a `span.badge`, and the time an `i > span + small`.
 *
 * Labels hidden from an alert because they are the group's are read from the group header.
 * Start times the page prints in a form we cannot read come from the same origin's
 * `/api/v2/alerts`.
 *
 * Badges go inside the start-time span, after its text: Elm patches that span's text node in
 * place and never counts past it, so an extra node there does not disturb its virtual DOM.
 */
import { enrichFromApi } from './alert-api';
import { ownText, parseLabelText, parseStartTime, textOf } from './dom';
import type { FoundSubject, PageIntegration } from './types';

/** Old and new markup side by side. */
const ALERT_ITEM = 'li.list-group-item, li.alert-list-item';
const LABEL_ELEMENTS = '.btn-group > span.btn, button.btn, span.btn, span.badge';

/** Labels shown inside `root`, skipping annotation tables (badges keep their content in shadow roots). */
function labelsIn(root: Element): Record<string, string> {
  const labels: Record<string, string> = {};
  // Only an open "Info" has a table; skip the per-label ancestor check otherwise (1,000s of labels).
  const hasTable = root.querySelector('table') !== null;
  for (const el of root.querySelectorAll(LABEL_ELEMENTS)) {
    if (hasTable && el.closest('table')) continue;
    const text = textOf(el);
    const pair = parseLabelText(text);
    if (pair) {
      labels[pair[0]] ??= pair[1];
    } else if (el.matches('span.badge') && text && !labels.alertname) {
      // Before 0.16 the alertname was a badge without its key.
      labels.alertname = text;
    }
  }
  return labels;
}

/** A group header has the expand/collapse button; anything else (a filter bar) is not one. */
const isGroupHeader = (el: Element | null | undefined): el is Element =>
  !!el && !el.matches(ALERT_ITEM) && el.querySelector('button i.fa-plus, button i.fa-minus') !== null;

/**
 * A group header's own labels: `.btn-group > span.btn` directly in it. The route labels of 0.34
 * (`span.btn[title="Route label"]`, straight in the header) are the route's, not the alerts'.
 */
function headerLabels(header: Element): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const el of header.querySelectorAll(':scope > .btn-group > span.btn')) {
    const pair = parseLabelText(textOf(el));
    if (pair) labels[pair[0]] ??= pair[1];
  }
  return labels;
}

/**
 * The group header's labels for an alert item (the labels its group is keyed by): the list's
 * previous sibling (Elm: `div > [div.mb-3, ul]`), or its wrapper's (`div > [header, div > ul]`).
 */
function groupLabels(item: Element): Record<string, string> {
  let level: Element | null = item.parentElement;
  for (let i = 0; level && i < 2; i++, level = level.parentElement) {
    const header = level.previousElementSibling;
    if (isGroupHeader(header)) return headerLabels(header);
    if (header) return {};
  }
  return {};
}

/** The element holding the start time, and the time. */
function startTimeOf(item: Element, now: number): { el?: Element; at?: number } {
  // 0.16+: the first span of the first row. Before: `i > span(time) + small(date)`.
  const first = item.firstElementChild;
  if (!first) return {};
  if (first.matches('i')) {
    const text = `${textOf(first.querySelector('small'))} ${textOf(first.querySelector('span'))}`;
    const at = parseStartTime(text, now);
    return at === undefined ? { el: first } : { el: first, at };
  }
  const span = first.matches('span') ? first : first.querySelector(':scope > span');
  if (!span) return {};
  // Some builds also carry the exact ISO time in the title.
  const at =
    parseStartTime(ownText(span) || textOf(span), now) ??
    parseStartTime(span.getAttribute('title') ?? '', now);
  return at === undefined ? { el: span } : { el: span, at };
}

/**
 * Where the page's own API lives: as the UI computes it (Api.makeApiUrl url.path), the page's
 * path without its trailing slash, then `/api/v2` — under a route prefix too, with or without
 * the slash (`/alertmanager#/alerts` and `/alertmanager/#/alerts` alike).
 */
export const apiBase = (url: URL): string => `${url.origin}${url.pathname.replace(/\/$/, '')}/api/v2/`;

export const alertmanager: PageIntegration = {
  id: 'alertmanager',
  name: 'Alertmanager',
  kind: 'alerts',
  onLoopback: true,
  matches: (url) =>
    url.hash === '' || url.hash === '#' || url.hash === '#/' || url.hash.startsWith('#/alerts'),
  detect: (doc) =>
    /alertmanager/i.test(doc.title) || /alertmanager/i.test(textOf(doc.querySelector('.navbar-brand'))),
  find(doc, ctx) {
    const out: FoundSubject[] = [];
    const headerCache = new Map<Element, Record<string, string>>();
    for (const item of doc.querySelectorAll(ALERT_ITEM)) {
      const own = labelsIn(item);
      const list = item.parentElement;
      let group = list ? headerCache.get(list) : undefined;
      if (!group) {
        group = groupLabels(item);
        if (list) headerCache.set(list, group);
      }
      // With `group_by: ['...']` (or any grouping that covers every label) an item shows none of
      // its own: the header's are all it has.
      if (Object.keys(own).length === 0 && Object.keys(group).length === 0) continue;
      const { el, at } = startTimeOf(item, ctx.now);
      const subject: FoundSubject = {
        element: item,
        labels: { ...group, ...own },
        anchor: el ?? item.firstElementChild ?? item,
        placement: 'append',
      };
      if (at !== undefined) subject.startsAt = at;
      out.push(subject);
    }
    return out;
  },
  async enrich(subjects, ctx) {
    await enrichFromApi(subjects, ctx, ['alerts'], apiBase(ctx.url));
  },
};

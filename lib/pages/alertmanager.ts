/**
 * Prometheus Alertmanager, classic web UI (Elm, ui/app/src). What it renders, from its source:
 *
 *   Views/AlertList/Views.elm   groups: `div > [div.mb-3 (expand button: an `i.fa-plus` /
 *                               `i.fa-minus`, then from 0.26 the receiver's name; one
 *                               `.btn-group > span.btn` per group label or "Not grouped"; from
 *                               0.34 one `span.btn[title="Route label"]` per route label;
 *                               "N alerts"), ul.list-group (only while the group is expanded)]`.
 *                               With two or more groups, all start collapsed (in a `div.pl-5`)
 *                               unless "Expand all groups" was left on (localStorage); a single
 *                               group is always expanded. No version says aria-expanded.
 *   Views/AlertList/AlertView.elm  an alert: `li.list-group-item > [div.d-flex (titleView: a
 *                               span with the start time; Info/Source/Silence/Link buttons),
 *                               table (annotations, when Info is open), div (one `.btn-group >
 *                               span.btn` per label not already on the group header)]`.
 *   Label text is `key="value"`; before 0.16 labels were `button.btn` with `key=value` and the
 *   alertname a `span.badge`, and the time an `i > span + small`. The start time is ISO 8601 UTC
 *   since 0.22, "hh:mm:ss, yyyy-mm-dd (UTC)" before.
 *
 * Two kinds of subjects:
 *   - each group header stands for its group: a collapsed group holds no alert in the DOM, so its
 *     alerts are read from the same origin's `/api/v2/alerts/groups` (asked as the page asked:
 *     its filter, receiver and silenced/inhibited/muted/active switches), and the header gets one
 *     badge summing them up — the default view gets badges without a click;
 *   - each alert item, once its group is expanded. An item shows only the labels its group
 *     header does not (with `group_by: ['...']`, none): the header's are added. Start times the
 *     page prints in a form we cannot read come from `/api/v2/alerts`.
 *
 * Badges of items go inside the start-time span, after its text: Elm patches that span's text
 * node in place and never counts past it. A header's badge goes at the header's end, after the
 * alert count: Elm patches a node's children by position, and one extra node at the end moves
 * none of them.
 */
import {
  type ApiGroup,
  cachedJson,
  enrichFromApi,
  membersFromAlerts,
  membersFromGroups,
  parseAlerts,
  parseGroups,
} from './alert-api';
import { ownText, parseLabelText, parseStartTime, textOf } from './dom';
import type { EnrichContext, FoundSubject, PageIntegration } from './types';

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

const ALERT_COUNT = /^(\d+) alerts?$/;

/** Group headers: an expand button first, an "N alerts" count among the children. */
function groupHeaders(doc: Document): Element[] {
  const out: Element[] = [];
  for (const el of doc.querySelectorAll('div.mb-3')) {
    const first = el.firstElementChild;
    if (!first?.matches('button') || !first.querySelector(':scope > i.fa-plus, :scope > i.fa-minus'))
      continue;
    if ([...el.children].some((c) => c.matches('span') && ALERT_COUNT.test(textOf(c)))) out.push(el);
  }
  return out;
}

function headerSubject(header: Element, index: number): FoundSubject {
  const count = [...header.children].find((c) => c.matches('span') && ALERT_COUNT.test(textOf(c)));
  const size = Number(ALERT_COUNT.exec(textOf(count))?.[1]);
  // From 0.26 the button names the receiver; before it holds only the icon.
  const receiver = textOf(header.firstElementChild);
  return {
    element: header,
    labels: headerLabels(header),
    group: {
      ...(Number.isFinite(size) ? { size } : {}),
      match: { index: String(index), ...(receiver ? { receiver } : {}) },
    },
    anchor: header,
    placement: 'append',
  };
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
    const out: FoundSubject[] = groupHeaders(doc).map(headerSubject);
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
    const groups = subjects.filter((s) => s.group);
    const items = subjects.filter((s) => !s.group);
    if (groups.length > 0) await groupAlerts(groups, ctx);
    if (items.length > 0) await enrichFromApi(items, ctx, ['alerts'], apiBase(ctx.url));
  },
  // Utils.Views: "Loading..." while the API answers, `div.alert.alert-warning` for "No alert
  // groups found" and for errors.
  nothingToShow: (doc) =>
    doc.querySelector('.alert-warning') !== null || /^\s*Loading\.\.\.\s*$/.test(textOf(doc.body)),
};

/**
 * `{alertname="X", cluster=~"a,b"}` (the filter in the page's URL) as the API takes it: one
 * matcher per `filter` parameter. Commas inside quoted values do not split.
 */
export function splitMatchers(text: string): string[] {
  const inner = text.trim().replace(/^\{/, '').replace(/\}$/, '');
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i] as string;
    if (quoted && c === '\\') {
      current += c + (inner[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      if (current.trim()) out.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/**
 * The query the page's own request carried (Utils.Filter.generateAPIQueryString): the matchers
 * of its filter, the receiver, and the silenced/inhibited/muted/active switches with the UI's
 * defaults, so that the API returns the groups the page shows, in the same order.
 */
export function apiQuery(url: URL): URLSearchParams {
  const page = new URLSearchParams(url.hash.split('?')[1] ?? '');
  const query = new URLSearchParams();
  for (const m of splitMatchers(page.get('filter') ?? '')) query.append('filter', m);
  query.set('silenced', page.get('silenced') ?? 'false');
  query.set('inhibited', page.get('inhibited') ?? 'false');
  query.set('muted', page.get('muted') ?? 'false');
  query.set('active', page.get('active') ?? 'true');
  const receiver = page.get('receiver');
  if (receiver) query.set('receiver', receiver);
  return query;
}

/** The Group tab's custom grouping (`customGrouping=true&group=a,b`): the UI groups by itself. */
function customGrouping(url: URL): string[] | undefined {
  const page = new URLSearchParams(url.hash.split('?')[1] ?? '');
  if (page.get('customGrouping') !== 'true') return undefined;
  return (page.get('group') ?? '').split(',').filter(Boolean);
}

/** Fills each group header's alerts from the API, as the page asked for them. */
async function groupAlerts(groups: FoundSubject[], ctx: EnrichContext): Promise<void> {
  const base = apiBase(ctx.url);
  const query = apiQuery(ctx.url).toString();
  const custom = customGrouping(ctx.url);
  if (!custom) {
    try {
      membersFromGroups(groups, parseGroups(await cachedJson(ctx, `${base}alerts/groups?${query}`)));
      return;
    } catch {
      // No groups endpoint (or it failed): group the alerts by the headers' labels below.
    }
  }
  const alerts = parseAlerts(await cachedJson(ctx, `${base}alerts?${query}`));
  if (custom) {
    // Views/AlertList/Updates.elm: alerts grouped by the chosen labels, receiver "unknown".
    const byKey = new Map<string, ApiGroup>();
    for (const a of alerts) {
      const labels = Object.fromEntries(Object.entries(a.labels).filter(([k]) => custom.includes(k)));
      const key = JSON.stringify(Object.entries(labels).sort(([x], [y]) => (x < y ? -1 : 1)));
      const group = byKey.get(key) ?? { labels, receiver: 'unknown', alerts: [] };
      group.alerts.push(a);
      byKey.set(key, group);
    }
    membersFromGroups(groups, [...byKey.values()]);
    return;
  }
  membersFromAlerts(groups, alerts);
}

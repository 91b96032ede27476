/**
 * Prometheus' own alerts page, in its three generations (prometheus/prometheus web/ui):
 *
 *   2.x classic, Go templates (templates/alerts.html; `/classic/alerts`, or `/alerts` before the
 *     React UI): `table#alertsTable` with, per rule group, a row "file > group"; per rule a
 *     `tr.alert_header` (`<b>name</b> (N active)`) and a `tr.alert_details` (hidden until the
 *     header is clicked, but in the DOM) holding `table.alert_elements_table`: one row per alert,
 *     labels as `span.badge` with `key="value"`, "Active Since" as Go prints a time.Time
 *     (`2026-12-01 17:23:07.3292776 +0000 UTC`).
 *   2.x React (react-app/src/pages/alerts; `/alerts`): per group a `div.group-info` ("file >
 *     group"), per rule a clickable `div.alert` (`<strong>name</strong> (N active)`) whose table
 *     is rendered only once opened: labels as `span.badge` with `key=value` (no quotes), "Active
 *     Since" the API's activeAt as is.
 *   3.x (mantine-ui/src/pages/AlertsPage.tsx; `/alerts`): a card per group (group name, file),
 *     per rule an accordion control (`button[data-accordion-control]`, the rule's name, "firing
 *     (N)" / "pending (N)" badges) whose panel (`[role=region]`) holds a table: labels as spans
 *     with `key="value"`, "Active Since" only a duration ("5m 12s"), the time in a tooltip. From
 *     3.12 a closed panel is not in the DOM at all. Class names are CSS-module hashes: never
 *     selected on.
 *
 * Subjects: each rule stands for its active alerts (its header or control gets one badge that
 * sums them up, without a click: the classic page has them hidden in the DOM, the others are
 * read from the same origin's `/api/v1/rules?type=alert`), and each alert row, once shown.
 * Start times the page does not print come from `/api/v1/alerts` (`activeAt`). The API lives
 * under the same path prefix as the page (`--web.route-prefix`).
 */
import { cachedJson, enrichFromApi, membersFromAlerts, parseAlerts } from './alert-api';
import { ownText, parseLabelText, parseStartTime, textOf } from './dom';
import type { EnrichContext, FoundSubject, GroupMember, PageIntegration } from './types';

/** `key="value"` or `key=value`, a value escaped as 3.x escapes it (`\"`, `\\`). */
function labelsOf(spans: Iterable<Element>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const span of spans) {
    const pair = parseLabelText(textOf(span));
    if (pair) labels[pair[0]] ??= pair[1].replace(/\\(["\\])/g, '$1');
  }
  return labels;
}

/** One alert row: the first cell's label spans, and the start time when a cell prints one. */
function alertRow(row: Element, now: number): FoundSubject | undefined {
  const cells = [...row.children].filter((c) => c.matches('td'));
  const first = cells[0];
  if (!first || first.querySelector('table')) return undefined;
  const labels = labelsOf(first.querySelectorAll('span'));
  if (Object.keys(labels).length === 0) return undefined;
  const subject: FoundSubject = { element: row, labels, anchor: first, placement: 'append' };
  for (const cell of cells.slice(1)) {
    const at = parseStartTime(textOf(cell), now);
    if (at !== undefined) {
      subject.startsAt = at;
      break;
    }
  }
  return subject;
}

const rowsOf = (root: ParentNode, now: number): FoundSubject[] =>
  [...root.querySelectorAll('tr')].flatMap((row) => alertRow(row, now) ?? []);

/** A rule: its header stands for its alerts. */
function ruleSubject(
  element: Element,
  name: string,
  size: number | undefined,
  group: string | undefined,
  members?: GroupMember[],
): FoundSubject {
  return {
    element,
    labels: { alertname: name },
    group: {
      ...(size !== undefined ? { size } : {}),
      // A rule without active alerts has nothing to sum up: nothing to ask for.
      ...(members ? { members } : size === 0 ? { members: [] } : {}),
      match: { rule: name, ...(group ? { group } : {}) },
    },
    anchor: element,
    placement: 'append',
  };
}

const ACTIVE = /\((\d+) active\)/;
/** "file > group" (both 2.x pages): the group's name. */
const groupName = (text: string): string | undefined => /\s>\s(.+)$/.exec(text)?.[1]?.trim();

function classic(doc: Document, now: number): FoundSubject[] {
  const out: FoundSubject[] = [];
  let group: string | undefined;
  for (const row of doc.querySelectorAll('#alertsTable > tbody > tr')) {
    if (row.matches('.alert_details')) continue;
    if (!row.matches('.alert_header')) {
      group = groupName(textOf(row)) ?? group;
      continue;
    }
    const name = textOf(row.querySelector('b'));
    if (!name) continue;
    const details = row.nextElementSibling?.matches('.alert_details') ? row.nextElementSibling : undefined;
    const alerts = details ? rowsOf(details, now) : [];
    const size = Number(ACTIVE.exec(textOf(row))?.[1] ?? alerts.length);
    const members = alerts.map((a) => ({
      labels: a.labels,
      ...(a.startsAt !== undefined ? { startsAt: a.startsAt } : {}),
    }));
    const rule = ruleSubject(row, name, size, group, members);
    rule.anchor = row.querySelector('td') ?? row;
    out.push(rule, ...alerts);
  }
  return out;
}

function react2(doc: Document, now: number): FoundSubject[] {
  const out: FoundSubject[] = [];
  let group: string | undefined;
  for (const el of doc.querySelectorAll('div.group-info, div.alert')) {
    if (el.matches('div.group-info')) {
      // `{file} > {name}`, then a div of state badges.
      group = groupName(ownText(el)) ?? group;
      continue;
    }
    const strong = el.querySelector(':scope > strong');
    const size = ACTIVE.exec(textOf(el))?.[1];
    if (!strong || size === undefined) continue;
    out.push(ruleSubject(el, textOf(strong), Number(size), group));
    // The rule's table, once opened, is in the collapse right after it.
    const collapse = el.nextElementSibling;
    if (collapse) out.push(...rowsOf(collapse, now));
  }
  return out;
}

const COUNT = /(firing|pending) \((\d+)\)/g;

function mantine(doc: Document, now: number): FoundSubject[] {
  const out: FoundSubject[] = [];
  for (const control of doc.querySelectorAll('button[data-accordion-control]')) {
    const name = textOf(control.querySelector('p')) || textOf(control);
    if (!name) continue;
    // The counts are badges in the control; a saved page's parser may have moved them out of it
    // (the copy button nested in the control closes it), so read them on the whole item.
    let size = 0;
    for (const m of textOf(control.parentElement ?? control).matchAll(COUNT)) size += Number(m[2]);
    // The group card: the nearest ancestor whose first paragraph is not inside an accordion.
    const card = control.closest('[data-with-border]');
    const heading = card?.querySelector('p');
    const group = heading && !heading.closest('[data-accordion]') ? textOf(heading) : undefined;
    const rule = ruleSubject(control, name, size, group);
    rule.placement = 'after';
    out.push(rule);
    const panelId = control.getAttribute('aria-controls');
    const panel = panelId ? doc.getElementById(panelId) : null;
    if (panel) out.push(...rowsOf(panel, now));
  }
  return out;
}

/** The path the page lives under: the API is at `<prefix>api/v1/…`. */
export const prometheusBase = (url: URL): string =>
  `${url.origin}${url.pathname.replace(/(classic\/|new\/)?alerts\/?$/, '')}`;

interface ApiRule {
  group: string;
  name: string;
  alerts: GroupMember[];
}

/** `/api/v1/rules`: every alerting rule, with its group and its active alerts. */
export function parseRules(json: unknown): ApiRule[] {
  const groups = (json as { data?: { groups?: unknown } } | undefined)?.data?.groups;
  if (!Array.isArray(groups)) return [];
  const out: ApiRule[] = [];
  for (const g of groups) {
    const rules = (g as { rules?: unknown })?.rules;
    if (!Array.isArray(rules)) continue;
    for (const r of rules) {
      const rule = r as { type?: unknown; name?: unknown; alerts?: unknown };
      if (rule.type !== 'alerting' || typeof rule.name !== 'string') continue;
      const alerts = parseAlerts(Array.isArray(rule.alerts) ? rule.alerts : []).map((a) => ({
        labels: a.labels,
        ...(a.startsAt !== undefined ? { startsAt: a.startsAt } : {}),
      }));
      out.push({ group: String((g as { name?: unknown }).name ?? ''), name: rule.name, alerts });
    }
  }
  return out;
}

/** Each rule's alerts: its group's rule of that name, or every rule of that name. */
async function ruleAlerts(rules: FoundSubject[], ctx: EnrichContext): Promise<void> {
  const base = prometheusBase(ctx.url);
  try {
    const all = parseRules(await cachedJson(ctx, `${base}api/v1/rules?type=alert`));
    for (const s of rules) {
      const { rule, group } = s.group?.match ?? {};
      const named = all.filter((r) => r.name === rule);
      const inGroup = named.filter((r) => r.group === group);
      const chosen = inGroup.length > 0 ? inGroup : named;
      if (s.group && chosen.length > 0) s.group.members = chosen.flatMap((r) => r.alerts);
    }
  } catch {
    // Older servers: the alerts of that name.
    membersFromAlerts(rules, parseAlerts(await cachedJson(ctx, `${base}api/v1/alerts`)));
  }
}

export const prometheus: PageIntegration = {
  id: 'prometheus',
  name: 'Prometheus',
  kind: 'alerts',
  onLoopback: true,
  matches: (url) => /\/alerts\/?$/.test(url.pathname),
  detect: (doc) =>
    /prometheus/i.test(doc.title) ||
    /^prometheus/i.test(textOf(doc.querySelector('.navbar-brand'))) ||
    doc.querySelector('#alertsTable, button[data-accordion-control]') !== null,
  find(doc, ctx) {
    if (doc.querySelector('#alertsTable')) return classic(doc, ctx.now);
    if (doc.querySelector('button[data-accordion-control]')) return mantine(doc, ctx.now);
    return react2(doc, ctx.now);
  },
  async enrich(subjects, ctx) {
    const rules = subjects.filter((s) => s.group);
    const alerts = subjects.filter((s) => !s.group);
    if (rules.length > 0) await ruleAlerts(rules, ctx);
    if (alerts.length > 0) await enrichFromApi(alerts, ctx, ['api/v1/alerts'], prometheusBase(ctx.url));
  },
  nothingToShow: (doc) =>
    /No (alerting )?rules (found|defined)|No rules in this group/.test(textOf(doc.body)),
};

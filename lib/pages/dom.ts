/**
 * Small DOM and text helpers shared by the page integrations. Read-only: nothing here
 * changes a page.
 */
import { RESERVED } from '../correlate/identity';

/** Trimmed, whitespace-collapsed text of an element. */
export const textOf = (el: Element | null | undefined): string =>
  (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** Text of an element's own text nodes (not its children's). */
export function ownText(el: Element): string {
  let out = '';
  for (const node of el.childNodes) if (node.nodeType === 3) out += node.nodeValue ?? '';
  return out.replace(/\s+/g, ' ').trim();
}

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Alertmanager's label text: `key="value"` (current UI) or `key=value` (before 0.16).
 * Label values may themselves contain `"` and `=`; only the first `=` splits.
 */
export function parseLabelText(text: string): [string, string] | undefined {
  const t = text.trim();
  const eq = t.indexOf('=');
  if (eq <= 0) return undefined;
  const key = t.slice(0, eq).trim();
  if (!LABEL_NAME.test(key)) return undefined;
  let value = t.slice(eq + 1);
  // `key=~"re"` is a filter matcher, not a label.
  if (value.startsWith('~')) return undefined;
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  else if (value.startsWith('"')) return undefined;
  return [key, value];
}

/** Grafana's `aria-label="key: value"`. */
export function parseColonLabel(text: string): [string, string] | undefined {
  const i = text.indexOf(': ');
  if (i <= 0) return undefined;
  const key = text.slice(0, i).trim();
  if (!key || /\s/.test(key)) return undefined;
  return [key, text.slice(i + 2)];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A start time as alert UIs print it. Recognizes:
 *   ISO 8601                      2024-05-01T12:00:00.000Z   (Alertmanager 0.2x, Iso8601.fromTime;
 *                                 Prometheus 2.x's React page, with up to 9 fractional digits)
 *   Go's time.Time.String()       2024-05-01 12:00:00.3292776 +0000 UTC (Prometheus 2.x classic)
 *   time, date (UTC)              12:00:00, 2024-05-01 (UTC) (Alertmanager 0.27+)
 *   date time, local              2024-05-01 12:00:00        (Alertmanager 0.15; Grafana's "Created")
 *   weekday day month time, UTC   Tue 1 May 12:00            (Alertmanager 0.2x short format; no year)
 * Undefined when the text is none of these: the caller asks the API instead.
 */
export function parseStartTime(raw: string, now: number): number | undefined {
  const text = raw.replace(/\(inhibited\)/i, '').trim();
  let m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.exec(text);
  if (m) {
    // Milliseconds only: engines differ on longer fractions (Go prints up to nanoseconds).
    const t = Date.parse(`${m[1]}${(m[2] ?? '').slice(0, 4)}${m[3]}`);
    return Number.isNaN(t) ? undefined : t;
  }
  m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)? ([+-]\d{2})(\d{2})(?: [A-Z]{2,5})?$/.exec(text);
  if (m) {
    const t = Date.parse(`${m[1]}T${m[2]}${(m[3] ?? '').slice(0, 4)}${m[4]}:${m[5]}`);
    return Number.isNaN(t) ? undefined : t;
  }
  m = /^(\d{1,2}):(\d{2}):(\d{2}),\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*\(UTC\)$/.exec(text);
  if (m) {
    const [, h, mi, s, y, mo, d] = m.map(Number) as number[];
    return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
  }
  m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s] = m.map((x) => Number(x ?? 0)) as number[];
    return new Date(y as number, (mo as number) - 1, d, h, mi, s).getTime();
  }
  m = /^(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})$/.exec(text);
  if (m) {
    const month = MONTHS.indexOf((m[2] as string).toLowerCase());
    if (month < 0) return undefined;
    const year = new Date(now).getUTCFullYear();
    let t = Date.UTC(year, month, Number(m[1]), Number(m[3]), Number(m[4]));
    // No year on the page: a date "in the future" belongs to last year.
    if (t > now + 86_400_000) t = Date.UTC(year - 1, month, Number(m[1]), Number(m[3]), Number(m[4]));
    return t;
  }
  return undefined;
}

/** Path segments, decoded; undefined for a segment that does not decode. */
export function segments(path: string): string[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

/** The reserved labels a console sends for one job. */
export function consoleLabels(parts: {
  origin: string;
  name: string;
  namespace?: string;
  kind?: string;
  cluster?: string;
}): Record<string, string> {
  const labels: Record<string, string> = { [RESERVED.job]: parts.name, [RESERVED.origin]: parts.origin };
  if (parts.namespace) labels[RESERVED.namespace] = parts.namespace;
  if (parts.kind) labels[RESERVED.kind] = parts.kind;
  if (parts.cluster) labels[RESERVED.cluster] = parts.cluster;
  return labels;
}

/** Resolves an anchor's href against the page; undefined when it is not http(s). */
export function hrefOf(a: Element, base: string): URL | undefined {
  const href = a.getAttribute('href');
  if (!href) return undefined;
  try {
    const u = new URL(href, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

/** Row-like container of a link in a list or table. */
export const rowOf = (el: Element): Element | null =>
  el.closest('tr, [role="row"], li, [data-test-rows], [data-testid="row"]');

/** The first element matching the first selector that matches anything (priority, not document order). */
export function firstOf(root: ParentNode, selectors: readonly string[]): Element | null {
  for (const selector of selectors) {
    const el = root.querySelector(selector);
    if (el) return el;
  }
  return null;
}

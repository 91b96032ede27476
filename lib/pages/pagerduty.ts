/**
 * A PagerDuty incident page (`/incidents/<id>`). PagerDuty's web app is not open source, so this
 * integration relies on nothing of its markup but the page heading and visible text. What it
 * reads is what Alertmanager sends (its public source: config/notifiers.go
 * `DefaultPagerdutyDetails`, template/default.tmpl):
 *
 *   title (summary)   `[FIRING:2] HighErrorRate checkout (prod-eu-1 critical)`: the group
 *                     labels' values, then the other common labels' values;
 *   custom details    `firing`: per alert `Labels:\n - key = value\n …Annotations:\n …`,
 *                     shown as text (or as a JSON string, with `\n` escapes).
 *
 * The labels every firing alert shares become the subject; the title's words are sent too, and
 * count only when they name a cluster or a watched job. The start time is the page's first
 * `<time datetime>` when there is one. The badge goes at the end of the incident's heading.
 */
import { RESERVED } from '../correlate/identity';
import { textOf } from './dom';
import type { FoundSubject, PageIntegration } from './types';

const LINE = /^\s*-\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;

/** Every `Labels:` block in a text, as label sets. */
export function labelBlocks(raw: string): Record<string, string>[] {
  const text = raw.replace(/\\n/g, '\n').replace(/\r/g, '');
  const blocks: Record<string, string>[] = [];
  const parts = text.split(/Labels:\s*\n/).slice(1);
  for (const part of parts) {
    const labels: Record<string, string> = {};
    for (const line of part.split('\n')) {
      const m = LINE.exec(line);
      if (!m) break;
      labels[m[1] as string] = m[2] as string;
    }
    if (Object.keys(labels).length > 0) blocks.push(labels);
  }
  return blocks;
}

function common(blocks: Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = blocks;
  if (!first) return {};
  const out = { ...first };
  for (const b of rest) for (const k of Object.keys(out)) if (b[k] !== out[k]) delete out[k];
  return out;
}

/** Deepest elements whose text holds a `Labels:` block (details may be nested anywhere). */
function detailTexts(doc: Document): string[] {
  const out: string[] = [];
  for (const el of doc.querySelectorAll('pre, code, td, dd, li, p, div, span')) {
    if (el.closest('tattler-badge, script, style')) continue;
    const text = el.textContent ?? '';
    if (!text.includes('Labels:')) continue;
    const inner = [...el.children].some((c) => (c.textContent ?? '').includes('Labels:'));
    if (!inner) out.push(text);
  }
  return out;
}

export const pagerduty: PageIntegration = {
  id: 'pagerduty',
  name: 'PagerDuty incident',
  kind: 'alerts',
  onLoopback: true,
  matches: (url) => /^\/incidents\/[A-Za-z0-9]+\/?$/.test(url.pathname),
  detect: (doc) => /pagerduty/i.test(doc.title) || /(^|\.)pagerduty\.com$/.test(doc.location?.hostname ?? ''),
  find(doc) {
    const heading = doc.querySelector('h1');
    if (!heading) return [];
    const blocks = detailTexts(doc).flatMap(labelBlocks);
    const labels = common(blocks);
    const title = textOf(heading).replace(/^\[(FIRING|RESOLVED)[^\]]*\]\s*/i, '');
    if (title) labels[RESERVED.words] = title.slice(0, 1024);
    const subject: FoundSubject = { element: heading, labels, anchor: heading, placement: 'append' };
    const time = doc.querySelector('time[datetime]')?.getAttribute('datetime');
    const at = time ? Date.parse(time) : Number.NaN;
    if (!Number.isNaN(at)) subject.startsAt = at;
    return [subject];
  },
};

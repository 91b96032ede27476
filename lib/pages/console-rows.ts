/**
 * Shared by the job consoles: find the job rows of a list by the links they carry to the
 * job's own page. Every console links each row's name to the job's page, and those URLs are
 * the consoles' most stable public contract, far more than their markup.
 */
import { consoleLabels, hrefOf, rowOf } from './dom';
import type { FoundSubject } from './types';

export interface JobRef {
  name: string;
  namespace?: string;
  kind?: string;
  cluster?: string;
}

/**
 * Rows of `doc` whose link (same origin) parses as a job page. One subject per row, the badge
 * right after the link. Links outside rows (breadcrumbs, menus) are ignored.
 */
export function jobRows(
  doc: Document,
  pageUrl: URL,
  parse: (url: URL) => JobRef | undefined,
): FoundSubject[] {
  const out: FoundSubject[] = [];
  const seen = new Set<Element>();
  for (const a of doc.querySelectorAll('a[href]')) {
    if (a.closest('tattler-badge, nav, header, [role="navigation"], .breadcrumb, [aria-label="Breadcrumb"]'))
      continue;
    const url = hrefOf(a, pageUrl.href);
    if (!url || url.origin !== pageUrl.origin) continue;
    const ref = parse(url);
    if (!ref) continue;
    const row = rowOf(a);
    if (!row || seen.has(row)) continue;
    seen.add(row);
    out.push({
      element: row,
      labels: consoleLabels({ origin: pageUrl.origin, ...ref }),
      anchor: a,
      placement: 'after',
    });
  }
  return out;
}

/** The subject of a job's own page, its badge at the end of the page's heading. */
export function jobPage(
  heading: Element | null,
  pageUrl: URL,
  ref: JobRef | undefined,
): FoundSubject | undefined {
  if (!heading || !ref) return undefined;
  return {
    element: heading,
    labels: consoleLabels({ origin: pageUrl.origin, ...ref }),
    anchor: heading,
    placement: 'append',
  };
}

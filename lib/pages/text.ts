/**
 * The generic integration: on pages whose origins the user lists (a wiki, a runbook, a
 * home-grown dashboard), the names of watched jobs found in the page's text get a badge.
 *
 * It needs the watched job names (the `watched-jobs` request). A name counts only as a whole
 * word: not preceded or followed by a letter, digit, `_`, `-` or `.`, so `checkout` does not
 * match inside `checkout-db` or `checkout.example.com`. Names under 3 characters are ignored.
 * One badge per element, for the first name in it; at most MAX_SUBJECTS per page.
 */
import { RESERVED } from '../correlate/identity';
import type { FoundSubject, NameMatcher, PageIntegration } from './types';

const MAX_SUBJECTS = 300;
const SKIP = new Set([
  'SCRIPT',
  'STYLE',
  'NOSCRIPT',
  'TEXTAREA',
  'INPUT',
  'SELECT',
  'OPTION',
  'TEMPLATE',
  'SVG',
]);
/** The badge must not land inside something clickable: it goes after it. */
const INTERACTIVE = 'a, button, label, summary, select, [role="button"], [role="link"]';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function nameMatcher(names: readonly string[]): NameMatcher | undefined {
  const usable = [...new Set(names.filter((n) => n.length >= 3))].sort((a, b) => b.length - a.length);
  if (usable.length === 0) return undefined;
  const re = new RegExp(`(?<![\\w.-])(${usable.map(escapeRegExp).join('|')})(?![\\w.-])`, 'g');
  return {
    find(text) {
      const out: string[] = [];
      re.lastIndex = 0;
      for (const m of text.matchAll(re)) {
        const name = m[1] as string;
        if (!out.includes(name)) out.push(name);
      }
      return out;
    },
  };
}

export const text: PageIntegration = {
  id: 'text',
  name: 'Job names in page text',
  kind: 'text',
  onLoopback: false,
  needsWatchedNames: true,
  matches: () => true,
  detect: (doc) => doc.body !== null,
  find(doc, ctx) {
    const matcher = ctx.watched;
    if (!matcher || !doc.body) return [];
    const out: FoundSubject[] = [];
    const seen = new Set<Element>();
    const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let node = walker.nextNode(); node && out.length < MAX_SUBJECTS; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || seen.has(parent)) continue;
      const value = node.nodeValue ?? '';
      if (value.trim().length < 3) continue;
      if (parent.closest('tattler-badge') || SKIP.has(parent.tagName.toUpperCase())) continue;
      if (parent.closest('script, style, noscript, textarea, template, [contenteditable="true"]')) continue;
      const [name] = matcher.find(value);
      if (!name) continue;
      seen.add(parent);
      const interactive = parent.closest(INTERACTIVE);
      out.push({
        element: parent,
        // No origin: a wiki's origin says nothing about which cluster is meant.
        labels: { [RESERVED.job]: name },
        anchor: interactive ?? parent,
        placement: interactive ? 'after' : 'append',
      });
    }
    return out;
  },
};

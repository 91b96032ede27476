/**
 * The badge's stylesheet, inside each badge's shadow root only: nothing here reaches the page,
 * and the page's rules do not reach in (`:host { all: initial }`). Sizes are in px because `rem`
 * follows the page's root font size. Heat colours are the shared scale's variables
 * (lib/heat/scale.ts), so a badge's cell looks like the popup grid's cell for the same level.
 */
import { heatCssVariables } from '../../lib/heat/scale';

/** The badge's own rules: in every badge's shadow root. Kept small (a page may hold a thousand). */
export const BADGE_CSS = `
${heatCssVariables()}
:host {
  all: initial;
  display: inline-block;
  vertical-align: middle;
  line-height: 0;
  --tt-fg: #1f2328;
  --tt-muted: #59636e;
  --tt-bg: #ffffff;
  --tt-border: #d1d9e0;
  --tt-focus: #0969da;
  --tt-link: #0969da;
  --tt-warn-bg: #fff8c5;
}
@media (prefers-color-scheme: dark) {
  :host {
    --tt-fg: #e6edf3;
    --tt-muted: #9198a1;
    --tt-bg: #151b23;
    --tt-border: #3d444d;
    --tt-focus: #4493f8;
    --tt-link: #4493f8;
    --tt-warn-bg: #3b2e00;
  }
}
* { box-sizing: border-box; }
.badge {
  all: unset;
  box-sizing: border-box;
  display: inline-flex;
  align-items: center;
  gap: 4px;
  height: 18px;
  max-width: 22em;
  padding: 0 6px 0 0;
  border-radius: 3px;
  font: 500 11px/16px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
  cursor: pointer;
}
.badge:focus-visible { outline: 2px solid var(--tt-focus); outline-offset: 1px; }
.badge.quiet {
  height: 14px;
  padding: 0;
  border: 1px solid var(--tt-border);
  background: transparent;
  color: var(--tt-muted);
}
.badge.quiet .cell { width: 12px; height: 12px; border: 0; }
.badge .text { overflow: hidden; text-overflow: ellipsis; }
.badge .after { color: var(--tt-muted); font-weight: 400; padding-right: 4px; }
.cell {
  display: inline-grid;
  place-items: center;
  flex: none;
  width: 18px;
  height: 18px;
  border-radius: 3px 0 0 3px;
  font: 700 11px/1 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-variant-numeric: tabular-nums;
}
.l0 { background: var(--heat-bg-0); color: var(--tt-muted); }
.l1 { background: var(--heat-bg-1); color: var(--heat-fg-1); }
.l2 { background: var(--heat-bg-2); color: var(--heat-fg-2); }
.l3 { background: var(--heat-bg-3); color: var(--heat-fg-3); }
.l4 { background: var(--heat-bg-4); color: var(--heat-fg-4); }
.badge.l1 .cell, .badge.l2 .cell, .badge.l3 .cell, .badge.l4 .cell { box-shadow: inset -1px 0 0 rgb(0 0 0 / 18%); }

`;

/** The popover's rules: added to a badge's shadow root only when it first opens. */
export const POPOVER_CSS = `
.pop {
  position: fixed;
  inset: auto;
  margin: 0;
  z-index: 2147483647;
  width: min(34em, calc(100vw - 16px));
  max-height: min(32em, calc(100vh - 16px));
  overflow: auto;
  padding: 12px;
  border: 1px solid var(--tt-border);
  border-radius: 6px;
  background: var(--tt-bg);
  color: var(--tt-fg);
  box-shadow: 0 8px 24px rgb(0 0 0 / 20%);
  font: 400 12px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  line-height: 1.45;
  text-align: start;
  white-space: normal;
}
.pop header { display: flex; align-items: start; gap: 8px; margin-bottom: 6px; }
.pop h2 { flex: 1; margin: 0; font-size: 13px; font-weight: 600; }
.pop h2:focus { outline: none; }
.pop h2:focus-visible { outline: 2px solid var(--tt-focus); }
.pop .close {
  all: unset;
  cursor: pointer;
  width: 20px;
  height: 20px;
  text-align: center;
  border-radius: 3px;
  font-size: 16px;
  line-height: 20px;
  color: var(--tt-muted);
}
.pop .close:focus-visible { outline: 2px solid var(--tt-focus); }
.pop p { margin: 4px 0; }
.pop .looked { color: var(--tt-muted); }
.pop .warn { background: var(--tt-warn-bg); padding: 4px 6px; border-radius: 3px; }
.pop ol { list-style: none; margin: 8px 0 0; padding: 0; }
.pop li { padding: 8px 0; border-top: 1px solid var(--tt-border); }
.pop .what { display: flex; align-items: center; gap: 6px; font-weight: 600; overflow-wrap: anywhere; }
.pop .what .cell { width: 16px; height: 16px; border-radius: 3px; }
.pop .reason { margin-top: 2px; }
.pop .change-context { margin-bottom: 2px; }
.pop .ch-type {
  display: inline-block;
  padding: 0 4px;
  border: 1px solid var(--tt-border);
  border-radius: 3px;
  font-size: 10px;
  text-transform: uppercase;
}
.pop .ch-mark.degraded { font-weight: 600; }
.pop .ch-when, .pop .cause { color: var(--tt-muted); }
.pop .skipped, .pop .cause, .pop .recovered { font-style: italic; }
.pop .recovered { color: var(--tt-muted); }
.pop .second-view { margin: 4px 0; padding-left: 6px; border-left: 2px solid var(--tt-border); }
.pop table { border-collapse: collapse; margin-top: 4px; width: 100%; }
.pop th, .pop td {
  padding: 1px 6px 1px 0;
  vertical-align: top;
  text-align: start;
  font: 400 11px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  overflow-wrap: anywhere;
}
.pop th { color: var(--tt-muted); font-weight: 400; white-space: nowrap; }
.pop .arrow { color: var(--tt-muted); padding: 0 4px; }
.pop .delta { display: flex; flex-direction: column; }
.pop .removed { color: var(--tt-muted); text-decoration: line-through; }
.pop .added { font-weight: 600; }
.pop .unchanged, .pop .dim { color: var(--tt-muted); }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.pop .links { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 4px; }
.pop a { color: var(--tt-link); }
.pop .more { color: var(--tt-muted); }
.pop .note { color: var(--tt-muted); font-style: italic; }
.pop .roll {
  all: unset;
  display: flex;
  gap: 4px;
  margin-top: 2px;
  cursor: pointer;
  font-weight: 600;
  overflow-wrap: anywhere;
}
.pop .roll:focus-visible { outline: 2px solid var(--tt-focus); outline-offset: 1px; }
.pop .roll .chev { flex: none; width: 1em; color: var(--tt-muted); }
.pop .members { margin: 4px 0 0 12px; }
.pop .members[hidden] { display: none; }
.pop .copy-note { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 0 0 6px; }
.pop .copy {
  all: unset;
  cursor: pointer;
  padding: 2px 8px;
  border: 1px solid var(--tt-border);
  border-radius: 4px;
  font-weight: 500;
}
.pop .copy:focus-visible { outline: 2px solid var(--tt-focus); outline-offset: 1px; }
.pop .copied { color: var(--tt-muted); }
.pop .manual { display: flex; flex-direction: column; gap: 4px; width: 100%; }
.pop .manual textarea {
  width: 100%;
  font: 400 11px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  color: var(--tt-fg);
  background: var(--tt-bg);
  border: 1px solid var(--tt-border);
}
`;

const sheets = new Map<string, CSSStyleSheet>();
const styled = new WeakMap<ShadowRoot, Set<string>>();

/**
 * Adds a stylesheet to a shadow root once: one constructed sheet shared by every badge on the
 * page (parsed once), or a <style> element where adopting is not possible.
 */
export function adoptStyles(root: ShadowRoot, css: string): void {
  const done = styled.get(root) ?? new Set<string>();
  if (done.has(css)) return;
  done.add(css);
  styled.set(root, done);
  try {
    if (
      typeof CSSStyleSheet === 'function' &&
      'replaceSync' in CSSStyleSheet.prototype &&
      'adoptedStyleSheets' in root
    ) {
      let sheet = sheets.get(css);
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        sheets.set(css, sheet);
      }
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      if (root.adoptedStyleSheets.includes(sheet)) return;
    }
  } catch {
    // A content script's sheet may not be adoptable by the page's document: fall back.
  }
  const style = (root.ownerDocument ?? document).createElement('style');
  style.textContent = css;
  root.append(style);
}

/**
 * The change badge on alert pages and job consoles, and its popover.
 *
 * When nothing changed, the badge is there but quiet: an empty outlined square the size of a
 * grid cell, no text. During an incident "nothing changed here" is an answer in itself — it rules
 * out a rollout and sends the on-call person elsewhere — and no badge at all would be ambiguous
 * (not watched? extension not running? still loading?). Kept to a 14 px square so a page of a
 * thousand quiet alerts still reads; its accessible name and tooltip say the whole sentence, and
 * it opens the same popover (what was looked for, where, over which window). There is no badge
 * only when the alert names no job or cluster Tattler watches.
 *
 * When polls of a named cluster failed during the window, the quiet badge shows the grid's blind
 * mark (?) instead: "no changes seen" is not "no changes".
 *
 * When something changed, the badge is hot: the grid's cell for that heat level (colour and
 * character: the count, or a mark for created/deleted/degraded) followed by
 * "2 changes · 4 min before · alice" — how many, how long before the alert started (or how long
 * ago, on a console) for the top-ranked change, and who made it.
 *
 * Everything remote (labels, names, actors, field values) is rendered as text by Preact; links
 * pass safeHttpUrl. The popover lives in the same shadow root, in the top layer when the
 * browser has the Popover API (so the page's overflow and stacking cannot clip it); Escape or
 * the close button close it and return focus to the badge.
 */

import { useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ChangeView } from '../../lib/change-view';
import { type RankedChange, relationText } from '../../lib/correlate/rank';
import { headlineText, type SubjectResult } from '../../lib/correlate/wire';
import { MARKS } from '../../lib/heat/scale';
import type { BadgeData } from '../../lib/pages/types';
import { durationText, shortTime } from '../../lib/time-text';
import { ChangeItem } from '../common/ChangeItem';
import { adoptStyles, POPOVER_CSS } from './styles';

/**
 * The clusters looked at, by name, each name once: an alert's `cluster="prod-eu-1"` may name a
 * Rancher cluster, an Argo CD destination and a home-grown manager's cluster at once.
 */
function clusterNames(r: SubjectResult): string[] {
  return [...new Set(r.looked.clusters.map((c) => c.name))];
}

function subjectText(r: SubjectResult): string {
  const l = r.looked;
  // A group's summary is about every job its alerts name; a single alert's, about the first.
  const job = r.alerts === undefined ? l.jobs[0] : l.jobs.join(', ');
  const where = l.clusters.length > 0 ? clusterNames(r).join(', ') : l.clusterLabels.join(', ');
  const about = [job ? `${job}` : '', where ? `in ${where}` : ''].filter(Boolean).join(' ');
  if (r.alerts === undefined) return about;
  return `${r.alerts} ${r.alerts === 1 ? 'alert' : 'alerts'}${about ? `: ${about}` : ''}`;
}

/** " to checkout in prod-eu-1", or " in prod-eu-1" when only a cluster is named. */
function toSubject(r: SubjectResult): string {
  const about = subjectText(r);
  if (!about) return '';
  return about.startsWith('in ') ? ` ${about}` : ` to ${about}`;
}

function windowText(r: SubjectResult): string {
  const { from, to, startsAt } = r.looked;
  if (r.mode === 'alert' && startsAt !== undefined)
    return `in the ${durationText(startsAt - from)} before the alert started`;
  return `in the last ${durationText(to - from)}`;
}

/** The badge's accessible name: its visible text, then what it means. */
export function accessibleName(r: SubjectResult): string {
  const h = r.headline;
  const about = subjectText(r);
  if (h.count > 0) {
    const rel = h.relation ? `, ${relationText(h.relation, r.mode === 'alert')}` : '';
    return `Tattler: ${headlineText(h)}${rel}${about ? ` (${about})` : ''}. Show the changes`;
  }
  const after = h.afterCount > 0 ? `, ${h.afterCount} after the alert started` : '';
  if (r.blind.length > 0) {
    return `Tattler: no changes seen${toSubject(r)} ${windowText(r)}, but polls failed for part of it${after}. Show details`;
  }
  return `Tattler: no changes${toSubject(r)} ${windowText(r)}${after}. Show details`;
}

function Cell({ level, glyph, label }: { level: number; glyph: string; label?: string }) {
  return (
    <span class={`cell l${level}`} aria-hidden={label ? undefined : 'true'} title={label}>
      {glyph}
    </span>
  );
}

/** The badge's context on top of a change: which job where, and why it is shown. */
function ChangeContext({ change, ranked }: { change: ChangeView; ranked: RankedChange }) {
  return (
    <>
      <div class="what">
        <Cell level={0} glyph={change.mark ? MARKS[change.mark] : ''} />
        <span>
          {change.kind} {change.namespace}/{change.name} in {change.clusterName}
        </span>
      </div>
      <div class="reason">{ranked.reason}</div>
    </>
  );
}

function headingText(r: SubjectResult): string {
  const h = r.headline;
  if (h.count === 0) return r.mode === 'alert' ? 'No changes before this alert' : 'No recent changes';
  const n = `${h.count} ${h.count === 1 ? 'change' : 'changes'}`;
  return r.mode === 'alert'
    ? `${n} before this alert`
    : `${n} in the last ${durationText(r.looked.to - r.looked.from)}`;
}

interface PopoverProps {
  data: BadgeData;
  anchor: HTMLElement;
  onClose(returnFocus: boolean): void;
}

function Popover({ data, anchor, onClose }: PopoverProps) {
  const { result: r, changes, source } = data;
  const ref = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const id = useId();

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    adoptStyles(el.getRootNode() as ShadowRoot, POPOVER_CSS);
    const supportsPopover = typeof (el as { showPopover?: unknown }).showPopover === 'function';
    if (supportsPopover) {
      el.setAttribute('popover', 'manual');
      (el as HTMLElement & { showPopover(): void }).showPopover();
    }
    const position = () => {
      const view = el.ownerDocument.defaultView;
      const vw = view?.innerWidth ?? 1024;
      const vh = view?.innerHeight ?? 768;
      const a = anchor.getBoundingClientRect();
      const w = el.offsetWidth || 320;
      const h = el.offsetHeight || 200;
      const left = Math.max(8, Math.min(a.left, vw - w - 8));
      const below = a.bottom + 4;
      const top = below + h <= vh - 8 || a.top - h - 4 < 8 ? below : a.top - h - 4;
      el.style.left = `${Math.round(left)}px`;
      el.style.top = `${Math.round(Math.max(8, top))}px`;
    };
    position();
    headingRef.current?.focus();
    const view = el.ownerDocument.defaultView;
    view?.addEventListener('scroll', position, { passive: true, capture: true });
    view?.addEventListener('resize', position, { passive: true });
    return () => {
      view?.removeEventListener('scroll', position, { capture: true });
      view?.removeEventListener('resize', position);
      if (supportsPopover) {
        try {
          (el as HTMLElement & { hidePopover(): void }).hidePopover();
        } catch {
          // already hidden
        }
      }
    };
  }, [anchor]);

  // Layout effect: the listeners must be there as soon as the popover is (an Escape pressed
  // right after opening must close it).
  useLayoutEffect(() => {
    const doc = anchor.ownerDocument;
    const host = (anchor.getRootNode() as ShadowRoot).host;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose(true);
      }
    };
    const onPointer = (e: Event) => {
      if (!e.composedPath().includes(host)) onClose(false);
    };
    doc.addEventListener('keydown', onKey, true);
    doc.addEventListener('pointerdown', onPointer, true);
    return () => {
      doc.removeEventListener('keydown', onKey, true);
      doc.removeEventListener('pointerdown', onPointer, true);
    };
  }, [anchor, onClose]);

  const l = r.looked;
  const what = [
    l.jobs.length > 0 ? `job ${l.jobs.join(' or ')}` : '',
    l.namespace ? `namespace ${l.namespace}` : '',
    l.clusters.length > 0
      ? `cluster ${clusterNames(r).join(', ')}`
      : l.clusterLabels.length > 0
        ? `cluster ${l.clusterLabels.join(', ')} (not one Tattler watches)`
        : '',
  ].filter(Boolean);
  const now = Date.now();
  const start = l.startsAt !== undefined ? ` The alert started at ${shortTime(l.startsAt, now)}.` : '';
  const ranked = r.ranked.filter((x) => changes[x.id]);
  return (
    <div ref={ref} class="pop" role="dialog" aria-labelledby={`${id}-h`} aria-modal="false">
      <header>
        <h2 id={`${id}-h`} ref={headingRef} tabIndex={-1}>
          {headingText(r)}
        </h2>
        <button type="button" class="close" aria-label="Close" onClick={() => onClose(true)}>
          ×
        </button>
      </header>
      <p class="looked">
        {source}: looked for {what.join(', ') || 'what this page names'}, from {shortTime(l.from, now)} to{' '}
        {shortTime(l.to, now)}.{start}
      </p>
      {r.blind.map((b) => (
        <p class="warn" key={b.clusterId}>
          Could not see {b.clusterName} for {durationText(b.ms)} of that time: changes there may be missing.
        </p>
      ))}
      {ranked.length > 0 ? (
        <ol>
          {ranked.map((x) => (
            <ChangeItem
              key={x.id}
              change={changes[x.id] as ChangeView}
              now={now}
              context={<ChangeContext change={changes[x.id] as ChangeView} ranked={x} />}
            />
          ))}
        </ol>
      ) : (
        <p>{r.blind.length > 0 ? 'No changes seen.' : 'Nothing changed.'}</p>
      )}
      {r.total > ranked.length ? <p class="more">{r.total - ranked.length} more not shown.</p> : null}
    </div>
  );
}

export function Badge({ data }: { data: BadgeData }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const r = data.result;
  const h = r.headline;
  const quiet = h.count === 0;
  const name = accessibleName(r);
  const text = headlineText(h);
  const close = useRef((returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) button.current?.focus();
  }).current;
  return (
    <>
      <button
        ref={button}
        type="button"
        class={`badge l${h.level}${quiet ? ' quiet' : ''}`}
        aria-label={name}
        aria-expanded={open ? 'true' : 'false'}
        aria-haspopup="dialog"
        title={name}
        onClick={(e) => {
          // Never let the click reach the page (a row's own click handler, a link around us).
          e.preventDefault();
          e.stopPropagation();
          setOpen(!open);
        }}
      >
        <Cell level={h.level} glyph={h.glyph} />
        {quiet ? (
          h.afterCount > 0 ? (
            <span class="after">{text}</span>
          ) : null
        ) : (
          <span class="text">{text}</span>
        )}
      </button>
      {open && button.current ? <Popover data={data} anchor={button.current} onClose={close} /> : null}
    </>
  );
}

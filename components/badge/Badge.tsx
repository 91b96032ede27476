/**
 * The change badge on alert pages and job consoles, and its popover.
 *
 * When nothing changed, the badge is there but quiet: an empty outlined square the size of a
 * grid cell, no text. During an incident "nothing changed here" is an answer in itself — it rules
 * out a rollout and sends the on-call person elsewhere — and no badge at all would be ambiguous
 * (not watched? extension not running? still loading?). Kept to a 14 px square so a page of a
 * thousand quiet alerts still reads; its accessible name and tooltip say the whole sentence, and
 * it opens the same popover (what was looked for, where, over which window). It is only ever a
 * true claim: it is there only for a job Tattler watches in the cluster the alert names (or,
 * naming no job, a cluster it watches). An alert about something Tattler does not watch gets no
 * badge — unless changes nearby were found (the job elsewhere, other jobs in that cluster): then
 * the badge shows them, and the popover says what Tattler does not watch.
 *
 * When Tattler could not see a cluster for part of the window (failed polls, no polls, not yet
 * watching it), the quiet badge shows the grid's blind mark (?) instead: "no changes seen" is
 * not "no changes", and the popover says which cluster, for how long, and why.
 *
 * A rollout (the same new version reaching several clusters) is one entry in the popover that
 * opens to its changes; "Copy as incident note" puts the popover's content on the clipboard as
 * Markdown (CopyNote.tsx).
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
import type { RankedChange } from '../../lib/correlate/rank';
import { type Entry, groupRollouts } from '../../lib/correlate/rollouts';
import { headlineText } from '../../lib/correlate/wire';
import {
  accessibleName,
  coverageTexts,
  headingText,
  lookedForText,
  noChangesText,
  notWatchedText,
  rolloutTitle,
} from '../../lib/correlate/words';
import { MARKS } from '../../lib/heat/scale';
import { incidentNote } from '../../lib/incident-note';
import type { BadgeData } from '../../lib/pages/types';
import { shortTime } from '../../lib/time-text';
import { ChangeItem } from '../common/ChangeItem';
import { CopyNote } from './CopyNote';
import { adoptStyles, POPOVER_CSS } from './styles';

function Cell({ level, glyph, label }: { level: number; glyph: string; label?: string }) {
  return (
    <span class={`cell l${level}`} aria-hidden={label ? undefined : 'true'} title={label}>
      {glyph}
    </span>
  );
}

/** A rollout's entry is marked like the grid's horizontal stripe. */
const ROLLOUT_GLYPH = '⇉';

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

/**
 * A rollout: one entry, "bob rolled checkout:1.4.2 to 7 clusters, 14:02–14:09", with why it is
 * shown (its best-ranked change's reason); a disclosure button opens its changes.
 */
function RolloutEntry({
  entry,
  changes,
  now,
}: {
  entry: Extract<Entry<RankedChange>, { kind: 'rollout' }>;
  changes: Record<string, ChangeView>;
  now: number;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const top = entry.members[0] as RankedChange;
  const first = changes[top.id] as ChangeView;
  const n = entry.members.length;
  return (
    <li class="rollout">
      <div class="change-context">
        <div class="what">
          <Cell level={0} glyph={ROLLOUT_GLYPH} />
          <span>
            {first.kind} {first.namespace}/{first.name}
          </span>
        </div>
        <button
          type="button"
          class="roll"
          aria-expanded={open ? 'true' : 'false'}
          aria-controls={`${id}-m`}
          onClick={() => setOpen(!open)}
        >
          <span class="chev" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
          {rolloutTitle(entry.rollout, first.name, (at) => shortTime(at, now))}
        </button>
        <div class="reason">
          {top.reason} ({first.clusterName})
        </div>
      </div>
      <ol id={`${id}-m`} class="members" hidden={!open} aria-label={`${n} changes of this rollout`}>
        {entry.members.map((m) => (
          <ChangeItem
            key={m.id}
            change={changes[m.id] as ChangeView}
            now={now}
            context={<ChangeContext change={changes[m.id] as ChangeView} ranked={m} />}
          />
        ))}
      </ol>
    </li>
  );
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
  const now = Date.now();
  const time = (at: number) => shortTime(at, now);
  const start = l.startsAt !== undefined ? ` The alert started at ${time(l.startsAt)}.` : '';
  const ranked = r.ranked.filter((x) => changes[x.id]);
  const entries = groupRollouts(ranked, (cid) => changes[cid]);
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
      <CopyNote
        note={() =>
          incidentNote({
            result: r,
            changes,
            source,
            now: Date.now(),
            ...(data.labels ? { labels: data.labels } : {}),
            ...(data.pageUrl ? { pageUrl: data.pageUrl } : {}),
          })
        }
      />
      <p class="looked">
        {source}: looked for {lookedForText(r)}, from {time(l.from)} to {time(l.to)}.{start}
      </p>
      {r.notWatched.map((n) => (
        <p class="note" key={`${n.job ?? ''}\u0000${n.cluster ?? ''}`}>
          {notWatchedText(n)}
        </p>
      ))}
      {coverageTexts(r, now, time).map((c) => (
        <p class={c.kind === 'gap' ? 'warn' : c.kind === 'seen' ? 'seen' : 'note'} key={c.text}>
          {c.text}
        </p>
      ))}
      {entries.length > 0 ? (
        <ol>
          {entries.map((e) =>
            e.kind === 'rollout' ? (
              <RolloutEntry key={e.key} entry={e} changes={changes} now={now} />
            ) : (
              <ChangeItem
                key={e.ranked.id}
                change={changes[e.ranked.id] as ChangeView}
                now={now}
                context={<ChangeContext change={changes[e.ranked.id] as ChangeView} ranked={e.ranked} />}
              />
            ),
          )}
        </ol>
      ) : (
        <p>{noChangesText(r)}</p>
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

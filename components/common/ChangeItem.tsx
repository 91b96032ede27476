/**
 * One change, as a list item: what kind of change and its mark, who (and what kind of actor),
 * when (relative and exact, or the poll window it lies in), a warning when the actor may belong
 * to an earlier change, whether it was recovered from the platform's history (and from what) rather
 * than seen live, versions skipped, field by field before → after, the cause, and the
 * links out (the job's console; the person's jobs). The popup's cell detail and the page
 * badges' popover both render changes with it; each puts its own context on top (the badge:
 * which job and why it is shown) and styles the classes in its own sheet. Words, marks and the
 * user-link rule come from lib/change-view.ts; every remote value is rendered as text.
 */
import type { ComponentChildren } from 'preact';
import {
  actorKindText,
  CHANGE_TYPE_WORDS,
  type ChangeView,
  clockText,
  consoleLink,
  recoveredText,
  shownValue,
  skippedText,
  versionsText,
} from '../../lib/change-view';
import { MARKS } from '../../lib/heat/scale';
import { safeHttpUrl } from '../../lib/links';
import { exactTime, relativeTime, shortTime } from '../../lib/time-text';
import { FieldDeltaView } from './FieldDeltaView';

function When({ change, now }: { change: ChangeView; now: number }) {
  return (
    <p class="ch-when">
      <time dateTime={new Date(change.at).toISOString()} title={exactTime(change.at)}>
        {relativeTime(change.at, now)}
      </time>
      {' · '}
      {exactTime(change.at)}
      {change.reportedAt === undefined && (
        <span class="dim">
          {' '}
          (seen between polls at {shortTime(change.windowStart, now)} and {shortTime(change.windowEnd, now)})
        </span>
      )}
    </p>
  );
}

export function ChangeItem({
  change,
  now,
  context,
}: {
  change: ChangeView;
  now: number;
  /** What the place showing it adds on top (which job, why it is shown). */
  context?: ComponentChildren;
}) {
  const actor = change.actor;
  const open = consoleLink(change);
  const jobs = actor ? safeHttpUrl(change.userLink) : undefined;
  const versions = versionsText(change);
  return (
    <li class="change">
      {context && <div class="change-context">{context}</div>}
      <p class="ch-head">
        <span class={`ch-type t-${change.type}`}>{CHANGE_TYPE_WORDS[change.type]}</span>{' '}
        {change.mark === 'degraded' && (
          <>
            <span class="ch-mark degraded">
              <span aria-hidden="true">{MARKS.degraded} </span>degraded the job
            </span>{' '}
          </>
        )}
        {actor ? (
          <>
            by <strong class="actor">{actor.name}</strong> <span class="dim">{actorKindText(actor)}</span>
          </>
        ) : (
          <span class="dim">actor not reported</span>
        )}
      </p>
      <When change={change} now={now} />
      {change.actorStale && (
        <p class="warn" role="note">
          <span aria-hidden="true">⚠ </span>
          {actor ? actor.name : 'The actor'} may belong to an earlier change: the reported time lies before
          this change's window.
        </p>
      )}
      {change.recovered && (
        <p class="recovered" role="note">
          <span aria-hidden="true">↺ </span>
          {recoveredText(change.recovered)}
        </p>
      )}
      {clockText(change.clockOffsetMs) && <p class="dim clock">{clockText(change.clockOffsetMs)}</p>}
      {(change.skipped ?? 0) > 0 && (
        <p class="skipped">
          {skippedText(change.skipped as number)}
          {versions ? ` · ${versions}` : ''}
        </p>
      )}
      {!change.skipped && versions && <p class="dim">{versions}</p>}
      {change.fields.length > 0 && (
        <table class="fields">
          <tbody>
            {change.fields.map((f) => (
              <tr key={f.path}>
                <th scope="row">{f.path}</th>
                <td>
                  <FieldDeltaView change={f} format={shownValue} />
                </td>
              </tr>
            ))}
            {change.moreFields ? (
              <tr>
                <td colSpan={2} class="dim">
                  {change.moreFields} more fields
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      )}
      {change.changeCause && <p class="cause">cause: {change.changeCause}</p>}
      {(open || jobs) && (
        <p class="links">
          {open && (
            <a href={open} target="_blank" rel="noopener noreferrer">
              Open {change.name} in its console
            </a>
          )}
          {jobs && actor && (
            <a href={jobs} target="_blank" rel="noopener noreferrer">
              Open {actor.name}'s jobs
            </a>
          )}
        </p>
      )}
    </li>
  );
}

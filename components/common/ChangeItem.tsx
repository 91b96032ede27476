/**
 * One change, as a list item: what kind of change and its mark, who (and what kind of actor),
 * when (relative and exact, or the poll window it lies in), a warning when the actor may belong
 * to an earlier change, whether it was recovered from the platform's history (and from what) rather
 * than seen live, versions skipped, field by field before → after, the cause, and the
 * links out (the job's console; the person's jobs). A change an Argo CD sync caused is one item
 * with two views: headed by the sync's actor and where that comes from, the job's own fields,
 * then what the Application changed, and both consoles. The popup's cell detail and the page
 * badges' popover both render changes with it; each puts its own context on top (the badge:
 * which job and why it is shown) and styles the classes in its own sheet. Words, marks and the
 * user-link rule come from lib/change-view.ts (changeParts: the same parts, in the same order, the
 * incident note writes as Markdown); every remote value is rendered as text.
 */
import type { ComponentChildren } from 'preact';
import {
  ACTOR_NOT_REPORTED,
  betweenPollsText,
  type ChangeView,
  changeParts,
  shownValue,
} from '../../lib/change-view';
import { MARKS } from '../../lib/heat/scale';
import type { FieldChange } from '../../lib/model';
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
        <span class="dim"> ({betweenPollsText(change, (at) => shortTime(at, now))})</span>
      )}
    </p>
  );
}

function Fields({ fields, more }: { fields: readonly FieldChange[]; more?: string | undefined }) {
  return (
    <table class="fields">
      <tbody>
        {fields.map((f) => (
          <tr key={f.path}>
            <th scope="row">{f.path}</th>
            <td>
              <FieldDeltaView change={f} format={shownValue} />
            </td>
          </tr>
        ))}
        {more ? (
          <tr>
            <td colSpan={2} class="dim">
              {more}
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
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
  const p = changeParts(change);
  return (
    <li class="change">
      {context && <div class="change-context">{context}</div>}
      <p class="ch-head">
        <span class={`ch-type t-${change.type}`}>{p.type}</span>{' '}
        {p.degraded && (
          <>
            <span class="ch-mark degraded">
              <span aria-hidden="true">{MARKS.degraded} </span>
              {p.degraded}
            </span>{' '}
          </>
        )}
        {p.actor ? (
          <>
            by <strong class="actor">{p.actor.name}</strong> <span class="dim">{p.actor.kind}</span>
          </>
        ) : (
          <span class="dim">{ACTOR_NOT_REPORTED}</span>
        )}
      </p>
      {p.sync && (
        <p class="provenance">
          {p.sync.provenance}
          {p.sync.direct && <span class="dim"> · {p.sync.direct}</span>}
        </p>
      )}
      <When change={change} now={now} />
      {p.stale && (
        <p class="warn" role="note">
          <span aria-hidden="true">⚠ </span>
          {p.stale}
        </p>
      )}
      {p.recovered && (
        <p class="recovered" role="note">
          <span aria-hidden="true">↺ </span>
          {p.recovered}
        </p>
      )}
      {p.clock && <p class="dim clock">{p.clock}</p>}
      {p.versions && <p class={p.versions.skipped ? 'skipped' : 'dim'}>{p.versions.text}</p>}
      {p.fields.length > 0 && <Fields fields={p.fields} more={p.moreFields} />}
      {p.sync && (
        <section class="second-view" aria-label={p.sync.title}>
          <p class="dim">{p.sync.title}</p>
          {p.sync.versions && <p class="dim">{p.sync.versions}</p>}
          {p.sync.fields.length > 0 && <Fields fields={p.sync.fields} />}
        </section>
      )}
      {p.cause && <p class="cause">{p.cause}</p>}
      {p.links.length > 0 && (
        <p class="links">
          {p.links.map((l) => (
            <a key={l.href} href={l.href} target="_blank" rel="noopener noreferrer">
              {l.text}
            </a>
          ))}
        </p>
      )}
    </li>
  );
}

/**
 * One field's change, as a person reads it: a value as before → after; a list as the entries
 * removed (−) and added (+), so the one env entry that changed stands out. Shared by the popup's
 * cell detail and the page badges' popover; each styles the classes in its own sheet.
 */
import { REORDERED_TEXT, unchangedEntriesText } from '../../lib/change-view';
import { type FieldDelta, fieldDelta } from '../../lib/field-delta';
import type { FieldChange, FieldValue } from '../../lib/model';

/** Entries with a stable key: the entry itself, numbered when it repeats. */
function keyed(list: readonly string[]): [string, string][] {
  const seen = new Map<string, number>();
  return list.map((x) => {
    const n = (seen.get(x) ?? 0) + 1;
    seen.set(x, n);
    return [`${x}#${n}`, x];
  });
}

export function FieldDeltaView({
  change,
  format,
}: {
  change: FieldChange;
  format(v: FieldValue | undefined): string;
}) {
  const d: FieldDelta = fieldDelta(change);
  if (d.kind === 'value') {
    return (
      <>
        <span class="before">
          <span class="sr">from </span>
          {format(d.before)}
        </span>
        <span class="arrow" aria-hidden="true">
          {' → '}
        </span>
        <span class="after">
          <span class="sr">to </span>
          {format(d.after)}
        </span>
      </>
    );
  }
  if (d.reordered) return <span class="dim">{REORDERED_TEXT}</span>;
  return (
    <span class="delta">
      {keyed(d.removed).map(([key, x]) => (
        <span key={`-${key}`} class="removed">
          <span aria-hidden="true">− </span>
          <span class="sr">removed </span>
          {x}
        </span>
      ))}
      {keyed(d.added).map(([key, x]) => (
        <span key={`+${key}`} class="added">
          <span aria-hidden="true">+ </span>
          <span class="sr">added </span>
          {x}
        </span>
      ))}
      {d.unchanged > 0 && <span class="unchanged">{unchangedEntriesText(d.unchanged)}</span>}
    </span>
  );
}

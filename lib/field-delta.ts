/**
 * How to show one field's change to a person. Lists (env, args, images of an Argo CD app) are
 * shown as what was removed and what was added: a one-character typo in one of eight env
 * entries must stand out, not hide in two long lines.
 */
import type { FieldChange, FieldValue } from './model';

export type FieldDelta =
  | { kind: 'value'; path: string; before?: FieldValue; after?: FieldValue }
  | { kind: 'list'; path: string; removed: string[]; added: string[]; unchanged: number; reordered: boolean };

const asList = (v: FieldValue | undefined): readonly string[] | undefined =>
  v === undefined ? [] : Array.isArray(v) ? (v as readonly string[]) : undefined;

export function fieldDelta(f: FieldChange): FieldDelta {
  const before = asList(f.before);
  const after = asList(f.after);
  if (!before || !after || (f.before === undefined && f.after === undefined)) {
    return { kind: 'value', path: f.path, before: f.before, after: f.after };
  }
  // Multiset difference: a list may hold the same entry twice (args).
  const left = new Map<string, number>();
  for (const x of before) left.set(x, (left.get(x) ?? 0) + 1);
  const added: string[] = [];
  let unchanged = 0;
  for (const x of after) {
    const n = left.get(x) ?? 0;
    if (n > 0) {
      left.set(x, n - 1);
      unchanged++;
    } else added.push(x);
  }
  const removed = before.filter((x) => {
    const n = left.get(x) ?? 0;
    if (n === 0) return false;
    left.set(x, n - 1);
    return true;
  });
  const reordered = removed.length === 0 && added.length === 0;
  return { kind: 'list', path: f.path, removed, added, unchanged, reordered };
}

/**
 * Writes a poll's changes: each to the log under its cell (registered on its first change), its
 * id made final (a repeat of one transition numbered `#n`, lib/diff.ts), and its cell's aggregate
 * updated in the same transaction — so what the grid paints never disagrees with the log.
 * Call inside a transaction over `log`, `cells` (and the caller writes `states`).
 */
import { addChange, emptyAgg } from '../aggregate';
import type { TattlerDb } from '../db';
import { withOccurrence } from '../diff';
import type { Change } from '../model';
import { cellNumber, cellOf, encodeChange, observedPart, type StoredChange } from './changes';
import type { ClusterState } from './state';

/** The same observation about to be stored twice: a bug, which must not pass silently. */
export class DuplicateChangeError extends Error {
  override name = 'DuplicateChangeError';
}

const TYPE_CODES: Record<Change['type'], number> = { created: 0, updated: 1, deleted: 2, status: 3 };

export async function recordChanges(db: TattlerDb, state: ClusterState, changes: Change[]): Promise<void> {
  if (changes.length === 0) return;
  const history = new Map<number, StoredChange[]>();
  const rows: StoredChange[] = [];
  for (const change of changes) {
    let cell = state.cells[change.rowKey];
    if (!cell) {
      cell = { n: await cellNumber(db, cellOf(change)), agg: emptyAgg() };
      state.cells[change.rowKey] = cell;
    }
    let known = history.get(cell.n);
    if (!known) {
      known = await db.log
        .where('[c+at]')
        .between([cell.n, Number.NEGATIVE_INFINITY], [cell.n, Number.POSITIVE_INFINITY], true, true)
        .toArray();
      history.set(cell.n, known);
    }
    // The same transition seen again in a later window is a repeat, numbered; in the same
    // window it is the same observation, written twice.
    const base = observedPart(change);
    const type = TYPE_CODES[change.type];
    const same = known.filter((s) => s.t === type && (s.k === base || s.k.startsWith(`${base}#`)));
    if (same.some((s) => s.ws === change.windowStart && s.we === change.windowEnd)) {
      throw new DuplicateChangeError(`the same change was about to be recorded twice (${change.id})`);
    }
    const k = withOccurrence(
      base,
      same.map((s) => s.k),
    );
    if (k !== base) change.id = `${change.id}${k.slice(base.length)}`;
    const stored = encodeChange(change, cell.n);
    known.push(stored);
    rows.push(stored);
    addChange(cell.agg, change);
  }
  await db.log.bulkAdd(rows);
}

/**
 * Rows: every job that runs somewhere we know, or changed somewhere within the window, ordered
 * by name (numbers as numbers); and which of them to show, filtered and sorted (viewRows).
 */
import { parseRowKey } from '../model';
import type { HeatIndex, HeatRow, RowFilter } from './types';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** `Deployment:shop/checkout` → kind, namespace, name (the format of model.ts rowKeyOf). */
export { parseRowKey };

/** Rows for these row keys, in display order, with their index (`sorted`: they already are). */
export function buildRows(
  rowKeys: Iterable<string>,
  sorted = false,
): { rows: HeatRow[]; rowIndex: Map<string, number> } {
  const parsed = [...new Set(rowKeys)].map((rowKey) => ({ rowKey, ...parseRowKey(rowKey) }));
  if (!sorted)
    parsed.sort(
      (a, b) =>
        collator.compare(a.name, b.name) ||
        collator.compare(a.namespace, b.namespace) ||
        collator.compare(a.kind, b.kind),
    );
  const rows: HeatRow[] = parsed.map((p, index) => ({
    index,
    ...p,
    type: 'job' as const,
    changes: 0,
    changedClusters: 0,
    clusters: 0,
    level: 0,
  }));
  return { rows, rowIndex: new Map(rows.map((r) => [r.rowKey, r.index])) };
}

/**
 * The rows to show, as indices into `index.rows`, in display order: each service (matched by its
 * name or any of its jobs' text), and under an expanded one its jobs.
 */
export function viewRows(index: HeatIndex, filter: RowFilter = {}): number[] {
  const needle = filter.text?.trim().toLowerCase() ?? '';
  const newest = (r: number) => index.rows[r]?.newestAt ?? Number.NEGATIVE_INFINITY;
  // Array.prototype.sort is stable: equal times (and every quiet row) keep name order.
  const ordered = (list: readonly number[]) =>
    filter.sort === 'recent' ? [...list].sort((a, b) => newest(b) - newest(a)) : list;
  const out: number[] = [];
  for (const s of ordered(index.serviceRows)) {
    const service = index.rows[s];
    if (!service) continue;
    if (filter.changedOnly && service.changes === 0) continue;
    if (needle && !index.searchText(s).includes(needle)) continue;
    out.push(s);
    const jobs = service.jobs ?? [];
    if (jobs.length < 2 || !filter.expanded?.has(service.rowKey)) continue;
    for (const j of ordered(jobs)) {
      if (filter.changedOnly && (index.rows[j]?.changes ?? 0) === 0) continue;
      out.push(j);
    }
  }
  return out;
}

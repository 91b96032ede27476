/**
 * Rows: every job that runs somewhere we know, or changed somewhere within the window, ordered
 * by name (numbers as numbers); which of them to show, filtered and sorted (viewRows); and job
 * keys read from the database's primary index turned into presences.
 */
import type { Change, JobSnapshot } from '../model';
import type { HeatIndex, HeatInput, HeatRow, JobPresence, RowFilter } from './types';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** `Deployment:shop/checkout` → kind, namespace, name (the format of model.ts rowKeyOf). */
export function parseRowKey(rowKey: string): { kind: string; namespace: string; name: string } {
  const colon = rowKey.indexOf(':');
  const slash = rowKey.indexOf('/', colon + 1);
  if (colon < 0 || slash < 0) return { kind: '', namespace: '', name: rowKey };
  return {
    kind: rowKey.slice(0, colon),
    namespace: rowKey.slice(colon + 1, slash),
    name: rowKey.slice(slash + 1),
  };
}

/**
 * Job keys (`${clusterId}|${rowKey}`) → presences. Keys are all the popup loads at first paint:
 * they come straight from the primary index, without reading 200,000 snapshots. A cluster id
 * could itself hold a `|`, so the split is the first one whose prefix is a known cluster.
 */
export function presenceFromKeys(
  keys: readonly string[],
  clusterIds: ReadonlySet<string>,
  degraded?: ReadonlySet<string>,
): JobPresence[] {
  const out: JobPresence[] = [];
  for (const key of keys) {
    let bar = key.indexOf('|');
    while (bar >= 0 && !clusterIds.has(key.slice(0, bar))) bar = key.indexOf('|', bar + 1);
    if (bar < 0) continue;
    out.push({
      clusterId: key.slice(0, bar),
      rowKey: key.slice(bar + 1),
      degraded: degraded?.has(key) ?? false,
    });
  }
  return out;
}

export interface Rows {
  rows: HeatRow[];
  /** Row key → row index. */
  rowIndex: Map<string, number>;
  /** The presences of jobs in the grid's clusters. */
  jobs: Array<JobPresence | JobSnapshot>;
  /** False while where jobs run is not known yet (HeatInput.jobs). */
  presenceKnown: boolean;
}

export function buildRows(
  input: Pick<HeatInput, 'jobs'>,
  inWindow: readonly Change[],
  columnIndex: ReadonlyMap<string, number>,
): Rows {
  const rowKeys = new Set<string>();
  const jobs: Array<JobPresence | JobSnapshot> = [];
  const presenceKnown = input.jobs !== undefined;
  for (const j of input.jobs ?? []) {
    if (!columnIndex.has(j.clusterId)) continue;
    jobs.push(j);
    rowKeys.add(j.rowKey);
  }
  for (const c of inWindow) rowKeys.add(c.rowKey);
  const parsed = [...rowKeys].map((rowKey) => ({ rowKey, ...parseRowKey(rowKey) }));
  parsed.sort(
    (a, b) =>
      collator.compare(a.name, b.name) ||
      collator.compare(a.namespace, b.namespace) ||
      collator.compare(a.kind, b.kind),
  );
  const rows: HeatRow[] = parsed.map((p, index) => ({
    index,
    ...p,
    changes: 0,
    changedClusters: 0,
    clusters: 0,
    level: 0,
  }));
  const rowIndex = new Map(rows.map((r) => [r.rowKey, r.index]));
  return { rows, rowIndex, jobs, presenceKnown };
}

/** The rows to show, as indices into `index.rows`, in display order. */
export function viewRows(index: HeatIndex, filter: RowFilter = {}): number[] {
  const needle = filter.text?.trim().toLowerCase() ?? '';
  const out: number[] = [];
  for (const row of index.rows) {
    if (filter.changedOnly && row.changes === 0) continue;
    if (needle && !index.searchText(row.index).includes(needle)) continue;
    out.push(row.index);
  }
  if (filter.sort === 'recent') {
    const newest = (r: number) => index.rows[r]?.newestAt ?? Number.NEGATIVE_INFINITY;
    // Array.prototype.sort is stable: equal times (and every quiet row) keep name order.
    out.sort((a, b) => newest(b) - newest(a) || a - b);
  }
  return out;
}

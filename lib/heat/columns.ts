/**
 * Columns: the clusters, grouped (named groups first, ungrouped last) and ordered by name, each
 * with its coverage — why we could not see it in the window, if we could not — and told apart
 * from another column of the same name by its source. Counts and levels are filled in later
 * (build.ts), once the changes are placed.
 */
import type { Cluster, PollRun } from '../model';
import { awaitingTurn, describePace, MAX_HOLD_MS, originOf, storedHostHolds } from '../pace';
import type { Blindness, BlindReason, HeatColumn, HeatGroup, HeatInput } from './types';

/** A column header flags churn from this many changes in one cluster within the window. */
export const CHURN_MIN_CHANGES = 3;

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compareColumns(a: Cluster, b: Cluster): number {
  // Named groups first (alphabetically), ungrouped clusters last; then by name, numbers as numbers.
  const ga = a.group ?? '';
  const gb = b.group ?? '';
  if (ga !== gb) {
    if (!ga) return 1;
    if (!gb) return -1;
    return collator.compare(ga, gb);
  }
  return collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The failing poll runs of each cluster that overlap [start, now] → what the cell should say. */
function blindness(
  cluster: Cluster,
  runs: readonly PollRun[] | undefined,
  start: number,
  now: number,
): Blindness | undefined {
  let latest: PollRun | undefined;
  let polls = 0;
  for (const run of runs ?? []) {
    if (run.status === 'ok' || run.to < start) continue;
    polls += run.count;
    if (!latest || run.to > latest.to) latest = run;
  }
  if (latest) {
    const b: Blindness = { reason: latest.status as BlindReason, from: latest.from, to: latest.to, polls };
    if (latest.message) b.message = latest.message;
    if (latest.loginUrl) b.loginUrl = latest.loginUrl;
    if (cluster.lastOkPoll !== undefined && cluster.lastOkPoll > latest.to) b.recovered = true;
    return b;
  }
  if (cluster.goneSince !== undefined) return undefined;
  if (cluster.lastOkPoll === undefined) return { reason: 'never', polls: 0 };
  // A cluster the pace has not asked about yet (quiet, or held by its host) is not a gap: its next
  // poll covers the time. Only one whose turn is long past (the browser was off) is.
  if (cluster.lastOkPoll < start && !awaitingTurn(cluster.pace, cluster.lastOkPoll, now)) {
    return { reason: 'stale', to: cluster.lastOkPoll, polls: 0 };
  }
  return undefined;
}

/** Gives columns that share a name (ignoring case) a qualifier: their source, else source and native id. */
export function qualifySharedNames(columns: HeatColumn[]): void {
  const byName = new Map<string, HeatColumn[]>();
  for (const col of columns) {
    const key = col.name.toLowerCase();
    const list = byName.get(key);
    if (list) list.push(col);
    else byName.set(key, [col]);
  }
  for (const list of byName.values()) {
    if (list.length < 2) continue;
    for (const col of list) {
      const sameSource = list.some((o) => o !== col && o.source === col.source);
      col.qualifier = sameSource ? `${col.source} ${col.cluster.nativeId}` : col.source;
    }
  }
}

export interface Columns {
  columns: HeatColumn[];
  groups: HeatGroup[];
  /** Cluster id → column index. */
  columnIndex: Map<string, number>;
  /** The oldest `firstSeen` of any column's cluster: since when we have been watching. */
  watchingSince?: number;
}

export function buildColumns(
  input: HeatInput,
  windowStart: number,
  changedClusters: ReadonlySet<string>,
): Columns {
  const runsByTarget = new Map<string, PollRun[]>();
  for (const run of input.polls) {
    const list = runsByTarget.get(run.target);
    if (list) list.push(run);
    else runsByTarget.set(run.target, [run]);
  }
  // A cluster that left discovery stays, dimmed, while it still says something about the
  // window: it left within it, or changes happened in it. Then it is retired from the grid.
  const clusters = input.clusters
    .filter((c) => c.goneSince === undefined || c.goneSince >= windowStart || changedClusters.has(c.id))
    .sort(compareColumns);
  const hostHolds = storedHostHolds(clusters, input.now, { maxHoldMs: MAX_HOLD_MS });
  const columns: HeatColumn[] = clusters.map((cluster, index) => {
    const col: HeatColumn = {
      index,
      cluster,
      id: cluster.id,
      name: cluster.name,
      group: cluster.group ?? '',
      source: input.sourceNames?.[cluster.sourceId] || cluster.sourceId,
      gone: cluster.goneSince !== undefined,
      changes: 0,
      jobs: 0,
      level: 0,
      churn: false,
    };
    const blind = blindness(cluster, runsByTarget.get(cluster.id), windowStart, input.now);
    if (blind) col.blind = blind;
    const pace = describePace(cluster.pace, input.now, hostHolds.get(originOf(cluster.apiBase)));
    if (pace) col.pace = pace;
    return col;
  });
  qualifySharedNames(columns);
  const columnIndex = new Map(columns.map((c) => [c.id, c.index]));
  const groups: HeatGroup[] = [];
  for (const col of columns) {
    const last = groups[groups.length - 1];
    if (last && last.name === col.group) last.count++;
    else groups.push({ name: col.group, start: col.index, count: 1 });
  }
  let watchingSince: number | undefined;
  for (const c of clusters)
    if (watchingSince === undefined || c.firstSeen < watchingSince) watchingSince = c.firstSeen;
  return { columns, groups, columnIndex, ...(watchingSince !== undefined ? { watchingSince } : {}) };
}

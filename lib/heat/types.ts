/**
 * The heat grid's model, as the popup reads it: columns (clusters, grouped, with coverage and
 * churn), rows (jobs, with rollout summaries) and cells computed on demand. Built by build.ts.
 */
import type { RecentChange } from '../aggregate';
import type { IdentityRules } from '../identity/clusters';
import type { ServiceRule } from '../identity/services';
import type { Actor, Cluster, PollRun, PollStatus } from '../model';
import type { GridRecord } from '../store/grid';
import type { HeatLevel } from './scale';

export interface HeatInput {
  clusters: readonly Cluster[];
  /**
   * The packed grid (lib/store/grid.ts): where each job runs, whether it is degraded there, and
   * each cell's history in brief. Undefined: nothing stored yet — no cell is called absent.
   */
  grid?: GridRecord;
  /** At least the poll runs that overlap the window. */
  polls: readonly PollRun[];
  windowMs: number;
  now: number;
  /**
   * What each source is called (settings' `sources[].name`, by id). Clusters of different
   * sources may share a name (Rancher's `prod-eu-1` and Argo CD's); their columns are told
   * apart by it. A source without an entry goes by its id.
   */
  sourceNames?: Readonly<Record<string, string>>;
  /**
   * Which clusters are one place across sources (lib/identity/clusters.ts): their columns are
   * one. Without rules, every cluster is its own column.
   */
  identity?: IdentityRules;
  /** The user's service rules (settings `serviceRules`), over what the packed grid says. */
  serviceRules?: readonly ServiceRule[];
}

/**
 * Why we could not see a cluster during the window. A poll status, or:
 * `never` — it has not had one good poll yet; `stale` — its last good poll is older than the
 * window and nothing was polled since (the browser or the extension was off).
 */
export type BlindReason = Exclude<PollStatus, 'ok'> | 'never' | 'stale';

export interface Blindness {
  reason: BlindReason;
  /** The failing run's message, exactly as recorded. */
  message?: string;
  loginUrl?: string;
  /** The failing span that overlaps the window (the most recent one). */
  from?: number;
  to?: number;
  /** Failing polls in the window. */
  polls: number;
  /**
   * A later poll saw the cluster again. What changed during the gap was then caught by that
   * poll's diff (state is compared, not events), so the gap costs precision, not changes: the
   * cell is marked, lightly, instead of hatched as "could not see".
   */
  recovered?: boolean;
}

/** One source's view of a column's cluster: who sees it, and whether they could in the window. */
export interface ColumnMember {
  cluster: Cluster;
  /** The source's name (its id when settings give none). */
  source: string;
  blind?: Blindness;
  gone: boolean;
}

export interface HeatColumn {
  index: number;
  /** The first member's cluster: the source that knows it best (lib/identity/clusters.ts). */
  cluster: Cluster;
  /** Every source's view of this cluster, the first being `cluster`: one for most columns. */
  members: readonly ColumnMember[];
  /** The identity's id (its first member's cluster id). */
  id: string;
  name: string;
  /** Region or environment; '' when the cluster has none. */
  group: string;
  /** The names of the sources that see the cluster, joined (a source's id when settings give no name). */
  source: string;
  /**
   * Set when another column has the same name: what tells this one apart — its source, and
   * its native id too when the source also has two clusters of that name.
   */
  qualifier?: string;
  /** Every member left discovery. */
  gone: boolean;
  /** Polls failed in the window through every member; the members say which sources failed. */
  blind?: Blindness;
  /** Changes in this cluster within the window, and how many jobs they touched. */
  changes: number;
  jobs: number;
  newestAt?: number;
  level: HeatLevel;
  /** Several changes in one cluster: a hot vertical stack worth a flag on the header. */
  churn: boolean;
  /** How it is being polled, in words (lib/pace.ts describePace): "polled every 10 min (quiet)". */
  pace?: string;
}

export interface HeatGroup {
  name: string;
  /** Index of its first column, and how many columns it spans. */
  start: number;
  count: number;
}

export interface Rollout {
  /** The field that carried the new value: `containers[app].image`. */
  field: string;
  value: string;
  /** The most frequent actor among the rollout's changes, if any was reported. */
  actor?: Actor;
  /** How many distinct actors took part. */
  actors: number;
  /** Clusters the value reached within the window … */
  clusters: number;
  /** … of the clusters where the job runs (or changed); undefined while presence is unknown. */
  of?: number;
  firstAt: number;
  lastAt: number;
  /** "bob rolled registry/app:1.4.2 to 7 of 12 clusters". */
  summary: string;
}

export interface HeatRow {
  index: number;
  /** A job's row key; a service row's is `service:<name>` (heat/services.ts). */
  rowKey: string;
  /** A job's; a service row of one job shows that job's (empty for several). */
  kind: string;
  namespace: string;
  /** The job's name, or the service's. */
  name: string;
  /**
   * `service`: the jobs of one service across sources (lib/identity/services.ts), its cells
   * merged from theirs; `job`: one of them, shown when its service row is expanded.
   */
  type: 'job' | 'service';
  /** A job row's service row (an index into HeatIndex.rows). */
  service?: number;
  /** A service row's job rows, in display order. */
  jobs?: readonly number[];
  /** Changes of this job (a service's: of its jobs) within the window, all clusters. */
  changes: number;
  /** Clusters where it changed within the window. */
  changedClusters: number;
  /** Clusters where it runs now or changed within the window (only where it changed, while presence is unknown). */
  clusters: number;
  newestAt?: number;
  level: HeatLevel;
  rollout?: Rollout;
}

export interface HeatCell {
  row: HeatRow;
  column: HeatColumn;
  /** The cell's number in the store when it has history: its changes are read on demand. */
  n?: number;
  /**
   * A service row's cell: its jobs' cells in this column that run there or changed there, each
   * read on its own when the detail opens (a service cell reads several cells).
   */
  parts?: readonly { rowKey: string; clusterIds: readonly string[] }[];
  /** Changes in the window. */
  count: number;
  level: HeatLevel;
  /** The newest change in the window, in brief. */
  newest?: RecentChange;
  created: boolean;
  deleted: boolean;
  degraded: boolean;
  /** No snapshot of the job in that cluster: it does not run there (now). */
  absent: boolean;
  /**
   * Polls of that cluster failed (or did not happen) in the window through the sources that
   * list the job there (through every source, when none does): quiet means nothing.
   */
  blind?: Blindness;
  /** The member clusters whose history the cell holds: its detail reads their changes. */
  clusterIds: readonly string[];
  /** The one or two characters the cell shows. */
  glyph: string;
}

export interface HeatIndex {
  now: number;
  windowMs: number;
  windowStart: number;
  columns: readonly HeatColumn[];
  groups: readonly HeatGroup[];
  /**
   * Every row: the job rows in display order, then one row per service (heat/services.ts);
   * filtering and expanding pick among them (see viewRows).
   */
  rows: readonly HeatRow[];
  /** The service rows, in display order (by name). */
  serviceRows: readonly number[];
  /** Total changes in the window over every cell. */
  changes: number;
  /** False while nothing is stored yet (see HeatInput.grid): no cell is called absent. */
  presenceKnown: boolean;
  /** The oldest `firstSeen` of any cluster: since when we have been watching. */
  watchingSince?: number;
  /** The cell at a row index and a column index (both into the arrays above). */
  cell(row: number, column: number): HeatCell;
  rowIndexOf(rowKey: string): number | undefined;
  columnIndexOf(clusterId: string): number | undefined;
  /** Lower-case text a filter matches against: identity, the people who changed it, its rollout. */
  searchText(row: number): string;
}

export type RowSort = 'name' | 'recent';

export interface RowFilter {
  text?: string;
  changedOnly?: boolean;
  /** `recent`: services (and jobs in them) by their newest change first, the quiet ones after by name. Default `name`. */
  sort?: RowSort;
  /** Service rows (by row key) shown with their jobs under them. */
  expanded?: ReadonlySet<string>;
}

/**
 * The heat grid's model, pure: clusters + where each job runs + changes + poll runs + a window
 * + now → ordered columns (with groups and churn), ordered rows (with rollout summaries) and a
 * cell lookup.
 *
 * Sparse on purpose: 2,000 jobs × 200 clusters is 400,000 cells, and only the few hundred on
 * screen are ever needed. Building the index costs one pass over the jobs and one over the
 * changes; a cell is computed on demand from a typed-array flag (runs there / degraded) and the
 * short list of its changes, if any.
 */
import { isDegradingChange } from '../change-view';
import type { Actor, Change, Cluster, JobSnapshot, PollRun, PollStatus } from '../model';
import { countGlyph, type HeatLevel, levelForAge, MARKS } from './scale';

export type WindowId = '15m' | '1h' | '6h' | '24h' | '7d';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const WINDOWS: ReadonlyArray<{ id: WindowId; label: string; ms: number }> = [
  { id: '15m', label: '15 min', ms: 15 * MINUTE },
  { id: '1h', label: '1 hour', ms: HOUR },
  { id: '6h', label: '6 hours', ms: 6 * HOUR },
  { id: '24h', label: '24 hours', ms: 24 * HOUR },
  { id: '7d', label: '7 days', ms: 7 * 24 * HOUR },
];

export const DEFAULT_WINDOW: WindowId = '1h';

export const windowById = (id: string): (typeof WINDOWS)[number] =>
  WINDOWS.find((w) => w.id === id) ?? (WINDOWS[1] as (typeof WINDOWS)[number]);

/** A column header flags churn from this many changes in one cluster within the window. */
export const CHURN_MIN_CHANGES = 3;
/** A row names a rollout once the same new image or version reached this many clusters. */
export const ROLLOUT_MIN_CLUSTERS = 2;
/** Fields whose new value identifies a rollout: images, chart or app versions, revisions. */
const ROLLOUT_FIELD = /image|version|chart|revision|tag/i;

/** What the grid needs to know about one job in one cluster: that it runs there, and whether it is degraded. */
export interface JobPresence {
  clusterId: string;
  rowKey: string;
  degraded?: boolean;
}

export interface HeatInput {
  clusters: readonly Cluster[];
  /**
   * The latest snapshot (or just the presence) of each job in each cluster. Undefined: not
   * known yet — the popup paints the window's changes first and where jobs run a moment later;
   * no cell is called absent meanwhile, and rows are only the jobs that changed.
   */
  jobs?: Iterable<JobPresence | JobSnapshot>;
  /** At least the changes in the window; older ones are ignored. */
  changes: readonly Change[];
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

export interface HeatColumn {
  index: number;
  cluster: Cluster;
  id: string;
  name: string;
  /** Region or environment; '' when the cluster has none. */
  group: string;
  /** The name of the source that found the cluster (its id when settings give no name). */
  source: string;
  /**
   * Set when another column has the same name: what tells this one apart — its source, and
   * its native id too when the source also has two clusters of that name.
   */
  qualifier?: string;
  gone: boolean;
  blind?: Blindness;
  /** Changes in this cluster within the window, and how many jobs they touched. */
  changes: number;
  jobs: number;
  newestAt?: number;
  level: HeatLevel;
  /** Several changes in one cluster: a hot vertical stack worth a flag on the header. */
  churn: boolean;
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
  rowKey: string;
  kind: string;
  namespace: string;
  name: string;
  /** Changes of this job within the window, all clusters. */
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
  /** Changes in the window, newest first (shared; do not mutate). */
  changes: readonly Change[];
  count: number;
  level: HeatLevel;
  newest?: Change;
  created: boolean;
  deleted: boolean;
  degraded: boolean;
  /** No snapshot of the job in that cluster: it does not run there (now). */
  absent: boolean;
  /** Polls of that cluster failed (or did not happen) in the window: quiet means nothing. */
  blind?: Blindness;
  /** The one or two characters the cell shows. */
  glyph: string;
}

export interface HeatIndex {
  now: number;
  windowMs: number;
  windowStart: number;
  columns: readonly HeatColumn[];
  groups: readonly HeatGroup[];
  /** Every row, in display order; filtering picks among them (see viewRows). */
  rows: readonly HeatRow[];
  /** Total changes in the window over every cell. */
  changes: number;
  /** False while where jobs run is not known yet (see HeatInput.jobs). */
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
  /** `recent`: jobs by their newest change first, the quiet ones after by name. Default `name`. */
  sort?: RowSort;
}

const PRESENT = 1;
const DEGRADED = 2;

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

const isDegradedPresence = (j: JobPresence | JobSnapshot): boolean =>
  'health' in j ? j.health?.state === 'degraded' : j.degraded === true;

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
  if (cluster.lastOkPoll < start) return { reason: 'stale', to: cluster.lastOkPoll, polls: 0 };
  return undefined;
}

const valueText = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;

/** The same new image or version reaching several clusters: the row's "stripe", in words. */
function detectRollout(
  changesByColumn: ReadonlyMap<number, readonly Change[]>,
  clustersOfJob: number | undefined,
): Rollout | undefined {
  interface Acc {
    field: string;
    value: string;
    columns: Set<number>;
    actors: Map<string, { actor: Actor; n: number }>;
    firstAt: number;
    lastAt: number;
  }
  const accs = new Map<string, Acc>();
  for (const [column, list] of changesByColumn) {
    for (const c of list) {
      if (c.type !== 'updated' && c.type !== 'created') continue;
      for (const f of c.fields) {
        const value = valueText(f.after);
        if (value === undefined || !ROLLOUT_FIELD.test(f.path)) continue;
        const key = `${f.path}\u0000${value}`;
        let acc = accs.get(key);
        if (!acc) {
          acc = { field: f.path, value, columns: new Set(), actors: new Map(), firstAt: c.at, lastAt: c.at };
          accs.set(key, acc);
        }
        acc.columns.add(column);
        acc.firstAt = Math.min(acc.firstAt, c.at);
        acc.lastAt = Math.max(acc.lastAt, c.at);
        if (c.actor?.name) {
          const a = acc.actors.get(c.actor.name);
          if (a) a.n++;
          else acc.actors.set(c.actor.name, { actor: c.actor, n: 1 });
        }
      }
    }
  }
  let best: Acc | undefined;
  for (const acc of accs.values()) {
    if (acc.columns.size < ROLLOUT_MIN_CLUSTERS) continue;
    // Widest first; on a tie the most recent, so the row names what is happening now.
    if (
      !best ||
      acc.columns.size > best.columns.size ||
      (acc.columns.size === best.columns.size && acc.lastAt > best.lastAt)
    )
      best = acc;
  }
  if (!best) return undefined;
  let top: { actor: Actor; n: number } | undefined;
  for (const a of best.actors.values()) if (!top || a.n > top.n) top = a;
  const n = best.columns.size;
  const of = clustersOfJob === undefined ? undefined : Math.max(clustersOfJob, n);
  const reach = of === undefined ? `${n} clusters` : `${n} of ${of} clusters`;
  const others = best.actors.size - 1;
  const who = top
    ? others > 0
      ? `${top.actor.name} and ${others} other${others > 1 ? 's' : ''}`
      : top.actor.name
    : '';
  const summary = who ? `${who} rolled ${best.value} to ${reach}` : `${best.value} reached ${reach}`;
  const rollout: Rollout = {
    field: best.field,
    value: best.value,
    actors: best.actors.size,
    clusters: n,
    firstAt: best.firstAt,
    lastAt: best.lastAt,
    summary,
  };
  if (top) rollout.actor = top.actor;
  if (of !== undefined) rollout.of = of;
  return rollout;
}

/** What the cell shows: a count and its most telling mark, or a mark alone. Two characters at most. */
export function cellGlyph(
  cell: Pick<HeatCell, 'count' | 'created' | 'deleted' | 'degraded' | 'absent' | 'blind'>,
): string {
  const marks: string[] = [];
  if (cell.blind && !cell.blind.recovered) marks.push(MARKS.blind);
  if (cell.deleted) marks.push(MARKS.deleted);
  if (cell.created) marks.push(MARKS.created);
  if (cell.degraded) marks.push(MARKS.degraded);
  if (cell.count > 0) return countGlyph(cell.count) + (marks[0] ?? '');
  if (marks.length > 0) return marks.slice(0, 2).join('');
  return cell.absent ? MARKS.absent : '';
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

/** Builds the index once per data change (or clock tick). */
export function buildHeatIndex(input: HeatInput): HeatIndex {
  const { now, windowMs } = input;
  const windowStart = now - windowMs;

  // Columns: grouped, ordered, with their coverage.
  const runsByTarget = new Map<string, PollRun[]>();
  for (const run of input.polls) {
    const list = runsByTarget.get(run.target);
    if (list) list.push(run);
    else runsByTarget.set(run.target, [run]);
  }
  // A cluster that left discovery stays, dimmed, while it still says something about the
  // window: it left within it, or changes happened in it. Then it is retired from the grid.
  const changedClusters = new Set<string>();
  for (const c of input.changes) if (c.at >= windowStart) changedClusters.add(c.clusterId);
  const clusters = input.clusters
    .filter((c) => c.goneSince === undefined || c.goneSince >= windowStart || changedClusters.has(c.id))
    .sort(compareColumns);
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
    const blind = blindness(cluster, runsByTarget.get(cluster.id), windowStart);
    if (blind) col.blind = blind;
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

  // Rows: every job that runs somewhere we know, or changed somewhere within the window.
  const inWindow: Change[] = [];
  for (const c of input.changes) if (c.at >= windowStart && columnIndex.has(c.clusterId)) inWindow.push(c);
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

  // Where each job runs, and whether it is degraded there: one byte per cell.
  const width = columns.length;
  const flags = new Uint8Array(rows.length * width);
  for (const j of jobs) {
    const at = (rowIndex.get(j.rowKey) as number) * width + (columnIndex.get(j.clusterId) as number);
    flags[at] = PRESENT | (isDegradedPresence(j) ? DEGRADED : 0);
  }

  // Changes per cell (sparse), newest first.
  const byCell = new Map<number, Change[]>();
  for (const c of inWindow) {
    const at = (rowIndex.get(c.rowKey) as number) * width + (columnIndex.get(c.clusterId) as number);
    const list = byCell.get(at);
    if (list) list.push(c);
    else byCell.set(at, [c]);
  }
  const byRow = new Map<number, Map<number, Change[]>>();
  for (const [at, list] of byCell) {
    list.sort((a, b) => b.at - a.at);
    const r = Math.floor(at / width);
    const c = at - r * width;
    const row = rows[r] as HeatRow;
    const col = columns[c] as HeatColumn;
    const newest = (list[0] as Change).at;
    row.changes += list.length;
    row.changedClusters++;
    if (row.newestAt === undefined || newest > row.newestAt) row.newestAt = newest;
    col.changes += list.length;
    col.jobs++;
    if (col.newestAt === undefined || newest > col.newestAt) col.newestAt = newest;
    const m = byRow.get(r) ?? new Map<number, Change[]>();
    if (m.size === 0) byRow.set(r, m);
    m.set(c, list);
  }

  const level = (at: number | undefined): HeatLevel =>
    at === undefined ? 0 : levelForAge(Math.max(0, now - at), windowMs);
  for (const col of columns) {
    col.level = level(col.newestAt);
    col.churn = col.changes >= CHURN_MIN_CHANGES;
  }
  for (const row of rows) {
    row.level = level(row.newestAt);
    let n = 0;
    const base = row.index * width;
    const changed = byRow.get(row.index);
    for (let c = 0; c < width; c++) if (flags[base + c] !== 0 || changed?.has(c)) n++;
    row.clusters = n;
    if (changed && changed.size >= ROLLOUT_MIN_CLUSTERS) {
      const rollout = detectRollout(changed, presenceKnown ? n : undefined);
      if (rollout) row.rollout = rollout;
    }
  }

  const searchCache = new Map<number, string>();
  const searchText = (r: number): string => {
    let text = searchCache.get(r);
    if (text === undefined) {
      const row = rows[r] as HeatRow;
      const actors = new Set<string>();
      for (const list of byRow.get(r)?.values() ?? [])
        for (const c of list) if (c.actor) actors.add(c.actor.name);
      text = [row.rowKey, ...actors, row.rollout?.summary ?? ''].join('\n').toLowerCase();
      searchCache.set(r, text);
    }
    return text;
  };

  const EMPTY: readonly Change[] = [];
  return {
    now,
    windowMs,
    windowStart,
    columns,
    groups,
    rows,
    changes: inWindow.length,
    presenceKnown,
    ...(watchingSince !== undefined ? { watchingSince } : {}),
    searchText,
    rowIndexOf: (rowKey) => rowIndex.get(rowKey),
    columnIndexOf: (clusterId) => columnIndex.get(clusterId),
    cell(r, c) {
      const row = rows[r];
      const column = columns[c];
      if (!row || !column) throw new RangeError(`no cell ${r}:${c}`);
      const flag = flags[r * width + c] as number;
      const list = byCell.get(r * width + c) ?? EMPTY;
      const newest = list[0];
      const cell: HeatCell = {
        row,
        column,
        changes: list,
        count: list.length,
        level: level(newest?.at),
        created: list.some((x) => x.type === 'created'),
        deleted: list.some((x) => x.type === 'deleted'),
        degraded: (flag & DEGRADED) !== 0 || list.some(isDegradingChange),
        absent: presenceKnown && (flag & PRESENT) === 0,
        glyph: '',
      };
      if (newest) cell.newest = newest;
      if (column.blind) cell.blind = column.blind;
      cell.glyph = cellGlyph(cell);
      return cell;
    },
  };
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

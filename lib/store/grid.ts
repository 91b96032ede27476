/**
 * The grid, packed into one record (`meta` key `grid`) that the popup reads in one go: which
 * clusters and jobs there are, where each job runs and whether it is degraded there (one byte per
 * cell), and the aggregate of every cell with history. Rebuilt from the cluster states at the end
 * of a pass that wrote anything, and after pruning or clearing; the popup ages heat from the times
 * it holds, so it stays right between passes without being rebuilt.
 *
 * Rows are grouped into services (lib/identity/services.ts): the record holds each row's service by
 * what the jobs say (rules 2–4, from the links in the cluster states' marks) and the Application
 * that manages it, and orders rows by service, then by name — so the popup groups them in one walk
 * and re-sorts only when the user's own service rules move a row.
 *
 * Packed in columns of typed arrays: IndexedDB hands a record over as a structured clone, and
 * tens of thousands of small objects clone far slower than a few flat arrays of numbers. Rows are
 * stored in display order (by name, numbers as numbers), sorted once per pass, not per opening.
 */
import type { CauseMark, CellAgg, RecentChange, RolloutMark } from '../aggregate';
import type { TattlerDb } from '../db';
import { jobNameOfRow, linkedServices, type ServiceJob } from '../identity/services';
import type { ActorKind, ChangeType, JobLinks } from '../model';
import type { ClusterState } from './state';

export const PRESENT = 1;
export const DEGRADED = 2;

const TYPES: readonly ChangeType[] = ['created', 'updated', 'deleted', 'status'];
const KINDS: readonly ActorKind[] = ['person', 'automation', 'client', 'token', 'unknown'];

/** The widest window the popup offers (lib/heat/windows.ts): older cells would paint nothing. */
export const GRID_HORIZON_MS = 7 * 86_400_000;

/** The cells with history, column by column (entry k of each array is cell k). */
export interface PackedCells {
  count: number;
  /** Where the cell is: row × clusters.length + column. */
  at: Uint32Array;
  /** Its number in the store (lib/store/changes.ts `cells`): its changes are read by it. */
  n: Uint32Array;
  /** Cell k's change times are `times[timesAt[k]] … times[timesAt[k + 1] - 1]`, oldest first. */
  timesAt: Uint32Array;
  times: Float64Array;
  /** The newest change in brief: its type, its actor (a string index, -1: none) and the actor's kind (-1). */
  newestType: Uint8Array;
  newestActor: Int32Array;
  newestKind: Int8Array;
  /** Who made the cell's last few changes (string indexes, distinct): cell k's are `actors[actorsAt[k]] …`. The filter matches them. */
  actorsAt: Uint32Array;
  actors: Int32Array;
  /** The few cells with a created/deleted/degraded mark: which, and [createdAt, deletedAt, degradedAt] each (NaN: none). */
  markCells: Uint32Array;
  marks: Float64Array;
  /** The few cells with a rollout mark: which, [field, value, actor] string indexes (-1: none), when, the actor's kind. */
  rolloutCells: Uint32Array;
  rolloutStrings: Int32Array;
  rolloutAt: Float64Array;
  rolloutKind: Int8Array;
  /** Changes folded into whole days (a flapping cell): [cell, day, count] triples. */
  folded: number[];
  /**
   * The few cells' cause marks (lib/aggregate.ts CauseMark, lib/identity/cause.ts `pairsSince`),
   * one entry per mark, oldest first within a cell: which cell, [at, lo, hi, flags (1 sync,
   * 2 running, 4 deploy)] and the application or deploy id (a string index). Absent in a grid packed before they existed.
   */
  causeCells?: Uint32Array;
  causes?: Float64Array;
  causeApps?: Int32Array;
}

export interface GridRecord {
  builtAt: number;
  /** The clusters that have a state, by id (the popup orders its columns itself). */
  clusters: string[];
  /** Every job present in some cluster or with history in one, by row key, in display order. */
  rows: string[];
  /** rows.length × clusters.length, row-major: PRESENT | DEGRADED. */
  flags: Uint8Array;
  /**
   * Each row's service by what the jobs say (lib/identity/services.ts rules 2–4): a string index,
   * -1 for the job's own name. Absent in a record packed before services were: every row is then
   * its own name's.
   */
  service?: Int32Array;
  /** Each row's managing Argo CD Application, as a row index (-1: none): a service rule claiming it takes the row along. */
  via?: Int32Array;
  /** Actor names, rollout fields and values the cells refer to. */
  strings: string[];
  cells: PackedCells;
}

const GRID_KEY = 'grid';
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** `Deployment:shop/checkout` → [name, namespace, kind], the display order's keys. */
function sortKeys(rowKey: string): [string, string, string] {
  const colon = rowKey.indexOf(':');
  const slash = rowKey.indexOf('/', colon + 1);
  if (colon < 0 || slash < 0) return [rowKey, '', ''];
  return [rowKey.slice(slash + 1), rowKey.slice(colon + 1, slash), rowKey.slice(0, colon)];
}

/**
 * The packed grid of these states. Pure. Cells whose newest change is older than `horizonMs`
 * before `builtAt` are left out (no window shows them); where jobs run is always complete.
 */
export function packGrid(
  states: readonly ClusterState[],
  builtAt: number,
  horizonMs = GRID_HORIZON_MS,
): GridRecord {
  const clusters = states.map((s) => s.clusterId);
  const keys = new Set<string>();
  const since = builtAt - horizonMs;
  const kept = (agg: CellAgg) => (agg.times[agg.times.length - 1] ?? Number.NEGATIVE_INFINITY) >= since;
  const links = new Map<string, JobLinks[]>();
  for (const s of states) {
    for (const [rowKey, mark] of Object.entries(s.jobs)) {
      keys.add(rowKey);
      if (!mark.l) continue;
      const list = links.get(rowKey);
      if (list) list.push(mark.l);
      else links.set(rowKey, [mark.l]);
    }
    for (const [rowKey, cell] of Object.entries(s.cells)) if (kept(cell.agg)) keys.add(rowKey);
  }
  const linked = linkedServices(
    [...keys].map((rowKey): ServiceJob => {
      const l = links.get(rowKey);
      return l ? { rowKey, links: l } : { rowKey };
    }),
  );
  const rows = [...keys]
    .map((rowKey) => ({ rowKey, svc: linked.get(rowKey)?.name ?? jobNameOfRow(rowKey), k: sortKeys(rowKey) }))
    .sort(
      (a, b) =>
        collator.compare(a.svc, b.svc) ||
        collator.compare(a.k[0], b.k[0]) ||
        collator.compare(a.k[1], b.k[1]) ||
        collator.compare(a.k[2], b.k[2]),
    )
    .map((r) => r.rowKey);
  const rowIndex = new Map(rows.map((rowKey, i) => [rowKey, i]));
  const width = clusters.length;
  const flags = new Uint8Array(rows.length * width);

  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const str = (s: string | undefined): number => {
    if (s === undefined) return -1;
    let i = stringIndex.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      stringIndex.set(s, i);
    }
    return i;
  };
  const kind = (k: ActorKind | undefined): number => (k ? KINDS.indexOf(k) : -1);

  const service = new Int32Array(rows.length).fill(-1);
  const via = new Int32Array(rows.length).fill(-1);
  rows.forEach((rowKey, r) => {
    const of = linked.get(rowKey);
    if (of && of.name !== jobNameOfRow(rowKey)) service[r] = str(of.name);
    if (of?.via) via[r] = rowIndex.get(of.via) ?? -1;
  });

  const list: Array<{ at: number; n: number; agg: CellAgg }> = [];
  states.forEach((s, column) => {
    for (const [rowKey, mark] of Object.entries(s.jobs)) {
      flags[(rowIndex.get(rowKey) as number) * width + column] = PRESENT | (mark.d ? DEGRADED : 0);
    }
    for (const [rowKey, cell] of Object.entries(s.cells)) {
      if (kept(cell.agg))
        list.push({ at: (rowIndex.get(rowKey) as number) * width + column, n: cell.n, agg: cell.agg });
    }
  });
  const count = list.length;
  const timesAt = new Uint32Array(count + 1);
  let total = 0;
  list.forEach((c, k) => {
    timesAt[k] = total;
    total += c.agg.times.length;
  });
  timesAt[count] = total;
  const actorLists = list.map((c) => [
    ...new Set(c.agg.recent.flatMap((r) => (r.actor ? [str(r.actor)] : []))),
  ]);
  const actorsAt = new Uint32Array(count + 1);
  let actorTotal = 0;
  actorLists.forEach((a, k) => {
    actorsAt[k] = actorTotal;
    actorTotal += a.length;
  });
  actorsAt[count] = actorTotal;
  const marked = list.flatMap((c, k) =>
    c.agg.createdAt !== undefined || c.agg.deletedAt !== undefined || c.agg.degradedAt !== undefined
      ? [k]
      : [],
  );
  const rolled = list.flatMap((c, k) => (c.agg.rollout ? [k] : []));
  const causeMarks = list.flatMap((c, k) => (c.agg.causes ?? []).map((m) => [k, m] as const));
  const cells: PackedCells = {
    count,
    at: new Uint32Array(count),
    n: new Uint32Array(count),
    timesAt,
    times: new Float64Array(total),
    newestType: new Uint8Array(count),
    newestActor: new Int32Array(count).fill(-1),
    newestKind: new Int8Array(count).fill(-1),
    actorsAt,
    actors: Int32Array.from(actorLists.flat()),
    markCells: Uint32Array.from(marked),
    marks: new Float64Array(marked.length * 3).fill(Number.NaN),
    rolloutCells: Uint32Array.from(rolled),
    rolloutStrings: new Int32Array(rolled.length * 3).fill(-1),
    rolloutAt: new Float64Array(rolled.length),
    rolloutKind: new Int8Array(rolled.length).fill(-1),
    folded: [],
    causeCells: Uint32Array.from(causeMarks, ([k]) => k),
    causes: new Float64Array(causeMarks.length * 4),
    causeApps: Int32Array.from(causeMarks, ([, m]) => str(m.app)),
  };
  causeMarks.forEach(([, m], i) => {
    cells.causes?.set([m.at, m.lo, m.hi, (m.sync ? 1 : 0) | (m.running ? 2 : 0) | (m.deploy ? 4 : 0)], i * 4);
  });
  list.forEach((c, k) => {
    cells.at[k] = c.at;
    cells.n[k] = c.n;
    cells.times.set(c.agg.times, timesAt[k]);
    const newest = c.agg.recent[0];
    if (newest) {
      cells.newestType[k] = TYPES.indexOf(newest.type);
      cells.newestActor[k] = str(newest.actor);
      cells.newestKind[k] = kind(newest.actorKind);
    }
    for (const [day, n] of Object.entries(c.agg.days ?? {})) cells.folded.push(k, Number(day), n);
  });
  marked.forEach((k, i) => {
    const agg = (list[k] as (typeof list)[number]).agg;
    if (agg.createdAt !== undefined) cells.marks[i * 3] = agg.createdAt;
    if (agg.deletedAt !== undefined) cells.marks[i * 3 + 1] = agg.deletedAt;
    if (agg.degradedAt !== undefined) cells.marks[i * 3 + 2] = agg.degradedAt;
  });
  rolled.forEach((k, i) => {
    const r = (list[k] as (typeof list)[number]).agg.rollout as RolloutMark;
    cells.rolloutStrings.set([str(r.field), str(r.value), str(r.actor)], i * 3);
    cells.rolloutAt[i] = r.at;
    cells.rolloutKind[i] = kind(r.actorKind);
  });
  return { builtAt, clusters, rows, flags, service, via, strings, cells };
}

/** Row r's service by what its jobs say (rules 2–4), and its managing Application's row, if any. */
export function packedService(grid: GridRecord, r: number): { name: string; via?: string } {
  const s = grid.service?.[r] ?? -1;
  const name = s >= 0 ? (grid.strings[s] as string) : jobNameOfRow(grid.rows[r] as string);
  const v = grid.via?.[r] ?? -1;
  return v >= 0 ? { name, via: grid.rows[v] as string } : { name };
}

// ---------------------------------------------------------------------------------------------
// Reading a packed cell

const DAY = 86_400_000;

/** Cell k's newest change time. */
export function packedNewest(grid: GridRecord, k: number): number | undefined {
  const end = grid.cells.timesAt[k + 1] as number;
  return end > (grid.cells.timesAt[k] as number) ? grid.cells.times[end - 1] : undefined;
}

/** How many of cell k's changes happened at or after `since` (lib/aggregate.ts countSince). */
export function packedCountSince(grid: GridRecord, k: number, since: number): number {
  const { times, timesAt } = grid.cells;
  let lo = timesAt[k] as number;
  const end = timesAt[k + 1] as number;
  const first = lo;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) < since) lo = mid + 1;
    else hi = mid;
  }
  let n = end - lo;
  if (lo === first && grid.cells.folded.length) {
    const f = grid.cells.folded;
    for (let i = 0; i < f.length; i += 3)
      if (f[i] === k && (f[i + 1] as number) * DAY >= since) n += f[i + 2] as number;
  }
  return n;
}

/** Where cell k's sparse entries are (built once per grid read). */
interface SparseIndex {
  marks: Map<number, number>;
  rollouts: Map<number, number>;
  /** Cell k's entries in the cause arrays, in order (a cell may hold several). */
  causes: Map<number, number[]>;
}
const sparse = new WeakMap<GridRecord, SparseIndex>();
function sparseOf(grid: GridRecord): SparseIndex {
  let s = sparse.get(grid);
  if (!s) {
    const causes = new Map<number, number[]>();
    grid.cells.causeCells?.forEach((k, i) => {
      const list = causes.get(k);
      if (list) list.push(i);
      else causes.set(k, [i]);
    });
    s = {
      marks: new Map(Array.from(grid.cells.markCells, (k, i) => [k, i])),
      rollouts: new Map(Array.from(grid.cells.rolloutCells, (k, i) => [k, i])),
      causes,
    };
    sparse.set(grid, s);
  }
  return s;
}

const num = (v: number | undefined): number | undefined =>
  v === undefined || Number.isNaN(v) ? undefined : v;
const text = (grid: GridRecord, i: number | undefined): string | undefined =>
  i === undefined || i < 0 ? undefined : grid.strings[i];
const kindOf = (v: number | undefined): ActorKind | undefined =>
  v === undefined || v < 0 ? undefined : KINDS[v];

/** Who made cell k's last few changes. */
export function packedActors(grid: GridRecord, k: number): string[] {
  const { actors, actorsAt } = grid.cells;
  return Array.from(actors.subarray(actorsAt[k], actorsAt[k + 1]), (i) => grid.strings[i] as string);
}

/** Cell k's rollout mark alone, without unpacking the rest (every active cell's is read per build). */
export function packedRollout(grid: GridRecord, k: number): RolloutMark | undefined {
  const i = sparseOf(grid).rollouts.get(k);
  if (i === undefined) return undefined;
  const c = grid.cells;
  const mark: RolloutMark = {
    field: text(grid, c.rolloutStrings[i * 3]) as string,
    value: text(grid, c.rolloutStrings[i * 3 + 1]) as string,
    at: c.rolloutAt[i] as number,
  };
  const actor = text(grid, c.rolloutStrings[i * 3 + 2]);
  const actorKind = kindOf(c.rolloutKind[i]);
  if (actor !== undefined) mark.actor = actor;
  if (actorKind !== undefined) mark.actorKind = actorKind;
  return mark;
}

/** Cell k's cause marks, oldest first (none in a grid packed before they existed). */
export function packedCauses(grid: GridRecord, k: number): CauseMark[] {
  const { causes, causeApps } = grid.cells;
  const out: CauseMark[] = [];
  if (!causes || !causeApps) return out;
  // Through the index, not a scan: a service cell asks for each of its jobs' cells in each column.
  for (const i of sparseOf(grid).causes.get(k) ?? []) {
    const flags = causes[i * 4 + 3] as number;
    const mark: CauseMark = {
      at: causes[i * 4] as number,
      app: text(grid, causeApps[i]) ?? '',
      lo: causes[i * 4 + 1] as number,
      hi: causes[i * 4 + 2] as number,
    };
    if (flags & 1) mark.sync = 1;
    if (flags & 2) mark.running = 1;
    if (flags & 4) mark.deploy = 1;
    out.push(mark);
  }
  return out;
}

/** Cell k as an aggregate (for the few cells a page looks at closely): its newest change only, in brief. */
export function packedAgg(grid: GridRecord, k: number): CellAgg {
  const { cells } = grid;
  const agg: CellAgg = {
    times: Array.from(cells.times.subarray(cells.timesAt[k], cells.timesAt[k + 1])),
    recent: [],
  };
  const m = sparseOf(grid).marks.get(k);
  if (m !== undefined) {
    const createdAt = num(cells.marks[m * 3]);
    const deletedAt = num(cells.marks[m * 3 + 1]);
    const degradedAt = num(cells.marks[m * 3 + 2]);
    if (createdAt !== undefined) agg.createdAt = createdAt;
    if (deletedAt !== undefined) agg.deletedAt = deletedAt;
    if (degradedAt !== undefined) agg.degradedAt = degradedAt;
  }
  const rollout = packedRollout(grid, k);
  if (rollout) agg.rollout = rollout;
  const causes = packedCauses(grid, k);
  if (causes.length) agg.causes = causes;
  const newestAt = packedNewest(grid, k);
  if (newestAt !== undefined) {
    const r: RecentChange = { at: newestAt, type: TYPES[cells.newestType[k] as number] as ChangeType };
    const actor = text(grid, cells.newestActor[k]);
    const actorKind = kindOf(cells.newestKind[k]);
    if (actor !== undefined) r.actor = actor;
    if (actorKind !== undefined) r.actorKind = actorKind;
    agg.recent.push(r);
  }
  const f = cells.folded;
  for (let i = 0; i < f.length; i += 3) {
    if (f[i] !== k) continue;
    agg.days ??= {};
    agg.days[f[i + 1] as number] = f[i + 2] as number;
  }
  return agg;
}

// ---------------------------------------------------------------------------------------------
// Storing

/** A small record written with each grid: pages watch it, not the (large) grid itself. */
export const GRID_STAMP_KEY = 'grid-at';

/** Stores a grid and its stamp. Call inside a transaction that includes `db.meta`. */
export async function saveGrid(db: TattlerDb, grid: GridRecord): Promise<void> {
  await db.meta.bulkPut([
    { key: GRID_KEY, value: grid },
    { key: GRID_STAMP_KEY, value: grid.builtAt },
  ]);
}

/** Rebuilds the grid record from every cluster's state. */
export async function rebuildGrid(db: TattlerDb, now: number): Promise<GridRecord> {
  return db.transaction('rw', [db.states, db.meta], async () => {
    const grid = packGrid(await db.states.toArray(), now);
    await saveGrid(db, grid);
    return grid;
  });
}

export async function readGrid(db: TattlerDb): Promise<GridRecord | undefined> {
  return (await db.meta.get(GRID_KEY))?.value as GridRecord | undefined;
}

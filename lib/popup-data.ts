/**
 * What the popup reads from IndexedDB: at open, the clusters, the recent poll runs and the packed
 * grid (lib/store/grid.ts: where every job runs and every cell's history in brief) — a handful
 * of records, whatever the size of the history; a cell's changes only when its detail opens.
 * It re-reads when a pass ends or the grid is rebuilt (a small stamp it watches), never per
 * cluster a pass writes. The popup entrypoint hands `popupData(db)` to the grid; components never
 * see the database.
 */
import { pollRunsSince, type TattlerDb } from './db';
import { isOperation, joinCauses, syncLookup } from './identity/cause';
import { type Live, liveOn } from './live';
import type { PassSummary } from './messages';
import { LAST_PASS_KEY, lastPass } from './meta';
import type { Change, Cluster, PollRun } from './model';
import { changesBetween, changesOfCell } from './store/changes';
import { GRID_STAMP_KEY, type GridRecord, readGrid } from './store/grid';

export interface PopupView {
  clusters: Cluster[];
  polls: PollRun[];
  /** The last pass's summary, as stored (the background may be asleep). */
  lastPass?: PassSummary;
  /** Undefined until the first pass stored something. */
  grid?: GridRecord;
}

const DAY = 86_400_000;

/** Poll runs reach back a day even for short windows: the header shows each cluster's latest state. */
export async function loadView(db: TattlerDb, since: number, now = Date.now()): Promise<PopupView> {
  const [clusters, polls, grid, last] = await Promise.all([
    db.clusters.toArray(),
    pollRunsSince(db, Math.min(since, now - DAY)),
    readGrid(db),
    lastPass(db),
  ]);
  performance.mark('tattler:view-loaded');
  return { clusters, polls, ...(grid ? { grid } : {}), ...(last ? { lastPass: last } : {}) };
}

/** The popup's reads, without the database showing through. */
export interface PopupData {
  /** The view, live: `since` is fixed per window choice; the model ages heat itself. */
  view(since: number): Live<PopupView>;
  /** One cell's changes since `since`, newest first: what its detail lists (over the column's clusters). */
  cellChanges(rowKey: string, clusterIds: readonly string[], since: number): Promise<Change[]>;
  /**
   * The changes a detail lists, as they are shown: each change an Argo CD sync caused joined with
   * that sync (lib/identity/cause.ts), the sync no longer an item of its own. `changes` are what
   * the detail read (one cell's, or several jobs' cells of a service, merged, newest first);
   * `place` every cluster of the column — the one cluster identity the sync must have run in (its
   * Argo CD destination may list none of the row's jobs). The syncs are read from where they are
   * stored, so the pair is one change whichever was recorded first.
   */
  withCauses(changes: readonly Change[], place: readonly string[]): Promise<Change[]>;
}

/** See PopupData.withCauses. */
export async function withCauses(
  db: TattlerDb,
  changes: readonly Change[],
  place: readonly string[],
): Promise<Change[]> {
  const span = syncLookup(changes);
  if (!span) return [...changes];
  const here = new Set(place);
  for (const c of changes) here.add(c.clusterId);
  const syncs = (await changesBetween(db, span[0], span[1])).filter(
    (c) => isOperation(c) && here.has(c.clusterId),
  );
  return joinCauses(changes, (id) => (here.has(id) ? 'place' : undefined), syncs);
}

export const popupData = (db: TattlerDb): PopupData => ({
  view: (since) =>
    liveOn(
      () => db.meta.bulkGet([GRID_STAMP_KEY, LAST_PASS_KEY]),
      () => loadView(db, since),
    ),
  cellChanges: async (rowKey, clusterIds, since) => {
    const lists = await Promise.all(clusterIds.map((id) => changesOfCell(db, rowKey, id, since)));
    return lists.length === 1 ? (lists[0] as Change[]) : lists.flat().sort((a, b) => b.at - a.at);
  },
  withCauses: (changes, place) => withCauses(db, changes, place),
});

/**
 * What the popup reads from IndexedDB: at open, the clusters, the recent poll runs and the packed
 * grid (lib/store/grid.ts: where every job runs and every cell's history in brief) — a handful
 * of records, whatever the size of the history; a cell's changes only when its detail opens.
 * It re-reads when a pass ends or the grid is rebuilt (a small stamp it watches), never per
 * cluster a pass writes. The popup entrypoint hands `popupData(db)` to the grid; components never
 * see the database.
 */
import { pollRunsSince, type TattlerDb } from './db';
import { joinCauses, syncLookup } from './identity/cause';
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
  /**
   * One cell's changes since `since`, newest first: what its detail lists — over the column's
   * clusters, and over several jobs when the row stands for several (a service: its Application
   * and its Deployments). A change an Argo CD sync caused is read with that sync, as one change
   * (lib/identity/cause.ts): `place` is every cluster of the column, the one cluster identity the
   * sync must have run in (its Argo CD destination may list none of the row's jobs).
   */
  cellChanges(
    rowKeys: string | readonly string[],
    clusterIds: readonly string[],
    since: number,
    place?: readonly string[],
  ): Promise<Change[]>;
}

/** The changes of several jobs in several clusters since `since`, newest first, each sync read with what it caused. */
export async function changesOfCells(
  db: TattlerDb,
  rowKeys: readonly string[],
  clusterIds: readonly string[],
  since: number,
  place: readonly string[] = clusterIds,
): Promise<Change[]> {
  const lists = await Promise.all(
    rowKeys.flatMap((rowKey) => clusterIds.map((id) => changesOfCell(db, rowKey, id, since))),
  );
  const changes = lists.length === 1 ? (lists[0] as Change[]) : lists.flat().sort((a, b) => b.at - a.at);
  // The syncs that may have caused them, wherever they are stored (the Application's own row).
  const span = syncLookup(changes);
  if (!span) return changes;
  const inPlace = new Set([...place, ...clusterIds]);
  const syncs = (await changesBetween(db, span[0], span[1])).filter(
    (c) => c.sync && inPlace.has(c.clusterId),
  );
  return joinCauses(changes, (id) => (inPlace.has(id) ? 'place' : undefined), syncs);
}

export const popupData = (db: TattlerDb): PopupData => ({
  view: (since) =>
    liveOn(
      () => db.meta.bulkGet([GRID_STAMP_KEY, LAST_PASS_KEY]),
      () => loadView(db, since),
    ),
  cellChanges: (rowKeys, clusterIds, since, place) =>
    changesOfCells(db, typeof rowKeys === 'string' ? [rowKeys] : rowKeys, clusterIds, since, place),
});

/**
 * The changes an open cell detail lists, read on demand (lib/popup-data.ts `cellChanges`): the
 * grid paints from aggregates and never holds changes. A service row's cell reads each of its
 * jobs' cells in the column (HeatCell.parts) and lists them together, newest first. Re-read when
 * the cell's count or newest change moves (a pass landed while the detail is open) or the window
 * changes.
 */
import { useEffect, useState } from 'preact/hooks';
import type { HeatCell } from '../../lib/heat/types';
import type { Change } from '../../lib/model';
import type { PopupData } from '../../lib/popup-data';

/** What a cell's detail reads: its own cell, or its jobs' cells. */
const partsOf = (cell: HeatCell): readonly { rowKey: string; clusterIds: readonly string[] }[] =>
  cell.parts ?? [{ rowKey: cell.row.rowKey, clusterIds: cell.clusterIds }];

/** Undefined while loading (or without a cell). */
export function useCellChanges(
  data: PopupData,
  cell: HeatCell | undefined,
  windowStart: number | undefined,
): readonly Change[] | undefined {
  const [changes, setChanges] = useState<{ key: string; list: readonly Change[] }>();
  // A column of several clusters (one place seen through several sources) lists them all.
  const parts = cell ? partsOf(cell) : undefined;
  // The whole column is one place: an Argo CD sync that caused a change here ran in one of them.
  const place = cell?.column.members.map((m) => m.cluster.id);
  const key = `${parts?.map((p) => `${p.rowKey}\u0000${p.clusterIds.join('\u0001')}`).join('\u0002')}\u0000${place?.join('\u0001')}\u0000${windowStart}\u0000${cell?.count}\u0000${cell?.newest?.at}`;
  useEffect(() => {
    if (parts === undefined || windowStart === undefined) return;
    let live = true;
    Promise.all(parts.map((p) => data.cellChanges(p.rowKey, p.clusterIds, windowStart)))
      .then((lists) =>
        lists.length === 1 ? (lists[0] as Change[]) : lists.flat().sort((x, y) => y.at - x.at),
      )
      // A change an Argo CD sync caused is listed once, with the sync (lib/identity/cause.ts): in a
      // service's cell the sync is one of its jobs' changes, and is folded into the one it caused.
      .then((list) => data.withCauses(list, place ?? parts.flatMap((p) => p.clusterIds)))
      .then(
        (list) => {
          if (live) setChanges({ key, list });
        },
        () => {
          if (live) setChanges({ key, list: [] });
        },
      );
    return () => {
      live = false;
    };
  }, [data, key]);
  return changes?.key === key ? changes.list : undefined;
}

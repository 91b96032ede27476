/**
 * The changes an open cell detail lists, read on demand (lib/popup-data.ts `cellChanges`): the
 * grid paints from aggregates and never holds changes. Re-read when the cell's count or newest
 * change moves (a pass landed while the detail is open) or the window changes.
 */
import { useEffect, useState } from 'preact/hooks';
import type { HeatCell } from '../../lib/heat/types';
import type { Change } from '../../lib/model';
import type { PopupData } from '../../lib/popup-data';

/** Undefined while loading (or without a cell). */
export function useCellChanges(
  data: PopupData,
  cell: HeatCell | undefined,
  windowStart: number | undefined,
): readonly Change[] | undefined {
  const [changes, setChanges] = useState<{ key: string; list: readonly Change[] }>();
  const rowKey = cell?.row.rowKey;
  // A column of several clusters (one place seen through several sources) lists them all.
  const clusterIds = cell?.clusterIds;
  // The whole column is one place: an Argo CD sync that caused a change here ran in one of them.
  const place = cell?.column.members.map((m) => m.cluster.id);
  const key = `${rowKey}\u0000${clusterIds?.join('\u0001')}\u0000${place?.join('\u0001')}\u0000${windowStart}\u0000${cell?.count}\u0000${cell?.newest?.at}`;
  useEffect(() => {
    if (rowKey === undefined || clusterIds === undefined || windowStart === undefined) return;
    let live = true;
    data
      .cellChanges(rowKey, clusterIds, windowStart)
      // A change an Argo CD sync caused is listed once, with the sync (lib/identity/cause.ts).
      .then((list) => data.withCauses(list, place ?? clusterIds))
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

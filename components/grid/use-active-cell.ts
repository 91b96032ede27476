/**
 * The grid's active cell (the one that holds the roving focus), kept by job and cluster, not by
 * position: with rows ordered by their latest change, a pass that lands reorders them, and focus
 * must stay on the same cell. `keysAt` tells which job and cluster a position shows now; it reads
 * the latest rows through a ref, so callbacks built on it never re-render the memoized grid.
 */
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import type { HeatIndex } from '../../lib/heat/types';
import { clampPosition, type GridPos, HEADER_COL } from './keys';

export interface CellKeys {
  rowKey: string;
  /** The column's identity; '' for the row header. */
  clusterId: string;
}

export function useActiveCell(index: HeatIndex | undefined, rows: readonly number[]) {
  const [activeAt, setActiveAt] = useState<CellKeys & { pos: GridPos }>();
  const colCount = index?.columns.length ?? 0;
  const viewPos = useMemo(() => {
    const m = new Map<string, number>();
    rows.forEach((r, i) => {
      const row = index?.rows[r];
      if (row) m.set(row.rowKey, i);
    });
    return m;
  }, [rows, index]);
  const activeRow = activeAt ? (viewPos.get(activeAt.rowKey) ?? activeAt.pos.row) : 0;
  const activeCol = activeAt
    ? activeAt.clusterId === ''
      ? HEADER_COL
      : (index?.columnIndexOf(activeAt.clusterId) ?? activeAt.pos.col)
    : 0;
  const active = useMemo(
    () => clampPosition({ row: activeRow, col: activeCol }, { rows: rows.length, cols: colCount }),
    [activeRow, activeCol, rows.length, colCount],
  );

  const latest = useRef({ index, rows });
  latest.current = { index, rows };
  const keysAt = useCallback((pos: GridPos): CellKeys | undefined => {
    const { index: idx, rows: list } = latest.current;
    const r = list[pos.row];
    const row = r === undefined ? undefined : idx?.rows[r];
    if (row && pos.col === HEADER_COL) return { rowKey: row.rowKey, clusterId: '' };
    const col = idx?.columns[pos.col];
    return row && col ? { rowKey: row.rowKey, clusterId: col.id } : undefined;
  }, []);
  const onActiveChange = useCallback(
    (pos: GridPos) => {
      const at = keysAt(pos);
      if (at) setActiveAt({ ...at, pos });
    },
    [keysAt],
  );
  return { active, keysAt, onActiveChange };
}

/**
 * Where a key moves the focus in the grid (the WAI-ARIA grid pattern's keys): arrows by one
 * cell, Home/End to the row's ends (with Ctrl, the grid's), PageUp/PageDown by a screenful.
 * Pure, so the rules are tested without a DOM.
 */

export interface GridPos {
  row: number;
  /** A column, or HEADER_COL: the row's header (a service row's expand button). */
  col: number;
}

/** The row header's position: left of the first column, reached with ArrowLeft. */
export const HEADER_COL = -1;

export interface GridSize {
  rows: number;
  cols: number;
  /** Rows in one screenful, for PageUp/PageDown. */
  pageRows: number;
}

const clamp = (n: number, max: number, min = 0) => Math.max(min, Math.min(max, n));

/** The new position, or undefined when the key is not a grid key (let it through). */
export function nextPosition(pos: GridPos, key: string, size: GridSize, ctrl = false): GridPos | undefined {
  if (size.rows === 0 || size.cols === 0) return undefined;
  const lastRow = size.rows - 1;
  const lastCol = size.cols - 1;
  const page = Math.max(1, size.pageRows);
  switch (key) {
    case 'ArrowUp':
      return { row: clamp(pos.row - 1, lastRow), col: pos.col };
    case 'ArrowDown':
      return { row: clamp(pos.row + 1, lastRow), col: pos.col };
    case 'ArrowLeft':
      return { row: pos.row, col: clamp(pos.col - 1, lastCol, HEADER_COL) };
    case 'ArrowRight':
      return { row: pos.row, col: clamp(pos.col + 1, lastCol) };
    case 'Home':
      return ctrl ? { row: 0, col: 0 } : { row: pos.row, col: 0 };
    case 'End':
      return ctrl ? { row: lastRow, col: lastCol } : { row: pos.row, col: lastCol };
    case 'PageUp':
      return { row: clamp(pos.row - page, lastRow), col: pos.col };
    case 'PageDown':
      return { row: clamp(pos.row + page, lastRow), col: pos.col };
    default:
      return undefined;
  }
}

/** Keeps a position inside a grid that shrank (a filter, a pass that removed a job). */
export const clampPosition = (pos: GridPos, size: Pick<GridSize, 'rows' | 'cols'>): GridPos => ({
  row: clamp(pos.row, Math.max(0, size.rows - 1)),
  col: clamp(pos.col, Math.max(0, size.cols - 1), HEADER_COL),
});

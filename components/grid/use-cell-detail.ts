/**
 * The cell detail's state: a preview on hover or focus (hidden a moment after the pointer
 * leaves, unless it moves onto the detail), pinned on click or Enter, closed by Escape or its
 * close button — then focus returns to the cell, and that focus must not reopen a preview. The
 * detail sits on the side of the grid away from the cell.
 */
import { useCallback, useRef, useState } from 'preact/hooks';
import type { HeatCell, HeatIndex } from '../../lib/heat/types';
import type { GridPos } from './keys';
import type { CellKeys } from './use-active-cell';

interface Detail extends CellKeys {
  pinned: boolean;
  side: 'left' | 'right';
}

const HIDE_AFTER_MS = 250;

export function useCellDetail(index: HeatIndex | undefined, keysAt: (pos: GridPos) => CellKeys | undefined) {
  const [detail, setDetail] = useState<Detail>();
  const detailRef = useRef(detail);
  detailRef.current = detail;
  const [focusToken, setFocusToken] = useState(0);
  const areaRef = useRef<HTMLElement>(null);
  const hideTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const skipFocusPreview = useRef(false);

  const sideOf = useCallback((anchor: HTMLElement | undefined): 'left' | 'right' => {
    const area = areaRef.current?.getBoundingClientRect();
    const box = anchor?.getBoundingClientRect();
    if (!area || !box || area.width === 0) return 'right';
    return box.left + box.width / 2 - area.left > area.width / 2 ? 'left' : 'right';
  }, []);
  const cancelHide = useCallback(() => clearTimeout(hideTimer.current), []);
  const scheduleHide = useCallback(() => {
    clearTimeout(hideTimer.current);
    hideTimer.current = setTimeout(() => setDetail((d) => (d?.pinned ? d : undefined)), HIDE_AFTER_MS);
  }, []);

  const onPreview = useCallback(
    (pos: GridPos | undefined, anchor?: HTMLElement) => {
      if (!pos) return scheduleHide();
      if (skipFocusPreview.current) {
        skipFocusPreview.current = false;
        return;
      }
      const at = keysAt(pos);
      if (!at) return;
      cancelHide();
      setDetail((d) =>
        d?.pinned
          ? d
          : d && d.rowKey === at.rowKey && d.clusterId === at.clusterId
            ? d
            : { ...at, pinned: false, side: sideOf(anchor) },
      );
    },
    [keysAt, sideOf, scheduleHide, cancelHide],
  );
  const onOpen = useCallback(
    (pos: GridPos, anchor: HTMLElement) => {
      const at = keysAt(pos);
      if (!at) return;
      cancelHide();
      setDetail({ ...at, pinned: true, side: sideOf(anchor) });
    },
    [keysAt, sideOf, cancelHide],
  );
  const close = useCallback(() => {
    if (detailRef.current?.pinned) {
      // Focus goes back to the cell; that focus must not reopen a preview.
      skipFocusPreview.current = true;
      setFocusToken((t) => t + 1);
    }
    setDetail(undefined);
  }, []);

  const row = detail && index ? index.rowIndexOf(detail.rowKey) : undefined;
  const col = detail && index ? index.columnIndexOf(detail.clusterId) : undefined;
  const cell: HeatCell | undefined =
    index && row !== undefined && col !== undefined ? index.cell(row, col) : undefined;
  return { detail, cell, areaRef, focusToken, onPreview, onOpen, close, cancelHide, scheduleHide };
}

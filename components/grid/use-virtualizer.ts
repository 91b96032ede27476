/**
 * A small Preact binding for @tanstack/virtual-core's Virtualizer (the library ships adapters
 * for React, Vue, Solid … but not Preact). The grid uses two over one scroll element: one for
 * rows (vertical), one for columns (horizontal).
 */
import {
  defaultRangeExtractor,
  elementScroll,
  observeElementOffset,
  observeElementRect,
  type Range,
  type Rect,
  Virtualizer,
  type VirtualizerOptions,
} from '@tanstack/virtual-core';
import { useLayoutEffect, useReducer, useState } from 'preact/hooks';

export type ElementVirtualizer = Virtualizer<HTMLElement, HTMLElement>;

export type VirtualOptions = Pick<
  VirtualizerOptions<HTMLElement, HTMLElement>,
  'count' | 'getScrollElement' | 'estimateSize'
> &
  Partial<VirtualizerOptions<HTMLElement, HTMLElement>>;

/**
 * Before layout (and in DOM emulations without layout) an element measures 0 × 0, and the
 * virtualizer would render nothing. Assume the largest popup (800 × 600) until a real size
 * arrives: a few cells too many for one frame, never an empty grid.
 */
export const FALLBACK_RECT: Rect = { width: 800, height: 600 };

const observeRectWithFallback: VirtualizerOptions<HTMLElement, HTMLElement>['observeElementRect'] = (
  instance,
  cb,
) =>
  observeElementRect(instance, (rect) =>
    cb({ width: rect.width || FALLBACK_RECT.width, height: rect.height || FALLBACK_RECT.height }),
  );

/** A range extractor that always includes `pinned` (the focused cell must stay mounted to keep focus). */
export function rangeWithPinned(pinned: number | undefined) {
  return (range: Range): number[] => {
    const indexes = defaultRangeExtractor(range);
    if (pinned === undefined || pinned < 0 || pinned >= range.count || indexes.includes(pinned))
      return indexes;
    return [...indexes, pinned].sort((a, b) => a - b);
  };
}

export function useVirtualizer(options: VirtualOptions): ElementVirtualizer {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const resolved: VirtualizerOptions<HTMLElement, HTMLElement> = {
    observeElementRect: observeRectWithFallback,
    observeElementOffset,
    scrollToFn: elementScroll,
    initialRect: FALLBACK_RECT,
    ...options,
    onChange: (instance, sync) => {
      // Preact batches state updates into the next microtask: soon enough for scrolling.
      rerender(0);
      options.onChange?.(instance, sync);
    },
  };
  const [virtualizer] = useState(() => new Virtualizer(resolved));
  virtualizer.setOptions(resolved);
  useLayoutEffect(() => virtualizer._didMount(), [virtualizer]);
  // Every render: picks up a new scroll element and re-measures (the library's adapter contract).
  useLayoutEffect(() => {
    virtualizer._willUpdate();
  });
  return virtualizer;
}

/**
 * The popup's grid model, live: the history's reads (use-grid-data.ts) → where jobs run → the
 * heat index (lib/heat/) for the chosen window and the clock's tick → the rows the filter shows.
 */
import { useMemo } from 'preact/hooks';
import { buildHeatIndex } from '../../lib/heat/build';
import { presenceFromKeys, viewRows } from '../../lib/heat/rows';
import type { RowFilter } from '../../lib/heat/types';
import type { PopupData } from '../../lib/popup-data';
import type { Settings } from '../../lib/settings';
import { useGridData } from './use-grid-data';

export function useHeatModel(options: {
  source: PopupData;
  settings: Settings;
  windowMs: number;
  clock: () => number;
  /** Changes with each clock tick, so heat fades without new data. */
  tick: number;
  filter: RowFilter;
  /** Snapshots are read for their health only once the complete grid is on screen. */
  complete: boolean;
}) {
  const { source, settings, windowMs, clock, tick, filter, complete } = options;
  // The query's start moves only with the window choice, not with every clock reading.
  const since = useMemo(() => clock() - windowMs, [windowMs]);
  const data = useGridData(source, since, complete);
  const activity = data.activity.value;
  const keys = data.jobKeys.value;
  const degraded = data.degraded.value;
  const presence = useMemo(
    () =>
      activity && keys
        ? presenceFromKeys(keys, new Set(activity.clusters.map((c) => c.id)), degraded)
        : undefined,
    [activity?.clusters, keys, degraded],
  );
  const sourceNames = useMemo(
    () => Object.fromEntries(settings.sources.map((s) => [s.id, s.name])),
    [settings.sources],
  );
  // `tick` re-reads the clock so heat fades without new data.
  const index = useMemo(() => {
    if (!activity) return undefined;
    return buildHeatIndex({
      clusters: activity.clusters,
      ...(presence ? { jobs: presence } : {}),
      changes: activity.changes,
      polls: activity.polls,
      windowMs,
      now: clock(),
      sourceNames,
    });
  }, [activity, presence, windowMs, tick, sourceNames]);
  const rows = useMemo(() => (index ? viewRows(index, filter) : []), [index, filter]);
  return { activity, error: data.activity.error ?? data.jobKeys.error, index, rows };
}

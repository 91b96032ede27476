/**
 * The popup's grid model, live: the history's view (lib/popup-data.ts: clusters, poll runs and
 * the packed grid, re-read when a pass ends) → the heat index (lib/heat/) for the chosen window
 * and the clock's tick → the rows the filter shows.
 */
import { useMemo } from 'preact/hooks';
import { buildHeatIndex } from '../../lib/heat/build';
import { viewRows } from '../../lib/heat/rows';
import type { RowFilter } from '../../lib/heat/types';
import { identityRulesOf } from '../../lib/identity/clusters';
import type { PopupData } from '../../lib/popup-data';
import type { Settings } from '../../lib/settings';
import { useLive } from '../common/use-live';

export function useHeatModel(options: {
  source: PopupData;
  settings: Settings;
  windowMs: number;
  clock: () => number;
  /** Changes with each clock tick, so heat fades without new data. */
  tick: number;
  filter: RowFilter;
}) {
  const { source, settings, windowMs, clock, tick, filter } = options;
  // The query's start moves only with the window choice, not with every clock reading.
  const since = useMemo(() => clock() - windowMs, [windowMs]);
  const view = useLive(() => source.view(since), [source, since]);
  const activity = view.value;
  const sourceNames = useMemo(
    () => Object.fromEntries(settings.sources.map((s) => [s.id, s.name])),
    [settings.sources],
  );
  // One column per cluster across sources (lib/identity/clusters.ts).
  const identity = useMemo(() => identityRulesOf(settings), [settings.sources, settings.clusterAliases]);
  // `tick` re-reads the clock so heat fades without new data.
  const index = useMemo(() => {
    if (!activity) return undefined;
    return buildHeatIndex({
      clusters: activity.clusters,
      ...(activity.grid ? { grid: activity.grid } : {}),
      polls: activity.polls,
      windowMs,
      now: clock(),
      sourceNames,
      identity,
      serviceRules: settings.serviceRules,
    });
  }, [activity, windowMs, tick, sourceNames, identity, settings.serviceRules]);
  const rows = useMemo(() => (index ? viewRows(index, filter) : []), [index, filter]);
  return { activity, error: view.error, index, rows };
}

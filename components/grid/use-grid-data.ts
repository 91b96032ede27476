/**
 * The popup's live reads (lib/popup-data.ts) as one hook. `withDegraded`: read the snapshots for
 * their health — the caller turns it on after the first paint, so 200,000 snapshots never stand
 * between opening the popup and seeing the grid.
 */
import type { Activity, PopupData } from '../../lib/popup-data';
import { type LiveResult, useLive } from '../common/use-live';

export interface GridData {
  activity: LiveResult<Activity>;
  jobKeys: LiveResult<string[]>;
  degraded: LiveResult<Set<string>>;
}

export function useGridData(data: PopupData, since: number, withDegraded: boolean): GridData {
  const activity = useLive(() => data.activity(since), [data, since]);
  const jobKeys = useLive(() => data.jobKeys(), [data]);
  const ready = withDegraded && jobKeys.value !== undefined;
  const degraded = useLive(() => (ready ? data.degradedKeys() : null), [data, ready]);
  return { activity, jobKeys, degraded: ready ? degraded : {} };
}

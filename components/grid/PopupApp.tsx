/**
 * The popup: settings → the right empty state, or the live heat grid with its header, legend
 * and cell detail. Everything browser-specific comes in as props (data, api, clock), so the whole
 * popup runs under happy-dom and fake-indexeddb in tests.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { buildHeatIndex } from '../../lib/heat/build';
import { presenceFromKeys, viewRows } from '../../lib/heat/rows';
import { heatCssVariables } from '../../lib/heat/scale';
import type { RowFilter, RowSort } from '../../lib/heat/types';
import { DEFAULT_WINDOW, type WindowId, windowById } from '../../lib/heat/windows';
import type { PopupData } from '../../lib/popup-data';
import type { Parsed, Settings } from '../../lib/settings';
import { memo } from '../common/memo';
import { useClock } from '../common/use-clock';
import { CellDetail } from './CellDetail';
import { NoClusters, NoMatch, NoSources, NothingChanged, SettingsBroken } from './EmptyState';
import { HeatGrid, type HeatGridProps } from './HeatGrid';
import { clampPosition, type GridPos } from './keys';
import { Legend } from './Legend';
import { pollState } from './poll-state';
import { PollBar, Toolbar } from './Toolbar';
import { useGridData } from './use-grid-data';
import { type SendMessage, usePassStatus } from './use-pass-status';

export type PaintPhase = 'first' | 'complete';

export interface PopupApi {
  sendMessage: SendMessage;
  openOptionsPage(): void | Promise<void>;
}

export interface PopupAppProps {
  /** The history's live reads (lib/popup-data.ts `popupData(db)`). */
  data: PopupData;
  settings: Parsed<Settings>;
  api: PopupApi;
  initialWindow?: WindowId;
  onWindowChange?(id: WindowId): void;
  clock?: () => number;
  /** Replaces the built-in "nothing to watch yet" panel (e.g. a first-run guide with a demo). */
  noSources?: ComponentChildren;
  /**
   * Called after frames are painted: `first` — the first frame with real data (the window's
   * changes, or an empty state); `complete` — the first frame that also knows where every job
   * runs (absent marks, all rows). Both at once when there is nothing to load in two steps.
   */
  onPainted?(phase: PaintPhase): void;
}

const MemoGrid = memo<HeatGridProps>(HeatGrid);

/** Heat fades and relative times age while the popup stays open. */
const TICK_MS = 30_000;

/** Calls `then` once, after the first frame painted with `ready` true. */
function usePaintedOnce(ready: boolean, then: () => void) {
  const done = useRef(false);
  useEffect(() => {
    if (!ready || done.current) return;
    done.current = true;
    // rAF runs just before the frame is painted; a task queued from it runs just after.
    requestAnimationFrame(() => setTimeout(then, 0));
  }, [ready, then]);
}

function Shell({ children }: { children: ComponentChildren }) {
  return (
    <div class="app">
      <style>{heatCssVariables()}</style>
      {children}
    </div>
  );
}

export function PopupApp(props: PopupAppProps) {
  const openOptions = () => void props.api.openOptionsPage();
  const settings = props.settings;
  const nothingToWatch = !settings.ok || settings.value.sources.length === 0;
  const onPainted = props.onPainted;
  const paintedEmpty = useCallback(() => {
    onPainted?.('first');
    onPainted?.('complete');
  }, [onPainted]);
  usePaintedOnce(nothingToWatch, paintedEmpty);
  if (!settings.ok) {
    return (
      <Shell>
        <SettingsBroken errors={settings.errors} onOpenOptions={openOptions} />
      </Shell>
    );
  }
  if (settings.value.sources.length === 0) {
    return <Shell>{props.noSources ?? <NoSources onOpenOptions={openOptions} />}</Shell>;
  }
  return (
    <Shell>
      <Watching {...props} settings={settings.value} />
    </Shell>
  );
}

interface Detail {
  rowKey: string;
  clusterId: string;
  pinned: boolean;
  side: 'left' | 'right';
}

function Watching(props: Omit<PopupAppProps, 'settings'> & { settings: Settings }) {
  const clock = props.clock ?? Date.now;
  const tick = useClock(TICK_MS, clock);
  const [windowId, setWindowId] = useState<WindowId>(props.initialWindow ?? DEFAULT_WINDOW);
  const win = windowById(windowId);
  // The query's start moves only with the window choice, not with every clock reading.
  const since = useMemo(() => clock() - win.ms, [win.ms]);
  // Snapshots are read for their health only once the complete grid is on screen.
  const [complete, setComplete] = useState(false);
  const data = useGridData(props.data, since, complete);
  const pass = usePassStatus(props.api.sendMessage);
  const [text, setText] = useState('');
  const [changedOnly, setChangedOnly] = useState(false);
  const [sort, setSort] = useState<RowSort>('recent');

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
    () => Object.fromEntries(props.settings.sources.map((s) => [s.id, s.name])),
    [props.settings.sources],
  );
  // `tick` re-reads the clock so heat fades without new data.
  const index = useMemo(() => {
    if (!activity) return undefined;
    return buildHeatIndex({
      clusters: activity.clusters,
      ...(presence ? { jobs: presence } : {}),
      changes: activity.changes,
      polls: activity.polls,
      windowMs: win.ms,
      now: clock(),
      sourceNames,
    });
  }, [activity, presence, win.ms, tick, sourceNames]);
  const filter: RowFilter = useMemo(() => ({ text, changedOnly, sort }), [text, changedOnly, sort]);
  const rows = useMemo(() => (index ? viewRows(index, filter) : []), [index, filter]);
  const now = index?.now ?? tick;
  const polling = useMemo(
    () => pollState(activity?.clusters ?? [], activity?.polls ?? [], pass.status),
    [activity, pass.status],
  );

  // The active cell is kept by job and cluster, not by position: with rows ordered by their
  // latest change, a pass that lands reorders them, and focus must stay on the same cell.
  const [activeAt, setActiveAt] = useState<{ rowKey: string; clusterId: string; pos: GridPos }>();
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
  const activeCol = activeAt ? (index?.columnIndexOf(activeAt.clusterId) ?? activeAt.pos.col) : 0;
  const active = useMemo(
    () => clampPosition({ row: activeRow, col: activeCol }, { rows: rows.length, cols: colCount }),
    [activeRow, activeCol, rows.length, colCount],
  );
  const [detail, setDetail] = useState<Detail>();
  const detailRef = useRef(detail);
  detailRef.current = detail;
  const [focusToken, setFocusToken] = useState(0);
  const areaRef = useRef<HTMLElement>(null);
  const hideTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const skipFocusPreview = useRef(false);

  const onPainted = props.onPainted;
  const paintedFirst = useCallback(() => onPainted?.('first'), [onPainted]);
  const paintedComplete = useCallback(() => {
    setComplete(true);
    onPainted?.('complete');
  }, [onPainted]);
  usePaintedOnce(index !== undefined, paintedFirst);
  usePaintedOnce(index?.presenceKnown === true, paintedComplete);

  // Callbacks read the latest rows/index through a ref, so the memoized grid is not re-rendered
  // by a hover.
  const latest = useRef({ index, rows });
  latest.current = { index, rows };
  const keysAt = useCallback((pos: GridPos) => {
    const { index: idx, rows: list } = latest.current;
    const r = list[pos.row];
    const col = idx?.columns[pos.col];
    const row = r === undefined ? undefined : idx?.rows[r];
    return row && col ? { rowKey: row.rowKey, clusterId: col.id } : undefined;
  }, []);
  const sideOf = useCallback((anchor: HTMLElement | undefined): 'left' | 'right' => {
    const area = areaRef.current?.getBoundingClientRect();
    const box = anchor?.getBoundingClientRect();
    if (!area || !box || area.width === 0) return 'right';
    return box.left + box.width / 2 - area.left > area.width / 2 ? 'left' : 'right';
  }, []);
  const cancelHide = useCallback(() => clearTimeout(hideTimer.current), []);
  const scheduleHide = useCallback(() => {
    clearTimeout(hideTimer.current);
    hideTimer.current = setTimeout(() => setDetail((d) => (d?.pinned ? d : undefined)), 250);
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
  const onActiveChange = useCallback(
    (pos: GridPos) => {
      const at = keysAt(pos);
      if (at) setActiveAt({ ...at, pos });
    },
    [keysAt],
  );

  const chooseWindow = (id: WindowId) => {
    setWindowId(id);
    props.onWindowChange?.(id);
  };

  const header = (
    <header class="top">
      <div class="toolbar">
        <h1 class="brand">Tattler</h1>
        <Toolbar
          filters={index !== undefined && index.columns.length > 0}
          text={text}
          onText={setText}
          windowId={windowId}
          onWindow={chooseWindow}
          changedOnly={changedOnly}
          onChangedOnly={setChangedOnly}
          sort={sort}
          onSort={setSort}
        />
      </div>
      <PollBar
        state={polling}
        now={now}
        busy={pass.busy}
        {...(pass.error ? { error: pass.error } : {})}
        onPollNow={pass.pollNow}
      />
    </header>
  );

  if (data.activity.error || data.jobKeys.error) {
    return (
      <>
        {header}
        <p class="notice error" role="alert">
          Could not read the history: {String((data.activity.error ?? data.jobKeys.error) as Error)}
        </p>
      </>
    );
  }
  if (!index) {
    return (
      <>
        {header}
        <p class="notice" aria-busy="true">
          Loading…
        </p>
      </>
    );
  }
  if (index.columns.length === 0) {
    return (
      <>
        {header}
        <NoClusters />
      </>
    );
  }

  const detailRow = detail ? index.rowIndexOf(detail.rowKey) : undefined;
  const detailCol = detail ? index.columnIndexOf(detail.clusterId) : undefined;
  const detailCell =
    detail && detailRow !== undefined && detailCol !== undefined
      ? index.cell(detailRow, detailCol)
      : undefined;

  return (
    <>
      {header}
      {index.changes === 0 && (
        <NothingChanged
          windowMs={win.ms}
          now={now}
          {...(index.watchingSince !== undefined ? { watchingSince: index.watchingSince } : {})}
        />
      )}
      {!index.presenceKnown && (
        <p class="notice" role="status">
          Showing the jobs that changed; loading where every job runs…
        </p>
      )}
      {rows.length === 0 && index.rows.length > 0 && (text || index.changes > 0) && (
        <NoMatch text={text} changedOnly={changedOnly} />
      )}
      <main class="grid-area" ref={areaRef}>
        {rows.length > 0 && (
          <MemoGrid
            index={index}
            rows={rows}
            now={now}
            active={active}
            onActiveChange={onActiveChange}
            onOpen={onOpen}
            onPreview={onPreview}
            onEscape={close}
            focusToken={focusToken}
          />
        )}
        {rows.length === 0 && index.rows.length === 0 && (
          <p class="notice">The clusters are known, but none runs a job Tattler watches.</p>
        )}
        {detail && detailCell && (
          <CellDetail
            cell={detailCell}
            now={now}
            windowMs={win.ms}
            settings={props.settings}
            pinned={detail.pinned}
            side={detail.side}
            onClose={close}
            onMouseEnter={cancelHide}
            onMouseLeave={detail.pinned ? undefined : scheduleHide}
          />
        )}
      </main>
      <Legend windowMs={win.ms} />
    </>
  );
}

/**
 * The popup: settings → the right empty state, or the live heat grid with its header, legend
 * and cell detail. Everything browser-specific comes in as props (data, api, clock), so the whole
 * popup runs under happy-dom and fake-indexeddb in tests.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
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
import { Legend } from './Legend';
import { pollState } from './poll-state';
import { PollBar, Toolbar } from './Toolbar';
import { useActiveCell } from './use-active-cell';
import { useCellChanges } from './use-cell-changes';
import { useCellDetail } from './use-cell-detail';
import { useHeatModel } from './use-heat-model';
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

function Watching(props: Omit<PopupAppProps, 'settings'> & { settings: Settings }) {
  const clock = props.clock ?? Date.now;
  const tick = useClock(TICK_MS, clock);
  const [windowId, setWindowId] = useState<WindowId>(props.initialWindow ?? DEFAULT_WINDOW);
  const win = windowById(windowId);
  const pass = usePassStatus(props.api.sendMessage);
  const [text, setText] = useState('');
  const [changedOnly, setChangedOnly] = useState(false);
  const [sort, setSort] = useState<RowSort>('recent');
  // Service rows shown with their jobs, by row key: kept while the popup is open, across passes.
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const onToggle = useCallback((rowKey: string, open: boolean) => {
    setExpanded((prev) => {
      if (prev.has(rowKey) === open) return prev;
      const next = new Set(prev);
      if (open) next.add(rowKey);
      else next.delete(rowKey);
      return next;
    });
  }, []);
  const filter: RowFilter = useMemo(
    () => ({ text, changedOnly, sort, expanded }),
    [text, changedOnly, sort, expanded],
  );
  const { activity, error, index, rows } = useHeatModel({
    source: props.data,
    settings: props.settings,
    windowMs: win.ms,
    clock,
    tick,
    filter,
  });
  const now = index?.now ?? tick;
  const polling = useMemo(
    () => pollState(activity?.clusters ?? [], activity?.polls ?? [], pass.status, activity?.lastPass),
    [activity, pass.status],
  );
  const { active, keysAt, onActiveChange } = useActiveCell(index, rows);
  const detail = useCellDetail(index, keysAt);

  const cellChanges = useCellChanges(props.data, detail.cell, index?.windowStart);

  // One record holds the whole grid: the first frame with data is the complete one.
  const onPainted = props.onPainted;
  const painted = useCallback(() => {
    onPainted?.('first');
    onPainted?.('complete');
  }, [onPainted]);
  usePaintedOnce(index !== undefined, painted);

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

  if (error) {
    return (
      <>
        {header}
        <p class="notice error" role="alert">
          Could not read the history: {String(error as Error)}
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
      <main class="grid-area" ref={detail.areaRef}>
        {rows.length > 0 && (
          <MemoGrid
            index={index}
            rows={rows}
            now={now}
            active={active}
            onActiveChange={onActiveChange}
            onOpen={detail.onOpen}
            onPreview={detail.onPreview}
            onEscape={detail.close}
            focusToken={detail.focusToken}
            expanded={expanded}
            onToggle={onToggle}
          />
        )}
        {rows.length === 0 && index.rows.length === 0 && (
          <p class="notice">The clusters are known, but none runs a job Tattler watches.</p>
        )}
        {detail.detail && detail.cell && (
          <CellDetail
            cell={detail.cell}
            changes={cellChanges}
            now={now}
            windowMs={win.ms}
            settings={props.settings}
            pinned={detail.detail.pinned}
            side={detail.detail.side}
            onClose={detail.close}
            onMouseEnter={detail.cancelHide}
            onMouseLeave={detail.detail.pinned ? undefined : detail.scheduleHide}
          />
        )}
      </main>
      <Legend windowMs={win.ms} />
    </>
  );
}

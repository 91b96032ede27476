/**
 * The history as the options page handles it: what is stored (counts, live), the sources' state
 * (each target's latest poll run, and the clusters, live), clearing it and exporting the changes.
 * The options entrypoint hands `historyStore(db)` to the page; components never see the database.
 */
import { latestRuns } from './coverage';
import type { TattlerDb } from './db';
import { changesToCsv, changesToJson, exportFileName } from './history-export';
import { joinAcross } from './identity/cause';
import type { IdentityRules } from './identity/clusters';
import { acquireLease, releaseLease } from './lease';
import { type Live, liveOn } from './live';
import type { PassSummary } from './messages';
import { LAST_PASS_KEY, lastPass } from './meta';
import type { Cluster, PollRun } from './model';
import { allChanges } from './store/changes';
import { GRID_STAMP_KEY } from './store/grid';
import { clearAll, countJobs } from './store/prune';

export interface HistoryCounts {
  changes: number;
  polls: number;
  jobs: number;
  clusters: number;
}

/** The latest poll run of every target (clusters, discovery sources), and the clusters. */
export interface Coverage {
  runs: Map<string, PollRun>;
  clusters: Cluster[];
  /** The last pass's summary (a storage failure is the page's news too). */
  lastPass?: PassSummary;
}

export type ClearOutcome = { ok: true; cleared: HistoryCounts } | { ok: false; reason: 'pass-running' };

export interface HistoryExport {
  fileName: string;
  mime: string;
  text: string;
  changes: number;
}

export async function countHistory(db: TattlerDb): Promise<HistoryCounts> {
  return {
    changes: await db.log.count(),
    polls: await db.polls.count(),
    jobs: await countJobs(db),
    clusters: await db.clusters.count(),
  };
}

export async function coverageOf(db: TattlerDb): Promise<Coverage> {
  const last = await lastPass(db);
  return {
    runs: await latestRuns(db),
    clusters: await db.clusters.toArray(),
    ...(last ? { lastPass: last } : {}),
  };
}

/** How long the options page may hold the pass lease while it clears. */
const CLEAR_LEASE_MS = 60_000;

/**
 * Deletes every change, poll run, snapshot and cluster (settings stay). Takes the pass lease, so
 * a running pass cannot write back what is being cleared; when a pass holds it, clears nothing.
 */
export async function clearHistory(db: TattlerDb, now: number): Promise<ClearOutcome> {
  const owner = `options-${Math.random().toString(36).slice(2)}`;
  if (!(await acquireLease(db, owner, now, CLEAR_LEASE_MS)).ok) return { ok: false, reason: 'pass-running' };
  try {
    const cleared = await countHistory(db);
    await clearAll(db);
    return { ok: true, cleared };
  } finally {
    await releaseLease(db, owner);
  }
}

/**
 * Every stored change as JSON or CSV (lib/history-export.ts), with the clusters' names. Given the
 * rules that make clusters one (settings), a change an Argo CD sync caused is exported as one
 * change with both views (lib/identity/cause.ts), as the popup and the badges show it.
 */
export async function exportHistory(
  db: TattlerDb,
  kind: 'json' | 'csv',
  now: number,
  rules?: IdentityRules,
): Promise<HistoryExport> {
  const [stored, clusters] = await Promise.all([allChanges(db), db.clusters.toArray()]);
  const changes = rules ? joinAcross(stored, clusters, rules) : stored;
  const names = new Map(clusters.map((c) => [c.id, c.name]));
  return {
    fileName: exportFileName(kind, now),
    mime: kind === 'json' ? 'application/json' : 'text/csv',
    text: kind === 'json' ? changesToJson(changes, names) : changesToCsv(changes, names),
    changes: changes.length,
  };
}

/** The history's reads and commands, as the options page receives them. */
export interface HistoryStore {
  counts(): Live<HistoryCounts>;
  coverage(): Live<Coverage>;
  clear(now: number): Promise<ClearOutcome>;
  exportChanges(kind: 'json' | 'csv', now: number, rules?: IdentityRules): Promise<HistoryExport>;
}

/**
 * Re-read once a pass ends (or the grid is rebuilt, or the history cleared) — never per cluster a
 * pass commits: an open options page re-running its counts over the whole history on every
 * commit made each pass about three times slower (issue 19).
 */
const afterPass = (db: TattlerDb) => () => db.meta.bulkGet([LAST_PASS_KEY, GRID_STAMP_KEY]);

export const historyStore = (db: TattlerDb): HistoryStore => ({
  counts: () => liveOn(afterPass(db), () => countHistory(db)),
  coverage: () => liveOn(afterPass(db), () => coverageOf(db)),
  clear: (now) => clearHistory(db, now),
  exportChanges: (kind, now, rules) => exportHistory(db, kind, now, rules),
});

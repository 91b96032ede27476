/**
 * Columns: the clusters — one per identity across sources (lib/identity/clusters.ts), when the
 * input gives identity rules — grouped (named groups first, ungrouped last) and ordered by name,
 * each with its coverage per source — why we could not see it in the window, if we could not —
 * and told apart from another column of the same name by its source. Counts and levels are filled in later
 * (build.ts), once the changes are placed.
 */

import { type ClusterIdentity, clusterIdentities, groupOf } from '../identity/clusters';
import type { Cluster, PollRun } from '../model';
import { awaitingTurn, describePace, MAX_HOLD_MS, originOf, storedHostHolds } from '../pace';
import type { Blindness, BlindReason, ColumnMember, HeatColumn, HeatGroup, HeatInput } from './types';

/** A column header flags churn from this many changes in one cluster within the window. */
export const CHURN_MIN_CHANGES = 3;

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compareColumns(a: Cluster, b: Cluster): number {
  // Named groups first (alphabetically), ungrouped clusters last; then by name, numbers as numbers.
  const ga = a.group ?? '';
  const gb = b.group ?? '';
  if (ga !== gb) {
    if (!ga) return 1;
    if (!gb) return -1;
    return collator.compare(ga, gb);
  }
  return collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The failing poll runs of each cluster that overlap [start, now] → what the cell should say. */
function blindness(
  cluster: Cluster,
  runs: readonly PollRun[] | undefined,
  start: number,
  now: number,
): Blindness | undefined {
  let latest: PollRun | undefined;
  let polls = 0;
  for (const run of runs ?? []) {
    if (run.status === 'ok' || run.to < start) continue;
    polls += run.count;
    if (!latest || run.to > latest.to) latest = run;
  }
  if (latest) {
    const b: Blindness = { reason: latest.status as BlindReason, from: latest.from, to: latest.to, polls };
    if (latest.message) b.message = latest.message;
    if (latest.loginUrl) b.loginUrl = latest.loginUrl;
    if (cluster.lastOkPoll !== undefined && cluster.lastOkPoll > latest.to) b.recovered = true;
    return b;
  }
  if (cluster.goneSince !== undefined) return undefined;
  if (cluster.lastOkPoll === undefined) return { reason: 'never', polls: 0 };
  // A cluster the pace has not asked about yet (quiet, or held by its host) is not a gap: its next
  // poll covers the time. Only one whose turn is long past (the browser was off) is.
  if (cluster.lastOkPoll < start && !awaitingTurn(cluster.pace, cluster.lastOkPoll, now)) {
    return { reason: 'stale', to: cluster.lastOkPoll, polls: 0 };
  }
  return undefined;
}

/** Gives columns that share a name (ignoring case) a qualifier: their source, else source and native id. */
export function qualifySharedNames(columns: HeatColumn[]): void {
  const byName = new Map<string, HeatColumn[]>();
  for (const col of columns) {
    const key = col.name.toLowerCase();
    const list = byName.get(key);
    if (list) list.push(col);
    else byName.set(key, [col]);
  }
  for (const list of byName.values()) {
    if (list.length < 2) continue;
    for (const col of list) {
      const sameSource = list.some((o) => o !== col && o.source === col.source);
      col.qualifier = sameSource ? `${col.source} ${col.cluster.nativeId}` : col.source;
    }
  }
}

export interface Columns {
  columns: HeatColumn[];
  groups: HeatGroup[];
  /** Cluster id → column index: every member of an identity's column. */
  columnIndex: Map<string, number>;
  /** The oldest `firstSeen` of any column's cluster: since when we have been watching. */
  watchingSince?: number;
}

/** Each cluster alone: what the grid shows without identity rules. */
const alone = (clusters: readonly Cluster[]): ClusterIdentity[] =>
  clusters.map((c) => ({ id: c.id, name: c.name, members: [c], joined: {} }));

/** A column's blindness: none while any member saw the cluster; else its first member's. */
function columnBlindness(members: readonly ColumnMember[]): Blindness | undefined {
  if (members.some((m) => !m.blind && !m.gone)) return undefined;
  return members.find((m) => m.blind)?.blind;
}

export function buildColumns(
  input: HeatInput,
  windowStart: number,
  changedClusters: ReadonlySet<string>,
): Columns {
  const runsByTarget = new Map<string, PollRun[]>();
  for (const run of input.polls) {
    const list = runsByTarget.get(run.target);
    if (list) list.push(run);
    else runsByTarget.set(run.target, [run]);
  }
  // A cluster that left discovery stays, dimmed, while it still says something about the
  // window: it left within it, or changes happened in it. Then it is retired from the grid.
  const shown = input.clusters.filter(
    (c) => c.goneSince === undefined || c.goneSince >= windowStart || changedClusters.has(c.id),
  );
  const identities = input.identity ? clusterIdentities(shown, input.identity).identities : alone(shown);
  // An identity sorts as its first member would, under the identity's name and group.
  const ordered = identities
    .map((identity) => {
      const first = identity.members[0] as Cluster;
      const group = groupOf(identity);
      const key: Cluster = { ...first, name: identity.name, ...(group ? { group } : {}) };
      if (!group) delete key.group;
      return { identity, key };
    })
    .sort((a, b) => compareColumns(a.key, b.key));
  const hostHolds = storedHostHolds(shown, input.now, { maxHoldMs: MAX_HOLD_MS });
  const sourceOf = (c: Cluster) => input.sourceNames?.[c.sourceId] || c.sourceId;
  const columns: HeatColumn[] = ordered.map(({ identity, key }, index) => {
    const members: ColumnMember[] = identity.members.map((cluster) => {
      const member: ColumnMember = {
        cluster,
        source: sourceOf(cluster),
        gone: cluster.goneSince !== undefined,
      };
      const blind = blindness(cluster, runsByTarget.get(cluster.id), windowStart, input.now);
      if (blind) member.blind = blind;
      return member;
    });
    const cluster = identity.members[0] as Cluster;
    const col: HeatColumn = {
      index,
      cluster,
      members,
      id: identity.id,
      name: identity.name,
      group: key.group ?? '',
      source: [...new Set(members.map((m) => m.source))].join(' + '),
      gone: members.every((m) => m.gone),
      changes: 0,
      jobs: 0,
      level: 0,
      churn: false,
    };
    const blind = columnBlindness(members);
    if (blind) col.blind = blind;
    const pace = describePace(cluster.pace, input.now, hostHolds.get(originOf(cluster.apiBase)));
    if (pace) col.pace = pace;
    return col;
  });
  qualifySharedNames(columns);
  const columnIndex = new Map<string, number>();
  for (const col of columns) for (const m of col.members) columnIndex.set(m.cluster.id, col.index);
  const groups: HeatGroup[] = [];
  for (const col of columns) {
    const last = groups[groups.length - 1];
    if (last && last.name === col.group) last.count++;
    else groups.push({ name: col.group, start: col.index, count: 1 });
  }
  let watchingSince: number | undefined;
  for (const c of shown)
    if (watchingSince === undefined || c.firstSeen < watchingSince) watchingSince = c.firstSeen;
  return { columns, groups, columnIndex, ...(watchingSince !== undefined ? { watchingSince } : {}) };
}

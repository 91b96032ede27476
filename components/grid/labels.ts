/**
 * Words for what the grid shows in colour and glyphs: accessible names of cells and headers,
 * and the short phrases the detail, legend and header reuse. One place, so a screen reader
 * and a sighted user are told the same thing.
 */
import type { Blindness, HeatCell, HeatColumn, HeatRow } from '../../lib/heat/types';
import { relativeTime } from '../../lib/time-text';

export const BLIND_LABEL: Record<Blindness['reason'], string> = {
  auth: 'login needed',
  unreachable: 'cluster unreachable',
  error: 'polls failed',
  partial: 'polls incomplete',
  never: 'not polled yet',
  stale: 'not polled in this window',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What to call a column: its cluster's name, or — when another column has the same name (a
 * Rancher `prod-eu-1` and an Argo CD `prod-eu-1`) — "prod-eu-1 of Argo CD", so two columns never
 * read the same.
 */
export function columnName(col: Pick<HeatColumn, 'name' | 'qualifier'>): string {
  return col.qualifier ? `${col.name} of ${col.qualifier}` : col.name;
}

/** "checkout in prod-eu-1: 2 changes, last 3 minutes ago by alice, created". */
export function cellLabel(cell: HeatCell, now: number): string {
  const where = `${cell.row.name} in ${columnName(cell.column)}`;
  const parts: string[] = [];
  if (cell.count > 0 && cell.newest) {
    const by = cell.newest.actor ? ` by ${cell.newest.actor}` : '';
    parts.push(`${plural(cell.count, 'change')}, last ${relativeTime(cell.newest.at, now)}${by}`);
    if (cell.created) parts.push('created');
    if (cell.deleted) parts.push('deleted');
    if (cell.degraded) parts.push('degraded');
    if (cell.absent && !cell.deleted) parts.push('not running there now');
    if (cell.blind) parts.push(`some polls failed (${BLIND_LABEL[cell.blind.reason]})`);
  } else if (cell.blind?.recovered) {
    parts.push(`no changes, a gap in polling (${BLIND_LABEL[cell.blind.reason]}) since bridged`);
    if (cell.absent) parts.push('not running there');
  } else if (cell.blind) {
    parts.push(`could not see, ${BLIND_LABEL[cell.blind.reason]}`);
    if (cell.absent) parts.push('not running there when last seen');
  } else if (cell.absent) {
    parts.push('not running there');
  } else {
    parts.push('no changes');
    if (cell.degraded) parts.push('degraded now');
  }
  if (cell.column.gone) parts.push('cluster gone');
  return `${where}: ${parts.join(', ')}`;
}

const listText = (items: readonly string[]) =>
  items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/**
 * Which sources see a column's cluster, and which of them currently fail: "seen through Rancher
 * and Argo CD; Argo CD: login needed". Empty for a cluster only one source sees (the header's
 * own state says that one's).
 */
export function coverageText(col: Pick<HeatColumn, 'members'>): string {
  if (col.members.length < 2) return '';
  const sources = [...new Set(col.members.map((m) => m.source))];
  const failing = col.members
    .filter((m) => m.blind && !m.blind.recovered)
    .map((m) => `${m.source}: ${BLIND_LABEL[(m.blind as Blindness).reason]}`);
  const gone = col.members.filter((m) => m.gone).map((m) => `${m.source}: no longer listed`);
  return [`seen through ${listText(sources)}`, ...failing, ...gone].join('; ');
}

/** "prod-eu-1, group eu: 12 changes in 5 jobs, churn". */
export function columnLabel(col: HeatColumn): string {
  const parts: string[] = [];
  parts.push(
    col.changes > 0 ? `${plural(col.changes, 'change')} in ${plural(col.jobs, 'job')}` : 'no changes',
  );
  if (col.churn) parts.push('churn');
  if (col.blind?.recovered) parts.push(`a gap in polling (${BLIND_LABEL[col.blind.reason]}), since bridged`);
  else if (col.blind) parts.push(`could not see, ${BLIND_LABEL[col.blind.reason]}`);
  if (col.gone) parts.push('gone');
  if (col.pace) parts.push(col.pace);
  const coverage = coverageText(col);
  if (coverage) parts.push(coverage);
  return `${columnName(col)}${col.group ? `, group ${col.group}` : ''}: ${parts.join(', ')}`;
}

/** A service's jobs in words: "4 jobs: Application, Deployment, ForgeJob, Job". */
export function serviceJobsText(row: HeatRow, rows: readonly HeatRow[]): string {
  const jobs = row.jobs ?? [];
  const kinds = [...new Set(jobs.map((j) => rows[j]?.kind).filter(Boolean))].sort();
  return `${plural(jobs.length, 'job')}${kinds.length ? `: ${kinds.join(', ')}` : ''}`;
}

/**
 * "checkout (Deployment in shop): bob rolled app:1.4.2 to 7 of 12 clusters"; a service of several
 * jobs: "cart (service, 4 jobs: Application, Deployment, ForgeJob, Job): 3 changes in 1 cluster";
 * a job shown under its service: "cart (Nomad Job in default, in service cart)".
 */
export function rowLabel(row: HeatRow, rows: readonly HeatRow[] = []): string {
  const several = (row.jobs?.length ?? 0) > 1;
  const service = row.type === 'job' && row.service !== undefined ? rows[row.service] : undefined;
  const what = several
    ? `service, ${serviceJobsText(row, rows)}`
    : [row.kind, row.namespace && `in ${row.namespace}`, service && `in service ${service.name}`]
        .filter(Boolean)
        .join(' ')
        .replace(/ in service/, ', in service');
  const head = what ? `${row.name} (${what})` : row.name;
  if (row.rollout) return `${head}: ${row.rollout.summary}`;
  if (row.changes > 0)
    return `${head}: ${plural(row.changes, 'change')} in ${plural(row.changedClusters, 'cluster')}`;
  return head;
}

/**
 * Exports of the change history (options page → "History"): JSON for tools, CSV for a
 * spreadsheet. Pure: changes and the clusters' names in, text out.
 *
 * CSV follows RFC 4180 (comma separated, CRLF between records, a field is quoted when it holds a
 * comma, a quote or a line break, and quotes inside are doubled). Values come from the clusters
 * (job names, annotations, change causes), so a cell a spreadsheet would run as a formula —
 * one starting with = + - @ (after any blanks or line breaks, which spreadsheets skip before
 * they look for a formula), or with a tab or carriage return — is prefixed with a single quote
 * and read as text.
 */
import { fieldChangeText, syncProvenanceText } from './change-view';
import type { Change } from './model';

/** Cluster id → display name. */
export type ClusterNames = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

const nameOf = (names: ClusterNames, id: string): string | undefined =>
  names instanceof Map ? names.get(id) : (names as Record<string, string>)[id];

/** One change as exported to JSON: the stored record plus its cluster's name. */
export type ExportedChange = Change & { clusterName?: string };

/** A JSON array of the changes, oldest first, each with `clusterName` when known. */
export function changesToJson(changes: readonly Change[], names: ClusterNames = {}): string {
  const out: ExportedChange[] = sortOldestFirst(changes).map((c) => {
    const clusterName = nameOf(names, c.clusterId);
    return clusterName === undefined ? { ...c } : { ...c, clusterName };
  });
  return `${JSON.stringify(out, null, 2)}\n`;
}

export const CSV_COLUMNS = [
  'at',
  'type',
  'cluster',
  'clusterId',
  'kind',
  'namespace',
  'name',
  'actor',
  'actorKind',
  'actorVia',
  'actorMayBeEarlier',
  'windowStart',
  'windowEnd',
  'reportedAt',
  'fields',
  'fromVersion',
  'toVersion',
  'skipped',
  'recoveredFrom',
  'changeCause',
  'link',
  // A change an Argo CD sync caused (lib/identity/cause.ts): `actor` is the sync's; these are
  // where that comes from, who the cluster named, and the Application's own view of the change.
  'syncedVia',
  'appliedBy',
  'syncFields',
  'syncLink',
  'syncId',
  'id',
] as const;

type Cell = string | number | boolean | undefined;

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString();

/** `containers[app].image: shop/app:1.4 → shop/app:1.5; spec.replicas: 3 → 4`, in lib/change-view.ts words. */
export function fieldsSummary(change: Pick<Change, 'fields'>): string {
  return change.fields.map(fieldChangeText).join('; ');
}

/** Makes a cell safe for a spreadsheet: text that would start a formula is prefixed with `'`. */
export function guardFormula(text: string): string {
  return /^\s*[=+\-@]|^[\t\r]/.test(text) ? `'${text}` : text;
}

/** Quotes a cell when RFC 4180 requires it. */
export function quoteCsv(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cell(value: Cell): string {
  if (value === undefined) return '';
  // Numbers and booleans are Tattler's own; only text can carry someone else's formula.
  if (typeof value !== 'string') return String(value);
  return quoteCsv(guardFormula(value));
}

/** CSV with a header row, oldest change first. */
export function changesToCsv(changes: readonly Change[], names: ClusterNames = {}): string {
  const rows: string[] = [CSV_COLUMNS.join(',')];
  for (const c of sortOldestFirst(changes)) {
    const op = c.cause?.operation;
    const values: Record<(typeof CSV_COLUMNS)[number], Cell> = {
      at: iso(c.at),
      type: c.type,
      cluster: nameOf(names, c.clusterId) ?? c.clusterId,
      clusterId: c.clusterId,
      kind: c.kind,
      namespace: c.namespace,
      name: c.name,
      actor: c.actor?.name,
      actorKind: c.actor?.kind,
      actorVia: c.actor?.via,
      actorMayBeEarlier: c.actorStale === undefined ? undefined : c.actorStale,
      windowStart: iso(c.windowStart),
      windowEnd: iso(c.windowEnd),
      reportedAt: iso(c.reportedAt),
      fields: fieldsSummary(c),
      fromVersion: c.fromVersion,
      toVersion: c.toVersion,
      skipped: c.skipped,
      recoveredFrom: c.recovered
        ? `${c.recovered.from}${c.recovered.limit ? ` (${c.recovered.limit})` : ''}`
        : undefined,
      changeCause: c.changeCause,
      link: c.link,
      syncedVia: op
        ? syncProvenanceText({ ...op, deploy: op.deploy !== undefined ? { id: op.deploy } : undefined })
        : undefined,
      appliedBy: c.cause?.direct?.name,
      syncFields: op ? fieldsSummary(op) : undefined,
      syncLink: op?.link,
      syncId: op?.id,
      id: c.id,
    };
    rows.push(CSV_COLUMNS.map((k) => cell(values[k])).join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}

function sortOldestFirst(changes: readonly Change[]): Change[] {
  return [...changes].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `tattler-changes-2025-03-10T15-00-00Z.csv` */
export function exportFileName(kind: 'json' | 'csv', now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  return `tattler-changes-${stamp}.${kind}`;
}

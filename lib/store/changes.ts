/**
 * Changes as they are kept on disk, and read back as the `Change` the rest of Tattler knows.
 *
 * IndexedDB costs per record and per index entry, and a change used to repeat what its job
 * already says (cluster id, row key, kind, namespace, name, link: ~150 bytes) in the record and
 * in three compound indexes. Here a change names its job by a small number — a *cell*, one job
 * in one cluster, registered once in `cells` — and keeps only what it observed, in short keys:
 *
 *   log   n (auto) · c cell · at · t type · k `before>after` (+`#n`) · ws/we window · r reported
 *         · a/ak/av actor name/kind/via · s stale · f fields [path, has, before, after]
 *         · fv/tv/sk versions · cc change cause · co clock offset
 *         · rf/rl recovered from / what that record cannot tell (absent: seen live)
 *         · sa/ss/sf/sr an Argo CD sync: application, started, finished, revision
 *         · ma the Argo CD application that managed a Kubernetes job
         · di a home-grown manager's new deploy id · ds the deploy id a Kubernetes change stamped
 *         indexes: at (time ranges, retention) and [c+at] (one cell's history, newest first)
 *   cells n (auto) · clusterId · rowKey · kind · namespace · name · link
 *         indexes: &[clusterId+rowKey], clusterId
 *
 * A change's id (lib/diff.ts: `${jobKey}|${type}|${before}>${after}`, `#n` for a repeat) is
 * rebuilt on reading: `k` holds its observed part, the cell its job.
 */
import type { TattlerDb } from '../db';
import type { ActorKind, Change, ChangeType, FieldChange, FieldValue } from '../model';

export interface StoredChange {
  n?: number;
  c: number;
  at: number;
  t: number;
  k: string;
  ws: number;
  we: number;
  r?: number;
  a?: string;
  ak?: number;
  av?: string;
  s?: 1;
  /** [path, which sides are set (1 before, 2 after), before, after] */
  f: [string, number, FieldValue?, FieldValue?][];
  fv?: number;
  tv?: number;
  sk?: number;
  cc?: string;
  co?: number;
  rf?: string;
  rl?: string;
  sa?: string;
  ss?: number;
  sf?: number;
  sr?: string;
  ma?: string;
  di?: string;
  ds?: string;
}

/** One job in one cluster: what a stored change points at. */
export interface Cell {
  n?: number;
  clusterId: string;
  rowKey: string;
  kind: string;
  namespace: string;
  name: string;
  link?: string;
}

const TYPES: readonly ChangeType[] = ['created', 'updated', 'deleted', 'status'];
const KINDS: readonly ActorKind[] = ['person', 'automation', 'client', 'token', 'unknown'];

/** Marks a `k` that holds a whole id of another form (an import, a test's made-up id). */
const WHOLE_ID = '\u0001';

/** The observed part of an id: what follows `${jobKey}|${type}|` (or the whole id, marked, when it has another form). */
export function observedPart(change: Pick<Change, 'id' | 'jobKey' | 'type'>): string {
  const prefix = `${change.jobKey}|${change.type}|`;
  return change.id.startsWith(prefix) ? change.id.slice(prefix.length) : `${WHOLE_ID}${change.id}`;
}

const idOf = (jobKey: string, type: ChangeType, k: string): string =>
  k.startsWith(WHOLE_ID) ? k.slice(1) : `${jobKey}|${type}|${k}`;

export function encodeChange(change: Change, cell: number): StoredChange {
  const out: StoredChange = {
    c: cell,
    at: change.at,
    t: TYPES.indexOf(change.type),
    k: observedPart(change),
    ws: change.windowStart,
    we: change.windowEnd,
    f: change.fields.map((f) => {
      const has = (f.before !== undefined ? 1 : 0) | (f.after !== undefined ? 2 : 0);
      return has === 3
        ? [f.path, has, f.before, f.after]
        : has === 2
          ? [f.path, has, null, f.after]
          : [f.path, has, f.before];
    }),
  };
  if (change.reportedAt !== undefined) out.r = change.reportedAt;
  if (change.actor) {
    out.a = change.actor.name;
    out.ak = KINDS.indexOf(change.actor.kind);
    if (change.actor.via) out.av = change.actor.via;
  }
  if (change.actorStale) out.s = 1;
  if (change.fromVersion !== undefined) out.fv = change.fromVersion;
  if (change.toVersion !== undefined) out.tv = change.toVersion;
  if (change.skipped !== undefined) out.sk = change.skipped;
  if (change.changeCause !== undefined) out.cc = change.changeCause;
  if (change.clockOffsetMs !== undefined) out.co = change.clockOffsetMs;
  if (change.recovered) {
    out.rf = change.recovered.from;
    if (change.recovered.limit) out.rl = change.recovered.limit;
  }
  if (change.sync) {
    out.sa = change.sync.app;
    out.ss = change.sync.startedAt;
    if (change.sync.finishedAt !== undefined) out.sf = change.sync.finishedAt;
    if (change.sync.revision !== undefined) out.sr = change.sync.revision;
  }
  if (change.argoApp !== undefined) out.ma = change.argoApp;
  if (change.deploy !== undefined) out.di = change.deploy;
  if (change.deployStamp !== undefined) out.ds = change.deployStamp;
  // `cause` is never stored: it is joined when changes are read (lib/identity/cause.ts).
  return out;
}

export function decodeChange(s: StoredChange, cell: Cell): Change {
  const type = TYPES[s.t] ?? 'updated';
  const jobKey = `${cell.clusterId}|${cell.rowKey}`;
  const change: Change = {
    id: idOf(jobKey, type, s.k),
    clusterId: cell.clusterId,
    jobKey,
    rowKey: cell.rowKey,
    kind: cell.kind,
    namespace: cell.namespace,
    name: cell.name,
    type,
    windowStart: s.ws,
    windowEnd: s.we,
    at: s.at,
    fields: s.f.map(([path, has, before, after]): FieldChange => {
      const f: FieldChange = { path };
      if (has & 1) f.before = before as FieldValue;
      if (has & 2) f.after = after as FieldValue;
      return f;
    }),
  };
  if (s.r !== undefined) change.reportedAt = s.r;
  if (s.a !== undefined) {
    change.actor = { name: s.a, kind: KINDS[s.ak ?? 4] ?? 'unknown' };
    if (s.av !== undefined) change.actor.via = s.av;
  }
  if (s.s) change.actorStale = true;
  if (s.fv !== undefined) change.fromVersion = s.fv;
  if (s.tv !== undefined) change.toVersion = s.tv;
  if (s.sk !== undefined) change.skipped = s.sk;
  if (s.cc !== undefined) change.changeCause = s.cc;
  if (s.co !== undefined) change.clockOffsetMs = s.co;
  if (s.rf !== undefined) change.recovered = { from: s.rf, ...(s.rl !== undefined ? { limit: s.rl } : {}) };
  if (s.sa !== undefined && s.ss !== undefined) {
    change.sync = { app: s.sa, startedAt: s.ss };
    if (s.sf !== undefined) change.sync.finishedAt = s.sf;
    if (s.sr !== undefined) change.sync.revision = s.sr;
  }
  if (s.ma !== undefined) change.argoApp = s.ma;
  if (s.di !== undefined) change.deploy = s.di;
  if (s.ds !== undefined) change.deployStamp = s.ds;
  if (cell.link) change.link = cell.link;
  return change;
}

/** The cell of a change, as registered from it. */
export const cellOf = (
  c: Pick<Change, 'clusterId' | 'rowKey' | 'kind' | 'namespace' | 'name' | 'link'>,
): Cell => ({
  clusterId: c.clusterId,
  rowKey: c.rowKey,
  kind: c.kind,
  namespace: c.namespace,
  name: c.name,
  ...(c.link ? { link: c.link } : {}),
});

/**
 * The cell number of a job, registering it (or refreshing its link) when needed. Call inside a
 * transaction that includes `db.cells`.
 */
export async function cellNumber(db: TattlerDb, cell: Cell): Promise<number> {
  const found = await db.cells.where('[clusterId+rowKey]').equals([cell.clusterId, cell.rowKey]).first();
  if (found?.n !== undefined) {
    // The job's console page as last seen (a change without one leaves it as it was).
    if (cell.link && found.link !== cell.link) await db.cells.update(found.n, { link: cell.link });
    return found.n;
  }
  return (await db.cells.add({ ...cell })) as number;
}

/** Reads stored changes back, looking their cells up (each cell once). */
export async function decodeAll(db: TattlerDb, stored: readonly StoredChange[]): Promise<Change[]> {
  const numbers = [...new Set(stored.map((s) => s.c))];
  const cells = await db.cells.bulkGet(numbers);
  const byNumber = new Map<number, Cell>();
  numbers.forEach((n, i) => {
    const cell = cells[i];
    if (cell) byNumber.set(n, cell);
  });
  const out: Change[] = [];
  for (const s of stored) {
    const cell = byNumber.get(s.c);
    // A change whose cell is gone was pruned with it; never show a change without its job.
    if (cell) out.push(decodeChange(s, cell));
  }
  return out;
}

/** Changes whose best-estimate time lies in [from, to], newest first. */
export async function changesBetween(
  db: TattlerDb,
  from: number,
  to = Number.POSITIVE_INFINITY,
): Promise<Change[]> {
  // Read forwards (getAll) and reverse here: IndexedDB walks a reversed range with a cursor.
  const stored = await db.log.where('at').between(from, to, true, true).toArray();
  return (await decodeAll(db, stored)).reverse();
}

/** Changes of one job in one cluster, newest first (optionally only since `since`). */
export async function changesOfCell(
  db: TattlerDb,
  rowKey: string,
  clusterId: string,
  since = Number.NEGATIVE_INFINITY,
): Promise<Change[]> {
  const cell = await db.cells.where('[clusterId+rowKey]').equals([clusterId, rowKey]).first();
  if (cell?.n === undefined) return [];
  const stored = await db.log
    .where('[c+at]')
    .between([cell.n, since], [cell.n, Number.POSITIVE_INFINITY], true, true)
    .toArray();
  return stored.map((s) => decodeChange(s, cell)).reverse();
}

/** Every change, oldest first (export). */
export async function allChanges(db: TattlerDb): Promise<Change[]> {
  return decodeAll(db, await db.log.orderBy('at').toArray());
}

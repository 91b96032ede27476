/**
 * Argo CD Application → JobSnapshot. Pure: no I/O, no clock; never throws on an item that passed
 * the list's shape check (a `metadata.name` string). Shapes follow Argo CD's API
 * (`v1alpha1Application` in its swagger): `spec.source` or `spec.sources[]`, `spec.destination`,
 * `status.sync`, `status.health`, `status.history[]` (oldest first), `status.operationState`,
 * `status.summary.images`.
 *
 * Identity. An application is one job in its destination cluster. Its namespace in Tattler is the
 * *destination* namespace — where the workloads run, and what an alert from that cluster names —
 * falling back to the application's own namespace (usually `argocd`) when the destination has
 * none. The console link needs the application's own namespace and uses it.
 *
 * A row must be the same job in every cluster, but Argo CD application names are unique per
 * Argo CD, so ApplicationSets name them per cluster: `checkout-prod-eu-1`. The job's name is the
 * application's name without its destination cluster's name as a `-<cluster>` suffix or
 * `<cluster>-` prefix (`checkout`), so one app rolled across clusters reads as one row; the link
 * keeps the real name.
 *
 * Field paths (stable names; `ignoreFields` uses them):
 *
 *   project                          string   spec.project
 *   sync.status                      string   Synced / OutOfSync / Unknown
 *   sync.revision                    string   the revision the live state was compared to
 *   sync.revisions                   string[] the same, per source, for multi-source apps
 *   images                           string[] sorted, status.summary.images
 *   syncPolicy.automated             boolean  auto-sync on (people turn it off during incidents)
 *   syncPolicy.automated.prune       boolean  only while auto-sync is on
 *   syncPolicy.automated.selfHeal    boolean  only while auto-sync is on
 *   source.repoURL | .path | .targetRevision | .chart                  string
 *   source.helm.parameters           string[] sorted `name=value`
 *   source.helm.valueFiles           string[] in order (order matters to Helm)
 *   source.kustomize.images          string[] sorted
 *   sources[<i>].…                   the same per source of a multi-source app
 *
 * Health is the snapshot's health, not a field: the diff reports moves into and out of
 * `degraded` by itself, and Healthy ⇄ Progressing during every sync is not a change.
 */
import { fillTemplate, safeHttpUrl } from '../../links';
import type { Actor, FieldValue, Health, HealthState, JobSnapshot, SyncOp } from '../../model';
import { type JobLinks, jobKeyOf, KUBERNETES_KINDS, rowKeyOf } from '../../model';
import { arr, at, bool, type Json, nonEmpty, num, parseIsoTime, rec, str, trimBase } from '../shared';
import { stableHash } from '../stable-hash';
import type { PollContext } from '../types';
import { historyOf } from './history';

export const ARGOCD_KIND = 'Application';

export type NormalizeContext = Omit<PollContext, 'http'>;

/** A list item that passed the shape check. */
export interface ArgoApp {
  metadata: { name: string; namespace?: unknown; [key: string]: unknown };
  [key: string]: unknown;
}

const stringList = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');

// ---------------------------------------------------------------------------------------------
// Identity

export interface Destination {
  server?: string;
  name?: string;
  namespace?: string;
}

export function destinationOf(app: ArgoApp): Destination {
  const d = rec(at(app, 'spec', 'destination')) ?? {};
  const out: Destination = {};
  const server = nonEmpty(d.server);
  const name = nonEmpty(d.name);
  const namespace = nonEmpty(d.namespace);
  if (server) out.server = trimBase(server);
  if (name) out.name = name;
  if (namespace) out.namespace = namespace;
  return out;
}

/**
 * Whether an application deploys to a cluster Argo CD knows as `server` (its API URL, the native
 * id) and `name`. A destination names its cluster by one or the other, never both.
 */
export function deploysTo(app: ArgoApp, cluster: { server: string; name: string }): boolean {
  const d = destinationOf(app);
  if (d.server !== undefined) return d.server === trimBase(cluster.server);
  return d.name !== undefined && d.name === cluster.name;
}

/** `checkout-prod-eu-1` in cluster `prod-eu-1` → `checkout`; any other name as it is. */
export function jobNameOf(appName: string, clusterName: string): string {
  if (!clusterName) return appName;
  if (appName.endsWith(`-${clusterName}`) && appName.length > clusterName.length + 1) {
    return appName.slice(0, -(clusterName.length + 1));
  }
  if (appName.startsWith(`${clusterName}-`) && appName.length > clusterName.length + 1) {
    return appName.slice(clusterName.length + 1);
  }
  return appName;
}

export const appNamespaceOf = (app: ArgoApp): string | undefined => nonEmpty(app.metadata.namespace);

/** Tattler's namespace for the app: the destination namespace, else the app's own. */
export const namespaceOf = (app: ArgoApp): string =>
  destinationOf(app).namespace ?? appNamespaceOf(app) ?? 'argocd';

// ---------------------------------------------------------------------------------------------
// Fields

export function sourceFields(prefix: string, source: Json, out: Record<string, FieldValue>): void {
  for (const key of ['repoURL', 'path', 'targetRevision', 'chart'] as const) {
    const value = str(source[key]);
    if (value !== undefined) out[`${prefix}.${key}`] = value;
  }
  const helm = rec(source.helm);
  if (helm) {
    if (Array.isArray(helm.parameters)) {
      out[`${prefix}.helm.parameters`] = helm.parameters
        .map(rec)
        .filter((p): p is Json => p !== undefined && typeof p.name === 'string')
        .map((p) => `${p.name as string}=${str(p.value) ?? ''}`)
        .sort();
    }
    if (Array.isArray(helm.valueFiles)) out[`${prefix}.helm.valueFiles`] = stringList(helm.valueFiles);
  }
  const kustomize = rec(source.kustomize);
  if (kustomize && Array.isArray(kustomize.images)) {
    out[`${prefix}.kustomize.images`] = stringList(kustomize.images).sort();
  }
}

export function fieldsOf(app: ArgoApp): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  const spec = rec(app.spec) ?? {};
  const status = rec(app.status) ?? {};
  const project = str(spec.project);
  if (project !== undefined) out.project = project;

  const sync = rec(status.sync) ?? {};
  const syncStatus = str(sync.status);
  if (syncStatus !== undefined) out['sync.status'] = syncStatus;
  const revision = nonEmpty(sync.revision);
  if (revision !== undefined) out['sync.revision'] = revision;
  if (Array.isArray(sync.revisions) && sync.revisions.length)
    out['sync.revisions'] = stringList(sync.revisions);

  const images = at(status, 'summary', 'images');
  if (Array.isArray(images)) out.images = stringList(images).sort();

  // `automated: {}` means on with defaults; Argo CD 3 may say `enabled: false` to keep the block.
  const automated = rec(at(spec, 'syncPolicy', 'automated'));
  const autoOn = automated !== undefined && automated.enabled !== false;
  out['syncPolicy.automated'] = autoOn;
  if (autoOn && automated) {
    out['syncPolicy.automated.prune'] = bool(automated.prune) ?? false;
    out['syncPolicy.automated.selfHeal'] = bool(automated.selfHeal) ?? false;
  }

  const single = rec(spec.source);
  if (single) sourceFields('source', single, out);
  arr(spec.sources).forEach((s, i) => {
    const source = rec(s);
    if (source) sourceFields(`sources[${i}]`, source, out);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Health

const HEALTH: Record<string, HealthState> = {
  Healthy: 'healthy',
  Progressing: 'progressing',
  Degraded: 'degraded',
  // Resources that should exist do not: as bad as degraded for the on-call person.
  Missing: 'degraded',
  Suspended: 'suspended',
  Unknown: 'unknown',
};

export function healthOf(app: ArgoApp): Health {
  const health = rec(at(app, 'status', 'health')) ?? {};
  const status = str(health.status);
  const state = (status !== undefined ? HEALTH[status] : undefined) ?? 'unknown';
  const parts = [status ?? 'no health reported'];
  const sync = str(at(app, 'status', 'sync', 'status'));
  if (sync) parts.push(sync);
  const message = nonEmpty(health.message);
  if (message) parts.push(message);
  return { state, message: parts.join(', ') };
}

// ---------------------------------------------------------------------------------------------
// Version, actor and time

export interface HistoryEntry {
  id: number;
  deployedAt?: number;
  initiatedBy?: Json;
}

/** The newest history entry (highest id; Argo CD keeps the last `revisionHistoryLimit` only). */
export function newestHistory(app: ArgoApp): HistoryEntry | undefined {
  let best: HistoryEntry | undefined;
  for (const item of arr(at(app, 'status', 'history'))) {
    const h = rec(item);
    const id = num(h?.id);
    if (!h || id === undefined) continue;
    if (best && best.id > id) continue;
    best = { id };
    const t = parseIsoTime(h.deployedAt);
    if (t !== undefined) best.deployedAt = t;
    const by = rec(h.initiatedBy);
    if (by) best.initiatedBy = by;
  }
  return best;
}

/**
 * An `initiatedBy` → who. `automated: true` is Argo CD's own auto-sync. A username `proj:<p>:<role>`
 * is a project role's JWT, which CI pipelines use: a token, not a person.
 */
export function initiatorActor(by: Json | undefined, via: string): Actor | undefined {
  if (!by) return undefined;
  if (by.automated === true) return { name: 'automated', kind: 'automation', via };
  const username = nonEmpty(by.username);
  if (!username) return undefined;
  if (username.startsWith('proj:')) return { name: username, kind: 'token', via };
  return { name: username, kind: 'person', via };
}

const OPERATION_DONE = new Set(['Succeeded']);

export interface ActorInfo {
  changedBy?: Actor;
  changedAt?: number;
}

/**
 * Who last changed the application, and when. The newest history entry is the last sync that
 * completed: its time is `deployedAt`, its author the operation that made it (`operationState`
 * holds the last operation; newer Argo CD versions also copy `initiatedBy` into the entry). An
 * operation that started after that entry and did not succeed (failed, running) left no entry
 * of its own; it is the newest thing that happened, so it wins.
 */
export function actorOf(app: ArgoApp): ActorInfo {
  const history = newestHistory(app);
  const op = rec(at(app, 'status', 'operationState'));
  const opBy = rec(at(op, 'operation', 'initiatedBy'));
  const opTime = parseIsoTime(op?.finishedAt) ?? parseIsoTime(op?.startedAt);
  const phase = str(op?.phase);
  const out: ActorInfo = {};

  const opIsNewer =
    op !== undefined &&
    opTime !== undefined &&
    (history?.deployedAt === undefined || (opTime > history.deployedAt && !OPERATION_DONE.has(phase ?? '')));
  if (opIsNewer) {
    const actor = initiatorActor(opBy, 'operationState.operation.initiatedBy');
    if (actor) out.changedBy = actor;
    out.changedAt = opTime;
    return out;
  }
  if (history?.deployedAt !== undefined) out.changedAt = history.deployedAt;
  const actor =
    initiatorActor(opBy, 'operationState.operation.initiatedBy') ??
    initiatorActor(history?.initiatedBy, 'history.initiatedBy');
  if (actor) out.changedBy = actor;
  if (out.changedAt === undefined && opTime !== undefined) out.changedAt = opTime;
  return out;
}

/**
 * The application's last operation, when it was a sync (`operation.sync` set; the other kind
 * is a delete): when it started and finished, and the revision it synced — the result's
 * (`syncResult.revision`, what was applied), else what was asked (`operation.sync.revision`);
 * per source (`revisions[0]`) for a multi-source app. Argo CD's `OperationState` in
 * pkg/apis/application/v1alpha1/types.go.
 */
export function syncOf(app: ArgoApp): SyncOp | undefined {
  const op = rec(at(app, 'status', 'operationState'));
  const sync = rec(at(op, 'operation', 'sync'));
  const startedAt = parseIsoTime(op?.startedAt);
  if (!op || !sync || startedAt === undefined) return undefined;
  const out: SyncOp = { app: app.metadata.name, startedAt };
  const finishedAt = parseIsoTime(op.finishedAt);
  if (finishedAt !== undefined) out.finishedAt = finishedAt;
  const result = rec(op.syncResult);
  const revision =
    nonEmpty(result?.revision) ??
    stringList(result?.revisions)[0] ??
    nonEmpty(sync.revision) ??
    stringList(sync.revisions)[0];
  if (revision) out.revision = revision;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Version token

/**
 * The parts of an application its version token is made of: exactly what Argo CD's list returns
 * when asked for `fields=` LIST_FIELDS (adapter.ts), so a trimmed list item and the full object
 * give the same token. Nothing in an application moves when Tattler's fields, health, actor or time
 * do without one of these moving too: a sync (new history entry, new author) sets operationState's
 * times and phase; a push moves sync.status and sync.revision; edits move spec; health is here;
 * a re-created application has a new creationTimestamp. Its resourceVersion, which moves at every
 * reconcile, is not (and the trimmed list does not carry it). Null and absent are one: Argo CD's
 * field filter writes a nil slice or map as null where the full object leaves it out.
 */
export const TOKEN_PATHS: readonly (readonly string[])[] = [
  ['metadata', 'name'],
  ['metadata', 'namespace'],
  ['metadata', 'labels'],
  ['metadata', 'creationTimestamp'],
  ['spec', 'destination'],
  ['spec', 'project'],
  ['spec', 'source'],
  ['spec', 'sources'],
  ['spec', 'syncPolicy'],
  ['status', 'sync', 'status'],
  ['status', 'sync', 'revision'],
  ['status', 'health'],
  ['status', 'summary'],
  ['status', 'operationState', 'phase'],
  ['status', 'operationState', 'startedAt'],
  ['status', 'operationState', 'finishedAt'],
];

/** `a<hash>` of the application's TOKEN_PATHS: the same from a trimmed list item and from the full object. */
export function versionTokenOf(app: ArgoApp): string {
  const picked: Record<string, unknown> = {};
  for (const path of TOKEN_PATHS) {
    const value = at(app, ...path);
    if (value !== undefined && value !== null) picked[path.join('.')] = value;
  }
  return `a${stableHash(picked)}`;
}

// ---------------------------------------------------------------------------------------------
// Link and snapshot

export function linkOf(app: ArgoApp, namespace: string, ctx: NormalizeContext): string | undefined {
  const name = app.metadata.name;
  const template = ctx.source.links?.job;
  if (template) {
    // {name} is the application's real name here: a console link must find the application.
    const filled = fillTemplate(template, {
      cluster: ctx.nativeId,
      clusterName: ctx.clusterName,
      namespace,
      name,
      kind: ARGOCD_KIND,
    });
    if (filled) return filled;
  }
  const base = trimBase(ctx.source.baseUrl ?? ctx.apiBase);
  const appNs = appNamespaceOf(app);
  const path = appNs ? `${encodeURIComponent(appNs)}/${encodeURIComponent(name)}` : encodeURIComponent(name);
  return safeHttpUrl(`${base}/applications/${path}`);
}

/** At most this many managed workloads are kept per application (a row key each). */
export const MAX_MANAGED = 100;

const WORKLOAD_KINDS: ReadonlySet<string> = new Set(KUBERNETES_KINDS);

/**
 * What an application manages (`status.resources`: group, kind, namespace, name of every object
 * it deploys), as row keys — only the workload kinds Tattler lists, the rest (Services,
 * ConfigMaps, …) are never rows. Read from a full application only: the trimmed list leaves
 * `status.resources` out (it is most of an application's size), so an application that did not
 * move keeps the links stored with it.
 */
export function linksOf(app: ArgoApp): JobLinks | undefined {
  const fallback = destinationOf(app).namespace ?? '';
  const manages = new Set<string>();
  for (const item of arr(at(app, 'status', 'resources'))) {
    const r = rec(item);
    const kind = nonEmpty(r?.kind);
    const name = nonEmpty(r?.name);
    if (!r || !kind || !name || !WORKLOAD_KINDS.has(kind)) continue;
    manages.add(rowKeyOf(kind, nonEmpty(r.namespace) ?? fallback, name));
    if (manages.size >= MAX_MANAGED) break;
  }
  return manages.size ? { manages: [...manages].sort() } : undefined;
}

export function normalizeApp(app: ArgoApp, ctx: NormalizeContext): JobSnapshot {
  const name = jobNameOf(app.metadata.name, ctx.clusterName);
  const namespace = namespaceOf(app);
  const rowKey = rowKeyOf(ARGOCD_KIND, namespace, name);
  const fields = fieldsOf(app);
  const health = healthOf(app);
  const history = newestHistory(app);
  const { changedAt, changedBy } = actorOf(app);
  const snapshot: JobSnapshot = {
    key: jobKeyOf(ctx.clusterId, rowKey),
    clusterId: ctx.clusterId,
    rowKey,
    kind: ARGOCD_KIND,
    namespace,
    name,
    // resourceVersion moves at every reconcile (every few minutes, status only), and the trimmed
    // list does not carry it: a fingerprint of what moves with every change Tattler reports.
    versionToken: versionTokenOf(app),
    fields,
    health,
    observedAt: ctx.now,
  };
  if (history) snapshot.version = history.id;
  // Every sync Argo CD still remembers: the syncs between two polls are recovered from it.
  const past = historyOf(app);
  if (past) snapshot.history = past;
  const uid = nonEmpty(app.metadata.uid);
  if (uid) snapshot.instance = uid;
  if (changedAt !== undefined) snapshot.changedAt = changedAt;
  if (changedBy) snapshot.changedBy = changedBy;
  const sync = syncOf(app);
  if (sync) snapshot.sync = sync;
  const link = linkOf(app, namespace, ctx);
  if (link) snapshot.link = link;
  // The row's name may be shortened (`checkout` for `checkout-prod-eu-1`): a GET by name needs
  // the application's own namespace and name.
  snapshot.ref = `${appNamespaceOf(app) ?? ''}/${app.metadata.name}`;
  const links = linksOf(app);
  if (links) snapshot.links = links;
  return snapshot;
}

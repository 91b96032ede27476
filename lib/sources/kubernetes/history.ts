/**
 * A Deployment's own memory: the ReplicaSets it owns (an `ownerReferences` entry with its uid).
 * The Deployment controller makes one per pod-template revision and keeps the last
 * `spec.revisionHistoryLimit` (10 by default), scaled to zero. Each carries:
 *
 *   deployment.kubernetes.io/revision          the revision it is (the Deployment's annotation
 *                                              names the current one)
 *   deployment.kubernetes.io/revision-history  the earlier revisions it was, when a rollback
 *                                              brought its template back (the ReplicaSet is
 *                                              reused under the new revision number)
 *   metadata.creationTimestamp                 when that revision was made — unless reused
 *   spec.template                              the pod template of that revision
 *   other annotations                          copied from the Deployment when the ReplicaSet was
 *                                              made or reused: the deploy tool's actor
 *                                              annotation, `kubernetes.io/change-cause`
 *
 * Limits, said where they apply: replicas, strategy and paused live on the Deployment and make
 * no revision (they are carried over, and counted as skipped when they moved unseen); a reused
 * ReplicaSet's creationTimestamp is its first revision's, so a rollback's time is unknown; a
 * change-cause is whatever the Deployment said at the time, which may be stale; without an
 * actor annotation nobody is named (the controller, not a person, creates ReplicaSets).
 *
 * The requests (GET only): one ReplicaSet list per namespace of the Deployments asked about —
 * only those whose revision moved by more than one since the last poll, and every one at first
 * sight (lib/recover/ask.ts decides which). StatefulSets and DaemonSets are read the same way from
 * their ControllerRevisions (revisions.ts): one list per namespace.
 */
import type { JobHistory, JobSnapshot, PastVersion } from '../../model';
import { arr, nonEmpty, parseIsoTime, rec } from '../shared';
import type { PollContext } from '../types';
import { PAGE_LIMIT, parseListPage, readAllPages } from './list';
import { copiedAuthor, integer, type KubeObject, podFields, REVISION_ANNOTATION } from './normalize';
import { controllerRevisionSource } from './revisions';

export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';

const ownedBy = (rs: KubeObject, uid: string): boolean =>
  arr(rs.metadata.ownerReferences).some((r) => {
    const ref = rec(r);
    return ref?.kind === 'Deployment' && ref.uid === uid;
  });

/** One ReplicaSet → the revision it is. Undefined for one without a revision annotation. */
export function revisionOf(rs: KubeObject, actorAnnotation?: string): PastVersion | undefined {
  const annotations = rec(rs.metadata.annotations) ?? {};
  const revision = integer(annotations[REVISION_ANNOTATION]);
  if (revision === undefined) return undefined;
  const name = `${rs.metadata.namespace}/${rs.metadata.name}`;
  const v: PastVersion = { version: revision, fields: {}, from: `ReplicaSet ${name} (revision ${revision})` };
  podFields(rec(rec(rec(rs.spec)?.template)?.spec), v.fields);
  const earlier = nonEmpty(annotations[REVISION_HISTORY_ANNOTATION]);
  const created = parseIsoTime(rs.metadata.creationTimestamp);
  if (earlier) {
    v.limit = `time unknown: a rollback reused this ReplicaSet (it was revision ${earlier}), which keeps its first creationTimestamp`;
  } else if (created !== undefined) {
    v.at = created;
  }
  Object.assign(v, copiedAuthor(annotations, actorAnnotation, 'ReplicaSet'));
  return v;
}

/** The revisions a Deployment's ReplicaSets still remember (pure). */
export function deploymentHistory(
  deployment: JobSnapshot,
  replicaSets: readonly KubeObject[],
  actorAnnotation?: string,
): JobHistory | undefined {
  const uid = deployment.instance;
  if (!uid) return undefined;
  const versions: PastVersion[] = [];
  for (const rs of replicaSets) {
    if (!ownedBy(rs, uid)) continue;
    const v = revisionOf(rs, actorAnnotation);
    if (v) versions.push(v);
  }
  return versions.length ? { axis: 'revision', versions } : undefined;
}

/** One page of a namespace's ReplicaSets. */
export function replicaSetsUrl(apiBase: string, namespace: string, continueToken?: string): string {
  const query = new URLSearchParams({ limit: String(PAGE_LIMIT) });
  if (continueToken) query.set('continue', continueToken);
  return `${apiBase.replace(/\/+$/, '')}/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/replicasets?${query}`;
}

/** One kind of owned history: which jobs it is for, its list per namespace, and its reading. */
interface OwnedHistorySource {
  wants(job: JobSnapshot): boolean;
  url(apiBase: string, namespace: string, continueToken?: string): string;
  build(job: JobSnapshot, items: readonly KubeObject[], ctx: PollContext): JobHistory | undefined;
}

const replicaSetSource: OwnedHistorySource = {
  wants: (job) => job.kind === 'Deployment',
  url: replicaSetsUrl,
  build: (job, items, ctx) => deploymentHistory(job, items, ctx.source.actorAnnotation),
};

/** Reads one list per namespace of the jobs `source` is for, and builds their histories. */
async function readOwnedHistory(
  ctx: PollContext,
  jobs: readonly JobSnapshot[],
  source: OwnedHistorySource,
  histories: Map<string, JobHistory>,
): Promise<number> {
  const byNamespace = new Map<string, JobSnapshot[]>();
  for (const job of jobs) {
    if (!source.wants(job) || !job.instance) continue;
    const list = byNamespace.get(job.namespace) ?? [];
    list.push(job);
    byNamespace.set(job.namespace, list);
  }
  let bytes = 0;
  for (const [namespace, owners] of byNamespace) {
    const list = await readAllPages(
      ctx.http,
      (token) => source.url(ctx.apiBase, namespace, token),
      parseListPage,
    );
    bytes += list.bytes;
    for (const job of owners) {
      const history = source.build(job, list.items, ctx);
      if (history) histories.set(job.key, history);
    }
  }
  return bytes;
}

/**
 * The history of the Kubernetes jobs asked about: a Deployment's from its ReplicaSets, a
 * StatefulSet's or DaemonSet's from its ControllerRevisions (revisions.ts); one list per kind of
 * history per namespace. CronJobs keep none.
 */
export async function readKubernetesHistory(
  ctx: PollContext,
  jobs: readonly JobSnapshot[],
): Promise<{ histories: Map<string, JobHistory>; bytes: number }> {
  const histories = new Map<string, JobHistory>();
  let bytes = 0;
  for (const source of [replicaSetSource, controllerRevisionSource]) {
    bytes += await readOwnedHistory(ctx, jobs, source, histories);
  }
  return { histories, bytes };
}

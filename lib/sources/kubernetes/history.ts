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
 * sight (lib/recover/ask.ts decides which).
 */
import type { Actor, JobHistory, JobSnapshot, PastVersion } from '../../model';
import { arr, nonEmpty, parseIsoTime, rec } from '../shared';
import type { PollContext } from '../types';
import { PAGE_LIMIT, parseListPage, readAllPages } from './list';
import {
  CHANGE_CAUSE_ANNOTATION,
  integer,
  type KubeObject,
  podFields,
  REVISION_ANNOTATION,
} from './normalize';

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
  const stamped = actorAnnotation ? nonEmpty(annotations[actorAnnotation]) : undefined;
  if (actorAnnotation && stamped) {
    const actor: Actor = {
      name: stamped,
      kind: 'person',
      via: `annotation ${actorAnnotation}, copied to the ReplicaSet`,
    };
    v.actor = actor;
  }
  const cause = nonEmpty(annotations[CHANGE_CAUSE_ANNOTATION]);
  if (cause) v.changeCause = cause;
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

/** Reads the ReplicaSets of the namespaces of `jobs` (Deployments only) and builds their histories. */
export async function readDeploymentHistory(
  ctx: PollContext,
  jobs: readonly JobSnapshot[],
): Promise<{ histories: Map<string, JobHistory>; bytes: number }> {
  const byNamespace = new Map<string, JobSnapshot[]>();
  for (const job of jobs) {
    if (job.kind !== 'Deployment' || !job.instance) continue;
    const list = byNamespace.get(job.namespace) ?? [];
    list.push(job);
    byNamespace.set(job.namespace, list);
  }
  const histories = new Map<string, JobHistory>();
  let bytes = 0;
  for (const [namespace, deployments] of byNamespace) {
    const list = await readAllPages(
      ctx.http,
      (token) => replicaSetsUrl(ctx.apiBase, namespace, token),
      parseListPage,
    );
    bytes += list.bytes;
    for (const d of deployments) {
      const history = deploymentHistory(d, list.items, ctx.source.actorAnnotation);
      if (history) histories.set(d.key, history);
    }
  }
  return { histories, bytes };
}

/**
 * A StatefulSet's or DaemonSet's own memory: the ControllerRevisions (apps/v1) it owns (an
 * `ownerReferences` entry of its kind with its uid). Their controllers (kubernetes
 * `pkg/controller/statefulset` newRevision, `pkg/controller/daemon` snapshot and
 * constructHistory, `pkg/controller/history`) keep one per pod template, pruned to
 * `spec.revisionHistoryLimit` (10 by default; revisions pods still run are kept). Each carries:
 *
 *   revision                    its number; the newest is the one the owner is at (a StatefulSet's
 *                               `status.updateRevision` names it once the controller has observed
 *                               the spec; a DaemonSet says nothing else)
 *   data.spec.template          the pod template, stored as a strategic-merge patch
 *                               (`$patch: replace`) — only the template: replicas and
 *                               updateStrategy make no revision
 *   metadata.creationTimestamp  when that revision was made — unless reused
 *   metadata.annotations        a copy of every owner annotation when the revision was *created*:
 *                               the deploy tool's actor annotation, `kubernetes.io/change-cause`
 *
 * A rollback (a template equal to an older revision's) makes no new ControllerRevision: the
 * controller raises the older one's `revision` to the next number and changes nothing else. Its
 * creationTimestamp and annotations stay those of the revision it first was, and its former
 * number is gone (counted as skipped, like a pruned one). Such a reused revision is recognised when
 * a lower revision was created after it; it is then given neither time nor actor, and says why.
 * When every lower revision is pruned it cannot be recognised: its time then falls outside the
 * window between two polls (lib/recover/merge.ts dates it by the window), and its actor is the
 * first author's — a limit the README states.
 *
 * The owner's own annotations, labels and replicas make no revision: nothing to recover there.
 */
import type { JobHistory, JobSnapshot, PastVersion } from '../../model';
import { arr, at, parseIsoTime, rec } from '../shared';
import type { PollContext } from '../types';
import { PAGE_LIMIT } from './list';
import { copiedAuthor, type KubeObject, podFields } from './normalize';

/** The kinds whose history is ControllerRevisions. */
export const REVISION_OWNER_KINDS: ReadonlySet<string> = new Set(['StatefulSet', 'DaemonSet']);

const ownedBy = (cr: KubeObject, kind: string, uid: string): boolean =>
  arr(cr.metadata.ownerReferences).some((r) => {
    const ref = rec(r);
    return ref?.kind === kind && ref.uid === uid;
  });

/** `.revision` is an int64 the API writes as a JSON number. */
const revisionNumber = (cr: KubeObject): number | undefined => {
  const n = cr.revision;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/** One ControllerRevision → the revision it is; `reused` when a rollback re-numbered it. */
export function controllerRevisionOf(
  cr: KubeObject,
  actorAnnotation: string | undefined,
  reused: boolean,
): PastVersion | undefined {
  const revision = revisionNumber(cr);
  if (revision === undefined) return undefined;
  const name = `${cr.metadata.namespace}/${cr.metadata.name}`;
  const v: PastVersion = {
    version: revision,
    fields: {},
    from: `ControllerRevision ${name} (revision ${revision})`,
  };
  podFields(rec(at(cr.data, 'spec', 'template', 'spec')), v.fields);
  if (reused) {
    v.limit =
      'time and author unknown: a rollback re-used this ControllerRevision, which keeps the creationTimestamp and annotations of the revision it first was';
    return v;
  }
  const created = parseIsoTime(cr.metadata.creationTimestamp);
  if (created !== undefined) v.at = created;
  const annotations = rec(cr.metadata.annotations) ?? {};
  Object.assign(v, copiedAuthor(annotations, actorAnnotation, 'ControllerRevision'));
  return v;
}

/**
 * The revisions an owner's ControllerRevisions still remember (pure). `current` is the newest one
 * once the controller has observed the owner's spec (health.lag 0); before that the newest may be
 * the revision before the edit, so it is not claimed.
 */
export function controllerRevisionHistory(
  owner: JobSnapshot,
  revisions: readonly KubeObject[],
  actorAnnotation?: string,
): JobHistory | undefined {
  const uid = owner.instance;
  if (!uid || !REVISION_OWNER_KINDS.has(owner.kind)) return undefined;
  const owned = revisions
    .filter((cr) => ownedBy(cr, owner.kind, uid) && revisionNumber(cr) !== undefined)
    .sort((a, b) => (revisionNumber(a) as number) - (revisionNumber(b) as number));
  const versions: PastVersion[] = [];
  let latestCreated = Number.NEGATIVE_INFINITY;
  for (const cr of owned) {
    const created = parseIsoTime(cr.metadata.creationTimestamp);
    // A lower revision made after this one: this one was made first and re-numbered by a rollback.
    const reused = created !== undefined && created < latestCreated;
    if (created !== undefined) latestCreated = Math.max(latestCreated, created);
    const v = controllerRevisionOf(cr, actorAnnotation, reused);
    if (v) versions.push(v);
  }
  if (!versions.length) return undefined;
  const history: JobHistory = { axis: 'revision', versions };
  if (owner.health.lag === 0) history.current = (versions[versions.length - 1] as PastVersion).version;
  return history;
}

/** One page of a namespace's ControllerRevisions. */
export function controllerRevisionsUrl(apiBase: string, namespace: string, continueToken?: string): string {
  const query = new URLSearchParams({ limit: String(PAGE_LIMIT) });
  if (continueToken) query.set('continue', continueToken);
  return `${apiBase.replace(/\/+$/, '')}/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/controllerrevisions?${query}`;
}

/** What the history reader (history.ts) needs to read one kind of owned history per namespace. */
export const controllerRevisionSource = {
  wants: (job: JobSnapshot) => REVISION_OWNER_KINDS.has(job.kind),
  url: controllerRevisionsUrl,
  build: (job: JobSnapshot, items: readonly KubeObject[], ctx: PollContext) =>
    controllerRevisionHistory(job, items, ctx.source.actorAnnotation),
};

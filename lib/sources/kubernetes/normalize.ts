/**
 * Kubernetes workload object → JobSnapshot. Pure: no I/O, no clock, no globals; never throws on
 * any object that passed the list's shape check (metadata.name and metadata.namespace strings).
 * Everything below `metadata` is read defensively, because it arrives from the network.
 *
 * Field paths (the diff and the user's `ignoreFields` use exactly these names — keep them stable):
 *
 *   spec.replicas                          number   Deployment, StatefulSet
 *   spec.paused                            boolean  Deployment (false when the API omits it)
 *   spec.strategy                          string   Deployment: spec.strategy.type
 *   spec.updateStrategy                    string   StatefulSet, DaemonSet: spec.updateStrategy.type
 *   spec.schedule                          string   CronJob
 *   spec.timeZone                          string   CronJob (changes when the schedule fires)
 *   spec.suspend                           boolean  CronJob
 *   containers[<name>].image               string
 *   containers[<name>].command             string[]
 *   containers[<name>].args                string[]
 *   containers[<name>].env                 string[] sorted; `NAME=value` for literal values,
 *                                                   `NAME ← secret <secret>`, `NAME ← configMap <name>`,
 *                                                   `NAME ← field`, `NAME ← resource` for valueFrom
 *   containers[<name>].envFrom             string[] sorted; `secret <name>`, `configMap <name>`
 *                                                   (with ` prefix <p>` when one is set)
 *   containers[<name>].resources.<requests|limits>.<resource>   string, e.g. `…requests.cpu` = "250m"
 *   initContainers[<name>].…               the same paths for init containers
 *
 * The pod template is `spec.template` (Deployment, StatefulSet, DaemonSet) or
 * `spec.jobTemplate.spec.template` (CronJob). Absent fields are omitted, never stored as undefined.
 * No value from a Secret is ever read: a `valueFrom` entry yields only the Secret's name, and
 * annotations other than the actor and change-cause ones are not copied.
 */
import { fillTemplate, safeHttpUrl } from '../../links';
import type { Actor, FieldValue, Health, JobSnapshot, KubernetesKind } from '../../model';
import { jobKeyOf, rowKeyOf } from '../../model';
import { arr, at, bool, type Json, nonEmpty, num, parseIsoTime, rec, str, strings } from '../shared';
import type { PollContext } from '../types';
import { workloadLinks } from './links';

/** What normalizing needs from a poll: everything but the network. */
export type NormalizeContext = Omit<PollContext, 'http'>;

/** A list item that passed the shape check; everything else is unknown until read. */
export interface KubeObject {
  metadata: { name: string; namespace: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Where each kind lives in the API, and what consoles call it. */
export interface KindInfo {
  group: string;
  version: string;
  plural: string;
  /** Rancher dashboard resource type in workload URLs. */
  rancherType: string;
}

export const KIND_INFO: Record<KubernetesKind, KindInfo> = {
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments', rancherType: 'apps.deployment' },
  StatefulSet: { group: 'apps', version: 'v1', plural: 'statefulsets', rancherType: 'apps.statefulset' },
  DaemonSet: { group: 'apps', version: 'v1', plural: 'daemonsets', rancherType: 'apps.daemonset' },
  CronJob: { group: 'batch', version: 'v1', plural: 'cronjobs', rancherType: 'batch.cronjob' },
};

/** Annotation the Deployment controller keeps in step with the current ReplicaSet's revision. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
/** Writes status and the revision annotation on every rollout; never the author of a change. */
const CONTROLLER_MANAGER = 'kube-controller-manager';

const annotationsOf = (obj: KubeObject): Json => rec(obj.metadata.annotations) ?? {};

// ---------------------------------------------------------------------------------------------
// Fields

/** The pod template of a workload; CronJobs nest it one Job deeper. */
export function podSpecOf(kind: KubernetesKind, obj: KubeObject): Json | undefined {
  const template =
    kind === 'CronJob' ? at(obj, 'spec', 'jobTemplate', 'spec', 'template') : at(obj, 'spec', 'template');
  return rec(at(template, 'spec'));
}

/** One env entry as shown to people. Never reads a value that comes from elsewhere. */
export function envEntry(entry: Json): string | undefined {
  const name = str(entry.name);
  if (name === undefined) return undefined;
  const from = rec(entry.valueFrom);
  if (from) {
    // valueFrom wins even if a (invalid) literal value sits next to it: that literal could be
    // the secret pasted in by mistake, and it is not what the container sees anyway.
    const secret = rec(from.secretKeyRef);
    if (secret) return `${name} ← secret ${str(secret.name) ?? '?'}`;
    const configMap = rec(from.configMapKeyRef);
    if (configMap) return `${name} ← configMap ${str(configMap.name) ?? '?'}`;
    if (rec(from.fieldRef)) return `${name} ← field`;
    if (rec(from.resourceFieldRef)) return `${name} ← resource`;
    return `${name} ← valueFrom`;
  }
  const value = entry.value;
  return `${name}=${typeof value === 'string' ? value : ''}`;
}

function envFromEntry(entry: Json): string | undefined {
  const prefix = nonEmpty(entry.prefix);
  const suffix = prefix ? ` prefix ${prefix}` : '';
  const secret = rec(entry.secretRef);
  if (secret) return `secret ${str(secret.name) ?? '?'}${suffix}`;
  const configMap = rec(entry.configMapRef);
  if (configMap) return `configMap ${str(configMap.name) ?? '?'}${suffix}`;
  return undefined;
}

const sortedEntries = (list: unknown, fn: (e: Json) => string | undefined): string[] | undefined => {
  if (!Array.isArray(list)) return undefined;
  const out: string[] = [];
  for (const item of list) {
    const e = rec(item);
    const s = e ? fn(e) : undefined;
    if (s !== undefined) out.push(s);
  }
  return out.sort();
};

/** Quantities are strings in the API; a number is accepted and written the same way. */
const quantity = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

function containerFields(
  prefix: 'containers' | 'initContainers',
  list: unknown,
  out: Record<string, FieldValue>,
) {
  for (const item of arr(list)) {
    const c = rec(item);
    const name = c && str(c.name);
    if (!c || name === undefined) continue;
    const p = `${prefix}[${name}]`;
    const image = str(c.image);
    if (image !== undefined) out[`${p}.image`] = image;
    const command = strings(c.command);
    if (command) out[`${p}.command`] = command;
    const args = strings(c.args);
    if (args) out[`${p}.args`] = args;
    const env = sortedEntries(c.env, envEntry);
    if (env) out[`${p}.env`] = env;
    const envFrom = sortedEntries(c.envFrom, envFromEntry);
    if (envFrom) out[`${p}.envFrom`] = envFrom;
    for (const group of ['requests', 'limits'] as const) {
      const resources = rec(at(c, 'resources', group));
      if (!resources) continue;
      for (const [resource, value] of Object.entries(resources)) {
        const q = quantity(value);
        if (q !== undefined) out[`${p}.resources.${group}.${resource}`] = q;
      }
    }
  }
}

/** The tracked fields of one workload, by the paths documented at the top of this file. */
export function fieldsOf(kind: KubernetesKind, obj: KubeObject): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  const spec = rec(obj.spec) ?? {};
  const put = (path: string, value: FieldValue | undefined) => {
    if (value !== undefined) out[path] = value;
  };
  switch (kind) {
    case 'Deployment':
      put('spec.replicas', num(spec.replicas));
      // The API omits false; store it, so resuming reads paused: true → false, not → (absent).
      put('spec.paused', bool(spec.paused) ?? false);
      put('spec.strategy', str(at(spec, 'strategy', 'type')));
      break;
    case 'StatefulSet':
      put('spec.replicas', num(spec.replicas));
      put('spec.updateStrategy', str(at(spec, 'updateStrategy', 'type')));
      break;
    case 'DaemonSet':
      put('spec.updateStrategy', str(at(spec, 'updateStrategy', 'type')));
      break;
    case 'CronJob':
      put('spec.schedule', str(spec.schedule));
      put('spec.timeZone', str(spec.timeZone));
      put('spec.suspend', bool(spec.suspend) ?? false);
      break;
  }
  podFields(podSpecOf(kind, obj), out);
  return out;
}

/** The tracked fields of a pod spec (a workload's template, or a ReplicaSet's: its history). */
export function podFields(pod: Json | undefined, out: Record<string, FieldValue>): void {
  containerFields('initContainers', pod?.initContainers, out);
  containerFields('containers', pod?.containers, out);
}

// ---------------------------------------------------------------------------------------------
// Health

const conditionOf = (status: Json, type: string): Json | undefined =>
  arr(status.conditions)
    .map(rec)
    .find((c) => c?.type === type);

/** How far the controller is behind the spec; undefined when the API does not say. */
function lagOf(obj: KubeObject, status: Json): number | undefined {
  const generation = num(obj.metadata.generation);
  const observed = num(status.observedGeneration);
  if (generation === undefined || observed === undefined) return undefined;
  return Math.max(0, generation - observed);
}

interface Counts {
  desired: number;
  ready: number;
  updated: number;
  available: number;
  lag?: number;
}

function summary(c: Counts, extra: string[]): string {
  const parts = [`${c.ready}/${c.desired} ready`];
  if (c.updated < c.desired) parts.push(`${c.updated}/${c.desired} updated`);
  if (c.lag) parts.push('spec change not yet observed');
  return [...parts, ...extra].join(', ');
}

/** The shared rollout rule for replica-style workloads, once their counts are read. */
function replicaHealth(c: Counts, opts: { suspended?: boolean; failed?: string }): Health {
  const base: Health = {
    state: 'healthy',
    desired: c.desired,
    ready: c.ready,
    updated: c.updated,
    available: c.available,
  };
  if (c.lag !== undefined) base.lag = c.lag;
  const rolloutDone = !c.lag && c.updated >= c.desired;
  if (opts.suspended) return { ...base, state: 'suspended', message: summary(c, ['paused']) };
  if (opts.failed) return { ...base, state: 'degraded', message: summary(c, [opts.failed]) };
  if (rolloutDone && c.available < c.desired)
    return { ...base, state: 'degraded', message: summary(c, [`${c.available}/${c.desired} available`]) };
  if (!rolloutDone) return { ...base, state: 'progressing', message: summary(c, []) };
  return { ...base, message: summary(c, []) };
}

function deploymentHealth(obj: KubeObject): Health {
  const spec = rec(obj.spec) ?? {};
  const status = rec(obj.status) ?? {};
  const counts: Counts = {
    desired: num(spec.replicas) ?? 1,
    ready: num(status.readyReplicas) ?? 0,
    updated: num(status.updatedReplicas) ?? 0,
    available: num(status.availableReplicas) ?? 0,
    lag: lagOf(obj, status),
  };
  const available = conditionOf(status, 'Available');
  const progressing = conditionOf(status, 'Progressing');
  let failed: string | undefined;
  if (progressing?.reason === 'ProgressDeadlineExceeded') failed = 'progress deadline exceeded';
  else if (available?.status === 'False') failed = 'not available';
  return replicaHealth(counts, { suspended: spec.paused === true, failed });
}

function statefulSetHealth(obj: KubeObject): Health {
  const spec = rec(obj.spec) ?? {};
  const status = rec(obj.status) ?? {};
  const ready = num(status.readyReplicas) ?? 0;
  return replicaHealth(
    {
      desired: num(spec.replicas) ?? 1,
      ready,
      updated: num(status.updatedReplicas) ?? 0,
      // availableReplicas arrived in 1.22 (minReadySeconds); before that, ready is the best we have.
      available: num(status.availableReplicas) ?? ready,
      lag: lagOf(obj, status),
    },
    {},
  );
}

function daemonSetHealth(obj: KubeObject): Health {
  const status = rec(obj.status) ?? {};
  const ready = num(status.numberReady) ?? 0;
  return replicaHealth(
    {
      desired: num(status.desiredNumberScheduled) ?? 0,
      ready,
      updated: num(status.updatedNumberScheduled) ?? 0,
      available: num(status.numberAvailable) ?? ready,
      lag: lagOf(obj, status),
    },
    {},
  );
}

function cronJobHealth(obj: KubeObject): Health {
  const spec = rec(obj.spec) ?? {};
  const status = rec(obj.status) ?? {};
  if (spec.suspend === true) return { state: 'suspended', message: 'suspended' };
  const active = arr(status.active).length;
  const schedule = str(spec.schedule);
  const parts = [schedule ? `schedule ${schedule}` : 'scheduled'];
  if (active > 0) parts.push(`${active} running`);
  return { state: 'healthy', message: parts.join(', ') };
}

export function healthOf(kind: KubernetesKind, obj: KubeObject): Health {
  switch (kind) {
    case 'Deployment':
      return deploymentHealth(obj);
    case 'StatefulSet':
      return statefulSetHealth(obj);
    case 'DaemonSet':
      return daemonSetHealth(obj);
    case 'CronJob':
      return cronJobHealth(obj);
  }
}

// ---------------------------------------------------------------------------------------------
// Actor and time

/** A managedFields entry that records a change to the object itself (not its status). */
interface ChangeEntry {
  manager: string;
  /** Epoch ms; -Infinity when the entry has no parseable time (ranks oldest). */
  time: number;
  fields: Json | undefined;
}

/**
 * managedFields entries that can stand for a person's change: not the status subresource (the
 * controllers' bookkeeping), and not kube-controller-manager (which also stamps the revision
 * annotation on the main resource at every rollout). Other subresources (scale) do count.
 */
export function changeEntries(obj: KubeObject): ChangeEntry[] {
  const out: ChangeEntry[] = [];
  for (const item of arr(obj.metadata.managedFields)) {
    const e = rec(item);
    const manager = e && nonEmpty(e.manager);
    if (!e || !manager || manager === CONTROLLER_MANAGER || e.subresource === 'status') continue;
    out.push({ manager, time: parseIsoTime(e.time) ?? Number.NEGATIVE_INFINITY, fields: rec(e.fieldsV1) });
  }
  return out;
}

/** The newest entry; on equal times the later one in the list. */
const newestOf = (entries: ChangeEntry[]): ChangeEntry | undefined =>
  entries.reduce<ChangeEntry | undefined>((best, e) => (!best || e.time >= best.time ? e : best), undefined);

const ownsAnnotation = (entry: ChangeEntry, annotation: string): boolean =>
  at(entry.fields, 'f:metadata', 'f:annotations', `f:${annotation}`) !== undefined;

const finite = (t: number | undefined): number | undefined =>
  t !== undefined && Number.isFinite(t) ? t : undefined;

export interface ActorInfo {
  changedBy?: Actor;
  changedAt?: number;
}

/**
 * Managers that are a person at a terminal or a console rather than a pipeline: every
 * `kubectl …` client (edit, patch, scale, set, client-side apply), and browser-based consoles.
 * Their writes never stamp the deploy tooling's annotation.
 */
const HAND_TOOL = /^(kubectl($|-)|Mozilla|rancher$|k9s|lens|headlamp|dashboard)/i;

/**
 * The author and change-cause a history record (a ReplicaSet, a ControllerRevision) copied from
 * its owner's annotations when it was made: `record` names the kind of record for the actor's `via`.
 */
export function copiedAuthor(
  annotations: Json,
  actorAnnotation: string | undefined,
  record: string,
): { actor?: Actor; changeCause?: string } {
  const out: { actor?: Actor; changeCause?: string } = {};
  const stamped = actorAnnotation ? nonEmpty(annotations[actorAnnotation]) : undefined;
  if (actorAnnotation && stamped) {
    out.actor = {
      name: stamped,
      kind: 'person',
      via: `annotation ${actorAnnotation}, copied to the ${record}`,
    };
  }
  const cause = nonEmpty(annotations[CHANGE_CAUSE_ANNOTATION]);
  if (cause) out.changeCause = cause;
  return out;
}

/**
 * Who last changed the object, and when.
 *
 * A configured annotation (stamped by deploy tooling) names a person. When the newest change
 * was made by a manager that does not own the annotation, there are two readings, and the
 * manager's name tells them apart:
 * - a hand tool (`kubectl-edit` after the pipeline): the annotation is stale — report the tool,
 *   as a client name;
 * - a deploy tool (helm, argocd-controller …): the annotation was written again with the value
 *   it already had, and Kubernetes does not move ownership of an unchanged field — the person
 *   stands, with a note saying so.
 * Without the annotation, the newest change entry's manager is reported as a client program's
 * name, which is all managedFields can say.
 */
export function actorOf(obj: KubeObject, actorAnnotation?: string): ActorInfo {
  const entries = changeEntries(obj);
  const newest = newestOf(entries);
  const fromManager = (e: ChangeEntry): ActorInfo => {
    const info: ActorInfo = { changedBy: { name: e.manager, kind: 'client', via: 'managedFields' } };
    const t = finite(e.time);
    if (t !== undefined) info.changedAt = t;
    return info;
  };

  const stamped = actorAnnotation ? nonEmpty(annotationsOf(obj)[actorAnnotation]) : undefined;
  if (actorAnnotation && stamped !== undefined) {
    const owner = newestOf(entries.filter((e) => ownsAnnotation(e, actorAnnotation)));
    // Equal times count as the owner's.
    const newer = newest && (!owner || newest.time > owner.time) ? newest : undefined;
    if (newer && HAND_TOOL.test(newer.manager)) return fromManager(newer);
    const via = newer
      ? `annotation ${actorAnnotation} (unchanged by ${newer.manager}'s write)`
      : `annotation ${actorAnnotation}`;
    const info: ActorInfo = { changedBy: { name: stamped, kind: 'person', via } };
    const t = finite(newer?.time) ?? finite(owner?.time) ?? finite(newest?.time);
    if (t !== undefined) info.changedAt = t;
    return info;
  }
  return newest ? fromManager(newest) : {};
}

// ---------------------------------------------------------------------------------------------
// Links

const RANCHER_PROXY = '/k8s/clusters/';
const OPENSHIFT_PROXY = '/api/kubernetes';

/** `<rancher>/k8s/clusters/<id>` → the Rancher server (with any path prefix) and the cluster id. */
export function parseRancherApiBase(apiBase: string): { rancher: string; clusterId: string } | undefined {
  const i = apiBase.indexOf(RANCHER_PROXY);
  if (i < 0) return undefined;
  const segment = apiBase.slice(i + RANCHER_PROXY.length).split('/')[0];
  if (!segment) return undefined;
  let clusterId: string;
  try {
    clusterId = decodeURIComponent(segment);
  } catch {
    clusterId = segment;
  }
  return { rancher: apiBase.slice(0, i), clusterId };
}

/** The console page of one job: the configured template first, else what the API base implies. */
export function linkOf(
  kind: KubernetesKind,
  namespace: string,
  name: string,
  ctx: NormalizeContext,
): string | undefined {
  const template = ctx.source.links?.job;
  if (template) {
    const filled = fillTemplate(template, {
      cluster: ctx.nativeId,
      clusterName: ctx.clusterName,
      namespace,
      name,
      kind,
    });
    // A template that needs a value we lack ({user}) falls back to the built-in console link.
    if (filled) return filled;
  }
  const ns = encodeURIComponent(namespace);
  const n = encodeURIComponent(name);
  const rancher = parseRancherApiBase(ctx.apiBase);
  if (rancher) {
    const c = encodeURIComponent(rancher.clusterId);
    return safeHttpUrl(
      `${rancher.rancher}/dashboard/c/${c}/explorer/${KIND_INFO[kind].rancherType}/${ns}/${n}`,
    );
  }
  const base = ctx.apiBase.replace(/\/+$/, '');
  if (base.endsWith(OPENSHIFT_PROXY)) {
    const consoleUrl = base.slice(0, -OPENSHIFT_PROXY.length);
    return safeHttpUrl(`${consoleUrl}/k8s/ns/${ns}/${KIND_INFO[kind].plural}/${n}`);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

export const integer = (v: unknown): number | undefined => {
  if (typeof v !== 'string' || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
};

/** One workload object → its snapshot at this poll. */
export function normalizeObject(kind: KubernetesKind, obj: KubeObject, ctx: NormalizeContext): JobSnapshot {
  const { name, namespace } = obj.metadata;
  const rowKey = rowKeyOf(kind, namespace, name);
  const annotations = annotationsOf(obj);
  const snapshot: JobSnapshot = {
    key: jobKeyOf(ctx.clusterId, rowKey),
    clusterId: ctx.clusterId,
    rowKey,
    kind,
    namespace,
    name,
    versionToken: str(obj.metadata.resourceVersion) ?? '',
    fields: fieldsOf(kind, obj),
    health: healthOf(kind, obj),
    observedAt: ctx.now,
  };
  const version = num(obj.metadata.generation);
  if (version !== undefined) snapshot.version = version;
  const revision = kind === 'Deployment' ? integer(annotations[REVISION_ANNOTATION]) : undefined;
  if (revision !== undefined) snapshot.revision = revision;
  const uid = nonEmpty(obj.metadata.uid);
  if (uid) snapshot.instance = uid;
  const { changedAt, changedBy } = actorOf(obj, ctx.source.actorAnnotation);
  if (changedAt !== undefined) snapshot.changedAt = changedAt;
  if (changedBy) snapshot.changedBy = changedBy;
  const cause = nonEmpty(annotations[CHANGE_CAUSE_ANNOTATION]);
  if (cause) snapshot.changeCause = cause;
  const link = linkOf(kind, namespace, name, ctx);
  if (link) snapshot.link = link;
  const links = workloadLinks(
    kind,
    obj.metadata,
    ctx.source.owner?.labelSelector,
    ctx.source.deployIdAnnotation,
  );
  if (links) snapshot.links = links;
  return snapshot;
}

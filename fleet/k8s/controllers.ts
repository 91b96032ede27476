/**
 * The controllers' side of a change: what kube-controller-manager does after someone edits a
 * workload. Deployments get a ReplicaSet per pod-template revision (their history) and the
 * `deployment.kubernetes.io/revision` annotation; StatefulSets and DaemonSets a ControllerRevision
 * per pod template; every workload's status then converges in a
 * couple of steps (observedGeneration first, then updated/ready replicas), each step a real write
 * with its own resourceVersion and a kube-controller-manager managedFields entry.
 *
 * A template the scenario marks broken never becomes ready: the rollout stalls with fewer ready
 * replicas than desired, which is what the alert rules look for.
 */
import { hash32, SAFE_ALNUM } from '../sim/prng';
import { NAME_LABEL } from './objects';
import type { ClusterStore } from './store';
import { k8sTime } from './time';
import {
  annotationsOf,
  type Condition,
  type ControllerRevision,
  type CronJob,
  clone,
  type DaemonSet,
  type Deployment,
  type DeploymentStatus,
  keyOf,
  type PodTemplate,
  type ReplicaSet,
  type StatefulSet,
  type Workload,
} from './types';

export const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';
const CONTROLLER = 'kube-controller-manager';

export interface ControllerHost {
  store: ClusterStore;
  /** Writing history: only the converged state matters, the intermediate step is skipped. */
  immediate(): boolean;
  nodeCount: number;
  /** Runs `step` after `simDelay` simulated ms; `immediate` hosts run it at once. */
  later(simDelay: number, label: string, step: (at: number) => void): void;
  /** Whether pods from this template crash (the scenario decides). */
  isBroken(template: PodTemplate): boolean;
}

/** pod-template-hash: like the real one, fnv32a of the template, its decimal digits safe-encoded. */
export function podTemplateHash(template: PodTemplate): string {
  const digits = String(hash32(JSON.stringify(template)));
  let out = '';
  for (const ch of digits) out += SAFE_ALNUM[ch.charCodeAt(0) % SAFE_ALNUM.length];
  return out;
}

const surgeOf = (replicas: number): number => Math.max(1, Math.ceil(replicas * 0.25));
const maxUnavailableOf = (replicas: number): number => Math.floor(replicas * 0.25);

/** A condition list with one condition set; lastTransitionTime moves only when status flips. */
function setCondition(
  list: Condition[] | undefined,
  next: Omit<Condition, 'lastTransitionTime'>,
  at: number,
): Condition[] {
  const out = [...(list ?? [])];
  const i = out.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? out[i] : undefined;
  const merged: Condition = {
    ...next,
    lastUpdateTime:
      prev && prev.status === next.status && prev.reason === next.reason
        ? (prev.lastUpdateTime ?? k8sTime(at))
        : k8sTime(at),
    lastTransitionTime: prev && prev.status === next.status ? prev.lastTransitionTime : k8sTime(at),
  };
  if (i >= 0) out[i] = merged;
  else out.push(merged);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Deployments and their ReplicaSets

function ownedReplicaSets(store: ClusterStore, d: Deployment): ReplicaSet[] {
  return store
    .list('replicasets', d.metadata.namespace)
    .filter((o): o is ReplicaSet => o.kind === 'ReplicaSet')
    .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid));
}

const revisionOf = (obj: { metadata: { annotations?: Record<string, string> } }): number =>
  Number(obj.metadata.annotations?.[REVISION] ?? 0);

/**
 * Annotations the controller keeps for itself, or that describe only the Deployment object: every
 * other Deployment annotation is copied onto its new ReplicaSet (the deploy tool's actor, the
 * change-cause), as the real controller's copyDeploymentAnnotationsToReplicaSet does.
 */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED,
  MAX,
]);

/** Copies the Deployment's annotations onto its current ReplicaSet; true when any changed. */
function copyAnnotations(d: Deployment, target: Record<string, string>): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (NOT_COPIED.has(k) || target[k] === v) continue;
    target[k] = v;
    changed = true;
  }
  return changed;
}

/** Finds or creates the ReplicaSet of the Deployment's current template; stamps the revision. */
function syncRevision(store: ClusterStore, key: string, at: number): ReplicaSet | undefined {
  const d = store.get<Deployment>(key);
  if (!d) return undefined;
  const ns = d.metadata.namespace ?? 'default';
  const hash = podTemplateHash(d.spec.template);
  const owned = ownedReplicaSets(store, d);
  const current = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  const top = Math.max(0, ...owned.map(revisionOf));
  const by = { manager: CONTROLLER, at };
  let rs: ReplicaSet;
  let revision: number;

  if (current && revisionOf(current) === top) {
    rs = current;
    revision = top;
    // The new ReplicaSet follows the Deployment's annotations (a re-stamped actor, a new cause).
    const copy = { ...annotationsOf(current.metadata) };
    if (copyAnnotations(d, copy)) {
      rs = store.update<ReplicaSet>(keyOf('replicasets', ns, current.metadata.name), by, (o) => {
        copyAnnotations(d, annotationsOf(o.metadata));
      }).after;
    }
  } else if (current) {
    // A rollback to an older template reuses its ReplicaSet under a new revision number.
    revision = top + 1;
    const old = revisionOf(current);
    rs = store.update<ReplicaSet>(keyOf('replicasets', ns, current.metadata.name), by, (o) => {
      const a = annotationsOf(o.metadata);
      a[REVISION_HISTORY] = a[REVISION_HISTORY] ? `${a[REVISION_HISTORY]},${old}` : String(old);
      a[REVISION] = String(revision);
      // Reused, it takes the annotations of the rollback; its creationTimestamp stays the first one.
      copyAnnotations(d, a);
    }).after;
  } else {
    revision = top + 1;
    const template = clone(d.spec.template);
    template.metadata.labels['pod-template-hash'] = hash;
    const draft: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: ns,
        uid: '',
        resourceVersion: '',
        creationTimestamp: '',
        labels: { ...d.spec.template.metadata.labels, 'pod-template-hash': hash },
        annotations: {
          ...Object.fromEntries(
            Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !NOT_COPIED.has(k)),
          ),
          [DESIRED]: String(d.spec.replicas),
          [MAX]: String(d.spec.replicas + surgeOf(d.spec.replicas)),
          [REVISION]: String(revision),
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: d.metadata.name,
            uid: d.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { ...d.spec.selector.matchLabels, 'pod-template-hash': hash } },
        template,
      },
      status: { replicas: 0 },
    };
    rs = store.create(draft, by);
    pruneHistory(store, d, at);
  }

  if (revisionOf(d) !== revision) {
    store.update<Deployment>(key, by, (o) => {
      annotationsOf(o.metadata)[REVISION] = String(revision);
    });
  }
  return rs;
}

/** revisionHistoryLimit: the oldest scaled-down ReplicaSets are garbage-collected. */
function pruneHistory(store: ClusterStore, d: Deployment, at: number): void {
  const old = ownedReplicaSets(store, d)
    .sort((a, b) => revisionOf(a) - revisionOf(b))
    .slice(0, -1);
  const excess = old.length - d.spec.revisionHistoryLimit;
  for (const rs of old.slice(0, Math.max(0, excess))) {
    store.delete(keyOf('replicasets', rs.metadata.namespace, rs.metadata.name), at);
  }
}

function scaleReplicaSet(
  store: ClusterStore,
  rs: ReplicaSet,
  replicas: number,
  ready: number,
  at: number,
): void {
  const key = keyOf('replicasets', rs.metadata.namespace, rs.metadata.name);
  const current = store.get<ReplicaSet>(key);
  if (!current) return;
  if (current.spec.replicas !== replicas) {
    store.update<ReplicaSet>(key, { manager: CONTROLLER, at }, (o) => {
      o.spec.replicas = replicas;
      const a = annotationsOf(o.metadata);
      if (replicas > 0) a[DESIRED] = String(replicas);
    });
  }
  store.updateStatus<ReplicaSet>(key, at, (s, o) => {
    s.replicas = replicas;
    s.fullyLabeledReplicas = replicas;
    s.readyReplicas = ready;
    s.availableReplicas = ready;
    s.observedGeneration = o.metadata.generation;
    if (replicas === 0) {
      delete s.fullyLabeledReplicas;
      delete s.readyReplicas;
      delete s.availableReplicas;
    }
  });
}

type Phase = 'observed' | 'done';

function deploymentStep(host: ControllerHost, key: string, phase: Phase, at: number): void {
  const { store } = host;
  const d = store.get<Deployment>(key);
  if (!d) return;
  const rs = syncRevision(store, key, at);
  if (!rs) return;
  const want = d.spec.replicas;
  const broken = host.isBroken(d.spec.template);
  const others = ownedReplicaSets(store, d).filter((o) => o.metadata.uid !== rs.metadata.uid);
  const oldReplicas = others.reduce((n, o) => n + o.spec.replicas, 0);
  const surge = surgeOf(want);
  let status: DeploymentStatus;
  const progressing = `ReplicaSet "${rs.metadata.name}" is progressing.`;

  if (d.spec.paused) {
    status = { ...d.status, observedGeneration: d.metadata.generation };
  } else if (phase === 'observed' || broken) {
    // Mid-rollout: the new ReplicaSet surges; a broken template stays there, never ready.
    const newCount =
      oldReplicas > 0 || broken ? Math.max(Math.min(want, surge), Math.min(rs.spec.replicas, want)) : want;
    const oldKeep = oldReplicas > 0 ? want - maxUnavailableOf(want) : 0;
    const newReady = broken ? 0 : phase === 'done' ? newCount : Math.max(0, newCount - 1);
    scaleReplicaSet(store, rs, newCount, newReady, at);
    if (oldReplicas > 0) {
      let left = oldKeep;
      for (const o of others) {
        const n = Math.min(o.spec.replicas, left);
        left -= n;
        scaleReplicaSet(store, o, n, n, at);
      }
    }
    const ready = newReady + Math.min(oldKeep, oldReplicas);
    const total = newCount + Math.min(oldKeep, oldReplicas);
    status = {
      observedGeneration: d.metadata.generation,
      replicas: total,
      updatedReplicas: newCount,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(total - ready > 0 ? { unavailableReplicas: total - ready } : {}),
      conditions: setCondition(
        setCondition(
          d.status.conditions,
          ready >= want - maxUnavailableOf(want)
            ? {
                type: 'Available',
                status: 'True',
                reason: 'MinimumReplicasAvailable',
                message: 'Deployment has minimum availability.',
              }
            : {
                type: 'Available',
                status: 'False',
                reason: 'MinimumReplicasUnavailable',
                message: 'Deployment does not have minimum availability.',
              },
          at,
        ),
        { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: progressing },
        at,
      ),
    };
  } else {
    scaleReplicaSet(store, rs, want, want, at);
    for (const o of others) if (o.spec.replicas > 0) scaleReplicaSet(store, o, 0, 0, at);
    status = {
      observedGeneration: d.metadata.generation,
      replicas: want,
      updatedReplicas: want,
      readyReplicas: want,
      availableReplicas: want,
      conditions: setCondition(
        setCondition(
          d.status.conditions,
          {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
          },
          at,
        ),
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${rs.metadata.name}" has successfully progressed.`,
        },
        at,
      ),
    };
    if (want === 0) {
      delete status.readyReplicas;
      delete status.availableReplicas;
    }
  }
  store.updateStatus<Deployment>(key, at, (s) => {
    for (const k of Object.keys(s) as (keyof DeploymentStatus)[]) delete s[k];
    Object.assign(s, status);
  });
}

// ---------------------------------------------------------------------------------------------
// StatefulSets and DaemonSets: their ControllerRevisions

/** The label each controller files the template hash under on its ControllerRevisions. */
const HASH_LABEL: Record<'StatefulSet' | 'DaemonSet', string> = {
  StatefulSet: 'controller.kubernetes.io/hash',
  DaemonSet: 'controller-revision-hash',
};

function ownedRevisions(store: ClusterStore, owner: StatefulSet | DaemonSet): ControllerRevision[] {
  return store
    .list('controllerrevisions', owner.metadata.namespace)
    .filter((o): o is ControllerRevision => o.kind === 'ControllerRevision')
    .filter((cr) => cr.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid))
    .sort((a, b) => a.revision - b.revision);
}

/**
 * The ControllerRevision of the owner's current template, kept as the StatefulSet controller's
 * getStatefulSetRevisions and the DaemonSet controller's constructHistory keep it: the newest one
 * when the template is unchanged; an equal older one re-numbered to the next revision when the
 * template went back to it (a rollback changes nothing else of it: creationTimestamp and
 * annotations stay its first ones); otherwise a new one, `<owner>-<hash>`, with every owner
 * annotation copied. Then the oldest beyond revisionHistoryLimit are deleted, except the ones
 * pods still run (a StatefulSet's currentRevision mid-rollout).
 */
function syncControllerRevision(
  store: ClusterStore,
  owner: StatefulSet | DaemonSet,
  at: number,
): ControllerRevision {
  const ns = owner.metadata.namespace ?? 'default';
  const hash = podTemplateHash(owner.spec.template);
  const label = HASH_LABEL[owner.kind];
  const owned = ownedRevisions(store, owner);
  const top = owned[owned.length - 1];
  const equal = owned.filter((cr) => cr.metadata.labels?.[label] === hash).pop();
  const by = { manager: CONTROLLER, at };
  if (top && equal === top) return top;
  const next = (top?.revision ?? 0) + 1;
  if (equal) {
    return store.update<ControllerRevision>(
      keyOf('controllerrevisions', ns, equal.metadata.name),
      by,
      (o) => {
        o.revision = next;
      },
    ).after;
  }
  const cr = store.create<ControllerRevision>(
    {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: `${owner.metadata.name}-${hash}`,
        namespace: ns,
        uid: '',
        resourceVersion: '',
        creationTimestamp: '',
        labels: { ...owner.spec.template.metadata.labels, [label]: hash },
        annotations: { ...(owner.metadata.annotations ?? {}) },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: owner.kind,
            name: owner.metadata.name,
            uid: owner.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      data: { spec: { template: { ...clone(owner.spec.template), $patch: 'replace' } } },
      revision: next,
    },
    by,
  );
  const live = new Set([cr.metadata.name]);
  if (owner.kind === 'StatefulSet' && owner.status.currentRevision) live.add(owner.status.currentRevision);
  const old = ownedRevisions(store, owner).filter((o) => !live.has(o.metadata.name));
  for (const o of old.slice(0, Math.max(0, old.length - owner.spec.revisionHistoryLimit))) {
    store.delete(keyOf('controllerrevisions', ns, o.metadata.name), at);
  }
  return cr;
}

// ---------------------------------------------------------------------------------------------
// StatefulSets, DaemonSets, CronJobs

function statefulSetStep(host: ControllerHost, key: string, phase: Phase, at: number): void {
  const s = host.store.get<StatefulSet>(key);
  if (!s) return;
  const revision = syncControllerRevision(host.store, s, at).metadata.name;
  const broken = host.isBroken(s.spec.template);
  const want = s.spec.replicas;
  host.store.updateStatus<StatefulSet>(key, at, (st) => {
    st.observedGeneration = s.metadata.generation;
    st.replicas = want;
    st.updateRevision = revision;
    st.collisionCount = 0;
    st.currentRevision ??= revision;
    const rolling = st.currentRevision !== revision;
    if (!rolling || (phase === 'done' && !broken)) {
      st.currentRevision = revision;
      const ready = phase === 'done' ? want : Math.min(want, st.readyReplicas ?? want);
      st.readyReplicas = ready;
      st.availableReplicas = ready;
      st.currentReplicas = want;
      st.updatedReplicas = want;
    } else {
      // OrderedReady rolls from the highest ordinal: one pod is being replaced (or crashing).
      st.updatedReplicas = 1;
      st.currentReplicas = want - 1;
      st.readyReplicas = want - 1;
      st.availableReplicas = want - 1;
    }
  });
}

function daemonSetStep(host: ControllerHost, key: string, phase: Phase, at: number): void {
  const ds = host.store.get<DaemonSet>(key);
  if (!ds) return;
  syncControllerRevision(host.store, ds, at);
  const nodes = host.nodeCount;
  const broken = host.isBroken(ds.spec.template);
  host.store.updateStatus<DaemonSet>(key, at, (st) => {
    const ready = phase === 'done' && !broken ? nodes : nodes - 1;
    st.observedGeneration = ds.metadata.generation;
    st.desiredNumberScheduled = nodes;
    st.currentNumberScheduled = nodes;
    st.numberMisscheduled = 0;
    st.numberReady = ready;
    st.numberAvailable = ready;
    st.updatedNumberScheduled = phase === 'done' ? nodes : 1;
    if (nodes - ready > 0) st.numberUnavailable = nodes - ready;
    else delete st.numberUnavailable;
  });
}

/** A CronJob run: the controller records when it scheduled the job and when one succeeded. */
export function cronJobRun(store: ClusterStore, key: string, at: number, succeeded: boolean): void {
  store.updateStatus<CronJob>(key, at, (st) => {
    st.lastScheduleTime = k8sTime(at);
    if (succeeded) st.lastSuccessfulTime = k8sTime(at + 20_000);
    delete st.active;
  });
}

/**
 * After a write to a workload: the controllers' follow-up. With an immediate host (building the
 * initial history) everything lands at once; otherwise in two steps, a second and a few seconds
 * (simulated) later.
 */
export function reconcile(host: ControllerHost, obj: Workload): void {
  const key = keyOf(
    obj.kind === 'CronJob' ? 'cronjobs' : `${obj.kind.toLowerCase()}s`,
    obj.metadata.namespace,
    obj.metadata.name,
  );
  const step =
    obj.kind === 'Deployment'
      ? deploymentStep
      : obj.kind === 'StatefulSet'
        ? statefulSetStep
        : obj.kind === 'DaemonSet'
          ? daemonSetStep
          : undefined;
  if (!step) return; // CronJob status changes only when it runs
  const label = `${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}`;
  if (!host.immediate()) host.later(1_000, `observe ${label}`, (t) => step(host, key, 'observed', t));
  host.later(6_000, `converge ${label}`, (t) => step(host, key, 'done', t));
}

/** The selector label every workload carries; the console uses it to find a job's history. */
export const appNameOf = (obj: Workload): string | undefined => obj.metadata.labels?.[NAME_LABEL];

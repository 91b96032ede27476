/**
 * The Kubernetes object shapes the fleet serves, as the API reference defines them (only the
 * fields the fleet fills in). Objects are stored and served as these plain JSON values.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Update' | 'Apply';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: { containerPort: number; name?: string; protocol: string }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  imagePullPolicy: string;
  terminationMessagePath: string;
  terminationMessagePolicy: string;
}

export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string>; creationTimestamp: null };
  spec: {
    containers: Container[];
    restartPolicy: string;
    terminationGracePeriodSeconds: number;
    dnsPolicy: string;
    schedulerName: string;
    securityContext: JsonObject;
    serviceAccountName?: string;
  };
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime: string;
}

export interface LabelSelectorSpec {
  matchLabels: Record<string, string>;
}

export interface DeploymentSpec {
  replicas: number;
  selector: LabelSelectorSpec;
  template: PodTemplate;
  strategy: {
    type: 'RollingUpdate' | 'Recreate';
    rollingUpdate?: { maxSurge: string; maxUnavailable: string };
  };
  revisionHistoryLimit: number;
  progressDeadlineSeconds: number;
  paused?: boolean;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
}

export interface ReplicaSetSpec {
  replicas: number;
  selector: LabelSelectorSpec;
  template: PodTemplate;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
}

export interface StatefulSetSpec {
  replicas: number;
  selector: LabelSelectorSpec;
  serviceName: string;
  template: PodTemplate;
  podManagementPolicy: string;
  updateStrategy: { type: string; rollingUpdate?: { partition: number } };
  revisionHistoryLimit: number;
  persistentVolumeClaimRetentionPolicy: { whenDeleted: string; whenScaled: string };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount: number;
}

export interface DaemonSetSpec {
  selector: LabelSelectorSpec;
  template: PodTemplate;
  updateStrategy: { type: string; rollingUpdate?: { maxUnavailable: number; maxSurge: number } };
  revisionHistoryLimit: number;
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  desiredNumberScheduled: number;
  numberAvailable?: number;
  numberMisscheduled: number;
  numberReady: number;
  numberUnavailable?: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
}

export interface CronJobSpec {
  schedule: string;
  timeZone?: string;
  concurrencyPolicy: string;
  suspend: boolean;
  successfulJobsHistoryLimit: number;
  failedJobsHistoryLimit: number;
  jobTemplate: {
    metadata: { creationTimestamp: null };
    spec: { backoffLimit: number; template: PodTemplate };
  };
}

export interface CronJobStatus {
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
  active?: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
  }[];
}

interface Base<K extends string, Spec, Status> {
  apiVersion: string;
  kind: K;
  metadata: ObjectMeta;
  spec: Spec;
  status: Status;
}

export type Deployment = Base<'Deployment', DeploymentSpec, DeploymentStatus>;
export type ReplicaSet = Base<'ReplicaSet', ReplicaSetSpec, ReplicaSetStatus>;
export type StatefulSet = Base<'StatefulSet', StatefulSetSpec, StatefulSetStatus>;
export type DaemonSet = Base<'DaemonSet', DaemonSetSpec, DaemonSetStatus>;
export type CronJob = Base<'CronJob', CronJobSpec, CronJobStatus>;
export type Namespace = Base<'Namespace', { finalizers: string[] }, { phase: string }>;

/**
 * apps/v1 ControllerRevision: a StatefulSet's or DaemonSet's record of one pod template. No spec
 * or status: `data` is the template as a strategic-merge patch (`$patch: replace`), `revision`
 * its number. Typed with optional `spec`/`status` never set, so code over every object compiles.
 */
export interface ControllerRevision {
  apiVersion: string;
  kind: 'ControllerRevision';
  metadata: ObjectMeta;
  data: { spec: { template: PodTemplate & { $patch: 'replace' } } };
  revision: number;
  spec?: undefined;
  status?: undefined;
}

export type KObject =
  | Deployment
  | ReplicaSet
  | StatefulSet
  | DaemonSet
  | CronJob
  | Namespace
  | ControllerRevision;
export type Workload = Deployment | StatefulSet | DaemonSet | CronJob;

/** One served resource: where it lives in the API and what discovery says about it. */
export interface ResourceInfo {
  group: string;
  version: string;
  /** `apps/v1`, or `v1` for the core group. */
  groupVersion: string;
  plural: string;
  singular: string;
  kind: KObject['kind'];
  namespaced: boolean;
  shortNames?: string[];
}

export const RESOURCES: readonly ResourceInfo[] = [
  {
    group: 'apps',
    version: 'v1',
    groupVersion: 'apps/v1',
    plural: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
  },
  {
    group: 'apps',
    version: 'v1',
    groupVersion: 'apps/v1',
    plural: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
  },
  {
    group: 'apps',
    version: 'v1',
    groupVersion: 'apps/v1',
    plural: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    shortNames: ['ds'],
  },
  {
    group: 'apps',
    version: 'v1',
    groupVersion: 'apps/v1',
    plural: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
  },
  {
    group: 'apps',
    version: 'v1',
    groupVersion: 'apps/v1',
    plural: 'controllerrevisions',
    singular: 'controllerrevision',
    kind: 'ControllerRevision',
    namespaced: true,
  },
  {
    group: 'batch',
    version: 'v1',
    groupVersion: 'batch/v1',
    plural: 'cronjobs',
    singular: 'cronjob',
    kind: 'CronJob',
    namespaced: true,
    shortNames: ['cj'],
  },
  {
    group: '',
    version: 'v1',
    groupVersion: 'v1',
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
  },
];

export const resourceByKind = (kind: string): ResourceInfo | undefined =>
  RESOURCES.find((r) => r.kind === kind);

/** Store key: the etcd-like `<plural>/<namespace>/<name>` (cluster-scoped: `<plural>/<name>`). */
export const keyOf = (plural: string, namespace: string | undefined, name: string): string =>
  namespace ? `${plural}/${namespace}/${name}` : `${plural}/${name}`;

/** A deep copy of plain JSON data (faster than structuredClone for these objects). */
export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The object's annotations, created when missing (for writers). */
export function annotationsOf(meta: ObjectMeta): Record<string, string> {
  meta.annotations ??= {};
  return meta.annotations;
}

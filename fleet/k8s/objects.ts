/**
 * Builds the fleet's Kubernetes objects from the job catalogue, with the defaults the API server
 * fills in (so a served object looks like one read back from a real cluster, not like a manifest).
 */
import type { ContainerDef, JobDef } from '../scenario/topology';
import type {
  Container,
  CronJob,
  DaemonSet,
  Deployment,
  Namespace,
  ObjectMeta,
  PodTemplate,
  StatefulSet,
  Workload,
} from './types';

export const NAME_LABEL = 'app.kubernetes.io/name';
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';

export function container(def: ContainerDef): Container {
  const out: Container = {
    name: def.name,
    image: def.image,
    resources: {
      requests: { cpu: def.cpu, memory: def.memory },
      limits: { memory: def.memory },
    },
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
  if (def.command) out.command = [...def.command];
  if (def.args) out.args = [...def.args];
  if (def.env.length) {
    out.env = def.env.map((e) =>
      e.secret
        ? { name: e.name, valueFrom: { secretKeyRef: { ...e.secret } } }
        : { name: e.name, value: e.value ?? '' },
    );
  }
  if (def.port !== undefined) out.ports = [{ containerPort: def.port, name: 'http', protocol: 'TCP' }];
  return out;
}

function podTemplate(job: JobDef, restartPolicy = 'Always'): PodTemplate {
  return {
    metadata: { labels: { [NAME_LABEL]: job.name, [PART_OF_LABEL]: job.partOf }, creationTimestamp: null },
    spec: {
      containers: job.containers.map(container),
      restartPolicy,
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: {},
    },
  };
}

/** Metadata before the store assigns uid, resourceVersion and timestamps. */
function meta(job: JobDef): ObjectMeta {
  return {
    name: job.name,
    namespace: job.namespace,
    uid: '',
    resourceVersion: '',
    creationTimestamp: '',
    labels: {
      [NAME_LABEL]: job.name,
      [PART_OF_LABEL]: job.partOf,
      'app.kubernetes.io/managed-by': 'Helm',
    },
    annotations: {},
  };
}

const selector = (job: JobDef) => ({ matchLabels: { [NAME_LABEL]: job.name } });

/** A workload as its creator submits it, with API-server defaults and an empty status. */
export function workloadFor(job: JobDef): Workload {
  switch (job.kind) {
    case 'Deployment': {
      const d: Deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(job),
        spec: {
          replicas: job.replicas,
          selector: selector(job),
          template: podTemplate(job),
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
        },
        status: {},
      };
      return d;
    }
    case 'StatefulSet': {
      const s: StatefulSet = {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: meta(job),
        spec: {
          replicas: job.replicas,
          selector: selector(job),
          serviceName: job.name,
          template: podTemplate(job),
          podManagementPolicy: 'OrderedReady',
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
          revisionHistoryLimit: 10,
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        },
        status: { replicas: 0, collisionCount: 0 },
      };
      return s;
    }
    case 'DaemonSet': {
      const ds: DaemonSet = {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: meta(job),
        spec: {
          selector: selector(job),
          template: podTemplate(job),
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
          revisionHistoryLimit: 10,
        },
        status: {
          currentNumberScheduled: 0,
          desiredNumberScheduled: 0,
          numberMisscheduled: 0,
          numberReady: 0,
        },
      };
      return ds;
    }
    case 'CronJob': {
      const cj: CronJob = {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: meta(job),
        spec: {
          schedule: job.schedule ?? '0 * * * *',
          concurrencyPolicy: 'Forbid',
          suspend: false,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 1,
          jobTemplate: {
            metadata: { creationTimestamp: null },
            spec: { backoffLimit: 6, template: podTemplate(job, 'OnFailure') },
          },
        },
        status: {},
      };
      return cj;
    }
  }
}

export function namespaceObject(name: string): Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
      labels: { 'kubernetes.io/metadata.name': name },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/** The pod template of any workload kind. */
export function templateOf(obj: Workload): PodTemplate {
  return obj.kind === 'CronJob' ? obj.spec.jobTemplate.spec.template : obj.spec.template;
}

export const imagesOf = (obj: Workload): string[] => templateOf(obj).spec.containers.map((c) => c.image);

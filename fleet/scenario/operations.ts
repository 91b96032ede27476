/**
 * What a person does to a job, expressed as API writes through the tool they use. Each operation
 * also appends to the ground-truth change log (who really did it, even when the cluster's own
 * record cannot tell), which the console's pages and the tests read.
 */
import type { SimCluster } from '../k8s/cluster';
import { imagesOf, templateOf, workloadFor } from '../k8s/objects';
import { annotationsOf, type Workload } from '../k8s/types';
import { ACTOR_ANNOTATION, CHANGE_CAUSE, TOOLS, type Tool } from './people';
import type { JobDef } from './topology';

export interface By {
  person: string;
  tool: Tool;
  /** `kubernetes.io/change-cause`, when the tooling sets one. */
  cause?: string;
}

export interface ChangeRecord {
  /** Wall-clock ms. */
  at: number;
  clusterId: string;
  cluster: string;
  kind: Workload['kind'];
  namespace: string;
  name: string;
  type: 'created' | 'updated' | 'deleted';
  by: string;
  tool: Tool;
  manager: string;
  summary: string;
  generation?: number;
  resourceVersion?: string;
  images?: string[];
}

export type ChangeLog = (record: ChangeRecord) => void;

export interface Target {
  kind: Workload['kind'];
  namespace: string;
  name: string;
}

/** The ground-truth entry for one write to a job. */
export function record(
  cluster: SimCluster,
  obj: Workload,
  by: By,
  type: ChangeRecord['type'],
  summary: string,
): ChangeRecord {
  const r: ChangeRecord = {
    at: cluster.now(),
    clusterId: cluster.id,
    cluster: cluster.name,
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
    type,
    by: by.person,
    tool: by.tool,
    manager: TOOLS[by.tool].manager,
    summary,
    images: imagesOf(obj),
  };
  if (type !== 'deleted') {
    r.resourceVersion = obj.metadata.resourceVersion;
    if (obj.metadata.generation !== undefined) r.generation = obj.metadata.generation;
  }
  return r;
}

/** Stamps what the tool stamps; a write through a subresource can only touch the spec. */
function stamp(obj: Workload, by: By): void {
  const tool = TOOLS[by.tool];
  if (tool.subresource) return;
  const annotations = annotationsOf(obj.metadata);
  if (tool.stamps) annotations[ACTOR_ANNOTATION] = by.person;
  if (by.cause !== undefined) annotations[CHANGE_CAUSE] = by.cause;
}

export function createJob(
  cluster: SimCluster,
  job: JobDef,
  by: By,
  log: ChangeLog,
  summary = 'created',
): Workload {
  const draft = workloadFor(job);
  stamp(draft, by);
  const tool = TOOLS[by.tool];
  const obj = cluster.store.create(draft, {
    manager: tool.manager,
    at: cluster.now(),
    ...(tool.operation ? { operation: tool.operation } : {}),
  });
  log(record(cluster, obj, by, 'created', summary));
  cluster.reconcile(obj);
  return obj;
}

/** One edit of one job. Returns undefined when the job does not run in that cluster. */
export function changeJob(
  cluster: SimCluster,
  target: Target,
  by: By,
  summary: string,
  mutate: (obj: Workload) => void,
  log: ChangeLog,
): Workload | undefined {
  const key = cluster.workloadKey(target.kind, target.namespace, target.name);
  if (!cluster.store.get(key)) return undefined;
  const tool = TOOLS[by.tool];
  const result = cluster.store.update<Workload>(
    key,
    {
      manager: tool.manager,
      at: cluster.now(),
      ...(tool.subresource ? { subresource: tool.subresource } : {}),
      ...(tool.operation ? { operation: tool.operation } : {}),
    },
    (obj) => {
      mutate(obj);
      stamp(obj, by);
    },
  );
  if (!result.changed) return result.after;
  log(record(cluster, result.after, by, 'updated', summary));
  if (result.specChanged) cluster.reconcile(result.after);
  return result.after;
}

export function deleteJob(cluster: SimCluster, target: Target, by: By, log: ChangeLog): Workload | undefined {
  const key = cluster.workloadKey(target.kind, target.namespace, target.name);
  const obj = cluster.store.get<Workload>(key);
  if (!obj) return undefined;
  cluster.store.delete(key, cluster.now());
  // The garbage collector removes what the Deployment owned.
  for (const rs of cluster.store.list('replicasets', target.namespace)) {
    if (rs.metadata.ownerReferences?.some((r) => r.uid === obj.metadata.uid)) {
      cluster.store.delete(`replicasets/${target.namespace}/${rs.metadata.name}`, cluster.now());
    }
  }
  log(record(cluster, obj, by, 'deleted', 'deleted'));
  return obj;
}

/** Sets one container's image (the first container when none is named). */
export const setImage =
  (image: string, containerName?: string) =>
  (obj: Workload): void => {
    const containers = templateOf(obj).spec.containers;
    const c = containers.find((x) => x.name === containerName) ?? containers[0];
    if (c) c.image = image;
  };

export const setEnv =
  (name: string, value: string) =>
  (obj: Workload): void => {
    const c = templateOf(obj).spec.containers[0];
    if (!c) return;
    c.env ??= [];
    const env = c.env;
    const existing = env.find((e) => e.name === name);
    if (existing) {
      existing.value = value;
      delete existing.valueFrom;
    } else env.push({ name, value });
  };

export const setReplicas =
  (replicas: number) =>
  (obj: Workload): void => {
    if (obj.kind === 'Deployment' || obj.kind === 'StatefulSet') obj.spec.replicas = replicas;
  };

export const setResources =
  (cpu: string, memory: string) =>
  (obj: Workload): void => {
    const c = templateOf(obj).spec.containers[0];
    if (c) c.resources = { requests: { cpu, memory }, limits: { memory } };
  };

/** `registry/x/name:1.4.2` → `1.4.2`. */
export const tagOf = (image: string): string => image.slice(image.lastIndexOf(':') + 1);
export const withTag = (image: string, tag: string): string =>
  `${image.slice(0, image.lastIndexOf(':'))}:${tag}`;

/**
 * One cluster's object store: an etcd stand-in. Every write takes the next resourceVersion of a
 * counter shared by all objects in the cluster (as etcd's revision is), bumps `generation` only
 * when the spec changes, and records who wrote what in managedFields. Past versions are kept for a
 * while so a paginated list can be continued at the resourceVersion it started at, as a real API
 * server does, until compaction makes the continue token expire.
 */
import type { Rng } from '../sim/prng';
import { allPaths, changedPaths, pathsUnder, recordWrite, trackedView } from './managed-fields';
import { k8sTime } from './time';
import { clone, type KObject, keyOf, resourceByKind } from './types';

export interface WriteBy {
  /** The field manager: `helm`, `kubectl-edit`, `kube-controller-manager` … */
  manager: string;
  /** `Apply` for server-side apply (the manager then owns its whole configuration). */
  operation?: 'Update' | 'Apply';
  /**
   * For Apply: the paths of the applied configuration, which the manager then owns (default: the
   * whole object, as if it applied everything it holds).
   */
  applied?: ReadonlySet<string>;
  subresource?: string;
  /** Wall-clock ms of the write; the initial history is written with times in the past. */
  at: number;
}

interface Version {
  rv: number;
  obj: KObject | null;
  wall: number;
}

export interface WriteResult<T extends KObject = KObject> {
  before: T | undefined;
  after: T;
  specChanged: boolean;
  /** False when the write changed nothing (the API server then keeps the resourceVersion). */
  changed: boolean;
}

const CONTROLLER = 'kube-controller-manager';
const REVISION = 'deployment.kubernetes.io/revision';

/** A deep copy, except managedFields: their entries are immutable and reused by recordWrite. */
function copy<T extends KObject>(obj: T): T {
  const { managedFields, ...meta } = obj.metadata;
  const out = clone({ ...obj, metadata: meta }) as T;
  if (managedFields) out.metadata.managedFields = managedFields;
  return out;
}

/** What a server-side apply of this object configures: everything but status and the controller's annotation. */
function appliedPaths(obj: KObject): Set<string> {
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  delete annotations[REVISION];
  return allPaths(trackedView({ metadata: { ...obj.metadata, annotations }, spec: obj.spec }));
}

export class ClusterStore {
  private rv: number;
  private readonly objects = new Map<string, KObject>();
  private readonly history = new Map<string, Version[]>();
  /** Versions at or below this were compacted away: continuing a list from before fails. */
  private compacted = 0;

  constructor(
    private readonly rng: Rng,
    baseRv: number,
  ) {
    this.rv = baseRv;
  }

  resourceVersion(): number {
    return this.rv;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  static keyFor(obj: KObject): string {
    const info = resourceByKind(obj.kind);
    if (!info) throw new Error(`unknown kind ${obj.kind}`);
    return keyOf(info.plural, obj.metadata.namespace, obj.metadata.name);
  }

  /** The stored object. Treat it as read-only: writes go through create/update. */
  get<T extends KObject = KObject>(key: string): T | undefined {
    return this.objects.get(key) as T | undefined;
  }

  /**
   * Objects of one resource (optionally one namespace) as they were at resourceVersion `atRv`
   * (now when omitted), in key order — the order etcd returns them in.
   */
  list(plural: string, namespace?: string, atRv?: number): KObject[] {
    const prefix = namespace ? `${plural}/${namespace}/` : `${plural}/`;
    const out: [string, KObject][] = [];
    if (atRv === undefined) {
      for (const [key, obj] of this.objects) if (key.startsWith(prefix)) out.push([key, obj]);
    } else {
      for (const [key, versions] of this.history) {
        if (!key.startsWith(prefix)) continue;
        let found: Version | undefined;
        for (const v of versions) if (v.rv <= atRv) found = v;
        if (found?.obj) out.push([key, found.obj]);
      }
    }
    return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, obj]) => obj);
  }

  create<T extends KObject>(input: T, by: WriteBy): T {
    const obj = clone(input);
    const key = ClusterStore.keyFor(obj);
    if (this.objects.has(key)) throw new Error(`${key} already exists`);
    obj.metadata.uid = this.rng.uuid();
    obj.metadata.creationTimestamp = k8sTime(by.at);
    // Namespaces and ControllerRevisions have no spec, and no generation.
    if (obj.kind !== 'Namespace' && obj.kind !== 'ControllerRevision') obj.metadata.generation = 1;
    const { set } = changedPaths(undefined, trackedView({ ...obj, status: undefined }));
    obj.metadata.managedFields = recordWrite([], {
      manager: by.manager,
      ...(by.operation ? { operation: by.operation } : {}),
      apiVersion: obj.apiVersion,
      time: k8sTime(by.at),
      set,
      ...(by.subresource ? { subresource: by.subresource } : {}),
    });
    this.commit(key, obj, by.at);
    return obj;
  }

  /** A write to the main resource (spec, labels, annotations). `mutate` edits a copy. */
  update<T extends KObject>(key: string, by: WriteBy, mutate: (obj: T) => void): WriteResult<T> {
    const before = this.objects.get(key) as T | undefined;
    if (!before) throw new Error(`${key} not found`);
    const after = copy(before);
    mutate(after);
    // The main resource cannot write status (a ControllerRevision has none).
    if (before.status !== undefined) after.status = clone(before.status) as T['status'];
    const specChanged = JSON.stringify(before.spec) !== JSON.stringify(after.spec);
    const { set, removed } = changedPaths(
      trackedView({ ...before, status: undefined }),
      trackedView({ ...after, status: undefined }),
    );
    if (set.size === 0 && removed.size === 0)
      return { before, after: before, specChanged: false, changed: false };
    if (specChanged && after.metadata.generation !== undefined) {
      after.metadata.generation = (before.metadata.generation ?? 0) + 1;
    }
    after.metadata.managedFields = recordWrite(before.metadata.managedFields, {
      manager: by.manager,
      ...(by.operation === 'Apply'
        ? { operation: 'Apply' as const, applied: new Set(by.applied ?? appliedPaths(after)) }
        : {}),
      apiVersion: after.apiVersion,
      time: k8sTime(by.at),
      set,
      removed,
      ...(by.subresource ? { subresource: by.subresource } : {}),
    });
    this.commit(key, after, by.at);
    return { before, after, specChanged, changed: true };
  }

  /** A write to the status subresource by the controllers. No-op writes keep the resourceVersion. */
  updateStatus<T extends KObject>(
    key: string,
    at: number,
    mutate: (status: T['status'], obj: T) => void,
  ): boolean {
    const before = this.objects.get(key) as T | undefined;
    if (!before) return false;
    const after = copy(before);
    mutate(after.status, after);
    const { set, removed } = changedPaths(
      { status: before.status as never },
      { status: after.status as never },
    );
    if (set.size === 0 && removed.size === 0) return false;
    after.metadata.managedFields = recordWrite(before.metadata.managedFields, {
      manager: CONTROLLER,
      subresource: 'status',
      apiVersion: after.apiVersion,
      time: k8sTime(at),
      set: pathsUnder(set, 'f:status', true),
      removed: pathsUnder(removed, 'f:status', true),
    });
    this.commit(key, after, at);
    return true;
  }

  delete(key: string, at: number): KObject | undefined {
    const before = this.objects.get(key);
    if (!before) return undefined;
    this.objects.delete(key);
    this.rv += 1;
    this.pushVersion(key, { rv: this.rv, obj: null, wall: at });
    return before;
  }

  /** Drops versions no continue token younger than `cutoffWall` can need (etcd compaction). */
  compact(cutoffWall: number): void {
    for (const [key, versions] of this.history) {
      let keepFrom = 0;
      versions.forEach((v, i) => {
        if (v.wall < cutoffWall) {
          keepFrom = i;
          this.compacted = Math.max(this.compacted, v.rv);
        }
      });
      const kept = versions.slice(keepFrom);
      if (kept.length === 1 && kept[0]?.obj === null && (kept[0]?.wall ?? 0) < cutoffWall)
        this.history.delete(key);
      else this.history.set(key, kept);
    }
  }

  private commit(key: string, obj: KObject, wall: number): void {
    this.rv += 1;
    obj.metadata.resourceVersion = String(this.rv);
    Object.freeze(obj);
    this.objects.set(key, obj);
    this.pushVersion(key, { rv: this.rv, obj, wall });
  }

  private pushVersion(key: string, version: Version): void {
    const list = this.history.get(key) ?? [];
    list.push(version);
    this.history.set(key, list);
  }
}

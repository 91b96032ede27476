/**
 * One simulated cluster: its Rancher identity, its object store and its controllers. Whether its
 * API answers (an outage) is a property of the cluster, not of the HTTP layer, so Rancher's list
 * and the proxy agree about it.
 */
import type { ClusterInfo } from '../scenario/topology';
import { createRng, hash32 } from '../sim/prng';
import { type ControllerHost, reconcile } from './controllers';
import { ClusterStore } from './store';
import { keyOf, type PodTemplate, resourceByKind, type Workload } from './types';

export type Later = (simDelay: number, label: string, step: (at: number) => void) => void;

export interface SimClusterOptions {
  seed: number;
  /** How the controllers' follow-up steps are run once the cluster is live. */
  later: Later;
  isBroken: (template: PodTemplate) => boolean;
}

export class SimCluster {
  readonly store: ClusterStore;
  readonly host: ControllerHost;
  /** While true the cluster's agent is disconnected: Rancher shows it unavailable, the proxy 503s. */
  disconnected = false;
  /** Wall-clock ms the initial history is being written at; undefined once live. */
  private buildingAt: number | undefined;

  constructor(
    public info: ClusterInfo,
    options: SimClusterOptions,
  ) {
    const rng = createRng(options.seed).fork(`store:${info.displayName}`);
    // Real clusters' resourceVersions are large and differ per cluster.
    this.store = new ClusterStore(
      rng,
      1_000_000 + (hash32(`${options.seed}:${info.displayName}`) % 9_000_000),
    );
    this.host = {
      store: this.store,
      nodeCount: info.nodeCount,
      isBroken: options.isBroken,
      immediate: () => this.buildingAt !== undefined,
      later: (delay, label, step) => {
        if (this.buildingAt !== undefined) step(this.buildingAt + delay);
        else options.later(delay, `${info.displayName}: ${label}`, step);
      },
    };
  }

  get id(): string {
    return this.info.id;
  }

  get name(): string {
    return this.info.displayName;
  }

  /** Writes made inside `fn` are stamped at `at` and converge at once (the initial history). */
  writeHistory(at: number, fn: () => void): void {
    this.buildingAt = at;
    try {
      fn();
    } finally {
      this.buildingAt = undefined;
    }
  }

  /** Wall-clock time for a write now, or the history's time while building. */
  now(): number {
    return this.buildingAt ?? Date.now();
  }

  reconcile(obj: Workload): void {
    reconcile(this.host, obj);
  }

  workloadKey(kind: Workload['kind'], namespace: string, name: string): string {
    const info = resourceByKind(kind);
    if (!info) throw new Error(`unknown kind ${kind}`);
    return keyOf(info.plural, namespace, name);
  }

  workload<T extends Workload = Workload>(
    kind: Workload['kind'],
    namespace: string,
    name: string,
  ): T | undefined {
    return this.store.get<T>(this.workloadKey(kind, namespace, name));
  }

  workloads(): Workload[] {
    return ['deployments', 'statefulsets', 'daemonsets', 'cronjobs'].flatMap(
      (plural) => this.store.list(plural) as Workload[],
    );
  }

  reachable(): boolean {
    return !this.disconnected;
  }
}

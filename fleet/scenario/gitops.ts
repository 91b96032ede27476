/**
 * The fleet's side of Argo CD deploying into it: what Argo CD's application controller reads from
 * a destination cluster (the live Deployment) and writes there (a server-side apply of the
 * manifest in git, forcing conflicts, as field manager `argocd-controller`). The Argo CD itself
 * lives in `extra/argocd.ts`, a separate server; it reaches the clusters through this, as the real
 * controller reaches them through their API. `connect` hands the scenario that Argo CD, so its
 * `argo-sync` event can press Sync the way a person does.
 *
 * Forge, the home-grown manager (`extra/homegrown.ts`), deploys through the same door: a
 * server-side apply under its own field manager (`forge`), stamped with its deploy id; `connectForge`
 * hands it to the scenario's `forge-deploy` event.
 */
import { mergeApplied } from '../k8s/apply';
import { allPaths, trackedView } from '../k8s/managed-fields';
import { imagesOf } from '../k8s/objects';
import type { Deployment, Json, JsonObject } from '../k8s/types';
import { record, tagOf } from './operations';
import { TOOLS } from './people';
import type { World } from './world';

/** A Deployment as it stands in git: what Argo CD applies. */
export interface DeploymentManifest {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: JsonObject;
}

/** Who asked for the sync that applies a manifest: for the fleet's ground-truth change log. */
export interface AppliedBy {
  /** The user who pressed Sync, or `automated` for auto-sync. */
  initiatedBy: string;
  /** Wall-clock ms of the write (inside the sync operation). */
  at: number;
  /** Who writes: Argo CD's controller (the default) or Forge. */
  tool?: 'argocd' | 'forge';
}

/** What a destination cluster offers Argo CD's controller. */
export interface DestinationApi {
  /** The live Deployment (a copy), or undefined when the cluster has none or cannot be reached. */
  deployment(clusterId: string, namespace: string, name: string): Deployment | undefined;
  /**
   * Server-side apply of `manifest` by `argocd-controller` (or Forge, `by.tool`), forcing conflicts. Returns the
   * Deployment as written; throws when the cluster cannot be reached or has no such Deployment.
   */
  apply(clusterId: string, manifest: DeploymentManifest, by: AppliedBy): Deployment;
}

/** The Argo CD that deploys into the fleet, as the scenario drives it. */
export interface ArgoCdPeer {
  /** `by` pushes the next image of `app` to git and syncs it; returns what was done. Throws on an unknown app. */
  pushAndSync(app: string, by: string): string;
}

/** Forge, as the scenario drives it. */
export interface ForgePeer {
  /** `by` deploys the next image of `job` into the cluster named `cluster` with Forge; returns what was done. */
  deploy(job: string, cluster: string, by: string): string;
}

export class GitOps implements DestinationApi {
  private peer: ArgoCdPeer | undefined;
  private forgePeer: ForgePeer | undefined;

  constructor(private readonly world: () => World) {}

  connect(peer: ArgoCdPeer | undefined): void {
    this.peer = peer;
  }

  argocd(): ArgoCdPeer | undefined {
    return this.peer;
  }

  connectForge(peer: ForgePeer | undefined): void {
    this.forgePeer = peer;
  }

  forge(): ForgePeer | undefined {
    return this.forgePeer;
  }

  deployment(clusterId: string, namespace: string, name: string): Deployment | undefined {
    const cluster = this.world().find(clusterId);
    if (!cluster?.reachable()) return undefined;
    const d = cluster.workload<Deployment>('Deployment', namespace, name);
    return d ? structuredClone(d) : undefined;
  }

  apply(clusterId: string, manifest: DeploymentManifest, by: AppliedBy): Deployment {
    const cluster = this.world().find(clusterId);
    const { namespace, name } = manifest.metadata;
    if (!cluster?.reachable())
      throw new Error(`the server is currently unable to handle the request (cluster ${clusterId})`);
    const key = cluster.workloadKey('Deployment', namespace, name);
    if (!cluster.store.get(key)) throw new Error(`deployments.apps "${name}" not found`);
    const toolName = by.tool ?? 'argocd';
    const tool = TOOLS[toolName];
    // The applier owns exactly what it applies: its labels, its annotations, the spec in git.
    const config = { metadata: manifest.metadata, spec: manifest.spec };
    const applied = allPaths(trackedView(config));
    const result = cluster.store.update<Deployment>(
      key,
      { manager: tool.manager, operation: 'Apply', applied, at: by.at },
      (obj) => {
        const metadata = obj.metadata;
        metadata.labels = { ...metadata.labels, ...manifest.metadata.labels };
        metadata.annotations = { ...metadata.annotations, ...manifest.metadata.annotations };
        obj.spec = mergeApplied(obj.spec as unknown as Json, manifest.spec) as unknown as Deployment['spec'];
      },
    );
    if (!result.changed) return structuredClone(result.after);
    const before = result.before ? imagesOf(result.before) : [];
    const images = imagesOf(result.after);
    const summary =
      images.join() !== before.join()
        ? `image → ${images.map(tagOf).join(', ')}`
        : `${tool.verb} (manifests re-applied)`;
    const entry = record(
      cluster,
      result.after,
      { person: by.initiatedBy, tool: toolName },
      'updated',
      summary,
    );
    this.world().log({ ...entry, at: by.at });
    if (result.specChanged) cluster.reconcile(result.after);
    return structuredClone(result.after);
  }
}

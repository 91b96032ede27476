/**
 * What every cluster API adapter provides. The watcher knows only this interface; one file per
 * API implements it (kubernetes.ts, rancher.ts, static.ts, later argocd.ts, nomad.ts …).
 */
import type { Http } from '../http';
import type { DiscoveredCluster, JobSnapshot } from '../model';
import type { SourceSettings } from '../settings';

export interface PollContext {
  http: Http;
  source: SourceSettings;
  /** Epoch ms of this pass; stamped on every snapshot as observedAt. */
  now: number;
  /** The cluster id Tattler uses (`${sourceId}/${nativeId}`), stamped on every snapshot. */
  clusterId: string;
  clusterName: string;
  nativeId: string;
  apiBase: string;
}

export interface PollOk {
  jobs: JobSnapshot[];
  bytes: number;
}

export interface SourceAdapter {
  /** Lists the clusters this source knows about. Throws PollError when it cannot. */
  discover(http: Http, source: SourceSettings): Promise<{ clusters: DiscoveredCluster[]; bytes: number }>;
  /**
   * Lists the source's jobs in one cluster, complete or not at all: throws PollError (status
   * 'partial' when a list could not be finished) rather than return part of a list.
   */
  poll(ctx: PollContext): Promise<PollOk>;
}

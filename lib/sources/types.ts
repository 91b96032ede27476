/**
 * What every cluster API adapter provides. The watcher knows only this interface; one file per
 * API implements it (lib/sources/<type>/adapter.ts; registry.ts lists them).
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
  /**
   * The source's secret from lib/secrets.ts (the Nomad ACL token), when it has one. Sent only
   * as a header (`X-Nomad-Token`), never in a URL, never stored in a snapshot or in settings.
   */
  token?: string;
  /**
   * Start of this cluster's last complete, ok poll (Cluster.lastOkPoll); undefined on the first.
   * Lets an adapter fetch details only for jobs changed since then (Nomad versions).
   */
  lastOkPoll?: number;
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

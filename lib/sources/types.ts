/**
 * What every cluster API adapter provides. The watcher knows only this interface; one file per
 * API implements it (lib/sources/<type>/adapter.ts; registry.ts lists them).
 */
import type { Disappearance } from '../diff';
import type { Http } from '../http';
import type { DiscoveredCluster, JobHistory, JobLinks, JobSnapshot } from '../model';
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
  /**
   * The version token Tattler stores for each job of this cluster (by job key), from its last
   * complete poll; absent on a first sight (a baseline). An adapter that must ask for details per job (Nomad's
   * versions) asks for the jobs whose token moved, whatever the clocks say.
   */
  known?: ReadonlyMap<string, string>;
  /**
   * What this adapter remembered at the cluster's last complete, ok poll (PollOk.memo), as it
   * wrote it; absent at a first sight or after the owner filter changed. Stored data: check its
   * shape before use, and ignore one made for other settings or another API base.
   */
  memo?: unknown;
}

export interface PollOk {
  /** Full snapshots: every job listed, or — with `unchanged` — only the new ones and those that moved. */
  jobs: JobSnapshot[];
  /**
   * Keys of jobs the list shows with the version token `known` has for them: present and
   * unchanged, so neither fetched in full nor normalized again (a metadata-only list tells this
   * for free). The watcher keeps their stored snapshots. Absent: every listed job is in `jobs`.
   */
  unchanged?: readonly string[];
  /**
   * The links (JobSnapshot.links) of the jobs in `unchanged`, by job key, as the list shows them
   * now — a key left out has none. Absent: the list does not show them (the stored ones stand).
   * Kubernetes' metadata lists carry every job's labels and annotations, so the links of a job
   * that did not move stay right without reading it (and a record stored before links existed
   * gets them at the next pass).
   */
  unchangedLinks?: ReadonlyMap<string, JobLinks>;
  bytes: number;
  /**
   * What to remember until the next poll of this cluster (JSON-safe and small: the last list's
   * resourceVersion per kind, an index, an ETag). Stored only when this poll is committed;
   * absent: nothing is remembered.
   */
  memo?: unknown;
}

export interface SourceAdapter {
  /** Lists the clusters this source knows about. Throws PollError when it cannot. */
  discover(http: Http, source: SourceSettings): Promise<{ clusters: DiscoveredCluster[]; bytes: number }>;
  /**
   * Lists the source's jobs in one cluster, complete or not at all: throws PollError (status
   * 'partial' when a list could not be finished) rather than return part of a list.
   */
  poll(ctx: PollContext): Promise<PollOk>;
  /**
   * Asks, one by one, about jobs a complete list left out: `gone` (the API answers 404 for it),
   * `present` (it is still there: the list lied) or `unknown` (no GET by name, or it was refused).
   * Absent for APIs that have no GET by name: a disappearance is then confirmed by a second
   * complete poll (lib/diff.ts). Throws PollError when the API cannot be asked at all.
   */
  confirmGone?(ctx: PollContext, jobs: readonly JobSnapshot[]): Promise<Map<string, Disappearance>>;
  /**
   * Reads what the platform remembers of some jobs, where that costs requests of its own (a
   * Deployment's ReplicaSets), by job key. Asked only for the jobs lib/recover/ask.ts picks. Sources
   * whose history comes with what a poll reads anyway (Argo CD, Nomad) attach it in `poll`.
   * Throws PollError when it cannot: the poll is then recorded without recovery.
   */
  history?(
    ctx: PollContext,
    jobs: readonly JobSnapshot[],
  ): Promise<{ histories: Map<string, JobHistory>; bytes: number }>;
}

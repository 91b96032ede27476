/**
 * A cluster's workloads through the Kubernetes API — directly (`https://k8s.example:6443`),
 * through Rancher's proxy (`<rancher>/k8s/clusters/<id>`) or OpenShift's console
 * (`<console>/api/kubernetes`); all three serve the same paths below the base. Reading lists is
 * list.ts, one poll is poll.ts (metadata first, from the watch cache), and this file asks about
 * jobs a list left out.
 *
 * A poll is complete or it fails: every page of every list must arrive and look like a list,
 * or the whole poll throws a PollError. Half a list would read as "jobs deleted" to the diff.
 */
import type { Disappearance } from '../../diff';
import type { JobSnapshot, KubernetesKind } from '../../model';
import { matchesLabelSelector } from '../label-selector';
import { isRecord, namePredicate, shapeError } from '../shared';
import type { PollContext, SourceAdapter } from '../types';
import { readKubernetesHistory } from './history';
import { objectUrl } from './list';
import { KIND_INFO } from './normalize';
import { pollKubernetes } from './poll';

const isKubernetesKind = (kind: string): kind is KubernetesKind => kind in KIND_INFO;

/**
 * Asks the API server about each job a complete list left out, by name. 404 with a `Status` body
 * (reason NotFound) is gone; an object that still matches the owner filter means the list lied;
 * one whose labels left the filter is no longer ours. 403 (allowed to list, not to get) says
 * nothing. One request at a time, like the lists.
 */
export async function confirmKubernetesGone(
  ctx: PollContext,
  jobs: readonly JobSnapshot[],
): Promise<Map<string, Disappearance>> {
  const out = new Map<string, Disappearance>();
  const owner = ctx.source.owner ?? {};
  const matches = namePredicate(owner.namePattern);
  for (const job of jobs) {
    if (!isKubernetesKind(job.kind)) {
      out.set(job.key, 'unknown');
      continue;
    }
    const url = objectUrl(ctx.apiBase, job.kind, job.namespace, job.name);
    const res = await ctx.http.getJson(url, { acceptStatus: [403, 404] });
    const body = isRecord(res.body) ? res.body : undefined;
    if (res.status === 404) {
      // A 404 from something that is not the API server (a proxy that lost the cluster) is no answer.
      out.set(job.key, body?.kind === 'Status' && body.reason === 'NotFound' ? 'gone' : 'unknown');
      continue;
    }
    if (res.status === 403) {
      out.set(job.key, 'unknown');
      continue;
    }
    const metadata = isRecord(body?.metadata) ? body.metadata : undefined;
    if (!metadata || metadata.name !== job.name) throw shapeError('not the object asked for', url);
    const labels = isRecord(metadata.labels) ? (metadata.labels as Record<string, string>) : {};
    const ours = matchesLabelSelector(owner.labelSelector, labels);
    if (ours === undefined) out.set(job.key, 'unknown');
    else out.set(job.key, ours && matches(job.name) ? 'present' : 'elsewhere');
  }
  return out;
}

/** A `kubernetes` source: its clusters are the static list in settings; nothing to discover. */
export const kubernetesAdapter: SourceAdapter = {
  async discover() {
    return { clusters: [], bytes: 0 };
  },
  poll: pollKubernetes,
  confirmGone: confirmKubernetesGone,
  history: readKubernetesHistory,
};

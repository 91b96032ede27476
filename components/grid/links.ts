/**
 * The two ways out of a cell's detail: the job in its console (the change's own link), and the
 * jobs of the person who made the change (the source's `links.user` template). Both pass
 * lib/links.ts, so a remote value can never become a `javascript:` href.
 */
import { fillTemplate, safeHttpUrl } from '../../lib/links';
import type { Change, Cluster } from '../../lib/model';
import type { Settings } from '../../lib/settings';

/** The source id is the part of a cluster id before the first `/` (`${sourceId}/${nativeId}`). */
export const sourceIdOf = (clusterId: string): string => {
  const slash = clusterId.indexOf('/');
  return slash < 0 ? clusterId : clusterId.slice(0, slash);
};

export const consoleLink = (change: Pick<Change, 'link'>): string | undefined => safeHttpUrl(change.link);

/** Only people (or actors of unknown kind) have "jobs of theirs"; a client program or a token does not. */
export function userJobsLink(
  change: Pick<Change, 'actor' | 'clusterId' | 'namespace' | 'name' | 'kind'>,
  cluster: Pick<Cluster, 'nativeId' | 'name'> | undefined,
  settings: Pick<Settings, 'sources'>,
): string | undefined {
  const actor = change.actor;
  if (!actor?.name || (actor.kind !== 'person' && actor.kind !== 'unknown')) return undefined;
  const source = settings.sources.find((s) => s.id === sourceIdOf(change.clusterId));
  const template = source?.links.user;
  if (!template) return undefined;
  return fillTemplate(template, {
    user: actor.name,
    cluster: cluster?.nativeId ?? change.clusterId.slice(sourceIdOf(change.clusterId).length + 1),
    clusterName: cluster?.name,
    namespace: change.namespace,
    name: change.name,
    kind: change.kind,
  });
}

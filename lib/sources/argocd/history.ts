/**
 * Argo CD's own memory of an application: `status.history`, one entry per completed sync, oldest
 * first, the last `spec.revisionHistoryLimit` of them (10 by default; ids keep counting past the
 * pruned ones). Each entry (`RevisionHistory` in Argo CD's pkg/apis/application/v1alpha1/types.go)
 * has `id`, `revision` (or `revisions` per source of a multi-source app), `deployedAt`,
 * `deployStartedAt`, `source`/`sources` as synced, and in newer versions `initiatedBy`
 * (`{username}` or `{automated: true}`).
 *
 * Each entry is a version on the `version` axis (the snapshot's version is the newest entry's id):
 * what it knows is the revision and the source it synced, when it finished and who started it.
 * What it cannot know: the images or sync policy of that time (not recorded per entry), a sync
 * that failed (no entry), and who started a sync in Argo CD versions that do not copy
 * `initiatedBy` into the entry.
 */
import type { FieldValue, JobHistory, PastVersion } from '../../model';
import { arr, at, nonEmpty, num, parseIsoTime, rec } from '../shared';
import { type ArgoApp, initiatorActor, sourceFields } from './normalize';

/** The tracked fields one history entry knows (paths as lib/sources/argocd/normalize.ts names them). */
function entryFields(entry: Record<string, unknown>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  const revision = nonEmpty(entry.revision);
  if (revision !== undefined) out['sync.revision'] = revision;
  const revisions = arr(entry.revisions).filter((r): r is string => typeof r === 'string');
  if (revisions.length) out['sync.revisions'] = revisions;
  const source = rec(entry.source);
  // An entry of a multi-source app carries an empty `source` beside its `sources`.
  if (source && Object.keys(source).length) sourceFields('source', source, out);
  arr(entry.sources).forEach((s, i) => {
    const one = rec(s);
    if (one) sourceFields(`sources[${i}]`, one, out);
  });
  return out;
}

export function historyOf(app: ArgoApp): JobHistory | undefined {
  const versions: PastVersion[] = [];
  for (const item of arr(at(app, 'status', 'history'))) {
    const entry = rec(item);
    const id = num(entry?.id);
    if (!entry || id === undefined) continue;
    const v: PastVersion = { version: id, fields: entryFields(entry), from: `Argo CD history id ${id}` };
    const deployedAt = parseIsoTime(entry.deployedAt);
    if (deployedAt !== undefined) v.at = deployedAt;
    // The sync that made the entry, for the Kubernetes changes it caused (lib/identity/cause.ts).
    const started = parseIsoTime(entry.deployStartedAt);
    if (started !== undefined) {
      v.sync = { app: app.metadata.name, startedAt: started };
      if (deployedAt !== undefined) v.sync.finishedAt = deployedAt;
      const revision = nonEmpty(entry.revision) ?? arr(entry.revisions).find((r) => typeof r === 'string');
      if (typeof revision === 'string' && revision) v.sync.revision = revision;
    }
    const actor = initiatorActor(rec(entry.initiatedBy), 'history.initiatedBy');
    if (actor) v.actor = actor;
    else v.limit = 'its history entry names no initiator';
    versions.push(v);
  }
  return versions.length ? { axis: 'version', versions } : undefined;
}

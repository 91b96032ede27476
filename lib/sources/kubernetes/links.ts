/**
 * What a workload's metadata says of its service and of the Argo CD Application that manages it
 * (JobSnapshot.links), from labels and annotations alone: the metadata-only list carries them for
 * every job, moved or not, so the links of a job that did not move are known without reading it.
 *
 * - `app.kubernetes.io/part-of` and `app.kubernetes.io/name`, Kubernetes' recommended labels. A
 *   key the owner filter pins (`app.kubernetes.io/part-of=shop`) is left out: every job the
 *   filter selects carries it, so it says whose jobs these are, not which service one is.
 * - The Argo CD Application: annotation `argocd.argoproj.io/tracking-id`
 *   (`<app>:<group>/<kind>:<namespace>/<name>`, Argo CD's default tracking since 3.0), taken only
 *   when it names this very object (Argo CD itself ignores an id copied onto another object);
 *   without that annotation, label `app.kubernetes.io/instance` (label tracking, the default
 *   before 3.0; an annotation that names another object means annotation tracking, and no label
 *   is taken instead).
 *   An application outside Argo CD's own namespace is written `<namespace>_<name>`: the name is kept.
 * - The deploy id a home-grown manager stamps, in the annotation the source's `deployIdAnnotation`
 *   names (at most 253 characters: an id, not a document).
 */
import type { JobLinks, KubernetesKind } from '../../model';
import { pinnedKeys } from '../label-selector';
import { type Json, rec } from '../shared';

export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const NAME_LABEL = 'app.kubernetes.io/name';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';

/** A label value is at most 63 characters (Kubernetes' own limit). */
const MAX_LABEL = 63;
/** An object name is at most 253; an application name likewise. */
const MAX_NAME = 253;

const label = (labels: Json, key: string, skip: ReadonlySet<string>): string | undefined => {
  const v = labels[key];
  return typeof v === 'string' && v !== '' && v.length <= MAX_LABEL && !skip.has(key) ? v : undefined;
};

/** The application a tracking id names, when it names this object; undefined otherwise. */
export function trackedApp(
  id: unknown,
  object: { kind: string; namespace: string; name: string },
): string | undefined {
  if (typeof id !== 'string' || id.length > MAX_NAME * 3) return undefined;
  const [app, groupKind, namespaced, ...rest] = id.split(':');
  if (!app || groupKind === undefined || namespaced === undefined || rest.length) return undefined;
  const kind = groupKind.slice(groupKind.indexOf('/') + 1);
  const slash = namespaced.indexOf('/');
  const [namespace, name] =
    slash < 0 ? ['', namespaced] : [namespaced.slice(0, slash), namespaced.slice(slash + 1)];
  if (kind !== object.kind || name !== object.name || (namespace !== '' && namespace !== object.namespace))
    return undefined;
  const bare = app.slice(app.indexOf('_') + 1);
  return bare && bare.length <= MAX_NAME ? bare : undefined;
}

/** A workload's links from its metadata; undefined when it has none. */
export function workloadLinks(
  kind: KubernetesKind,
  metadata: { name: string; namespace: string; labels?: unknown; annotations?: unknown },
  labelSelector: string | undefined,
  deployIdAnnotation?: string,
): JobLinks | undefined {
  const labels = rec(metadata.labels) ?? {};
  const annotations = rec(metadata.annotations) ?? {};
  const skip = pinnedKeys(labelSelector);
  const links: JobLinks = {};
  const partOf = label(labels, PART_OF_LABEL, skip);
  const name = label(labels, NAME_LABEL, skip);
  const argoApp =
    trackedApp(annotations[TRACKING_ANNOTATION], {
      kind,
      namespace: metadata.namespace,
      name: metadata.name,
    }) ??
    (typeof annotations[TRACKING_ANNOTATION] === 'string' ? undefined : label(labels, INSTANCE_LABEL, skip));
  if (partOf) links.partOf = partOf;
  if (name) links.name = name;
  if (argoApp) links.argoApp = argoApp;
  const deployId = deployIdAnnotation ? annotations[deployIdAnnotation] : undefined;
  if (typeof deployId === 'string' && deployId !== '' && deployId.length <= MAX_NAME)
    links.deployId = deployId;
  return Object.keys(links).length ? links : undefined;
}

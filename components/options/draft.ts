/**
 * A source as the form edits it: strings as typed (lists one per line or comma separated), so
 * typing is never reformatted under the cursor. `toSourceInput` turns a draft into the settings
 * document's shape; lib/settings.ts then validates it — the form has no rules of its own.
 */
import { KUBERNETES_KINDS, type KubernetesKind, type SourceType } from '../../lib/model';
import type { SourceSettings } from '../../lib/settings';

export interface ClusterDraft {
  id: string;
  name: string;
  apiBase: string;
  group: string;
}

export interface SourceDraft {
  /** The source's id when editing; undefined for a new source (the id field is editable then). */
  editing?: string;
  id: string;
  name: string;
  type: SourceType;
  enabled: boolean;
  baseUrl: string;
  discovery: boolean;
  clusters: ClusterDraft[];
  labelSelector: string;
  namespaces: string;
  namePattern: string;
  kinds: KubernetesKind[];
  actorAnnotation: string;
  deployIdAnnotation: string;
  ignoreFields: string;
  linkJob: string;
  linkUser: string;
  argocd: { projects: string };
  nomad: {
    filter: string;
    versionsWithinHours: string;
    includeChildJobs: boolean;
  };
  /** A token, for types that take one: typed here, stored apart (lib/secrets.ts), never in settings. Empty keeps the stored one. */
  token: string;
  /** Delete the stored token on save. */
  clearToken: boolean;
  /** The generic mapping (`generic` in settings) as JSON text. */
  generic: string;
  /** Other origins a generic source's clusters may be on (`apiOrigins`), one per line. */
  apiOrigins: string;
}

export const GENERIC_TEMPLATE = `{
  "clusters": { "url": "/api/clusters", "list": "items", "id": "id", "name": "name" },
  "jobs": {
    "url": "/api/clusters/{cluster}/jobs",
    "list": "items",
    "name": "name",
    "namespace": "team",
    "fields": { "image": "image", "replicas": "replicas" },
    "changedAt": "updatedAt",
    "changedBy": "updatedBy"
  }
}`;

/** Splits a list field: one item per line or comma separated; blanks dropped. */
export const splitList = (text: string): string[] =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

export const joinList = (items: readonly string[] | undefined): string => (items ?? []).join('\n');

/** `Production Rancher` → `production-rancher`, unique among `taken`. */
export function slugId(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'source';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

export function emptyDraft(type: SourceType = 'rancher'): SourceDraft {
  return {
    id: '',
    name: '',
    type,
    enabled: true,
    baseUrl: '',
    discovery: true,
    clusters: [],
    labelSelector: '',
    namespaces: '',
    namePattern: '',
    kinds: [...KUBERNETES_KINDS],
    actorAnnotation: '',
    deployIdAnnotation: '',
    ignoreFields: '',
    linkJob: '',
    linkUser: '',
    argocd: { projects: '' },
    nomad: { filter: '', versionsWithinHours: '24', includeChildJobs: false },
    token: '',
    clearToken: false,
    generic: GENERIC_TEMPLATE,
    apiOrigins: '',
  };
}

export function draftOf(source: SourceSettings): SourceDraft {
  const d = emptyDraft(source.type);
  return {
    ...d,
    editing: source.id,
    id: source.id,
    name: source.name,
    enabled: source.enabled,
    baseUrl: source.baseUrl ?? '',
    discovery: source.discovery,
    clusters: source.clusters.map((c) => ({
      id: c.id,
      name: c.name ?? '',
      apiBase: c.apiBase,
      group: c.group ?? '',
    })),
    labelSelector: source.owner.labelSelector ?? '',
    namespaces: joinList(source.owner.namespaces),
    namePattern: source.owner.namePattern ?? '',
    kinds: [...source.kinds],
    actorAnnotation: source.actorAnnotation ?? '',
    deployIdAnnotation: source.deployIdAnnotation ?? '',
    ignoreFields: joinList(source.ignoreFields),
    linkJob: source.links.job ?? '',
    linkUser: source.links.user ?? '',
    argocd: { projects: joinList(source.argocd?.projects) },
    nomad: {
      ...d.nomad,
      filter: source.nomad?.filter ?? '',
      versionsWithinHours: String(source.nomad?.versionsWithinHours ?? 24),
      includeChildJobs: source.nomad?.includeChildJobs ?? false,
    },
    generic: source.generic ? JSON.stringify(source.generic, null, 2) : GENERIC_TEMPLATE,
    apiOrigins: joinList(source.apiOrigins),
  };
}

/** What the draft's type-specific parts cannot express as settings (bad JSON, not a number). */
export interface DraftProblem {
  path: string;
  message: string;
}

const trimmed = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());

/**
 * The draft as a settings source (unvalidated). Fields a type does not use are left out, so
 * switching type in the form never leaves another type's options behind.
 */
export function toSourceInput(d: SourceDraft): { input: Record<string, unknown>; problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const kube = d.type === 'kubernetes' || d.type === 'rancher';
  const owner: Record<string, unknown> = { namespaces: splitList(d.namespaces) };
  const selector = trimmed(d.labelSelector);
  if (selector && d.type !== 'nomad' && d.type !== 'generic') owner.labelSelector = selector;
  const pattern = trimmed(d.namePattern);
  if (pattern) owner.namePattern = pattern;

  const links: Record<string, string> = {};
  if (trimmed(d.linkJob)) links.job = d.linkJob.trim();
  if (trimmed(d.linkUser)) links.user = d.linkUser.trim();

  const input: Record<string, unknown> = {
    id: d.id.trim(),
    name: d.name,
    type: d.type,
    enabled: d.enabled,
    discovery: d.type === 'kubernetes' ? false : d.discovery,
    clusters: d.clusters.map((c) => ({
      id: c.id.trim(),
      ...(trimmed(c.name) ? { name: c.name.trim() } : {}),
      apiBase: c.apiBase,
      ...(trimmed(c.group) ? { group: c.group.trim() } : {}),
    })),
    owner,
    ignoreFields: splitList(d.ignoreFields),
    links,
  };
  const base = trimmed(d.baseUrl);
  if (base && d.type !== 'kubernetes') input.baseUrl = base;
  if (kube) {
    input.kinds = [...d.kinds];
    const annotation = trimmed(d.actorAnnotation);
    if (annotation) input.actorAnnotation = annotation;
    const deployId = trimmed(d.deployIdAnnotation);
    if (deployId) input.deployIdAnnotation = deployId;
  }

  if (d.type === 'argocd') input.argocd = { projects: splitList(d.argocd.projects) };
  if (d.type === 'nomad') {
    const hours = d.nomad.versionsWithinHours.trim();
    const nomad: Record<string, unknown> = { includeChildJobs: d.nomad.includeChildJobs };
    if (hours !== '') {
      const n = Number(hours);
      if (Number.isFinite(n)) nomad.versionsWithinHours = n;
      else problems.push({ path: 'nomad.versionsWithinHours', message: 'must be a number of hours' });
    }
    const filter = trimmed(d.nomad.filter);
    if (filter) nomad.filter = filter;
    input.nomad = nomad;
  }
  if (d.type === 'generic') {
    const origins = splitList(d.apiOrigins);
    if (origins.length) input.apiOrigins = origins;
    try {
      input.generic = JSON.parse(d.generic);
    } catch (error) {
      problems.push({ path: 'generic', message: `not JSON: ${(error as Error).message}` });
    }
  }
  return { input, problems };
}

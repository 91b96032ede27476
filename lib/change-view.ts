/**
 * A change as people read it, the same wherever it is shown — the popup's cell detail, a page
 * badge's popover (components/common/ChangeItem.tsx renders both), the exports: the words for
 * its type and its actor's kind, its marks, whose jobs it may link to, and its fields as text.
 *
 * Decided once, here:
 * - only a person (or an actor of unknown kind) has "jobs of theirs": a client name, an
 *   automation or a token (a Nomad accessor id, an Argo CD project token) gets no user link;
 * - a change that moved the job into `degraded` is marked degraded, whatever else it changed
 *   (an image update that broke the job is the usual one).
 */
import { fillTemplate, safeHttpUrl } from './links';
import type {
  Actor,
  ActorKind,
  Change,
  ChangeType,
  Cluster,
  FieldChange,
  FieldValue,
  Recovered,
  SyncOp,
} from './model';
import type { Settings } from './settings';

const ACTOR_KIND_WORDS: Record<ActorKind, string> = {
  person: 'person',
  automation: 'automation',
  client: 'client name',
  token: 'token',
  unknown: 'unknown kind',
};

export const CHANGE_TYPE_WORDS: Record<ChangeType, string> = {
  created: 'created',
  updated: 'updated',
  deleted: 'deleted',
  status: 'status changed',
};

/** What a change stands out for, besides its count. Glyphs: lib/heat/scale.ts MARKS. */
export type ChangeMark = 'created' | 'deleted' | 'degraded';

/** A change that moved the job into `degraded` (diff.ts records health as field `health`). */
export const isDegradingChange = (c: Pick<Change, 'type' | 'fields'>): boolean =>
  (c.type === 'status' || c.type === 'updated') &&
  c.fields.some((f) => (f.path === 'health' || f.path === 'health.state') && f.after === 'degraded');

export function markOf(change: Pick<Change, 'type' | 'fields'>): ChangeMark | undefined {
  if (change.type === 'created') return 'created';
  if (change.type === 'deleted') return 'deleted';
  return isDegradingChange(change) ? 'degraded' : undefined;
}

/** Kinds of actor that have jobs of their own to look at. */
const HAS_JOBS: ReadonlySet<ActorKind> = new Set<ActorKind>(['person', 'unknown']);

/** The source id is the part of a cluster id before the first `/` (`${sourceId}/${nativeId}`). */
const sourceIdOf = (clusterId: string): string => {
  const slash = clusterId.indexOf('/');
  return slash < 0 ? clusterId : clusterId.slice(0, slash);
};

/** The jobs of the person who made the change: the source's `links.user` template, filled. */
export function userJobsLink(
  change: Pick<Change, 'actor' | 'clusterId' | 'namespace' | 'name' | 'kind'>,
  cluster: Pick<Cluster, 'sourceId' | 'nativeId' | 'name'> | undefined,
  settings: Pick<Settings, 'sources'>,
): string | undefined {
  const actor = change.actor;
  if (!actor?.name || !HAS_JOBS.has(actor.kind)) return undefined;
  const sourceId = cluster?.sourceId ?? sourceIdOf(change.clusterId);
  const template = settings.sources.find((s) => s.id === sourceId)?.links.user;
  if (!template) return undefined;
  return fillTemplate(template, {
    user: actor.name,
    cluster: cluster?.nativeId ?? change.clusterId.slice(sourceId.length + 1),
    clusterName: cluster?.name,
    namespace: change.namespace,
    name: change.name,
    kind: change.kind,
  });
}

/** A change as it is shown: the stored change plus its cluster's name, its mark and its links. */
export interface ChangeView {
  id: string;
  clusterId: string;
  clusterName: string;
  kind: string;
  namespace: string;
  name: string;
  type: ChangeType;
  at: number;
  windowStart: number;
  windowEnd: number;
  reportedAt?: number;
  /** The cluster clock minus the browser's, when it was far enough off to say (lib/diff.ts). */
  clockOffsetMs?: number;
  actor?: Actor;
  actorStale?: boolean;
  mark?: ChangeMark;
  fields: FieldChange[];
  /** Field changes left out to keep a message small. */
  moreFields?: number;
  fromVersion?: number;
  toVersion?: number;
  skipped?: number;
  /** Read from the platform's history rather than seen live, and from what. */
  recovered?: Recovered;
  changeCause?: string;
  /** The job's console page. */
  link?: string;
  /** An Argo CD sync this change records (Change.sync). */
  sync?: SyncOp;
  /** A home-grown manager's deploy this change records (Change.deploy), and the manager's name (its source's). */
  deploy?: { id: string; manager?: string };
  /** The jobs of the person who made the change (the source's `links.user` template). */
  userLink?: string;
  /**
   * The second view of one change: the Argo CD sync that caused it (lib/identity/cause.ts) —
   * the Application's change as it is shown — and the actor the Kubernetes API named for the
   * change itself (the controller). `actor` is then the sync's.
   */
  cause?: { operation: ChangeView; direct?: Actor };
}

/** A change's cluster, by id: what a view of the sync that caused it is shown with. */
export type ClusterOf = (clusterId: string) => Pick<Cluster, 'sourceId' | 'nativeId' | 'name'> | undefined;

export function changeViewOf(
  change: Change,
  cluster: Pick<Cluster, 'sourceId' | 'nativeId' | 'name'> | undefined,
  settings: Pick<Settings, 'sources'>,
  clusterOf: ClusterOf = () => undefined,
): ChangeView {
  const view: ChangeView = {
    id: change.id,
    clusterId: change.clusterId,
    clusterName: cluster?.name ?? change.clusterId,
    kind: change.kind,
    namespace: change.namespace,
    name: change.name,
    type: change.type,
    at: change.at,
    windowStart: change.windowStart,
    windowEnd: change.windowEnd,
    fields: change.fields,
  };
  const mark = markOf(change);
  const op = change.cause?.operation;
  const opCluster = op ? clusterOf(op.clusterId) : undefined;
  // The person who synced (or deployed) is a user of that system: their jobs are there, through its template.
  const userLink = op
    ? userJobsLink({ ...op, actor: change.actor }, opCluster, settings)
    : userJobsLink(change, cluster, settings);
  if (change.reportedAt !== undefined) view.reportedAt = change.reportedAt;
  if (change.actor) view.actor = change.actor;
  if (change.actorStale) view.actorStale = true;
  if (mark) view.mark = mark;
  if (change.fromVersion !== undefined) view.fromVersion = change.fromVersion;
  if (change.toVersion !== undefined) view.toVersion = change.toVersion;
  if (change.skipped !== undefined) view.skipped = change.skipped;
  if (change.recovered) view.recovered = change.recovered;
  if (change.changeCause) view.changeCause = change.changeCause;
  if (change.clockOffsetMs !== undefined) view.clockOffsetMs = change.clockOffsetMs;
  if (change.link) view.link = change.link;
  if (change.sync) view.sync = change.sync;
  if (change.deploy !== undefined) {
    const manager = settings.sources.find(
      (s) => s.id === (cluster?.sourceId ?? sourceIdOf(change.clusterId)),
    )?.name;
    view.deploy = { id: change.deploy, ...(manager ? { manager } : {}) };
  }
  if (userLink) view.userLink = userLink;
  if (op) {
    const { cause: _, ...own } = changeViewOf(op, opCluster, settings);
    view.cause = { operation: own, ...(change.cause?.direct ? { direct: change.cause.direct } : {}) };
  }
  return view;
}

/** A Git commit as people write it (7 characters); any other revision (a chart version) as it is. */
export const shortRevision = (revision: string): string =>
  /^[0-9a-f]{40}$/i.test(revision) ? revision.slice(0, 7) : revision;

/**
 * "via Argo CD sync of cart, revision 0b0f8f9", "via Forge deploy d-1234": where a joined
 * change's actor comes from (the manager's name is its source's, where known).
 */
export function syncProvenanceText(
  sync: Pick<ChangeView, 'name' | 'deploy'> & { sync?: SyncOp },
  remote: Remote = asIs,
): string {
  const deploy = sync.deploy;
  if (deploy && !sync.sync)
    return `via ${deploy.manager ? `${remote(deploy.manager)} ` : ''}deploy ${remote(deploy.id)}`;
  const app = sync.sync?.app ?? sync.name;
  const revision = sync.sync?.revision;
  return `via Argo CD sync of ${remote(app)}${revision ? `, revision ${remote(shortRevision(revision))}` : ''}`;
}

/** "applied by argocd-controller (client name, from managedFields)": the actor the cluster itself named. */
export const directActorText = (direct: Actor, remote: Remote = asIs): string =>
  `applied by ${remote(direct.name)} ${actorKindText(direct, remote)}`;

/**
 * "The cluster's clock is 12 s behind this browser's; its reported times were read accordingly."
 * Undefined when no offset worth saying was measured.
 */
export function clockText(offsetMs: number | undefined): string | undefined {
  if (offsetMs === undefined) return undefined;
  const s = Math.round(Math.abs(offsetMs) / 1000);
  const amount = s >= 120 ? `${Math.round(s / 60)} min` : `${s} s`;
  return `The cluster's clock is ${amount} ${offsetMs < 0 ? 'behind' : 'ahead of'} this browser's; its reported times were read accordingly.`;
}

/** The job's console page, when it is an http(s) URL (a remote value never becomes `javascript:`). */
export const consoleLink = (change: Pick<ChangeView, 'link'>): string | undefined => safeHttpUrl(change.link);

/** Wraps a remote value where it is said (a code span in Markdown); as it is elsewhere. */
export type Remote = (value: string) => string;
const asIs: Remote = (v) => v;

/** "person", "client name", "token": what kind of actor, in words. */
export const actorKindWord = (kind: ActorKind): string => ACTOR_KIND_WORDS[kind] ?? kind;

/** "(person, from annotation example.com/changed-by)". */
export const actorKindText = (actor: Actor, remote: Remote = asIs): string =>
  `(${actorKindWord(actor.kind)}${actor.via ? `, from ${remote(actor.via)}` : ''})`;

/** Said in place of an actor when the API reported none. */
export const ACTOR_NOT_REPORTED = 'actor not reported';

/** Said of a change that left the job degraded (mark `degraded`). */
export const DEGRADED_TEXT = 'degraded the job';

/** "alice may belong to an earlier change: …" — the actor's time lies before the change's window. */
export const staleActorText = (change: Pick<ChangeView, 'actor'>, remote: Remote = asIs): string =>
  `${change.actor ? remote(change.actor.name) : 'The actor'} may belong to an earlier change: the reported time lies before this change's window.`;

/** "seen between polls at 14:02 and 14:03": a change with no reported time. */
export const betweenPollsText = (
  change: Pick<ChangeView, 'windowStart' | 'windowEnd'>,
  time: (at: number) => string,
): string => `seen between polls at ${time(change.windowStart)} and ${time(change.windowEnd)}`;

/** The link to the job's console, in words. */
export const consoleLinkText = (change: Pick<ChangeView, 'name'>, remote: Remote = asIs): string =>
  `Open ${remote(change.name)} in its console`;

/** The link to the jobs of the person who made the change, in words. */
export const userLinkText = (actor: Actor, remote: Remote = asIs): string =>
  `Open ${remote(actor.name)}'s jobs`;

/** "3 more fields": field changes left out of a message. */
export const moreFieldsText = (n: number): string => `${n} more field${n === 1 ? '' : 's'}`;

/** A list field whose entries only moved. */
export const REORDERED_TEXT = 'same entries, new order';

/** "6 other entries unchanged". */
export const unchangedEntriesText = (n: number): string =>
  `${n} other ${n === 1 ? 'entry' : 'entries'} unchanged`;

/** "version 4 → 7", or '' when the API counts no versions. */
export function versionsText(change: Pick<ChangeView, 'fromVersion' | 'toVersion'>): string {
  if (change.fromVersion === undefined && change.toVersion === undefined) return '';
  return `version ${change.fromVersion ?? '?'} → ${change.toVersion ?? '?'}`;
}

/**
 * "recovered from ReplicaSet shop/cart-7d9f8 (revision 4), not seen live", and what that record
 * cannot tell when it cannot tell something ("time unknown: …").
 */
export function recoveredText(recovered: Recovered, remote: Remote = asIs): string {
  // The record's name comes from the cluster (a ReplicaSet's name): remote text.
  return `recovered from ${remote(recovered.from)}, not seen live${recovered.limit ? ` (${recovered.limit})` : ''}`;
}

/** "2 versions skipped between polls (came and went unseen)": only versions no history recovered. */
export const skippedText = (skipped: number): string =>
  `${skipped} version${skipped === 1 ? '' : 's'} skipped between polls (came and went unseen)`;

/** A field's value as text: lists joined, absent and null said in words, long text cut at `max`. */
export function valueText(value: FieldValue | undefined, max = Number.POSITIVE_INFINITY): string {
  if (value === undefined) return '(absent)';
  if (value === null) return 'null';
  const text = Array.isArray(value) ? (value.length ? value.join(', ') : '(empty list)') : String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Field values in a popover or a detail panel: cut where a page of text would start. */
const SHOWN_VALUE_MAX = 200;
export const shownValue = (value: FieldValue | undefined): string => valueText(value, SHOWN_VALUE_MAX);

/** `containers[app].image: shop/app:1.4 → shop/app:1.5`, the way an export or a message says it. */
export const fieldChangeText = (f: FieldChange): string =>
  `${f.path}: ${valueText(f.before)} → ${valueText(f.after)}`;

/**
 * A change's parts, in the order every place says them: the badge's popover and the popup's
 * cell detail render them (components/common/ChangeItem.tsx), the incident note writes them as
 * Markdown (lib/incident-note.ts). Each place adds only its own framing (when, in its clock;
 * which job, and why it is shown), so a line added here reaches all of them. Remote values in
 * the sentences pass through `remote`; field values stay values, for each place to format.
 */
export interface ChangeParts {
  type: string;
  /** Said when the change left the job degraded. */
  degraded?: string;
  /** Who, and what kind of actor; undefined: `ACTOR_NOT_REPORTED`. */
  actor?: { name: string; kind: string };
  /**
   * One change with two views: the Argo CD sync that caused it — where the actor comes from
   * ("via Argo CD sync of cart, revision 0b0f8f9"), who the cluster named for the change itself,
   * and what the Application changed (its own fields and versions).
   */
  sync?: { provenance: string; direct?: string; title: string; fields: FieldChange[]; versions?: string };
  /** The actor may belong to an earlier change. */
  stale?: string;
  /** Read from the platform's history rather than seen live, and from what. */
  recovered?: string;
  /** The cluster's clock was off, and its times were read accordingly. */
  clock?: string;
  /** Versions skipped between polls, and the versions the change went between. */
  versions?: { text: string; skipped: boolean };
  fields: FieldChange[];
  moreFields?: string;
  cause?: string;
  /** The job's console, the person's jobs: http(s) only. */
  links: { text: string; href: string }[];
}

export function changeParts(change: ChangeView, remote: Remote = asIs): ChangeParts {
  const actor = change.actor;
  const parts: ChangeParts = { type: CHANGE_TYPE_WORDS[change.type], fields: change.fields, links: [] };
  if (change.mark === 'degraded') parts.degraded = DEGRADED_TEXT;
  if (actor) parts.actor = { name: remote(actor.name), kind: actorKindText(actor, remote) };
  const op = change.cause?.operation;
  if (op) {
    const direct = change.cause?.direct;
    const versions = versionsText(op);
    parts.sync = {
      provenance: syncProvenanceText(op, remote),
      ...(direct ? { direct: directActorText(direct, remote) } : {}),
      title: `${op.kind} ${remote(op.name)} in ${remote(op.clusterName)}`,
      fields: op.fields,
      ...(versions ? { versions } : {}),
    };
  }
  if (change.actorStale) parts.stale = staleActorText(change, remote);
  if (change.recovered) parts.recovered = recoveredText(change.recovered, remote);
  const clock = clockText(change.clockOffsetMs);
  if (clock) parts.clock = clock;
  const versions = versionsText(change);
  if ((change.skipped ?? 0) > 0)
    parts.versions = {
      text: `${skippedText(change.skipped as number)}${versions ? ` · ${versions}` : ''}`,
      skipped: true,
    };
  else if (versions) parts.versions = { text: versions, skipped: false };
  if (change.moreFields) parts.moreFields = moreFieldsText(change.moreFields);
  if (change.changeCause) parts.cause = `Cause: ${remote(change.changeCause)}`;
  const open = consoleLink(change);
  if (open) parts.links.push({ text: consoleLinkText(change, remote), href: open });
  const openOp = op ? consoleLink(op) : undefined;
  if (op && openOp && openOp !== open) {
    // A deploy's console is its manager's (named as its source is), a sync's Argo CD's.
    const where = op.sync ? 'Argo CD' : (op.deploy?.manager ?? 'its manager');
    parts.links.push({
      text: `Open the ${op.kind} ${remote(op.sync?.app ?? op.name)} in ${remote(where)}`,
      href: openOp,
    });
  }
  const jobs = actor ? safeHttpUrl(change.userLink) : undefined;
  if (jobs && actor) parts.links.push({ text: userLinkText(actor, remote), href: jobs });
  return parts;
}

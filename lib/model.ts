/**
 * Tattler's vocabulary. Everything that crosses a module boundary is one of these types.
 * Pure types and tiny pure helpers only: this file runs in the service worker, the popup,
 * content scripts and Node alike.
 */

/** A value a tracked field can hold. Lists are compared as a whole. */
export type FieldValue = string | number | boolean | null | readonly string[];

/** Which family of API a source talks to; each has a folder in lib/sources/. */
export const SOURCE_TYPES = ['kubernetes', 'rancher', 'argocd', 'nomad', 'generic'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** The Kubernetes workload kinds Tattler lists (kubernetes and rancher sources). */
export const KUBERNETES_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'] as const;
export type KubernetesKind = (typeof KUBERNETES_KINDS)[number];

/** What kind of thing made a change: a person, an automation, or only a client program's name. */
export type ActorKind = 'person' | 'automation' | 'client' | 'token' | 'unknown';

export interface Actor {
  name: string;
  kind: ActorKind;
  /** Where the name came from, shown to the user: "annotation example.com/changed-by", "managedFields". */
  via?: string;
}

/** One place jobs run: a Kubernetes cluster, an Argo CD destination, a Nomad region. */
export interface Cluster {
  /** Stable across passes: `${sourceId}/${nativeId}`. */
  id: string;
  sourceId: string;
  /** The id the source itself uses (Rancher's `c-m-abc12`, an Argo CD server URL, a Nomad region). */
  nativeId: string;
  name: string;
  /** API base the source polls, e.g. `https://rancher.example.com/k8s/clusters/c-m-abc12`. */
  apiBase: string;
  /** Region or environment, for grouping columns. */
  group?: string;
  firstSeen: number;
  /** Last time a discovery source listed it (or, for static clusters, the last pass). */
  lastSeen: number;
  /** Set when discovery stopped listing it; its jobs are never reported deleted because of that. */
  goneSince?: number;
  /** Time of the last complete, ok poll; the start of the next change window. */
  lastOkPoll?: number;
  /**
   * How many polls of this cluster have been committed. A poll commits only if this is what it
   * was when the poll started: one that raced a newer poll is dropped, whatever the clocks say.
   */
  commits?: number;
  /** Fingerprint of what was asked (owner filter, kinds). A different one means re-baseline. */
  baselineKey?: string;
  /**
   * The cluster's clock minus the browser's (ms), estimated from the `Date` header of its answers
   * at the last poll that could measure it. Reported times are judged with it.
   */
  clockOffsetMs?: number;
  /**
   * What the cluster's adapter remembers between polls (the last list's resourceVersion per kind,
   * which kinds were empty, Nomad's index, an ETag): small, JSON-safe, the adapter's own format.
   * Written only with a complete, ok poll, in the transaction that records it.
   */
  memo?: unknown;
  /** How this cluster is being polled, and why (lib/pace.ts). */
  pace?: PaceRecord;
}

/** What the pace remembers of a cluster's polls (written by lib/pace.ts `paceAfter`). */
export interface PaceRecord {
  /** When its last poll started (any outcome). */
  lastTry: number;
  /** When a poll last recorded a change in it. */
  lastChange?: number;
  /** Until when an open alert named it, as known at its last poll. */
  alertedUntil?: number;
  /** 429 and 5xx answers in a row: the exponent of the backoff. */
  failures?: number;
  /** Nothing is asked before `until`: the server's wait (429, Retry-After) or a backoff (5xx); `host`: the whole host waits. */
  hold?: { until: number; status: number; host?: boolean };
  /** The policy's periods when it was written, so the popup can say them without settings. */
  passMs: number;
  quietMs: number;
  hotForMs: number;
}

/** A cluster as a discovery source reports it, before the watcher merges it with what it knows. */
export interface DiscoveredCluster {
  nativeId: string;
  name: string;
  apiBase: string;
  group?: string;
}

export type HealthState = 'healthy' | 'progressing' | 'degraded' | 'suspended' | 'unknown';

export interface Health {
  state: HealthState;
  ready?: number;
  desired?: number;
  updated?: number;
  available?: number;
  /** generation − observedGeneration: how far the controller lags the spec. */
  lag?: number;
  message?: string;
}

/** The normalized state of one job in one cluster at one poll. */
export interface JobSnapshot {
  /** Unique per job per cluster: `${clusterId}|${rowKey}`. */
  key: string;
  clusterId: string;
  /** The same for the same job in every cluster: `${kind}:${namespace}/${name}`. */
  rowKey: string;
  kind: string;
  namespace: string;
  name: string;
  /** Opaque; compared for equality only (Kubernetes resourceVersion). */
  versionToken: string;
  /** Monotonic when present (generation, Nomad Version, Argo CD history id). */
  version?: number;
  /**
   * Deployment revision annotation, when the API has one; for a StatefulSet or DaemonSet, its
   * newest ControllerRevision's number, when the history was read (JobHistory.current) or carried
   * over from the stored snapshot while the generation stood still.
   */
  revision?: number;
  /** Identity of this incarnation (uid): a different one means deleted and re-created. */
  instance?: string;
  /** The fields that matter, by path: `spec.replicas`, `containers[app].image` … */
  fields: Record<string, FieldValue>;
  health: Health;
  /** When and by whom the API says the job was last changed (epoch ms). */
  changedAt?: number;
  changedBy?: Actor;
  changeCause?: string;
  /** Console page for this job. */
  link?: string;
  /**
   * How the source names this job in a GET by name, when rowKey alone cannot say it (an Argo CD
   * application's real name, namespace and project). Used to confirm a disappearance.
   */
  ref?: string;
  /**
   * What the job says of the service it is part of and of what manages it, from its own labels
   * and annotations or its manager's status. Rows are grouped into services by it
   * (lib/identity/services.ts) and a change is traced to the sync that caused it by it.
   */
  links?: JobLinks;
  /**
   * An Argo CD Application's last sync operation (`status.operationState`), when it was a sync:
   * what a Kubernetes change made during it is traced to (lib/identity/cause.ts). Not a tracked
   * field: a new sync moves the snapshot's version token and history, and the diff puts this on
   * the change it makes (Change.sync).
   */
  sync?: SyncOp;
  /**
   * A home-grown manager's job: the id of the deploy that last changed it (the generic source's
   * `deployId` mapping). Not a tracked field: the diff puts a new one on the change it makes
   * (Change.deploy), which the Kubernetes change stamped with the same id is traced to.
   */
  deployId?: string;
  observedAt: number;
  /**
   * Set on a stored snapshot whose job was missing from a complete poll and is not yet confirmed
   * gone: the window of that poll (`windowStart` is the last poll that saw the job). A later poll
   * either sees the job again (never gone: the mark is dropped, and what changed is dated from
   * `windowStart`) or confirms the deletion, dated from `windowStart` to that poll.
   */
  missing?: { windowStart: number; windowEnd: number };
  /**
   * The versions of this job the platform still remembers (ReplicaSets, Argo CD history, Nomad
   * versions), when the adapter read them this poll: only for jobs that moved, and at first
   * sight. Never stored: it is the raw material of recovered changes (lib/recover/).
   */
  history?: JobHistory;
}

/** A job's ties to a service and to what manages it (JobSnapshot.links). All optional. */
export interface JobLinks {
  /** Kubernetes label `app.kubernetes.io/part-of`: the higher-level application it belongs to. */
  partOf?: string;
  /** Kubernetes label `app.kubernetes.io/name`. */
  name?: string;
  /**
   * The Argo CD Application that manages it: the tracking annotation
   * `argocd.argoproj.io/tracking-id` (`<app>:<group>/<kind>:<namespace>/<name>`), or the
   * `app.kubernetes.io/instance` label of Argo CD's label tracking.
   */
  argoApp?: string;
  /** An Argo CD Application's managed resources (`status.resources`), as row keys (rowKeyOf). */
  manages?: string[];
  /**
   * The deploy id a home-grown manager stamped on it: the value of the annotation the source's
   * `deployIdAnnotation` names. A change that moves it is traced to the manager's deploy of that
   * id (lib/identity/cause.ts).
   */
  deployId?: string;
}

/**
 * One Argo CD sync operation, as the Application records it (`status.operationState`, or a
 * `status.history[]` entry for a sync recovered from history). Times on Argo CD's clock (epoch ms).
 */
export interface SyncOp {
  /** The Application's own name (`metadata.name`), as a tracking annotation names it. */
  app: string;
  /** `operationState.startedAt` (a history entry's `deployStartedAt`). */
  startedAt: number;
  /** `operationState.finishedAt` (`deployedAt`); absent while the operation runs. */
  finishedAt?: number;
  /**
   * The revision synced: `syncResult.revision`, else `operation.sync.revision` (a history entry's
   * `revision`); for a multi-source app the first source's.
   */
  revision?: string;
}

/**
 * One version of a job as the platform's own history remembers it: enough to tell what that
 * version changed (its fields), when and by whom, and from what record that is known.
 */
export interface PastVersion {
  /** On the history's axis (JobHistory.axis): a Deployment revision, an Argo CD history id, a Nomad Version. */
  version: number;
  /** When the version was made, on the cluster's clock (epoch ms), when the record says. */
  at?: number;
  actor?: Actor;
  changeCause?: string;
  /**
   * The tracked fields this version is known to have had. May be fewer than a snapshot's: an
   * Argo CD history entry knows the revision and source, not the images; a ReplicaSet knows the
   * pod template, not the replicas. Paths absent here are carried over from the version before.
   */
  fields: Record<string, FieldValue>;
  /** The record it comes from, said to the user: "ReplicaSet shop/cart-7d9f8", "Argo CD history id 12". */
  from: string;
  /** What this record cannot tell, said to the user ("time unknown: …"). */
  limit?: string;
  /** The Argo CD sync that made this version (an Argo CD history entry). */
  sync?: SyncOp;
}

export interface JobHistory {
  /** Which of the snapshot's numbers the versions count: `version` (Argo CD, Nomad) or `revision` (Deployments). */
  axis: 'version' | 'revision';
  /** Oldest first; only versions the platform still remembers (pruned ones are missing). */
  versions: PastVersion[];
  /**
   * The version the stored snapshot was at, when the snapshot itself does not say (a Nomad job
   * stored from the list alone): its fields give the first change its "before".
   */
  base?: number;
  /**
   * The revision the job is at now, when its object does not say it and only its history does (a
   * StatefulSet's or DaemonSet's newest ControllerRevision). The watcher stores it on the snapshot.
   */
  current?: number;
}

/** Where a change came from when it was not seen live between two polls. */
export interface Recovered {
  /** The platform record it was read from (PastVersion.from). */
  from: string;
  /** What that record cannot tell (PastVersion.limit). */
  limit?: string;
}

export type ChangeType = 'created' | 'updated' | 'deleted' | 'status';

export interface FieldChange {
  path: string;
  before?: FieldValue;
  after?: FieldValue;
}

/** One detected difference between two complete polls of one job. */
export interface Change {
  /** Deterministic: two watchers that see the same change give it the same id. */
  id: string;
  clusterId: string;
  jobKey: string;
  rowKey: string;
  kind: string;
  namespace: string;
  name: string;
  type: ChangeType;
  /** The change happened after this (the previous good poll) … */
  windowStart: number;
  /** … and before this (the poll that saw it). */
  windowEnd: number;
  /** Best estimate of when: the reported time when it lies in the window, else windowEnd. */
  at: number;
  /** The time the API reported, on the cluster's own clock. */
  reportedAt?: number;
  /**
   * The cluster's clock minus the browser's (ms), when it was measured: reported times were read
   * through it (`at`, `actorStale`). Shown when it is large enough to matter.
   */
  clockOffsetMs?: number;
  actor?: Actor;
  /** The reported time lies before the window: the actor may belong to an earlier change. */
  actorStale?: boolean;
  fields: FieldChange[];
  fromVersion?: number;
  toVersion?: number;
  /**
   * Versions that came and went between the two polls, unseen and not recovered from the
   * platform's history (it had forgotten them, or keeps none).
   */
  skipped?: number;
  /** Set when the change was read from the platform's history rather than seen live. */
  recovered?: Recovered;
  changeCause?: string;
  link?: string;
  /**
   * An Argo CD Application's change that a new sync operation made (or that its history recovered):
   * the operation, for the Kubernetes changes it caused (lib/identity/cause.ts).
   */
  sync?: SyncOp;
  /**
   * A Kubernetes job's change: the Argo CD Application that managed the job then (its
   * `links.argoApp`; the state before, for a deletion).
   */
  argoApp?: string;
  /**
   * A home-grown manager's job change made by a new deploy: the deploy's id (JobSnapshot.deployId,
   * when it differs from the state before's) — what a Kubernetes change stamped with it is traced to.
   */
  deploy?: string;
  /**
   * A Kubernetes job's change that moved the deploy id stamped on it (links.deployId): the new id.
   * Absent when the stamp stood still (a hand edit after the deploy), so only the deploy's own
   * write is traced to it.
   */
  deployStamp?: string;
  /**
   * Never stored: set when the change is read with the operation that caused it — the Argo CD sync
   * (a Kubernetes change the controller made during a sync of the Application managing the job)
   * or the home-grown manager's deploy (a Kubernetes change that stamped its deploy id). `actor`
   * is then the operation's; `cause.direct` the one the Kubernetes API reported (a client name).
   */
  cause?: ChangeCause;
}

/** The operation a Kubernetes change is traced to (lib/identity/cause.ts), and what it replaced. */
export interface ChangeCause {
  /**
   * The change that recorded the operation, in its own view: the Application's change with the
   * sync (revision, link), or the manager's job change with the deploy (Change.deploy).
   */
  operation: Change;
  /** The actor the Kubernetes API reported for the change itself (`argocd-controller`, `forge`: a client name). */
  direct?: Actor;
}

export type PollStatus = 'ok' | 'auth' | 'unreachable' | 'error' | 'partial';

/**
 * A run of consecutive polls of one cluster (or one discovery source) with the same outcome.
 * Runs, not single polls, are stored: 200 clusters polled every minute would otherwise be
 * 288,000 rows a day, and the grid only needs to know where coverage had gaps.
 */
export interface PollRun {
  id?: number;
  /** A cluster id, or `discovery:${sourceId}` for a discovery source. */
  target: string;
  sourceId: string;
  status: PollStatus;
  from: number;
  to: number;
  count: number;
  /** For failures: what went wrong, exactly ("401 on /k8s/clusters/c-7/apis/apps/v1/deployments"). */
  message?: string;
  /** Where the user can log in, when the failure is a missing session. */
  loginUrl?: string;
}

/** What one poll of one cluster produced. Only a complete, ok result may produce changes. */
export type PollResult =
  | { status: 'ok'; jobs: JobSnapshot[]; bytes: number }
  | { status: Exclude<PollStatus, 'ok'>; message: string; url?: string; loginUrl?: string; bytes: number };

export const rowKeyOf = (kind: string, namespace: string, name: string): string =>
  `${kind}:${namespace}/${name}`;

/** `Deployment:shop/checkout` → kind, namespace, name (rowKeyOf read back); a key without them is all name. */
export function parseRowKey(rowKey: string): { kind: string; namespace: string; name: string } {
  const colon = rowKey.indexOf(':');
  const slash = rowKey.indexOf('/', colon + 1);
  if (colon < 0 || slash < 0) return { kind: '', namespace: '', name: rowKey };
  return {
    kind: rowKey.slice(0, colon),
    namespace: rowKey.slice(colon + 1, slash),
    name: rowKey.slice(slash + 1),
  };
}

export const jobKeyOf = (clusterId: string, rowKey: string): string => `${clusterId}|${rowKey}`;

export const discoveryTarget = (sourceId: string): string => `discovery:${sourceId}`;

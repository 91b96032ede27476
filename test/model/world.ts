/**
 * The model-based fidelity test's world: clusters of four source families (Kubernetes behind
 * Rancher, Argo CD, Nomad, a home-grown manager), each with a few jobs that people change, and a
 * `fetch` that answers Tattler's requests in each API's real shapes — with the faults a test step
 * asks for (a 401, a login page, garbage JSON, a timeout, a list that lies …).
 *
 * Everything is on the test's clock (`now`), which plays the browser's clock. A cluster's own
 * clock may be off (`skewMs`): its reported times and its `Date` header are on that clock.
 */
import type { FetchLike } from '../../lib/http';

export type Family = 'kubernetes' | 'argocd' | 'nomad' | 'generic';
export const FAMILIES: readonly Family[] = ['kubernetes', 'argocd', 'nomad', 'generic'];

export const PEOPLE = ['alice', 'bob', 'carol', 'dave'] as const;
/** Nomad names a submitter only by its ACL token's accessor id. */
export const NOMAD_ACCESSOR: Record<string, string> = {
  alice: 'a11ce000-0000-4000-8000-000000000001',
  bob: 'b0b00000-0000-4000-8000-000000000002',
  carol: 'ca401000-0000-4000-8000-000000000003',
  dave: 'dave0000-0000-4000-8000-000000000004',
};

export interface ModelJob {
  name: string;
  /** Incarnation: a new one when the job is deleted and created again. */
  uid: string;
  /** Spec version: generation, Argo CD history id, Nomad Version. Starts at 1. */
  version: number;
  image: string;
  replicas: number;
  health: 'healthy' | 'degraded';
  /** True time (test clock) and author of the last spec change. */
  changedAt: number;
  changedBy: string;
  /** Bumped on every write, spec or status (resourceVersion, ModifyIndex): a world-wide counter. */
  writes: number;
  /** The world-wide write counter at the last spec change (Nomad's JobModifyIndex). */
  specIndex: number;
  /** Every spec version of this incarnation, oldest first (the last is the current one). */
  past: readonly PastSpec[];
  /**
   * A Deployment's ReplicaSets, as its controller keeps them (Kubernetes only; see `rollOut`):
   * oldest revision first, the last is the current one. Other families leave it empty.
   */
  replicaSets: readonly ModelReplicaSet[];
  /** A Deployment's `spec.revisionHistoryLimit`: old ReplicaSets kept besides the current one. */
  historyLimit: number;
}

/** One ReplicaSet: one pod-template revision of a Deployment. */
export interface ModelReplicaSet {
  revision: number;
  image: string;
  /** Its creationTimestamp (true time). */
  createdAt: number;
  /** The Deployment's actor annotation as last copied onto it (while it was the current one). */
  changedBy: string;
}

/** One spec version as a platform's history remembers it. */
export interface PastSpec {
  version: number;
  /** The world-wide write counter when it was made (Nomad's JobModifyIndex of that version). */
  specIndex: number;
  image: string;
  replicas: number;
  changedAt: number;
  changedBy: string;
}

/**
 * What the Deployment controller does with a Deployment's ReplicaSets after a spec change by
 * `person` (kubernetes pkg/controller/deployment sync.go getNewReplicaSet, cleanupDeployment):
 * a pod template it has no ReplicaSet for gets a new one, at the next revision, with the
 * Deployment's annotations copied onto it; a change that leaves the template alone (replicas)
 * makes no revision, but the controller copies the Deployment's annotations onto the current
 * ReplicaSet again — so an old ReplicaSet names whoever last changed the Deployment while it was
 * current. Old ReplicaSets beyond `revisionHistoryLimit` are deleted, oldest revision first.
 * The model's images only move forward, so a template never returns (no rollback reuses one).
 */
export function rollOut(
  sets: readonly ModelReplicaSet[],
  image: string,
  person: string,
  at: number,
  limit: number,
): ModelReplicaSet[] {
  const current = sets[sets.length - 1];
  if (current && current.image === image) return [...sets.slice(0, -1), { ...current, changedBy: person }];
  const revision = Math.max(0, ...sets.map((rs) => rs.revision)) + 1;
  const next = [...sets, { revision, image, createdAt: at, changedBy: person }];
  return next.slice(Math.max(0, next.length - 1 - limit));
}

/** How many versions of a job Nomad keeps (the server's JobTrackedVersions default). */
export const NOMAD_TRACKED_VERSIONS = 6;

/** How many versions Argo CD keeps in `status.history` (revisionHistoryLimit's default). */
export const ARGO_HISTORY_LIMIT = 10;

/** The spec version a job is at now, as its history records it. */
export const pastOf = (
  j: Pick<ModelJob, 'version' | 'specIndex' | 'image' | 'replicas' | 'changedAt' | 'changedBy'>,
): PastSpec => ({
  version: j.version,
  specIndex: j.specIndex,
  image: j.image,
  replicas: j.replicas,
  changedAt: j.changedAt,
  changedBy: j.changedBy,
});

export interface ModelCluster {
  family: Family;
  /** Native id: Rancher cluster id, Argo CD server URL suffix, Nomad region, manager cluster id. */
  id: string;
  listed: boolean;
  skewMs: number;
  jobs: Map<string, ModelJob>;
}

/** What one list request answered, for one poll of one cluster. */
export type Fault =
  | 'none'
  | '401'
  | 'login-page'
  | '500'
  | 'bad-json'
  | 'truncated'
  | 'wrong-shape'
  | 'timeout'
  | 'network'
  | 'lie-empty'
  | 'lie-most'
  /** 429 Too Many Requests with a Retry-After: the poll fails, and the next good one covers the time. */
  | '429'
  /**
   * A Kubernetes list read with a resourceVersion is refused with 410 Gone (as for a compacted
   * revision, or by a proxy that cannot serve it); the same list read plainly is answered.
   */
  | 'cache-refused';

export const FAILING_FAULTS: readonly Fault[] = [
  '401',
  'login-page',
  '500',
  'bad-json',
  'truncated',
  'wrong-shape',
  'timeout',
  'network',
  '429',
];

export const BASE: Record<Family, string> = {
  kubernetes: 'https://rancher.example.com',
  argocd: 'https://argocd.example.com',
  nomad: 'https://nomad.example.com',
  generic: 'https://forge.example.com',
};

export const SOURCE_ID: Record<Family, string> = {
  kubernetes: 'rancher',
  argocd: 'argocd',
  nomad: 'nomad',
  generic: 'forge',
};

export const ACTOR_ANNOTATION = 'example.com/changed-by';
const NS = 'shop';

/** Tattler's settings for the four sources of the world. */
export function worldSettings(): unknown {
  return {
    version: 1,
    concurrency: 16,
    sources: [
      {
        id: SOURCE_ID.kubernetes,
        name: 'Rancher',
        type: 'rancher',
        baseUrl: BASE.kubernetes,
        kinds: ['Deployment'],
        owner: { labelSelector: 'app.kubernetes.io/part-of=shop' },
        actorAnnotation: ACTOR_ANNOTATION,
      },
      { id: SOURCE_ID.argocd, name: 'Argo CD', type: 'argocd', baseUrl: BASE.argocd },
      { id: SOURCE_ID.nomad, name: 'Nomad', type: 'nomad', baseUrl: BASE.nomad },
      {
        id: SOURCE_ID.generic,
        name: 'Forge',
        type: 'generic',
        baseUrl: BASE.generic,
        generic: {
          clusters: {
            url: '/api/v2/clusters',
            list: 'data.clusters',
            id: 'id',
            name: 'displayName',
            apiBase: 'api',
          },
          jobs: {
            url: '{apiBase}/jobs',
            list: 'jobs[*]',
            name: 'name',
            namespace: 'team',
            kind: 'ForgeJob',
            instance: 'uid',
            fields: { image: 'spec.image', replicas: 'spec.replicas' },
            changedAt: 'lastModified',
            changedBy: 'lastModifiedBy',
            health: { path: 'state', values: { RUNNING: 'healthy', FAILED: 'degraded' } },
          },
        },
      },
    ],
  };
}

/** The cluster id Tattler gives a model cluster (`${sourceId}/${nativeId}`). */
export function tattlerClusterId(c: ModelCluster): string {
  return `${SOURCE_ID[c.family]}/${c.family === 'argocd' ? argoServer(c.id) : c.id}`;
}

export const argoServer = (id: string) => `https://${id}.k8s.example.com`;

/** The row key Tattler gives a model job. */
export function rowKeyOf(family: Family, name: string): string {
  const kind = { kubernetes: 'Deployment', argocd: 'Application', nomad: 'NomadJob', generic: 'ForgeJob' }[
    family
  ];
  return `${kind}:${NS}/${name}`;
}

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const sha = (n: number) => n.toString(16).padStart(40, '0');

// ---------------------------------------------------------------------------------------------
// Rendering: one job, in each API's shape

/** The revision a Deployment is at: its current ReplicaSet's. */
export const revisionOf = (j: ModelJob): number => j.replicaSets[j.replicaSets.length - 1]?.revision ?? 0;

function deployment(c: ModelCluster, j: ModelJob): unknown {
  const available = j.health === 'degraded' ? j.replicas - 1 : j.replicas;
  return {
    metadata: {
      name: j.name,
      namespace: NS,
      uid: j.uid,
      resourceVersion: String(j.writes),
      generation: j.version,
      labels: { 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/name': j.name },
      annotations: {
        [ACTOR_ANNOTATION]: j.changedBy,
        'deployment.kubernetes.io/revision': String(revisionOf(j)),
      },
      managedFields: [
        {
          manager: 'deployer',
          operation: 'Update',
          apiVersion: 'apps/v1',
          time: iso(j.changedAt + c.skewMs),
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:metadata': { 'f:annotations': { [`f:${ACTOR_ANNOTATION}`]: {} } }, 'f:spec': {} },
        },
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'apps/v1',
          time: iso(j.changedAt + c.skewMs),
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:status': {} },
          subresource: 'status',
        },
      ],
    },
    spec: {
      replicas: j.replicas,
      revisionHistoryLimit: j.historyLimit,
      selector: { matchLabels: { 'app.kubernetes.io/name': j.name } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': j.name } },
        spec: { containers: [{ name: 'app', image: j.image }] },
      },
    },
    status: {
      observedGeneration: j.version,
      replicas: j.replicas,
      updatedReplicas: j.replicas,
      readyReplicas: available,
      availableReplicas: available,
      conditions: [{ type: 'Available', status: j.health === 'degraded' ? 'False' : 'True' }],
    },
  };
}

/** A ReplicaSet as the Deployment controller writes it: old ones scaled to zero. */
function replicaSet(c: ModelCluster, j: ModelJob, rs: ModelReplicaSet): unknown {
  const current = rs === j.replicaSets[j.replicaSets.length - 1];
  const replicas = current ? j.replicas : 0;
  // pod-template-hash: any stable name per template will do for the model.
  const hash = `${j.uid.replace(/\D/g, '')}r${rs.revision}`;
  return {
    metadata: {
      name: `${j.name}-${hash}`,
      namespace: NS,
      uid: `${j.uid}-rs-${rs.revision}`,
      creationTimestamp: iso(rs.createdAt + c.skewMs),
      labels: { 'app.kubernetes.io/name': j.name, 'pod-template-hash': hash },
      annotations: {
        [ACTOR_ANNOTATION]: rs.changedBy,
        'deployment.kubernetes.io/desired-replicas': String(j.replicas),
        'deployment.kubernetes.io/max-replicas': String(j.replicas + 1),
        'deployment.kubernetes.io/revision': String(rs.revision),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: j.name,
          uid: j.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': j.name, 'pod-template-hash': hash } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': j.name, 'pod-template-hash': hash } },
        spec: { containers: [{ name: 'app', image: rs.image }] },
      },
    },
    status: { replicas, fullyLabeledReplicas: replicas, observedGeneration: 1 },
  };
}

function application(c: ModelCluster, j: ModelJob): unknown {
  const by = { username: `${j.changedBy}@example.com` };
  const deployedAt = iso(j.changedAt + c.skewMs);
  return {
    metadata: {
      name: `${j.name}-${c.id}`,
      namespace: 'argocd',
      uid: j.uid,
      labels: { 'app.kubernetes.io/part-of': 'shop' },
    },
    spec: {
      project: 'shop',
      source: {
        repoURL: 'https://git.example.com/shop/deploy.git',
        path: `charts/${j.name}`,
        targetRevision: 'main',
        helm: { parameters: [{ name: 'replicaCount', value: String(j.replicas) }] },
      },
      destination: { server: argoServer(c.id), namespace: NS },
    },
    status: {
      sync: { status: 'Synced', revision: sha(j.version) },
      health: { status: j.health === 'degraded' ? 'Degraded' : 'Healthy' },
      // Every sync Argo CD still remembers, as the controller records it.
      history: j.past.slice(-ARGO_HISTORY_LIMIT).map((v) => {
        const at = iso(v.changedAt + c.skewMs);
        return {
          id: v.version,
          revision: sha(v.version),
          deployedAt: at,
          deployStartedAt: at,
          source: {
            repoURL: 'https://git.example.com/shop/deploy.git',
            path: `charts/${j.name}`,
            targetRevision: 'main',
            helm: { parameters: [{ name: 'replicaCount', value: String(v.replicas) }] },
          },
          initiatedBy: { username: `${v.changedBy}@example.com` },
        };
      }),
      operationState: {
        operation: { sync: { revision: sha(j.version) }, initiatedBy: by },
        phase: 'Succeeded',
        startedAt: deployedAt,
        finishedAt: deployedAt,
      },
      summary: { images: [j.image] },
    },
  };
}

function nomadStub(c: ModelCluster, j: ModelJob): Record<string, unknown> {
  return {
    ID: j.name,
    ParentID: '',
    Name: j.name,
    Namespace: NS,
    Type: 'service',
    Priority: 50,
    Stop: false,
    Status: j.health === 'degraded' ? 'dead' : 'running',
    Datacenters: ['dc1'],
    JobSummary: {
      Summary: { web: { Running: j.health === 'degraded' ? 0 : j.replicas, Failed: 0, Queued: 0 } },
    },
    CreateIndex: Number(j.uid.replace(/\D/g, '')) || 1,
    ModifyIndex: j.writes,
    JobModifyIndex: j.specIndex,
    SubmitTime: (j.changedAt + c.skewMs) * 1e6,
  };
}

/**
 * `GET /v1/job/<id>/versions?diffs=true`: the versions Nomad still tracks, newest first, each the
 * whole job as submitted then; `Diffs[i]` compares `Versions[i+1]` (older) with `Versions[i]`.
 */
function nomadVersions(c: ModelCluster, j: ModelJob): unknown {
  const stub = nomadStub(c, j);
  const tracked = j.past.slice(-NOMAD_TRACKED_VERSIONS).reverse();
  const versions = tracked.map((v) => ({
    ...stub,
    Version: v.version - 1,
    ModifyIndex: v === tracked[0] ? j.writes : v.specIndex,
    JobModifyIndex: v.specIndex,
    SubmitTime: (v.changedAt + c.skewMs) * 1e6,
    NomadTokenID: NOMAD_ACCESSOR[v.changedBy],
    TaskGroups: [
      {
        Name: 'web',
        Count: v.replicas,
        Tasks: [{ Name: 'app', Driver: 'docker', Config: { image: v.image } }],
      },
    ],
  }));
  const edited = (name: string, old: string | number, now: string | number) =>
    String(old) === String(now) ? [] : [{ Type: 'Edited', Name: name, Old: String(old), New: String(now) }];
  const diffs = tracked.slice(0, -1).map((v, i) => {
    const older = tracked[i + 1] as PastSpec;
    const count = edited('Count', older.replicas, v.replicas);
    const image = edited('image', older.image, v.image);
    const moved = count.length > 0 || image.length > 0;
    return {
      Type: moved ? 'Edited' : 'None',
      ID: j.name,
      Fields: [],
      Objects: [],
      TaskGroups: [
        {
          Type: moved ? 'Edited' : 'None',
          Name: 'web',
          Fields: count,
          Objects: [],
          Tasks: [
            {
              Type: image.length ? 'Edited' : 'None',
              Name: 'app',
              Fields: [],
              Objects: image.length ? [{ Type: 'Edited', Name: 'Config', Fields: image, Objects: [] }] : [],
            },
          ],
        },
      ],
    };
  });
  return { Versions: versions, Diffs: diffs };
}

function forgeJob(c: ModelCluster, j: ModelJob): unknown {
  return {
    name: j.name,
    team: NS,
    uid: j.uid,
    spec: { image: j.image, replicas: j.replicas },
    state: j.health === 'degraded' ? 'FAILED' : 'RUNNING',
    lastModified: iso(j.changedAt + c.skewMs),
    lastModifiedBy: j.changedBy,
  };
}

// ---------------------------------------------------------------------------------------------
// The HTTP side

export interface Served {
  /** `discovery:<family>`, `list:argocd`, or the Tattler id of the cluster whose list this was. */
  target: string;
  /** The cluster whose job list this request was (undefined for discovery and Argo CD's list). */
  cluster?: ModelCluster;
  /** The jobs the list answered with, by name: what the poll saw. */
  listed?: Set<string>;
  fault: Fault;
  /** For a ReplicaSet list (target `history:<cluster id>`): the cluster, and its jobs' sets served. */
  historyOf?: ModelCluster;
  replicaSets?: ReadonlyMap<string, { uid: string; sets: readonly ModelReplicaSet[] }>;
}

export interface FetchControl {
  /** The fault for the next list request of a cluster (by Tattler cluster id) or a discovery (`discovery:<family>`). */
  faultFor(target: string): Fault;
  /** Called for every list answer, before it is delivered (and before a freeze). */
  onServed(served: Served): void;
  /** A promise to wait for before delivering a list answer (a pass that hangs). */
  freeze?: Promise<void>;
  /** The true time: servers stamp it, on their own (possibly skewed) clocks. */
  now(): number;
}

const json = (body: unknown, date: number, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', date: new Date(date).toUTCString() },
  });

function failing(fault: Fault, date: number): Response | Error {
  const headers = { date: new Date(date).toUTCString() };
  switch (fault) {
    case '401':
      return new Response('{"message":"Unauthorized"}', { status: 401, headers });
    case 'login-page':
      return new Response('<!doctype html><title>Log in</title><form action="/login"></form>', {
        status: 200,
        headers: { ...headers, 'content-type': 'text/html' },
      });
    case '500':
      return new Response('internal error', { status: 500, headers });
    case 'bad-json':
      return new Response('{"items": [', {
        status: 200,
        headers: { ...headers, 'content-type': 'application/json' },
      });
    case 'truncated':
      return new Response('{"kind":"DeploymentList","items":[{"metadata":{"name":"a"', {
        status: 200,
        headers: { ...headers, 'content-type': 'application/json' },
      });
    case 'wrong-shape':
      return new Response('{"unexpected":true}', {
        status: 200,
        headers: { ...headers, 'content-type': 'application/json' },
      });
    case '429':
      return new Response(
        '{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","code":429}',
        { status: 429, headers: { ...headers, 'content-type': 'application/json', 'retry-after': '30' } },
      );
    case 'timeout':
      return new DOMException('The operation timed out.', 'TimeoutError');
    case 'network':
      return new TypeError('fetch failed');
    default:
      throw new Error(`not a failing fault: ${fault}`);
  }
}

/** Keeps what a lying list keeps: nothing, or the first job only. */
const lie = <T>(items: T[], fault: Fault): T[] =>
  fault === 'lie-empty' ? [] : fault === 'lie-most' ? items.slice(0, 1) : items;

export class World {
  readonly clusters: ModelCluster[] = [];
  private uidSeq = 0;

  constructor(private readonly clock: () => number) {}

  newUid(): string {
    return `uid-${++this.uidSeq}`;
  }

  cluster(family: Family, id: string): ModelCluster | undefined {
    return this.clusters.find((c) => c.family === family && c.id === id);
  }

  byTattlerId(id: string): ModelCluster | undefined {
    return this.clusters.find((c) => tattlerClusterId(c) === id);
  }

  /** A `fetch` answering as the four systems would, under `control`. */
  fetch(control: FetchControl): FetchLike {
    return async (input) => {
      const url = new URL(input);
      const reply = await this.route(url, control);
      if (reply instanceof Error) throw reply;
      return reply;
    };
  }

  private async deliver(
    control: FetchControl,
    target: string,
    cluster: ModelCluster | undefined,
    render: (fault: Fault) => { body: unknown; listed?: Set<string> },
    skewMs: number,
  ): Promise<Response | Error> {
    const fault = control.faultFor(target);
    const date = control.now() + skewMs;
    const hang = () => (target.startsWith('discovery:') ? undefined : control.freeze);
    if (FAILING_FAULTS.includes(fault)) {
      control.onServed({ target, ...(cluster ? { cluster } : {}), fault });
      await hang();
      return failing(fault, date);
    }
    const { body, listed } = render(fault);
    control.onServed({ target, ...(cluster ? { cluster } : {}), ...(listed ? { listed } : {}), fault });
    await hang();
    return json(body, date);
  }

  private jobsOf(c: ModelCluster): ModelJob[] {
    return [...c.jobs.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  private route(url: URL, control: FetchControl): Promise<Response | Error> | Response {
    const origin = url.origin;
    const path = url.pathname;
    const now = control.now();
    // --- Rancher + Kubernetes
    if (origin === BASE.kubernetes) {
      if (path === '/v1/management.cattle.io.clusters') {
        return this.deliver(
          control,
          'discovery:kubernetes',
          undefined,
          () => ({
            body: {
              type: 'collection',
              data: this.clusters
                .filter((c) => c.family === 'kubernetes' && c.listed)
                .map((c) => ({
                  id: c.id,
                  metadata: { name: c.id, state: { name: 'active' } },
                  spec: { displayName: c.id },
                })),
            },
          }),
          0,
        );
      }
      const rsList = /^\/k8s\/clusters\/([^/]+)\/apis\/apps\/v1\/namespaces\/([^/]+)\/replicasets$/.exec(
        path,
      );
      const rsCluster = rsList ? this.cluster('kubernetes', decodeURIComponent(rsList[1] ?? '')) : undefined;
      if (rsList && rsCluster) {
        const jobs = decodeURIComponent(rsList[2] ?? '') === NS ? this.jobsOf(rsCluster) : [];
        control.onServed({
          target: `history:${tattlerClusterId(rsCluster)}`,
          historyOf: rsCluster,
          replicaSets: new Map(jobs.map((j) => [j.name, { uid: j.uid, sets: j.replicaSets }])),
          fault: 'none',
        });
        return json(
          {
            kind: 'ReplicaSetList',
            apiVersion: 'apps/v1',
            metadata: { resourceVersion: String(now) },
            items: jobs.flatMap((j) => j.replicaSets.map((rs) => replicaSet(rsCluster, j, rs))),
          },
          now + rsCluster.skewMs,
        );
      }
      const m =
        /^\/k8s\/clusters\/([^/]+)\/apis\/apps\/v1\/(?:namespaces\/([^/]+)\/)?deployments(?:\/([^/]+))?$/.exec(
          path,
        );
      const c = m ? this.cluster('kubernetes', decodeURIComponent(m[1] ?? '')) : undefined;
      if (!m || !c) return json({ kind: 'Status', reason: 'NotFound', code: 404 }, now, 404);
      if (
        !m[3] &&
        url.searchParams.has('resourceVersion') &&
        control.faultFor(tattlerClusterId(c)) === 'cache-refused'
      ) {
        // Refused before anything is listed: not a list served (the plain read that follows is).
        return json(
          {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: 'too old resource version',
            reason: 'Expired',
            code: 410,
          },
          now + c.skewMs,
          410,
        );
      }
      if (m[3]) {
        const j = c.jobs.get(decodeURIComponent(m[3]));
        return j
          ? json(deployment(c, j), now + c.skewMs)
          : json(
              { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 },
              now + c.skewMs,
              404,
            );
      }
      return this.deliver(
        control,
        tattlerClusterId(c),
        c,
        (fault) => {
          const jobs = lie(this.jobsOf(c), fault);
          return {
            body: {
              kind: 'DeploymentList',
              apiVersion: 'apps/v1',
              metadata: { resourceVersion: String(now) },
              items: jobs.map((j) => deployment(c, j)),
            },
            listed: new Set(jobs.map((j) => j.name)),
          };
        },
        c.skewMs,
      );
    }
    // --- Argo CD: one server, one clock, one application list for every cluster
    if (origin === BASE.argocd) {
      const skew = this.sourceSkew('argocd');
      if (path === '/api/v1/clusters') {
        return this.deliver(
          control,
          'discovery:argocd',
          undefined,
          () => ({
            body: {
              items: this.clusters
                .filter((c) => c.family === 'argocd' && c.listed)
                .map((c) => ({ server: argoServer(c.id), name: c.id })),
            },
          }),
          skew,
        );
      }
      const argo = this.clusters.filter((c) => c.family === 'argocd');
      const one = /^\/api\/v1\/applications\/([^/]+)$/.exec(path);
      if (one) {
        const name = decodeURIComponent(one[1] ?? '');
        for (const c of argo) {
          for (const j of c.jobs.values())
            if (`${j.name}-${c.id}` === name) return json(application(c, j), now + skew);
        }
        return json({ error: `applications.argoproj.io "${name}" not found`, code: 5 }, now + skew, 404);
      }
      if (path !== '/api/v1/applications') return json({ code: 5 }, now + skew, 404);
      // The list serves every cluster of the pass: the fault and lie are the source's.
      return this.deliver(
        control,
        'list:argocd',
        undefined,
        (fault) => {
          const all = argo.flatMap((c) => this.jobsOf(c).map((j) => ({ c, j })));
          const kept = lie(all, fault);
          return {
            body: { items: kept.map(({ c, j }) => application(c, j)) },
            listed: new Set(kept.map(({ c, j }) => `${c.id}/${j.name}`)),
          };
        },
        skew,
      );
    }
    // --- Nomad
    if (origin === BASE.nomad) {
      if (path === '/v1/regions') {
        return this.deliver(
          control,
          'discovery:nomad',
          undefined,
          () => ({
            body: this.clusters.filter((c) => c.family === 'nomad' && c.listed).map((c) => c.id),
          }),
          this.sourceSkew('nomad'),
        );
      }
      const region = url.searchParams.get('region') ?? '';
      const c = this.cluster('nomad', region);
      if (!c) return new Response('no such region', { status: 400 });
      if (path === '/v1/jobs') {
        return this.deliver(
          control,
          tattlerClusterId(c),
          c,
          (fault) => {
            const jobs = lie(this.jobsOf(c), fault);
            return { body: jobs.map((j) => nomadStub(c, j)), listed: new Set(jobs.map((j) => j.name)) };
          },
          c.skewMs,
        );
      }
      const versions = /^\/v1\/job\/([^/]+)\/versions$/.exec(path);
      const one = /^\/v1\/job\/([^/]+)$/.exec(path);
      const j = c.jobs.get(decodeURIComponent((versions ?? one)?.[1] ?? ''));
      if (!j)
        return new Response('job not found', {
          status: 404,
          headers: { date: new Date(now + c.skewMs).toUTCString() },
        });
      return json(versions ? nomadVersions(c, j) : nomadStub(c, j), now + c.skewMs);
    }
    // --- The home-grown manager: no GET by name
    if (origin === BASE.generic) {
      if (path === '/api/v2/clusters') {
        return this.deliver(
          control,
          'discovery:generic',
          undefined,
          () => ({
            body: {
              data: {
                clusters: this.clusters
                  .filter((c) => c.family === 'generic' && c.listed)
                  .map((c) => ({ id: c.id, displayName: c.id, api: `/api/v2/clusters/${c.id}` })),
              },
            },
          }),
          0,
        );
      }
      const m = /^\/api\/v2\/clusters\/([^/]+)\/jobs$/.exec(path);
      const c = m ? this.cluster('generic', decodeURIComponent(m[1] ?? '')) : undefined;
      if (!c) return json({ error: 'no such cluster' }, now, 404);
      return this.deliver(
        control,
        tattlerClusterId(c),
        c,
        (fault) => {
          const jobs = lie(this.jobsOf(c), fault);
          return {
            body: { cluster: c.id, jobs: jobs.map((j) => forgeJob(c, j)) },
            listed: new Set(jobs.map((j) => j.name)),
          };
        },
        c.skewMs,
      );
    }
    return new Response('unknown host', { status: 404 });
  }

  /** The clock of a source whose clusters are all read through one server (Argo CD, Nomad). */
  private sourceSkew(family: Family): number {
    return this.clusters.find((c) => c.family === family)?.skewMs ?? 0;
  }

  /** The true state of a cluster's jobs now, by name. */
  truth(c: ModelCluster): Map<string, ModelJob> {
    return new Map([...c.jobs].map(([k, j]) => [k, { ...j }]));
  }

  get now(): number {
    return this.clock();
  }
}

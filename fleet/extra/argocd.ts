/**
 * A small Argo CD: its REST API's field names and behaviour where Tattler meets them.
 *
 * - `POST /api/v1/session` with `{username, password}` answers `{token}` and sets the
 *   `argocd.token` cookie (HttpOnly), as the real server does; every other API call needs that
 *   cookie (or `Authorization: Bearer <token>`) and answers 401 `no session information` without.
 * - `GET /api/v1/clusters` (`items[]`: server, name, connectionState, info, labels) and
 *   `GET /api/v1/applications` (`projects=`, `selector=` with `k=v`/`k!=v` terms, and `fields=`
 *   as Argo CD's API server filters it: only the paths of its `appFields` table, the rest left
 *   out silently, no `kind`, and a nil slice or map written as null), and
 *   `GET /api/v1/applications/<name>` (one application, in full).
 * - An application carries what makes real ones large: `status.resources` (each object it
 *   manages, with sync and health) and the last sync's result per resource.
 * - The web UI's pages (`/`, `/applications/<ns>/<name>`) are an HTML shell; `/login` is its
 *   login form, which posts to `/api/v1/session` as the UI does.
 *
 * Applications follow an ApplicationSet's naming, `<app>-<cluster>`, each deploying to one
 * cluster. Changes (`control`) are what people and Argo CD do: a sync by a user or by auto-sync
 * (a new history entry with the next id), a failed sync, a push to git (OutOfSync), an edit of
 * the sync policy (no history, no author — Argo CD records none).
 *
 * Into a destination it can reach (a Rancher cluster of the demo fleet, given `destinations`), a
 * sync is an operation of a few seconds, as the application controller runs it: the Application
 * gets `operation` and `status.operationState` (phase `Running`, `startedAt`); a moment later the
 * controller server-side applies the Deployment in git (`ServerSideApply=true`, field manager
 * `argocd-controller`, the `argocd.argoproj.io/tracking-id` annotation of annotation tracking,
 * Argo CD 3's default); then the operation finishes (`finishedAt`, `syncResult` with the revision
 * and each resource's result), the history gets its entry and `operation` goes away.
 */
import type { IncomingMessage } from 'node:http';
import type { Deployment } from '../k8s/types';
import type { DeploymentManifest, DestinationApi } from '../scenario/gitops';
import {
  type Clock,
  cookiesOf,
  Faults,
  genericFault,
  html,
  json,
  newToken,
  page,
  type Reply,
  readBody,
  type Started,
  seeded,
  serve,
  uuidFrom,
} from './server';

export const ARGOCD_USERS: Readonly<Record<string, string>> = {
  admin: 'admin-password',
  alice: 'alice-password',
  bob: 'bob-password',
  carol: 'carol-password',
  tattler: 'tattler-password',
};

export interface ArgoCdCluster {
  server: string;
  name: string;
  labels?: Record<string, string>;
  /** The Rancher cluster id behind a Rancher proxy URL: where `destinations` applies a sync. */
  clusterId?: string;
}

const DEFAULT_CLUSTERS: ArgoCdCluster[] = [
  { server: 'https://kubernetes.default.svc', name: 'in-cluster' },
  { server: 'https://10.20.0.1:6443', name: 'prod-eu-1', labels: { env: 'prod', region: 'eu-west-1' } },
  { server: 'https://10.30.0.1:6443', name: 'prod-us-1', labels: { env: 'prod', region: 'us-east-1' } },
];

const DEFAULT_APPS = ['checkout', 'cart', 'payments'];

/** A downstream cluster of a Rancher, as Argo CD is given it. */
export interface RancherCluster {
  id: string;
  displayName: string;
  env: string;
  region: string;
}

/**
 * Argo CD deploying into a Rancher's clusters, as teams register them: each destination's server
 * is the cluster's Rancher proxy URL (`<rancher>/k8s/clusters/<id>`, Rancher's own API in front of
 * it, with a Rancher token as the bearer) and its name the cluster's display name. Only the
 * clusters named `names` (by display name), besides Argo CD's own `in-cluster`.
 */
export function rancherDestinations(
  rancherUrl: string,
  clusters: readonly RancherCluster[],
  names: readonly string[] = DEFAULT_CLUSTERS.filter((c) => c.name !== 'in-cluster').map((c) => c.name),
): ArgoCdCluster[] {
  const base = rancherUrl.replace(/\/+$/, '');
  const chosen = clusters.filter((c) => names.includes(c.displayName));
  return [
    { server: 'https://kubernetes.default.svc', name: 'in-cluster' },
    ...chosen.map((c) => ({
      server: `${base}/k8s/clusters/${c.id}`,
      name: c.displayName,
      labels: { env: c.env, region: c.region },
      clusterId: c.id,
    })),
  ];
}

type Json = Record<string, unknown>;

export interface ArgoCdOptions {
  clock?: Clock;
  seed?: number;
  clusters?: ArgoCdCluster[];
  /** Base app names; one Application per app per non-local cluster. */
  apps?: string[];
  /**
   * The clusters' API behind destinations with a `clusterId` (the demo fleet's `gitops`): a sync
   * of an application there applies its Deployment. Without it, a sync changes only Argo CD.
   */
  destinations?: DestinationApi;
}

export type ArgoCdChange =
  | { type: 'sync'; app: string; by: string; image?: string }
  | { type: 'auto-sync'; app: string; image?: string }
  | { type: 'fail-sync'; app: string; by: string }
  | { type: 'push'; app: string }
  | { type: 'set-auto-sync'; app: string; enabled: boolean }
  | { type: 'degrade'; app: string };

/** A sync running against a real destination: its two moments, as promises. */
export interface ArgoCdOperation {
  /** The controller has applied the application's resources in the destination. */
  applied: Promise<void>;
  /** The operation has finished (Succeeded or Failed) and the Application says so. */
  finished: Promise<void>;
}

export interface ArgoCdSystem extends Started {
  faults: Faults;
  /** Makes a change; a sync into a reachable destination returns its running operation. */
  apply(change: ArgoCdChange): ArgoCdOperation | undefined;
  /** Pushes `app`'s next image to git and syncs it as `by`; says what it did. */
  pushAndSync(app: string, by: string): string;
  /** Resolves once no operation is running. */
  idle(): Promise<void>;
  /** Logs a user in as a browser would, returning the cookie header value. */
  login(username: string): Promise<string>;
  app(name: string): Json | undefined;
  appNames(): string[];
  clusters: ArgoCdCluster[];
}

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** Every application deploys into this namespace of its destination. */
const NAMESPACE = 'shop';
/** The sync option the applications set: the controller applies server-side, as `argocd-controller`. */
const SSA_OPTION = 'ServerSideApply=true';
/** Annotation tracking (Argo CD 3's default): `<app>:<group>/<kind>:<namespace>/<name>`. */
const TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';
/** The deploy tooling's stamp (fleet/scenario/people.ts): the manifests in git leave it empty. */
const STAMP_ANNOTATION = 'fleet.example.com/changed-by';
/** When, in a sync into a reachable destination, the controller applies and the operation ends. */
const APPLY_AFTER_MS = 1_500;
const FINISH_AFTER_MS = 3_500;

/**
 * The Deployment as git holds it for `app`: the live one's labels and spec, with Argo CD's
 * tracking annotation. The team's stamp is in the manifests too, empty: a sync names no person
 * (Argo CD, not the deploy wrapper, applies them), so managedFields' `argocd-controller` is all
 * the cluster can say about who changed it.
 */
function manifestOf(app: string, live: Deployment): DeploymentManifest {
  const { name, namespace = NAMESPACE, labels } = live.metadata;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace,
      ...(labels ? { labels: { ...labels } } : {}),
      annotations: {
        [TRACKING_ANNOTATION]: `${app}:apps/Deployment:${namespace}/${name}`,
        [STAMP_ANNOTATION]: '',
      },
    },
    spec: structuredClone(live.spec) as unknown as DeploymentManifest['spec'],
  };
}

type Containers = { image: string }[];
const containersIn = (m: { spec: unknown }): Containers =>
  (m.spec as { template?: { spec?: { containers?: Containers } } }).template?.spec?.containers ?? [];
const imagesIn = (m: { spec: unknown }): string[] => containersIn(m).map((c) => c.image);
function setImageIn(m: DeploymentManifest, image: string): void {
  const first = containersIn(m)[0];
  if (first) first.image = image;
}

/** `…/cart:1.9.0` → `…/cart:1.9.1`; a tag that is not x.y.z gets `-1` appended. */
function nextPatch(image: string): string {
  const at = image.lastIndexOf(':');
  const tag = image.slice(at + 1);
  const m = /^(v?\d+\.\d+\.)(\d+)$/.exec(tag);
  return `${image.slice(0, at)}:${m ? `${m[1]}${Number(m[2]) + 1}` : `${tag}-1`}`;
}

function selectorMatches(labels: Record<string, string>, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const neq = term.split('!=');
    if (neq.length === 2) return labels[(neq[0] as string).trim()] !== (neq[1] as string).trim();
    const [k, v] = term.split('=');
    return k !== undefined && labels[k.trim()] === v?.trim();
  });
}

export async function startArgoCd(options: ArgoCdOptions = {}): Promise<ArgoCdSystem> {
  const clock = options.clock ?? Date.now;
  const rand = seeded(options.seed ?? 7);
  const clusters = options.clusters ?? DEFAULT_CLUSTERS;
  const sessions = new Map<string, string>();
  const faults = new Faults();
  const apps = new Map<string, Json>();
  let revisionCounter = 0;
  const gitSha = () => {
    revisionCounter++;
    return Array.from({ length: 40 }, () => Math.floor(rand() * 16).toString(16)).join('');
  };

  // Seed: every app in every real cluster, synced once by alice an hour before start. In a
  // destination Argo CD can reach, git holds what runs there (the Deployment as it is now).
  const start = clock();
  const git = new Map<string, DeploymentManifest>();
  for (const cluster of clusters.filter((c) => c.name !== 'in-cluster')) {
    for (const base of options.apps ?? DEFAULT_APPS) {
      const name = `${base}-${cluster.name}`;
      const revision = gitSha();
      const deployedAt = iso(start - 3_600_000);
      const live = cluster.clusterId
        ? options.destinations?.deployment(cluster.clusterId, NAMESPACE, base)
        : undefined;
      if (live) git.set(name, manifestOf(name, live));
      const image = `registry.example.com/shop/${base}:1.0.0`;
      apps.set(name, {
        metadata: {
          name,
          namespace: 'argocd',
          uid: uuidFrom(rand),
          resourceVersion: String(1000 + apps.size),
          generation: 1,
          creationTimestamp: iso(start - 86_400_000),
          labels: { 'app.kubernetes.io/part-of': 'shop', 'tattler.example.com/app': base },
        },
        spec: {
          project: 'shop',
          source: {
            repoURL: 'https://git.example.com/shop/deploy.git',
            path: `apps/${base}`,
            targetRevision: 'main',
          },
          destination: { server: cluster.server, namespace: NAMESPACE },
          syncPolicy: {
            ...(base === 'cart' ? { automated: { prune: true, selfHeal: true } } : {}),
            syncOptions: [SSA_OPTION],
          },
        },
        status: {
          sync: { status: 'Synced', revision },
          health: { status: 'Healthy' },
          history: [
            {
              revision,
              deployedAt,
              id: 1,
              source: {
                repoURL: 'https://git.example.com/shop/deploy.git',
                path: `apps/${base}`,
                targetRevision: 'main',
              },
              deployStartedAt: deployedAt,
              initiatedBy: { username: 'alice' },
            },
          ],
          operationState: {
            operation: { sync: { revision }, initiatedBy: { username: 'alice' }, retry: {} },
            phase: 'Succeeded',
            message: 'successfully synced (all tasks run)',
            startedAt: deployedAt,
            finishedAt: deployedAt,
          },
          reconciledAt: deployedAt,
          sourceType: 'Directory',
          summary: { images: live ? imagesIn(live) : [image] },
          resources: managedResources(
            base,
            !cluster.clusterId || !options.destinations || live !== undefined,
          ),
        },
      });
    }
  }

  const mustApp = (name: string): Json => {
    const app = apps.get(name);
    if (!app) throw new Error(`argocd fleet: no application ${name}`);
    return app;
  };
  const status = (app: Json) => app.status as Json;
  const touch = (app: Json) => {
    const meta = app.metadata as Json;
    meta.resourceVersion = String(Number(meta.resourceVersion) + 1);
  };
  /** The destination cluster a sync of `app` applies to, when Argo CD can reach it. */
  const destinationOf = (app: Json): string | undefined => {
    const server = ((app.spec as Json).destination as Json).server;
    const id = clusters.find((c) => c.server === server)?.clusterId;
    return id && options.destinations ? id : undefined;
  };

  /** A completed sync, as the controller records it: the history entry and the synced revision. */
  function recordSync(app: Json, revision: string, initiatedBy: Json, startedAt: string, deployedAt: string) {
    const st = status(app);
    const history = st.history as Json[];
    const id = Math.max(0, ...history.map((h) => h.id as number)) + 1;
    // Like the controller: the entry records the source as synced, and who started the sync.
    const source = structuredClone((app.spec as Json).source);
    history.push({ revision, deployedAt, id, source, deployStartedAt: startedAt, initiatedBy });
    // Argo CD keeps the last spec.revisionHistoryLimit (default 10) entries; ids keep counting.
    const limit = ((app.spec as Json).revisionHistoryLimit as number | undefined) ?? 10;
    while (history.length > limit) history.shift();
    st.sync = { status: 'Synced', revision };
  }

  /** A sync that changes only Argo CD: its destination is out of reach (a cluster of its own). */
  function sync(app: Json, initiatedBy: Json, image: string | undefined) {
    const st = status(app);
    const revision = gitSha();
    const now = iso(clock());
    recordSync(app, revision, initiatedBy, now, now);
    st.operationState = {
      operation: { sync: { revision }, initiatedBy, retry: {} },
      phase: 'Succeeded',
      message: 'successfully synced (all tasks run)',
      startedAt: now,
      finishedAt: now,
    };
    if (image) (st.summary as Json).images = [image];
    touch(app);
  }

  const running = new Map<string, Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  const after = (ms: number, fn: () => void): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        try {
          fn();
        } finally {
          resolve();
        }
      }, ms);
      timers.add(timer);
    });

  /**
   * A sync into a destination Argo CD reaches: the operation starts (Running), the controller
   * applies the Deployment in git a moment later, and the operation finishes a moment after that.
   */
  function operate(
    app: Json,
    clusterId: string,
    initiatedBy: Json,
    image: string | undefined,
  ): ArgoCdOperation {
    const name = (app.metadata as Json).name as string;
    if (running.has(name)) throw new Error('another operation is already in progress');
    const st = status(app);
    const revision = gitSha();
    const startedAt = iso(clock());
    const manifest = git.get(name);
    if (manifest && image) setImageIn(manifest, image);
    const operation = {
      sync: { revision, syncOptions: [SSA_OPTION], syncStrategy: { hook: {} } },
      initiatedBy,
      retry: {},
    };
    app.operation = operation;
    st.operationState = {
      operation: structuredClone(operation),
      phase: 'Running',
      message: 'one or more tasks are running',
      startedAt,
    };
    touch(app);

    const results: Json[] = [];
    const applied = after(APPLY_AFTER_MS, () => {
      if (!manifest || !options.destinations) return;
      const { namespace, name: deployment } = manifest.metadata;
      const result: Json = {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace,
        name: deployment,
        hookPhase: 'Running',
        syncPhase: 'Sync',
      };
      try {
        options.destinations.apply(clusterId, structuredClone(manifest), {
          initiatedBy: (initiatedBy.username as string | undefined) ?? 'automated',
          at: clock(),
        });
        results.push({
          ...result,
          status: 'Synced',
          message: `deployment.apps/${deployment} serverside-applied`,
        });
      } catch (error) {
        results.push({ ...result, status: 'SyncFailed', message: (error as Error).message });
      }
    });
    const finished = after(FINISH_AFTER_MS, () => {
      running.delete(name);
      const finishedAt = iso(clock());
      const failed = results.some((r) => r.status !== 'Synced');
      delete app.operation;
      st.operationState = {
        operation: structuredClone(operation),
        phase: failed ? 'Failed' : 'Succeeded',
        message: failed ? 'one or more objects failed to apply' : 'successfully synced (all tasks run)',
        syncResult: { resources: results, revision, source: structuredClone((app.spec as Json).source) },
        startedAt,
        finishedAt,
      };
      if (!failed) {
        recordSync(app, revision, initiatedBy, startedAt, finishedAt);
        if (manifest) (st.summary as Json).images = imagesIn(manifest);
      }
      st.reconciledAt = finishedAt;
      touch(app);
    });
    running.set(name, finished);
    return { applied, finished };
  }

  function startSync(app: Json, initiatedBy: Json, image: string | undefined): ArgoCdOperation | undefined {
    const clusterId = destinationOf(app);
    if (clusterId) return operate(app, clusterId, initiatedBy, image);
    sync(app, initiatedBy, image);
    return undefined;
  }

  function apply(change: ArgoCdChange): ArgoCdOperation | undefined {
    const app = mustApp(change.app);
    const st = status(app);
    switch (change.type) {
      case 'sync':
        return startSync(app, { username: change.by }, change.image);
      case 'auto-sync':
        return startSync(app, { automated: true }, change.image);
      case 'fail-sync': {
        const now = iso(clock());
        st.operationState = {
          operation: { sync: { revision: gitSha() }, initiatedBy: { username: change.by }, retry: {} },
          phase: 'Failed',
          message: 'one or more objects failed to apply',
          startedAt: now,
          finishedAt: now,
        };
        touch(app);
        break;
      }
      case 'push':
        st.sync = { ...(st.sync as Json), status: 'OutOfSync' };
        touch(app);
        break;
      case 'set-auto-sync': {
        const policy = (app.spec as Json).syncPolicy as Json;
        (app.spec as Json).syncPolicy = {
          ...(change.enabled ? { automated: { prune: true, selfHeal: true } } : {}),
          ...(policy.syncOptions ? { syncOptions: policy.syncOptions } : {}),
        };
        touch(app);
        break;
      }
      case 'degrade':
        st.health = { status: 'Degraded', message: 'Deployment exceeded its progress deadline' };
        touch(app);
        break;
    }
    return undefined;
  }

  /** The next patch release of the app's image in git: `cart:1.9.0` → `cart:1.9.1`. */
  function pushAndSync(name: string, by: string): string {
    const app = mustApp(name);
    const current = git.get(name)
      ? imagesIn(git.get(name) as DeploymentManifest)[0]
      : (((status(app).summary as Json).images as string[] | undefined) ?? [])[0];
    const image = current ? nextPatch(current) : undefined;
    apply({ type: 'sync', app: name, by, ...(image ? { image } : {}) });
    return `${by} synced ${name} in Argo CD${image ? ` (${image.slice(image.lastIndexOf('/') + 1)})` : ''}`;
  }

  const userOf = (req: IncomingMessage): string | undefined => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? cookiesOf(req)['argocd.token'];
    return token ? sessions.get(token) : undefined;
  };

  const clusterList = (): Json => ({
    metadata: {},
    items: clusters.map((c) => ({
      server: c.server,
      name: c.name,
      config: { tlsClientConfig: { insecure: false } },
      connectionState: { status: 'Successful', message: '', attemptedAt: iso(clock()) },
      serverVersion: '1.30',
      info: {
        connectionState: { status: 'Successful', message: '', attemptedAt: iso(clock()) },
        serverVersion: '1.30',
        cacheInfo: { resourcesCount: 900, apisCount: 60, lastCacheSyncTime: iso(clock()) },
        applicationsCount: [...apps.values()].filter(
          (a) => ((a.spec as Json).destination as Json).server === c.server,
        ).length,
      },
      ...(c.labels ? { labels: c.labels } : {}),
    })),
  });

  const appList = (url: URL): Json => {
    const projects = url.searchParams.getAll('projects');
    const selector = url.searchParams.get('selector');
    const items = [...apps.values()].filter(
      (a) =>
        (!projects.length || projects.includes((a.spec as Json).project as string)) &&
        selectorMatches(((a.metadata as Json).labels ?? {}) as Record<string, string>, selector),
    );
    const metadata = { resourceVersion: String(5000 + revisionCounter) };
    const fields = url.searchParams.get('fields');
    if (fields) return { metadata, items: items.map((a) => selectFields(a, fields)) };
    return { metadata, items: structuredClone(items) };
  };

  const shell = () => html(200, page('Argo CD', '<div id="app"></div><script src="/main.js"></script>'));
  // The UI's login form posts `{username, password}` as JSON to /api/v1/session (the answer sets
  // the cookie), then goes to `return_url`.
  const loginPage = () =>
    html(
      200,
      page(
        'Argo CD — sign in',
        `<main><h1>Argo CD</h1><form id="login"><label>Username <input name="username" autocomplete="username"></label><label>Password <input name="password" type="password" autocomplete="current-password"></label><button type="submit">Sign In</button><p id="error" role="alert"></p></form></main>
<script>
document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const res = await fetch('/api/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
  });
  if (!res.ok) {
    document.getElementById('error').textContent = (await res.json()).message;
    return;
  }
  const back = new URLSearchParams(location.search).get('return_url') || '';
  location.assign(back.startsWith('/') && !back.startsWith('//') ? back : '/applications');
});
</script>`,
      ),
    );
  const noSession = () =>
    json(401, { error: 'no session information', code: 16, message: 'no session information' });

  async function handle(req: IncomingMessage, url: URL): Promise<Reply> {
    const path = url.pathname;
    if (req.method === 'POST' && path === '/api/v1/session') {
      let body: Json = {};
      try {
        body = JSON.parse(await readBody(req)) as Json;
      } catch {
        return json(400, { error: 'invalid body', code: 3, message: 'invalid body' });
      }
      const username = String(body.username ?? '');
      if (ARGOCD_USERS[username] === undefined || ARGOCD_USERS[username] !== body.password) {
        return json(401, {
          error: 'Invalid username or password',
          code: 16,
          message: 'Invalid username or password',
        });
      }
      const token = newToken(32);
      sessions.set(token, username);
      return json(200, { token }, { 'set-cookie': `argocd.token=${token}; path=/; SameSite=lax; httpOnly` });
    }
    if (req.method === 'GET' && path === '/api/v1/session/userinfo') {
      const user = userOf(req);
      return json(200, user ? { loggedIn: true, username: user, iss: 'argocd' } : { loggedIn: false });
    }
    if (req.method === 'GET' && path === '/login') return loginPage();
    if (!path.startsWith('/api/')) return shell();
    if (req.method !== 'GET')
      return json(405, { error: 'method not allowed', code: 12, message: 'method not allowed' });

    const fault = faults.for(path);
    const good = (): Reply => {
      if (path === '/api/v1/clusters') return json(200, clusterList());
      if (path === '/api/v1/applications') return json(200, appList(url));
      const one = /^\/api\/v1\/applications\/([^/]+)$/.exec(path);
      const app = one?.[1] ? apps.get(decodeURIComponent(one[1])) : undefined;
      if (app) return json(200, app);
      return json(404, { error: 'Not Found', code: 5, message: 'Not Found' });
    };
    if (fault) {
      const generic = genericFault(fault, good, '/login?return_url=%2Fapplications');
      if (generic) return generic;
      // Argo CD's list, cut off mid-way: what a dropped connection through a proxy leaves.
      if (fault.name === 'partial') return { ...good(), body: good().body.slice(0, 200) };
      if (fault.name === 'wrong-shape') return json(200, { applications: [...apps.keys()] });
    }
    if (!userOf(req)) return noSession();
    return good();
  }

  const started = await serve(
    handle,
    (url) => {
      const f = faults.for(url.pathname);
      return f?.name === 'slow' && url.pathname.startsWith('/api/') ? (f.delayMs ?? 60_000) : undefined;
    },
    (url) => {
      if (url.pathname === '/api/v1/applications')
        return {
          system: 'argocd',
          resource: 'applications',
          verb: 'list',
          as: url.searchParams.has('fields') ? 'fields' : 'object',
        };
      if (url.pathname.startsWith('/api/v1/applications/'))
        return { system: 'argocd', resource: 'applications', verb: 'get', as: 'object' };
      if (url.pathname === '/api/v1/clusters')
        return { system: 'argocd', resource: 'clusters', verb: 'list' };
      return undefined;
    },
  );

  return {
    ...started,
    faults,
    apply,
    pushAndSync,
    idle: async () => {
      while (running.size) await Promise.all(running.values());
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await started.close();
    },
    clusters,
    app: (name) => apps.get(name),
    appNames: () => [...apps.keys()],
    async login(username) {
      const res = await fetch(`${started.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: ARGOCD_USERS[username] }),
      });
      const cookie = res.headers.get('set-cookie') ?? '';
      const token = /argocd\.token=([^;]+)/.exec(cookie)?.[1];
      if (!res.ok || !token) throw new Error(`argocd fleet: login of ${username} failed (${res.status})`);
      return `argocd.token=${token}`;
    },
  };
}

/**
 * What an application manages, as `status.resources` lists it (most of a real application's
 * size). Its Deployment only when the destination runs one (`withDeployment`).
 */
function managedResources(app: string, withDeployment: boolean): Json[] {
  const res = (group: string, kind: string, name: string, health?: string): Json => ({
    ...(group ? { group } : {}),
    version: 'v1',
    kind,
    namespace: NAMESPACE,
    name,
    status: 'Synced',
    ...(health ? { health: { status: health } } : {}),
  });
  return [
    res('', 'ConfigMap', `${app}-config`),
    res('', 'Secret', `${app}-credentials`),
    res('', 'Service', app, 'Healthy'),
    res('', 'ServiceAccount', app),
    ...(withDeployment ? [res('apps', 'Deployment', app, 'Healthy')] : []),
    res('autoscaling', 'HorizontalPodAutoscaler', app, 'Healthy'),
    res('networking.k8s.io', 'Ingress', app, 'Healthy'),
    res('policy', 'PodDisruptionBudget', app),
    res('monitoring.coreos.com', 'ServiceMonitor', app),
  ];
}

/**
 * The paths Argo CD's API server can select from an application with `fields=` (its `appFields`
 * table), and for each whether a missing value is written as null (a nil slice, map or pointer,
 * which Go's JSON does not leave out once it is boxed) or left out (the table's own nil checks).
 */
const APP_FIELDS: Record<string, 'null' | 'omit'> = {
  'metadata.name': 'omit',
  'metadata.namespace': 'omit',
  'metadata.annotations': 'null',
  'metadata.labels': 'null',
  'metadata.creationTimestamp': 'omit',
  'metadata.deletionTimestamp': 'null',
  spec: 'omit',
  'spec.destination': 'omit',
  'spec.project': 'omit',
  'spec.source': 'null',
  'spec.sources': 'null',
  'spec.sourceHydrator': 'null',
  'spec.syncPolicy': 'null',
  'status.sourceHydrator': 'omit',
  'status.summary': 'omit',
  'status.sync.status': 'omit',
  'status.sync.revision': 'omit',
  'status.health': 'omit',
  'status.operationState.startedAt': 'omit',
  'status.operationState.finishedAt': 'omit',
  'status.resources': 'omit',
  'operation.sync': 'omit',
  'status.operationState.phase': 'omit',
  'status.operationState.operation.sync': 'omit',
};

/** One application as `fields=` returns it (a leading `-` selects every table path but those named). */
function selectFields(app: Json, fields: string): Json {
  const exclude = fields.startsWith('-');
  const asked = new Set((exclude ? fields.slice(1) : fields).split(','));
  const chosen = Object.keys(APP_FIELDS).filter((f) => asked.has(`items.${f}`) !== exclude);
  // An ancestor chosen covers its descendants (`spec` and `spec.project`).
  const paths = chosen.filter((f) => !chosen.some((o) => o !== f && f.startsWith(`${o}.`)));
  const out: Json = {};
  for (const path of paths) {
    const parts = path.split('.');
    let value: unknown = app;
    for (const p of parts) value = (value as Json | undefined)?.[p];
    if (value === undefined && APP_FIELDS[path] === 'omit') continue;
    let at = out;
    for (const p of parts.slice(0, -1)) {
      at[p] ??= {};
      at = at[p] as Json;
    }
    at[parts[parts.length - 1] as string] = value === undefined ? null : structuredClone(value);
  }
  return out;
}

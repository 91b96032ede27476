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
 */
import type { IncomingMessage } from 'node:http';
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
}

export type ArgoCdChange =
  | { type: 'sync'; app: string; by: string; image?: string }
  | { type: 'auto-sync'; app: string; image?: string }
  | { type: 'fail-sync'; app: string; by: string }
  | { type: 'push'; app: string }
  | { type: 'set-auto-sync'; app: string; enabled: boolean }
  | { type: 'degrade'; app: string };

export interface ArgoCdSystem extends Started {
  faults: Faults;
  apply(change: ArgoCdChange): void;
  /** Logs a user in as a browser would, returning the cookie header value. */
  login(username: string): Promise<string>;
  app(name: string): Json | undefined;
  appNames(): string[];
  clusters: ArgoCdCluster[];
}

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

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

  // Seed: every app in every real cluster, synced once by alice an hour before start.
  const start = clock();
  for (const cluster of clusters.filter((c) => c.name !== 'in-cluster')) {
    for (const base of options.apps ?? DEFAULT_APPS) {
      const name = `${base}-${cluster.name}`;
      const revision = gitSha();
      const deployedAt = iso(start - 3_600_000);
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
          destination: { server: cluster.server, namespace: 'shop' },
          syncPolicy: base === 'cart' ? { automated: { prune: true, selfHeal: true } } : {},
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
          summary: { images: [image] },
          resources: managedResources(base),
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

  function sync(app: Json, initiatedBy: Json, image: string | undefined) {
    const st = status(app);
    const history = st.history as Json[];
    const revision = gitSha();
    const now = iso(clock());
    const id = Math.max(0, ...history.map((h) => h.id as number)) + 1;
    // Like the controller: the entry records the source as synced, and who started the sync.
    const source = structuredClone((app.spec as Json).source);
    history.push({ revision, deployedAt: now, id, source, deployStartedAt: now, initiatedBy });
    // Argo CD keeps the last spec.revisionHistoryLimit (default 10) entries; ids keep counting.
    const limit = ((app.spec as Json).revisionHistoryLimit as number | undefined) ?? 10;
    while (history.length > limit) history.shift();
    st.sync = { status: 'Synced', revision };
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

  function apply(change: ArgoCdChange): void {
    const app = mustApp(change.app);
    const st = status(app);
    switch (change.type) {
      case 'sync':
        sync(app, { username: change.by }, change.image);
        break;
      case 'auto-sync':
        sync(app, { automated: true }, change.image);
        break;
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
      case 'set-auto-sync':
        (app.spec as Json).syncPolicy = change.enabled ? { automated: { prune: true, selfHeal: true } } : {};
        touch(app);
        break;
      case 'degrade':
        st.health = { status: 'Degraded', message: 'Deployment exceeded its progress deadline' };
        touch(app);
        break;
    }
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

/** What an application manages, as `status.resources` lists it (most of a real application's size). */
function managedResources(app: string): Json[] {
  const res = (group: string, kind: string, name: string, health?: string): Json => ({
    ...(group ? { group } : {}),
    version: 'v1',
    kind,
    namespace: 'shop',
    name,
    status: 'Synced',
    ...(health ? { health: { status: health } } : {}),
  });
  return [
    res('', 'ConfigMap', `${app}-config`),
    res('', 'Secret', `${app}-credentials`),
    res('', 'Service', app, 'Healthy'),
    res('', 'ServiceAccount', app),
    res('apps', 'Deployment', app, 'Healthy'),
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

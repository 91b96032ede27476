/**
 * "Forge", a home-grown cluster manager of the kind Tattler's `generic` source is for: no audit
 * log, no versions — each job shows its current state plus who last changed it and when, so a
 * second change hides the first.
 *
 * - `GET /login` is a login form; `POST /login` (form-encoded `username`, `password`) sets the
 *   `forge_session` cookie and redirects to `/`. Without a session every page and API path
 *   redirects to `/login` (an HTML page — what Tattler must read as "needs login").
 * - `GET /api/v2/clusters` → `{data: {clusters: [{id, displayName, api, env}]}, total}`.
 * - `GET /api/v2/clusters/<id>/jobs` → `{cluster, jobs: [{name, team, spec: {image, replicas,
 *   ports[]}, state, lastModified, lastModifiedBy, deployId, url}]}` — `deployId`, the id of the
 *   deploy that last changed the job, as a manager's deploy record has it (an edit is not a deploy).
 * - A deploy (`deploy` change) into a cluster the Rancher fleet also runs (`destinations`, the
 *   fleet's `gitops`) really deploys there: Forge server-side applies the Deployment under its own
 *   field manager (`forge`), stamped with the deploy id (`forge.example.com/deploy-id`) and the
 *   deployer (`fleet.example.com/changed-by`), as such managers stamp what they apply.
 *
 * The mapping Tattler needs for it is `homegrownSource()` below.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DestinationApi, ForgePeer } from '../scenario/gitops';
import { ACTOR_ANNOTATION, FORGE_DEPLOY_ANNOTATION } from '../scenario/people';
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
  redirect,
  type Started,
  serve,
} from './server';

export const HOMEGROWN_USERS: Readonly<Record<string, string>> = {
  alice: 'alice-password',
  bob: 'bob-password',
  'jenkins-bot': 'jenkins-password',
  tattler: 'tattler-password',
};

interface ForgeJob {
  name: string;
  team: string;
  spec: { image: string; replicas: number; ports: { port: number }[] };
  state: string;
  lastModified: string;
  lastModifiedBy: string;
  deployId: string;
}

export interface HomegrownOptions {
  clock?: Clock;
  clusters?: { id: string; displayName: string; env: string }[];
  /**
   * The Rancher fleet's clusters, as Forge reaches them (the fleet's `gitops`): a deploy into a
   * Forge cluster of the same name applies the Deployment there. `clusters` are the fleet's, by id and name.
   */
  destinations?: {
    api: DestinationApi & { connectForge(peer: ForgePeer | undefined): void };
    clusters: readonly { id: string; displayName: string }[];
  };
}

export type HomegrownChange =
  | { type: 'edit'; cluster: string; job: string; by: string; image?: string; replicas?: number }
  | { type: 'edit-twice'; cluster: string; job: string; by: [string, string]; images: [string, string] }
  | { type: 'fail'; cluster: string; job: string }
  /** A deploy: a new deploy id, and — into a fleet cluster — the Deployment applied and stamped. */
  | { type: 'deploy'; cluster: string; job: string; by: string; image: string };

export interface HomegrownSystem extends Started {
  faults: Faults;
  apply(change: HomegrownChange): void;
  /** Logs a user in through the form, as a browser would; returns the cookie header value. */
  login(username: string): Promise<string>;
  clusterIds(): string[];
  jobNames(cluster: string): string[];
}

const DEFAULT_CLUSTERS = [
  { id: 'c-101', displayName: 'prod-eu-1', env: 'prod' },
  { id: 'c-102', displayName: 'prod-us-1', env: 'prod' },
];

const iso = (ms: number) => new Date(ms).toISOString();

export async function startHomegrown(options: HomegrownOptions = {}): Promise<HomegrownSystem> {
  const clock = options.clock ?? Date.now;
  const clusters = options.clusters ?? DEFAULT_CLUSTERS;
  const faults = new Faults();
  const sessions = new Map<string, string>();
  const jobs = new Map<string, ForgeJob[]>();
  const start = clock();
  let deploys = 1000;
  const nextDeploy = () => `d-${++deploys}`;
  for (const c of clusters) {
    jobs.set(
      c.id,
      ['checkout', 'cart', 'search'].map((name) => ({
        name,
        team: name === 'search' ? 'search' : 'shop',
        spec: { image: `registry.example.com/${name}:1.0.0`, replicas: 2, ports: [{ port: 8080 }] },
        state: 'RUNNING',
        lastModified: iso(start - 86_400_000),
        lastModifiedBy: 'jenkins-bot',
        deployId: nextDeploy(),
      })),
    );
  }

  const mustJob = (cluster: string, name: string): ForgeJob => {
    const job = jobs.get(cluster)?.find((j) => j.name === name);
    if (!job) throw new Error(`homegrown fleet: no job ${name} in ${cluster}`);
    return job;
  };

  function edit(job: ForgeJob, by: string, image?: string, replicas?: number) {
    if (image !== undefined) job.spec.image = image;
    if (replicas !== undefined) job.spec.replicas = replicas;
    job.lastModified = iso(clock());
    job.lastModifiedBy = by;
  }

  function apply(change: HomegrownChange): void {
    const job = mustJob(change.cluster, change.job);
    switch (change.type) {
      case 'edit':
        edit(job, change.by, change.image, change.replicas);
        break;
      case 'edit-twice':
        edit(job, change.by[0], change.images[0]);
        edit(job, change.by[1], change.images[1]);
        break;
      case 'fail':
        // The scheduler's doing: the state moves, "last changed" does not.
        job.state = 'FAILED';
        break;
      case 'deploy':
        deploy(change.cluster, job, change.by, change.image);
        break;
    }
  }

  /** A deploy of `job`: into the fleet cluster of the same name, when Forge deploys there, then recorded. */
  function deploy(cluster: string, job: ForgeJob, by: string, image: string): string {
    const id = nextDeploy();
    const name = clusters.find((c) => c.id === cluster)?.displayName;
    const fleetCluster = options.destinations?.clusters.find((c) => c.displayName === name);
    if (options.destinations && fleetCluster) {
      // Throws (and records nothing) when the cluster cannot be reached: the deploy failed.
      options.destinations.api.apply(
        fleetCluster.id,
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {
            name: job.name,
            namespace: job.team,
            annotations: { [FORGE_DEPLOY_ANNOTATION]: id, [ACTOR_ANNOTATION]: by },
          },
          spec: { template: { spec: { containers: [{ name: job.name, image }] } } },
        },
        { initiatedBy: by, at: clock(), tool: 'forge' },
      );
    }
    edit(job, by, image);
    job.deployId = id;
    return `forge: ${by} deployed ${job.name} (${image}) into ${name ?? cluster} as deploy ${id}`;
  }

  const peer: ForgePeer = {
    deploy(jobName, clusterName, by) {
      const cluster = clusters.find((c) => c.displayName === clusterName)?.id;
      if (!cluster) throw new Error(`Forge manages no cluster named ${clusterName}`);
      const job = mustJob(cluster, jobName);
      const tag = Number(/:(\d+)\.\d+\.\d+$/.exec(job.spec.image)?.[1] ?? 1) + 1;
      return deploy(cluster, job, by, `registry.example.com/shop/${jobName}:${tag}.0.0`);
    },
  };
  options.destinations?.api.connectForge(peer);

  const loginForm = (error = '') =>
    html(
      200,
      page(
        'Forge — sign in',
        `${error ? `<p class="error">${error}</p>` : ''}<form method="post" action="/login"><label>User <input name="username"></label><label>Password <input name="password" type="password"></label><button>Sign in</button></form>`,
      ),
    );

  const userOf = (req: IncomingMessage) => {
    const sid = cookiesOf(req).forge_session;
    return sid ? sessions.get(sid) : undefined;
  };

  async function handle(req: IncomingMessage, url: URL): Promise<Reply> {
    const path = url.pathname;
    if (path === '/login' && req.method === 'GET') return loginForm();
    if (path === '/login' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const username = form.get('username') ?? '';
      if (HOMEGROWN_USERS[username] === undefined || HOMEGROWN_USERS[username] !== form.get('password')) {
        return loginForm('Wrong user name or password.');
      }
      const sid = newToken();
      sessions.set(sid, username);
      return redirect('/', { 'set-cookie': `forge_session=${sid}; Path=/; HttpOnly; SameSite=Lax` });
    }
    const good = (): Reply => {
      if (path === '/api/v2/clusters') {
        return json(200, {
          data: { clusters: clusters.map((c) => ({ ...c, api: `/api/v2/clusters/${c.id}` })) },
          total: clusters.length,
        });
      }
      const m = /^\/api\/v2\/clusters\/([^/]+)\/jobs$/.exec(path);
      const list = m?.[1] ? jobs.get(decodeURIComponent(m[1])) : undefined;
      if (m?.[1] && list) {
        const id = decodeURIComponent(m[1]);
        return json(200, {
          cluster: id,
          jobs: list.map((j) => ({ ...j, url: `/ui/clusters/${id}/jobs/${j.team}/${j.name}` })),
        });
      }
      return json(404, { error: 'not found' });
    };
    if (path.startsWith('/api/')) {
      const fault = faults.for(path);
      if (fault) {
        const generic = genericFault(fault, good, '/login');
        if (generic) return generic;
        if (fault.name === 'wrong-shape') return json(200, { data: { items: [] }, page: 1 });
        if (fault.name === 'partial') return { ...good(), body: good().body.slice(0, 120) };
      }
    }
    if (!userOf(req)) return redirect(`/login?next=${encodeURIComponent(path)}`);
    if (/^\/api\/v2\/clusters\/[^/]+\/jobs$/.test(path)) return conditional(req, good());
    if (path.startsWith('/api/')) return good();
    return html(200, page('Forge', '<h1>Forge</h1>'));
  }

  const started = await serve(
    handle,
    (url) => {
      const f = faults.for(url.pathname);
      return f?.name === 'slow' && url.pathname.startsWith('/api/') ? (f.delayMs ?? 60_000) : undefined;
    },
    (url) => {
      const m = /^\/api\/v2\/clusters\/([^/]+)\/jobs$/.exec(url.pathname);
      if (m?.[1])
        return { system: 'homegrown', cluster: decodeURIComponent(m[1]), resource: 'jobs', verb: 'list' };
      if (url.pathname === '/api/v2/clusters')
        return { system: 'homegrown', resource: 'clusters', verb: 'list' };
      return undefined;
    },
  );

  return {
    ...started,
    close: async () => {
      options.destinations?.api.connectForge(undefined);
      await started.close();
    },
    faults,
    apply,
    clusterIds: () => clusters.map((c) => c.id),
    jobNames: (cluster) => (jobs.get(cluster) ?? []).map((j) => j.name),
    async login(username) {
      const res = await fetch(`${started.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password: HOMEGROWN_USERS[username] ?? '' }).toString(),
        redirect: 'manual',
      });
      const sid = /forge_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
      if (!sid) throw new Error(`homegrown fleet: login of ${username} failed (${res.status})`);
      return `forge_session=${sid}`;
    },
  };
}

/** Tattler's `generic` settings for Forge: where everything is in its answers. */
export function homegrownSource(url: string, id = 'forge') {
  return {
    id,
    name: 'Forge',
    type: 'generic' as const,
    baseUrl: url,
    generic: {
      clusters: {
        url: '/api/v2/clusters',
        list: 'data.clusters',
        id: 'id',
        name: 'displayName',
        apiBase: 'api',
        group: 'env',
      },
      jobs: {
        url: '{apiBase}/jobs',
        list: 'jobs',
        name: 'name',
        namespace: 'team',
        kind: 'ForgeJob',
        fields: { image: 'spec.image', replicas: 'spec.replicas', ports: 'spec.ports[*].port' },
        changedAt: 'lastModified',
        changedBy: 'lastModifiedBy',
        automationPattern: '-bot$',
        deployId: 'deployId',
        health: { path: 'state', values: { RUNNING: 'healthy' as const, FAILED: 'degraded' as const } },
        link: 'url',
      },
    },
    links: { user: `${url}/ui/users/{user}/jobs` },
  };
}

/**
 * A job list with its ETag (a hash of the answer), and 304 Not Modified — no body — when the
 * request's If-None-Match names it (weak comparison, a list of tags, or `*`; RFC 9110 §13.1.2).
 */
function conditional(req: IncomingMessage, reply: Reply): Reply {
  if (reply.status !== 200) return reply;
  const etag = `W/"${createHash('sha256').update(reply.body).digest('base64url').slice(0, 27)}"`;
  const headers = { ...reply.headers, etag, 'cache-control': 'private, no-cache' };
  const asked = String(req.headers['if-none-match'] ?? '');
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const match = asked.trim() === '*' || asked.split(',').some((tag) => opaque(tag) === opaque(etag));
  if (match) return { status: 304, body: '', headers: { etag, 'cache-control': headers['cache-control'] } };
  return { ...reply, headers };
}

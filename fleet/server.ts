/**
 * The Rancher-style management server: login and sessions, the console pages, Rancher's cluster
 * list, each cluster's Kubernetes API behind `/k8s/clusters/<id>`, and the fleet's control API.
 *
 * Without a session, API paths answer 401 with Rancher's JSON error and console pages redirect
 * to the login page, as Rancher does. Faults are applied before anything else: they stand for
 * what goes wrong between the browser and the cluster.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  homePage,
  jobPath,
  kindFromType,
  loginPage,
  messagePage,
  RANCHER_TYPES,
  userJobsPage,
  workloadListPage,
  workloadPage,
} from './console/pages';
import { handleControl } from './control';
import { DISCOVERY, retryAfterSeconds, truncateResponse } from './faults';
import { readFields, redirect, segments, sendHtml, sendJson, sleep } from './http/util';
import { handleKubeApi, resourceOf } from './k8s/api';
import { sendStatus, statusBody } from './k8s/status';
import { normanCollection, steveCluster, steveCollection } from './rancher/clusters';
import { rancherError, sendRancherError } from './rancher/errors';
import type { FleetRuntime } from './runtime';
import { countBytes } from './traffic';

const LOGIN = '/dashboard/auth/login';

/** The request handler; served over http, and over https for clients that only send tokens there. */
export function managementHandler(rt: FleetRuntime): RequestListener {
  // Links in API answers use the origin the client called, as Rancher's do.
  const baseOf = (req: IncomingMessage): string =>
    `${(req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${req.headers.host ?? '127.0.0.1'}`;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fleet.invalid');
    const path = url.pathname;
    const parts = segments(path);
    if (!parts) return sendRancherError(res, 400, 'malformed path');

    if (parts[0] === '_fleet') return handleControl(req, res, url, rt.control);
    if (path === '/' || path === '/dashboard') return redirect(res, '/dashboard/');

    // Faults aimed at one cluster's API or at the cluster list.
    const target =
      parts[0] === 'k8s' && parts[1] === 'clusters' && parts[2]
        ? (rt.world.findAny(parts[2])?.id ?? parts[2])
        : (parts[0] === 'v1' && parts[1] === 'management.cattle.io.clusters') ||
            (parts[0] === 'v3' && parts[1] === 'clusters')
          ? DISCOVERY
          : undefined;
    const fault = target ? rt.faults.take(target) : undefined;
    if (fault && target && (fault.kind === '429' || fault.kind === '500' || fault.kind === 'login-page')) {
      // What a fault answers itself is traffic too: a client that ignores a 429 is seen doing it.
      const bytes = countBytes(res);
      res.once('finish', () =>
        rt.traffic.record({
          system: target === DISCOVERY ? 'rancher' : 'kubernetes',
          ...(target === DISCOVERY ? {} : { cluster: target }),
          resource: target === DISCOVERY ? 'clusters' : resourceOf(parts.slice(3)),
          verb: 'refused',
          status: res.statusCode,
          bytes: bytes(),
        }),
      );
    }
    if (fault) {
      switch (fault.kind) {
        case 'down':
          req.socket.destroy();
          return;
        case 'slow':
          await sleep(fault.ms);
          break;
        case '500':
          return target === DISCOVERY
            ? sendRancherError(res, 500, 'Internal error occurred: etcdserver: request timed out')
            : sendStatus(
                res,
                500,
                'InternalError',
                'an error on the server ("etcdserver: request timed out") has prevented the request from succeeding',
              );
        case '429': {
          const seconds = retryAfterSeconds(fault);
          const headers = { 'Retry-After': String(seconds) };
          return target === DISCOVERY
            ? sendJson(res, 429, rancherError(429, 'too many requests', 'TooManyRequests'), headers)
            : sendJson(
                res,
                429,
                statusBody(429, 'TooManyRequests', 'Too many requests, please try again later.', {
                  details: { retryAfterSeconds: seconds } as never,
                }),
                headers,
              );
        }
        case 'login-page':
          return sendHtml(res, 200, loginPage());
        case 'truncated':
          truncateResponse(res);
          break;
      }
    }

    // Login, logout, and what the login page needs before there is a session.
    if (parts[0] === 'v3-public') return publicApi(req, res, url, parts);
    if (path === LOGIN) return sendHtml(res, 200, loginPage());
    if (path === '/dashboard/auth/logout') {
      rt.auth.logout(rt.auth.sessionToken(req));
      return redirect(res, LOGIN, { 'Set-Cookie': rt.auth.clearCookie() });
    }

    if (parts[0] === 'dashboard') {
      const user = rt.auth.authenticate(req, false);
      if (!user) return redirect(res, LOGIN);
      return dashboard(res, parts.slice(1), user);
    }

    if (parts[0] === 'v1' || parts[0] === 'v3' || parts[0] === 'k8s') {
      const user = rt.auth.authenticate(req, true);
      if (!user) return sendRancherError(res, 401, 'must authenticate');
      if (parts[0] === 'v1') return steve(req, res, parts);
      if (parts[0] === 'v3') return norman(req, res, url, parts);
      return kubeProxy(req, res, url, parts);
    }
    sendRancherError(res, 404, 'not found');
  };

  async function publicApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    parts: string[],
  ): Promise<void> {
    const base = baseOf(req);
    if (parts[1] === 'authProviders' && parts.length === 2) {
      return sendJson(res, 200, {
        type: 'collection',
        resourceType: 'authProvider',
        data: [
          {
            id: 'local',
            type: 'localProvider',
            baseType: 'authProvider',
            links: { self: `${base}/v3-public/localProviders/local` },
          },
        ],
      });
    }
    if (parts[1] !== 'localProviders' || parts[2] !== 'local' || parts.length !== 3) {
      return sendRancherError(res, 404, 'not found');
    }
    if (req.method === 'GET' && !url.searchParams.has('action')) {
      return sendJson(res, 200, {
        actions: { login: `${base}/v3-public/localProviders/local?action=login` },
        baseType: 'authProvider',
        creatorId: null,
        id: 'local',
        links: { self: `${base}/v3-public/localProviders/local` },
        type: 'localProvider',
      });
    }
    if (req.method !== 'POST' || url.searchParams.get('action') !== 'login') {
      return sendRancherError(res, 405, 'method not allowed');
    }
    const form = (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
    const body = await readFields(req);
    if (!body) return sendRancherError(res, 400, 'failed to parse body');
    const session = rt.auth.login(body.username, body.password);
    if (!session) {
      return form
        ? sendHtml(res, 401, loginPage('Invalid username or password. Please try again.'))
        : sendRancherError(res, 401, 'authentication failed', 'Unauthorized');
    }
    const cookie = rt.auth.cookieFor(session.token, session.expiresAt);
    if (form) return redirect(res, '/dashboard/', { 'Set-Cookie': cookie });
    // With responseType "cookie" Rancher answers with an empty body and the cookie.
    if (body.responseType === 'cookie' || body.responseType === undefined) {
      res.writeHead(200, { 'Set-Cookie': cookie, 'Content-Length': 0 });
      return void res.end();
    }
    return sendJson(
      res,
      201,
      { type: 'token', token: session.token, expiresAt: new Date(session.expiresAt).toISOString() },
      { 'Set-Cookie': cookie },
    );
  }

  function steve(req: IncomingMessage, res: ServerResponse, parts: string[]) {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendRancherError(res, 405, 'method not allowed');
    const now = Date.now();
    if (parts[1] === 'management.cattle.io.clusters') {
      if (parts.length === 2) {
        const revision = rt.world.clusters.reduce((n, c) => n + c.store.resourceVersion(), 0) % 1_000_000_000;
        const bytes = countBytes(res);
        sendJson(res, 200, steveCollection(baseOf(req), rt.world.clusters, revision, now));
        rt.traffic.record({
          system: 'rancher',
          resource: 'clusters',
          verb: 'list',
          status: 200,
          bytes: bytes(),
        });
        return;
      }
      const cluster = parts.length === 3 ? rt.world.find(parts[2] ?? '') : undefined;
      if (cluster && cluster.id === parts[2])
        return sendJson(res, 200, steveCluster(baseOf(req), cluster, now));
      return sendRancherError(res, 404, `clusters.management.cattle.io "${parts[2] ?? ''}" not found`);
    }
    if (parts[1] === 'userpreferences' || parts[1] === 'management.cattle.io.settings') {
      return sendJson(res, 200, { type: 'collection', resourceType: parts[1], count: 0, data: [] });
    }
    sendRancherError(res, 404, `schema ${parts[1] ?? ''} not found`);
  }

  function norman(req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]) {
    if (parts[1] === 'tokens' && req.method === 'POST' && url.searchParams.get('action') === 'logout') {
      rt.auth.logout(rt.auth.sessionToken(req));
      res.writeHead(200, { 'Set-Cookie': rt.auth.clearCookie(), 'Content-Length': 0 });
      return void res.end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendRancherError(res, 405, 'method not allowed');
    if (parts[1] === 'clusters' && parts.length === 2)
      return sendJson(res, 200, normanCollection(baseOf(req), rt.world.clusters));
    if (parts[1] === 'users' && url.searchParams.get('me') === 'true') {
      const u = rt.auth.credentials.username;
      return sendJson(res, 200, {
        type: 'collection',
        resourceType: 'user',
        data: [{ id: `user-${u}`, type: 'user', username: u, name: 'On-call engineer', enabled: true }],
      });
    }
    sendRancherError(res, 404, 'not found');
  }

  async function kubeProxy(req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]) {
    const ref = parts[2];
    if (parts[1] !== 'clusters' || !ref) return sendRancherError(res, 404, 'not found');
    const cluster = rt.world.find(ref);
    if (!cluster || cluster.id !== ref)
      return sendRancherError(res, 404, `clusters.management.cattle.io "${ref}" not found`);
    // A disconnected agent: Rancher cannot tunnel to the cluster.
    if (!cluster.reachable()) return sendRancherError(res, 503, 'cluster agent disconnected');
    rt.compact();
    const bytes = countBytes(res);
    const served = await handleKubeApi(req, res, cluster, parts.slice(3), url.searchParams, {
      continueTtlMs: rt.options.continueTtlMs,
      tables: rt.options.serverTables,
    });
    rt.traffic.record({
      system: 'kubernetes',
      cluster: cluster.id,
      resource: served.resource,
      verb: served.verb,
      ...(served.as ? { as: served.as } : {}),
      ...(served.from ? { from: served.from } : {}),
      status: res.statusCode,
      bytes: bytes(),
    });
  }

  function dashboard(res: ServerResponse, rest: string[], user: string) {
    const [first, ...more] = rest;
    if (
      first === undefined ||
      (first === 'home' && more.length === 0) ||
      (first === 'c' && more.length === 0)
    ) {
      return sendHtml(res, 200, homePage(rt.world, user));
    }
    if (first === 'users' && more.length === 2 && more[1] === 'jobs') {
      return sendHtml(res, 200, userJobsPage(rt.world, more[0] ?? '', user));
    }
    if (first === 'c' && more.length >= 1) {
      const [ref = '', area, type, ns, name, ...tail] = more;
      const cluster = rt.world.find(ref);
      if (!cluster)
        return sendHtml(res, 404, messagePage('Cluster not found', `There is no cluster "${ref}".`, user));
      if (area === undefined || (area === 'explorer' && type === undefined)) {
        return redirect(res, `/dashboard/c/${encodeURIComponent(cluster.id)}/explorer/workload`);
      }
      if (area !== 'explorer' || type === undefined || tail.length > 0) {
        return sendHtml(res, 404, messagePage('Page not found', 'This console page does not exist.', user));
      }
      const kind = type === 'workload' ? undefined : kindFromType(type);
      if (type !== 'workload' && !kind) {
        return sendHtml(res, 404, messagePage('Page not found', `Unknown resource type "${type}".`, user));
      }
      // Links built from Tattler's values ({cluster} may be a name, {kind} "Deployment") land on the canonical page.
      if (cluster.id !== ref || (kind && type !== RANCHER_TYPES[kind])) {
        const canonical =
          kind && ns !== undefined && name !== undefined
            ? jobPath(cluster.id, kind, ns, name)
            : `/dashboard/c/${encodeURIComponent(cluster.id)}/explorer/${kind ? RANCHER_TYPES[kind] : 'workload'}`;
        return redirect(res, canonical);
      }
      if (ns === undefined) return sendHtml(res, 200, workloadListPage(rt.world, cluster, kind, user));
      if (!kind || name === undefined)
        return sendHtml(res, 404, messagePage('Page not found', 'This console page does not exist.', user));
      const obj = cluster.workload(kind, ns, name);
      if (!obj) {
        return sendHtml(
          res,
          404,
          messagePage(`${kind} not found`, `${kind} ${ns}/${name} does not exist in ${cluster.name}.`, user),
        );
      }
      return sendHtml(res, 200, workloadPage(rt.world, cluster, obj, user));
    }
    sendHtml(res, 404, messagePage('Page not found', 'This console page does not exist.', user));
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      rt.options.log(`server error on ${req.method} ${req.url}: ${String(error)}`);
      if (!res.headersSent) sendRancherError(res, 500, 'internal error');
      else res.destroy();
    });
  };
}

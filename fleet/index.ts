/**
 * The demo fleet: a simulated production of Kubernetes clusters behind a Rancher-style server,
 * with an Alertmanager and a Prometheus (the same alerts) beside it, all on 127.0.0.1. Tests, the e2e suite and the demo start it
 * with `startFleet()`; `demoSettings()` gives the Tattler settings that watch it.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SettingsInput } from '../lib/settings';
import { createAlertServer } from './alertmanager/server';
import { selfSignedCertificate } from './http/tls';
import { createPrometheusServer } from './prometheus/server';
import { type FleetCluster, type FleetControl, FleetRuntime } from './runtime';
import type { GitOps } from './scenario/gitops';
import { managementHandler } from './server';

export type { FaultRequest, FleetCluster, FleetControl, FleetState } from './runtime';
export { EVENT_NAMES } from './scenario/events';
export type { ArgoCdPeer, DeploymentManifest, DestinationApi } from './scenario/gitops';
export type { AppliedEvent } from './scenario/runner';
export { DEFAULT_SCHEDULE } from './scenario/schedule';

export interface FleetOptions {
  /** Everything made up (ids, uids, which jobs run where, whom events pick) follows from it. Default 1. */
  seed?: number;
  /** Management server port; 0 (default) picks a free one. */
  port?: number;
  /** Alertmanager port; 0 (default) picks a free one. */
  alertPort?: number;
  /** Prometheus port (its alerts page and API, holding the Alertmanager's alerts); 0 picks one. */
  promPort?: number;
  /** How much faster than real time the scenario's schedule runs. Default 1 (about 10 minutes). */
  speed?: number;
  /** Clusters at the start. Default 12. */
  clusters?: number;
  /** Console session lifetime. Default 8 h. */
  sessionTtlMs?: number;
  /** Lifetime of a list's continue token. Default 5 min. */
  continueTtlMs?: number;
  /**
   * Also serve the management server over https (self-signed, made with openssl). kubectl only
   * sends its token to https servers. Default false.
   */
  tls?: boolean;
  /** https port when `tls` is set; 0 (default) picks a free one. */
  tlsPort?: number;
  /** Answer kubectl's `as=Table` requests with a Table (default true) or with the plain list. */
  serverTables?: boolean;
  /** The Alertmanager route's `group_by`. Default ['alertname']; `['...']` groups by every label. */
  alertGroupBy?: string[];
  /** The Alertmanager's `--web.route-prefix`, e.g. `/alertmanager`. Default none. */
  alertRoutePrefix?: string;
  /** The Alertmanager route's `labels` (0.34+), shown on group headers. Default `team: shop`. */
  alertRouteLabels?: Record<string, string>;
  log?: (line: string) => void;
  /** Run the scheduled scenario by itself. Default true. */
  autoRun?: boolean;
}

export interface Fleet {
  /** Management server origin, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Alertmanager's external URL: its origin, plus the route prefix when there is one. */
  alertUrl: string;
  /** Prometheus' origin: the alerts page is `${promUrl}/alerts`. */
  promUrl: string;
  /** https origin of the same management server, when started with `tls`. */
  tlsUrl?: string;
  /** PEM certificate of the https server (self-signed: use it as the CA). */
  tlsCertificate?: string;
  credentials: { username: string; password: string };
  /** A Rancher API token (`token-xxxxx:…`) accepted as `Authorization: Bearer`. */
  apiToken: string;
  seed: number;
  speed: number;
  clusters(): FleetCluster[];
  control: FleetControl;
  /**
   * For an Argo CD deploying into the fleet (`startExtraSystems({ rancher: { …, gitops } })`):
   * its controller's reads and server-side applies, and `connect` for the scenario's `argo-sync`.
   */
  gitops: Pick<GitOps, 'deployment' | 'apply' | 'connect' | 'connectForge'>;
  stop(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const rt = new FleetRuntime({
    seed: options.seed ?? 1,
    speed: options.speed ?? 1,
    clusters: options.clusters ?? 12,
    sessionTtlMs: options.sessionTtlMs ?? 8 * 3600_000,
    continueTtlMs: options.continueTtlMs ?? 5 * 60_000,
    serverTables: options.serverTables ?? true,
    autoRun: options.autoRun ?? true,
    log: options.log ?? (() => {}),
  });
  const handler = managementHandler(rt);
  const management = createServer(handler);
  const alerts = createAlertServer({
    store: rt.alerts,
    groupBy: options.alertGroupBy ?? ['alertname'],
    startedAt: Date.now(),
    routeLabels: options.alertRouteLabels ?? { team: 'shop' },
    ...(options.alertRoutePrefix ? { routePrefix: options.alertRoutePrefix } : {}),
  });
  const prometheus = createPrometheusServer({ store: rt.alerts });
  const servers: Server[] = [management, alerts, prometheus];
  try {
    const url = `http://127.0.0.1:${await listen(management, options.port ?? 0)}`;
    const alertPrefix = (options.alertRoutePrefix ?? '').replace(/\/+$/, '');
    const alertUrl = `http://127.0.0.1:${await listen(alerts, options.alertPort ?? 0)}${alertPrefix}`;
    const promUrl = `http://127.0.0.1:${await listen(prometheus, options.promPort ?? 0)}`;
    let tls: { tlsUrl: string; tlsCertificate: string } | undefined;
    if (options.tls) {
      const material = await selfSignedCertificate();
      const secure = createHttpsServer({ key: material.key, cert: material.cert }, handler);
      servers.push(secure);
      tls = {
        tlsUrl: `https://127.0.0.1:${await listen(secure, options.tlsPort ?? 0)}`,
        tlsCertificate: material.cert,
      };
    }
    return {
      url,
      alertUrl,
      promUrl,
      ...(tls ?? {}),
      credentials: { ...rt.auth.credentials },
      apiToken: rt.auth.apiToken,
      seed: rt.options.seed,
      speed: rt.options.speed,
      clusters: () => rt.clusters(),
      control: rt.control,
      gitops: rt.gitops,
      stop: async () => {
        rt.stop();
        await Promise.all(servers.map(close));
      },
    };
  } catch (error) {
    rt.stop();
    await Promise.all(servers.map((s) => (s.listening ? close(s) : Promise.resolve())));
    throw error;
  }
}

/** Tattler settings that watch this fleet through its Rancher server. */
export function demoSettings(fleet: Pick<Fleet, 'url'>): SettingsInput {
  return {
    version: 1,
    sources: [
      {
        id: 'demo',
        name: 'Demo fleet (Rancher)',
        type: 'rancher',
        baseUrl: fleet.url,
        owner: { labelSelector: 'app.kubernetes.io/part-of=shop' },
        actorAnnotation: 'fleet.example.com/changed-by',
        // Forge stamps the deploys it applies here (extra/homegrown.ts).
        deployIdAnnotation: 'forge.example.com/deploy-id',
        links: {
          // {kind} is "Deployment"; the console redirects it to Rancher's `apps.deployment` page.
          job: `${fleet.url}/dashboard/c/{cluster}/explorer/{kind}/{namespace}/{name}`,
          user: `${fleet.url}/dashboard/users/{user}/jobs`,
        },
      },
    ],
    pollIntervalSec: 30,
  };
}

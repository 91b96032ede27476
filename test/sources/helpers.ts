/**
 * Test support for the source adapters: fixtures, settings, and a small fake of the Kubernetes
 * API (and Rancher's cluster list) that pages like the real one. The same fake answers a stub
 * `fetch` and a real HTTP server on 127.0.0.1, so both paths exercise the same behaviour.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttp, type FetchLike, type Http, type HttpOptions } from '../../lib/http';
import { type Settings, type SettingsInput, type SourceSettings, validateSettings } from '../../lib/settings';
import type { NormalizeContext } from '../../lib/sources/kubernetes/normalize';
import type { PollContext } from '../../lib/sources/types';

const FIXTURES = new URL('../fixtures/', import.meta.url);

export function fixture<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8')) as T;
}

export const fixtureText = (path: string): string => readFileSync(new URL(path, FIXTURES), 'utf8');

/**
 * A Nomad job's `/versions` answer as the fake API serves it: the job's own fixture where there
 * is one, else checkout's versions re-stamped with the listed job's identity (ID, Namespace,
 * CreateIndex from nomad/jobs.json) — the adapter refuses versions of another incarnation.
 */
export function nomadVersionsText(jobId: string): string {
  const own: Record<string, string> = {
    checkout: 'nomad/versions-checkout.json',
    ingest: 'nomad/versions-ingest.json',
    cart: 'nomad/versions-cart.json',
  };
  const file = own[jobId];
  if (file) return fixtureText(file);
  const stub = fixture<{ ID: string; Namespace: string; CreateIndex: number }[]>('nomad/jobs.json').find(
    (j) => j.ID === jobId,
  );
  if (!stub) throw new Error(`no Nomad job ${jobId} in nomad/jobs.json`);
  const template = fixture<{ Versions: Record<string, unknown>[]; Diffs?: unknown }>(
    'nomad/versions-checkout.json',
  );
  const Versions = template.Versions.map((v) => ({
    ...v,
    ID: stub.ID,
    Name: stub.ID,
    Namespace: stub.Namespace,
    CreateIndex: stub.CreateIndex,
  }));
  return JSON.stringify({ ...template, Versions });
}

/** The job id of a `/v1/job/<id>/versions` request. */
export const nomadJobOfVersionsUrl = (url: URL | string): string =>
  decodeURIComponent(new URL(url).pathname.replace(/^\/v1\/job\//, '').replace(/\/versions$/, ''));

/** Settings with one static Kubernetes source on the fixtures' cluster, watching `kinds`. */
export function kubernetesSettings(kinds: readonly string[]): Settings {
  const parsed = validateSettings({
    version: 1,
    sources: [
      {
        id: 'k8s',
        name: 'K8s',
        type: 'kubernetes',
        clusters: [{ id: 'c-m-abc12', apiBase: 'https://k8s.example.com/k8s/clusters/c-m-abc12' }],
        kinds,
        actorAnnotation: ACTOR_ANNOTATION,
      },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

export interface KubeList {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: KubeItem[];
}

export interface KubeItem {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

export const ACTOR_ANNOTATION = 'example.com/changed-by';
export const SECRET_PLAINTEXT = 's3cr3t-Pa55word-do-not-leak';

/** Every string in the Secret fixture that must never appear in a snapshot. */
export function secretStrings(): string[] {
  const secret = fixture<{ data: Record<string, string> }>('kubernetes/secret.json');
  const values = Object.values(secret.data);
  return [SECRET_PLAINTEXT, ...values, ...values.map((v) => Buffer.from(v, 'base64').toString('utf8'))];
}

type SourceInput = NonNullable<SettingsInput['sources']>[number];

/** A source as settings validation produces it (defaults applied), from a partial input. */
export function makeSource(input: Partial<SourceInput> = {}): SourceSettings {
  const type = input.type ?? 'rancher';
  const base: SourceInput = {
    id: 'src',
    name: 'Source',
    type,
    ...(type === 'rancher' ? { baseUrl: 'https://rancher.example.com' } : {}),
    ...(type === 'kubernetes' ? { clusters: [{ id: 'direct', apiBase: 'https://k8s.example:6443' }] } : {}),
    ...input,
  };
  const parsed = validateSettings({ version: 1, sources: [base] });
  if (!parsed.ok) throw new Error(`bad test source: ${parsed.errors.join('; ')}`);
  const source = parsed.value.sources[0];
  if (!source) throw new Error('no source');
  return source;
}

/** The time the fixtures are read at. */
export const FIXTURE_NOW = Date.parse('2025-03-10T15:00:00Z');
/** The cluster the fixtures come from: Rancher's prod-eu-1. */
export const RANCHER_BASE = 'https://rancher.example.com/k8s/clusters/c-m-abc12';

export function makeCtx(
  http: Http,
  source: SourceSettings,
  overrides: Partial<PollContext> = {},
): PollContext {
  return { http, ...normalizeCtx({ source }), ...overrides };
}

/** What normalizing a fixture object needs: the source (with the actor annotation) and its cluster. */
export function normalizeCtx(overrides: Partial<NormalizeContext> = {}): NormalizeContext {
  const source = overrides.source ?? makeSource({ actorAnnotation: ACTOR_ANNOTATION });
  return {
    source,
    now: FIXTURE_NOW,
    clusterId: `${source.id}/c-m-abc12`,
    clusterName: 'prod-eu-1',
    nativeId: 'c-m-abc12',
    apiBase: RANCHER_BASE,
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------
// A fake API server

export interface FakeResponse {
  status: number;
  body: string;
  contentType: string;
}

const json = (status: number, body: unknown): FakeResponse => ({
  status,
  body: JSON.stringify(body),
  contentType: 'application/json',
});

/** The Status body a real API server sends with 410 for an expired continue token. */
export const EXPIRED_STATUS = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message:
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
  reason: 'Expired',
  code: 410,
};

const LIST_PATH =
  /^(.*)\/apis\/(apps|batch)\/v1\/(?:namespaces\/([^/]+)\/)?(deployments|statefulsets|daemonsets|cronjobs|replicasets|controllerrevisions)$/;
const OBJECT_PATH =
  /^(.*)\/apis\/(apps|batch)\/v1\/namespaces\/([^/]+)\/(deployments|statefulsets|daemonsets|cronjobs)\/([^/]+)$/;

/** `a=b,c=d` equality selectors only: enough for the tests, and what owner filters usually are. */
function matchesSelector(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return k !== undefined && labels?.[k.trim()] === v?.trim();
  });
}

export interface FakeApiOptions {
  /** Items per page the server hands out (it may give fewer than `limit`, like etcd). */
  pageSize?: number;
  /** How many continue requests to answer with 410 Expired before answering normally. */
  expireContinues?: number;
  /** The Steve collection served at /v1/management.cattle.io.clusters. */
  clusters?: unknown;
}

export class FakeKubeApi {
  readonly requests: URL[] = [];
  /** HTTP methods of the requests that came over the network (listen()). */
  readonly methods: string[] = [];
  lists: Record<string, KubeList>;
  pageSize: number;
  expireContinues: number;
  clusters: unknown;

  constructor(options: FakeApiOptions = {}) {
    this.lists = {
      deployments: fixture<KubeList>('kubernetes/deployments.json'),
      statefulsets: fixture<KubeList>('kubernetes/statefulsets.json'),
      daemonsets: fixture<KubeList>('kubernetes/daemonsets.json'),
      cronjobs: fixture<KubeList>('kubernetes/cronjobs.json'),
    };
    this.pageSize = options.pageSize ?? 500;
    this.expireContinues = options.expireContinues ?? 0;
    this.clusters = options.clusters ?? fixture('rancher/clusters.json');
  }

  handle(url: URL): FakeResponse {
    this.requests.push(url);
    if (url.pathname.endsWith('/v1/management.cattle.io.clusters')) return json(200, this.clusters);
    const one = OBJECT_PATH.exec(url.pathname);
    if (one) {
      const [, , , ns, plural = '', name] = one;
      const found = this.lists[plural]?.items.find(
        (i) => i.metadata.namespace === ns && i.metadata.name === decodeURIComponent(name ?? ''),
      );
      return found
        ? json(200, found)
        : json(404, {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: `${plural}.apps "${name}" not found`,
            reason: 'NotFound',
            details: { name, group: 'apps', kind: plural },
            code: 404,
          });
    }
    const m = LIST_PATH.exec(url.pathname);
    const list = m?.[4] ? this.lists[m[4]] : undefined;
    if (!m || !list) return json(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    const token = url.searchParams.get('continue');
    if (token && this.expireContinues > 0) {
      this.expireContinues--;
      return json(410, EXPIRED_STATUS);
    }
    const namespace = m[3];
    const items = list.items.filter(
      (item) =>
        (!namespace || item.metadata.namespace === namespace) &&
        matchesSelector(item.metadata.labels, url.searchParams.get('labelSelector')),
    );
    const limit = Number(url.searchParams.get('limit') ?? Number.POSITIVE_INFINITY);
    const size = Math.min(this.pageSize, limit || Number.POSITIVE_INFINITY);
    const start = token
      ? (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { start: number }).start
      : 0;
    const end = start + size;
    const metadata: KubeList['metadata'] = { resourceVersion: list.metadata.resourceVersion };
    // Opaque to clients, like the real token (which is base64 JSON too).
    if (end < items.length)
      metadata.continue = Buffer.from(JSON.stringify({ start: end })).toString('base64');
    return json(200, { ...list, metadata, items: items.slice(start, end) });
  }

  /** A `fetch` answering from this fake, as the browser's would. */
  fetch: FetchLike = async (input) => {
    const r = this.handle(new URL(input));
    return new Response(r.body, { status: r.status, headers: { 'content-type': r.contentType } });
  };

  /** Starts a real HTTP server on 127.0.0.1 (port chosen by the OS) answering from this fake. */
  async listen(): Promise<{ server: Server; origin: string }> {
    const server = createServer((req, res) => {
      this.methods.push(req.method ?? '');
      const r = this.handle(new URL(req.url ?? '/', 'http://127.0.0.1'));
      res.writeHead(r.status, { 'content-type': r.contentType, 'content-length': Buffer.byteLength(r.body) });
      res.end(r.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { server, origin: `http://127.0.0.1:${port}` };
  }
}

export interface RecordedRequest {
  url: string;
  init: RequestInit;
}

/** createHttp over a fetch, recording every request as the http layer reports it. */
export function recordingHttp(fetch: FetchLike, options: Omit<HttpOptions, 'fetch' | 'onRequest'> = {}) {
  const requests: RecordedRequest[] = [];
  const http = createHttp({ ...options, fetch, onRequest: (url, init) => requests.push({ url, init }) });
  return { http, requests };
}

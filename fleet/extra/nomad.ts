/**
 * A small Nomad with ACLs on: the HTTP API's field names and behaviour where Tattler meets them.
 *
 * - `GET /v1/regions` (no ACL needed, as in Nomad) → `["eu-west", "us-east"]`.
 * - `GET /v1/jobs` (`namespace` with `*`, `region`, `prefix`, `meta`, `filter` with `==`/`!=`
 *   terms joined by `and`, `per_page` + `next_token` → `X-Nomad-NextToken`) → job list stubs.
 * - `GET /v1/job/<id>` and `GET /v1/job/<id>/versions?diffs=true` → full jobs, newest first,
 *   each with `Version`, `SubmitTime` (ns) and `NomadTokenID` (the submitting token's accessor).
 * - Every job endpoint needs `X-Nomad-Token` (a token's secret id): none → 403 `Permission
 *   denied`; an unknown one → 403 `ACL token not found`. `/ui/…` is the web UI's HTML.
 *
 * Changes (`control`) are what people and pipelines do: submit a new version with their token
 * (`submit`, `submit-twice`), stop a job, scale a group.
 */
import type { IncomingMessage } from 'node:http';
import {
  type Clock,
  Faults,
  genericFault,
  html,
  json,
  page,
  type Reply,
  type Started,
  seeded,
  serve,
  text,
  uuidFrom,
} from './server';

type Json = Record<string, unknown>;

export interface NomadToken {
  name: string;
  accessorId: string;
  secretId: string;
}

export interface NomadOptions {
  clock?: Clock;
  seed?: number;
  regions?: string[];
  /** A test knob: answer at most this many jobs per page whatever `per_page` asks, so a small fleet pages. */
  pageCap?: number;
}

export type NomadChange =
  | {
      type: 'submit';
      region?: string;
      namespace?: string;
      job: string;
      by: string;
      image?: string;
      count?: number;
    }
  | {
      type: 'submit-twice';
      region?: string;
      namespace?: string;
      job: string;
      by: [string, string];
      images: [string, string];
    }
  | { type: 'stop'; region?: string; namespace?: string; job: string; by: string };

export interface NomadSystem extends Started {
  faults: Faults;
  tokens: Record<string, NomadToken>;
  regions: string[];
  apply(change: NomadChange): void;
  job(region: string, namespace: string, id: string): Json | undefined;
  /** `namespace/id` of every job in a region. */
  jobKeys(region: string): string[];
}

interface Stored {
  /** Newest first, as `/versions` answers. */
  versions: Json[];
}

const SEED_JOBS: {
  id: string;
  namespace: string;
  type: string;
  groups: [string, number, string[]][];
  meta?: Json;
}[] = [
  {
    id: 'checkout',
    namespace: 'shop',
    type: 'service',
    groups: [['web', 3, ['app']]],
    meta: { team: 'shop' },
  },
  {
    id: 'cart',
    namespace: 'shop',
    type: 'service',
    groups: [['web', 2, ['app', 'envoy']]],
    meta: { team: 'shop' },
  },
  {
    id: 'ingest',
    namespace: 'data',
    type: 'service',
    groups: [['consumer', 2, ['kafka']]],
    meta: { team: 'data' },
  },
  {
    id: 'nightly-report',
    namespace: 'shop',
    type: 'batch',
    groups: [['report', 1, ['report']]],
    meta: { team: 'shop' },
  },
];

const selectorValue = (obj: Json, selector: string): unknown => {
  let cur: unknown = obj;
  for (const key of selector.split('.')) cur = (cur as Json | undefined)?.[key];
  return cur;
};

/** `Meta.team == "shop" and Type != "batch"`; anything else is a filter Nomad would also reject. */
function compileFilter(expression: string): ((stub: Json) => boolean) | string {
  const terms = expression.split(/\s+and\s+/);
  const tests: ((stub: Json) => boolean)[] = [];
  for (const term of terms) {
    const m = /^\s*([A-Za-z][\w.]*)\s*(==|!=)\s*"([^"]*)"\s*$/.exec(term);
    if (!m) return `failed to read filter expression: unexpected term ${JSON.stringify(term)}`;
    const [, selector, op, value] = m as unknown as [string, string, string, string];
    tests.push((stub) => (String(selectorValue(stub, selector) ?? '') === value) === (op === '=='));
  }
  return (stub) => tests.every((t) => t(stub));
}

export async function startNomad(options: NomadOptions = {}): Promise<NomadSystem> {
  const clock = options.clock ?? Date.now;
  const rand = seeded(options.seed ?? 11);
  const regions = options.regions ?? ['eu-west', 'us-east'];
  const faults = new Faults();
  let raftIndex = 100;
  /** Each region is its own Nomad cluster: the index of its jobs and job summaries tables. */
  const tableIndex = new Map<string, number>();
  const bump = (region: string): number => {
    const index = ++raftIndex;
    tableIndex.set(region, index);
    return index;
  };

  const tokens: Record<string, NomadToken> = {};
  for (const name of ['tattler-reader', 'alice', 'bob', 'ci-deployer']) {
    tokens[name] = { name, accessorId: uuidFrom(rand), secretId: uuidFrom(rand) };
  }
  const bySecret = new Map(Object.values(tokens).map((t) => [t.secretId, t]));

  const state = new Map<string, Map<string, Stored>>();
  const keyOf = (namespace: string, id: string) => `${namespace}/${id}`;
  const start = clock();

  for (const region of regions) {
    const jobs = new Map<string, Stored>();
    for (const seed of SEED_JOBS) {
      const index = bump(region);
      const job: Json = {
        Region: region,
        Namespace: seed.namespace,
        ID: seed.id,
        ParentID: '',
        Name: seed.id,
        Type: seed.type,
        Priority: 50,
        AllAtOnce: false,
        Datacenters: [`${region}-1a`, `${region}-1b`],
        NodePool: 'default',
        TaskGroups: seed.groups.map(([name, count, tasks]) => ({
          Name: name,
          Count: count,
          Tasks: tasks.map((t) => ({
            Name: t,
            Driver: 'docker',
            Config: {
              image: `registry.example.com/${seed.namespace}/${seed.id}-${t}:1.0.0`,
              ports: ['http'],
            },
            Env: { LOG_LEVEL: 'info' },
            Resources: { CPU: 500, MemoryMB: 256 },
          })),
          EphemeralDisk: { Sticky: false, SizeMB: 300, Migrate: false },
        })),
        Periodic:
          seed.type === 'batch'
            ? { Enabled: true, Spec: '0 2 * * *', SpecType: 'cron', ProhibitOverlap: true }
            : null,
        ParameterizedJob: null,
        Meta: seed.meta ?? null,
        Stop: false,
        Status: 'running',
        StatusDescription: '',
        Stable: true,
        Version: 0,
        NomadTokenID: tokens['ci-deployer']?.accessorId ?? '',
        SubmitTime: (start - 3 * 86_400_000) * 1e6,
        CreateIndex: index,
        ModifyIndex: index,
        JobModifyIndex: index,
      };
      jobs.set(keyOf(seed.namespace, seed.id), { versions: [job] });
    }
    state.set(region, jobs);
  }

  const regionOf = (r: string | undefined) => r ?? regions[0] ?? 'global';
  const mustStored = (region: string | undefined, namespace: string | undefined, id: string): Stored => {
    const jobs = state.get(regionOf(region));
    const stored =
      jobs?.get(keyOf(namespace ?? '', id)) ??
      [...(jobs?.values() ?? [])].find((s) => s.versions[0]?.ID === id);
    if (!stored) throw new Error(`nomad fleet: no job ${id} in ${regionOf(region)}`);
    return stored;
  };

  function submit(stored: Stored, by: string, edit: (job: Json) => void): void {
    const token = tokens[by];
    if (!token) throw new Error(`nomad fleet: no token ${by}`);
    const current = stored.versions[0] as Json;
    const next = structuredClone(current);
    edit(next);
    const index = bump(String(next.Region));
    next.Version = (current.Version as number) + 1;
    next.SubmitTime = clock() * 1e6 + Math.floor(rand() * 1000);
    next.NomadTokenID = token.accessorId;
    next.JobModifyIndex = index;
    next.ModifyIndex = index;
    next.Stable = false;
    stored.versions.unshift(next);
    // Nomad keeps a bounded number of old versions (job_max_source_count and GC); ids keep counting.
    if (stored.versions.length > 6) stored.versions.length = 6;
  }

  const setImage = (image: string | undefined, count: number | undefined) => (job: Json) => {
    const group = (job.TaskGroups as Json[])[0] as Json;
    if (count !== undefined) group.Count = count;
    if (image !== undefined) (((group.Tasks as Json[])[0] as Json).Config as Json).image = image;
  };

  function apply(change: NomadChange): void {
    const stored = mustStored(change.region, change.namespace, change.job);
    switch (change.type) {
      case 'submit':
        submit(stored, change.by, setImage(change.image, change.count));
        break;
      case 'submit-twice':
        submit(stored, change.by[0], setImage(change.images[0], undefined));
        submit(stored, change.by[1], setImage(change.images[1], undefined));
        break;
      case 'stop':
        submit(stored, change.by, (job) => {
          job.Stop = true;
          job.Status = 'dead';
        });
        break;
    }
  }

  function stubOf(stored: Stored, withMeta: boolean): Json {
    const job = stored.versions[0] as Json;
    const summary: Json = {};
    for (const g of job.TaskGroups as Json[]) {
      const running = job.Stop ? 0 : (g.Count as number);
      summary[g.Name as string] = {
        Queued: 0,
        Complete: 0,
        Failed: 0,
        Running: running,
        Starting: 0,
        Lost: 0,
        Unknown: 0,
      };
    }
    const stub: Json = {
      ID: job.ID,
      ParentID: job.ParentID,
      Name: job.Name,
      Namespace: job.Namespace,
      Datacenters: job.Datacenters,
      NodePool: job.NodePool,
      Multiregion: null,
      Type: job.Type,
      Priority: job.Priority,
      Periodic: job.Periodic !== null,
      ParameterizedJob: false,
      Stop: job.Stop,
      Status: job.Stop ? 'dead' : 'running',
      StatusDescription: '',
      JobSummary: {
        JobID: job.ID,
        Namespace: job.Namespace,
        Summary: summary,
        Children: { Pending: 0, Running: 0, Dead: 0 },
        CreateIndex: job.CreateIndex,
        ModifyIndex: job.ModifyIndex,
      },
      CreateIndex: job.CreateIndex,
      ModifyIndex: job.ModifyIndex,
      JobModifyIndex: job.JobModifyIndex,
      SubmitTime: job.SubmitTime,
    };
    if (withMeta && job.Meta) stub.Meta = job.Meta;
    return stub;
  }

  function diffOf(newer: Json, older: Json): Json {
    const groups: Json[] = [];
    for (const g of newer.TaskGroups as Json[]) {
      const old = (older.TaskGroups as Json[]).find((o) => o.Name === g.Name);
      const fields: Json[] = [];
      if (old && old.Count !== g.Count)
        fields.push({
          Type: 'Edited',
          Name: 'Count',
          Old: String(old.Count),
          New: String(g.Count),
          Annotations: null,
        });
      const tasks: Json[] = [];
      for (const t of g.Tasks as Json[]) {
        const oldTask = ((old?.Tasks ?? []) as Json[]).find((o) => o.Name === t.Name);
        const before = (oldTask?.Config as Json | undefined)?.image;
        const after = (t.Config as Json).image;
        if (before !== after) {
          tasks.push({
            Type: 'Edited',
            Name: t.Name,
            Fields: null,
            Objects: [
              {
                Type: 'Edited',
                Name: 'Config',
                Fields: [{ Type: 'Edited', Name: 'image', Old: before, New: after, Annotations: null }],
                Objects: null,
              },
            ],
            Annotations: ['forces create/destroy update'],
          });
        }
      }
      groups.push({
        Type: fields.length || tasks.length ? 'Edited' : 'None',
        Name: g.Name,
        Fields: fields.length ? fields : null,
        Objects: null,
        Tasks: tasks.length ? tasks : null,
        Updates: null,
      });
    }
    const jobFields =
      newer.Stop !== older.Stop
        ? [
            {
              Type: 'Edited',
              Name: 'Stop',
              Old: String(older.Stop),
              New: String(newer.Stop),
              Annotations: null,
            },
          ]
        : null;
    const edited = jobFields !== null || groups.some((g) => g.Type !== 'None');
    return {
      Type: edited ? 'Edited' : 'None',
      ID: newer.ID,
      Fields: jobFields,
      Objects: null,
      TaskGroups: groups,
    };
  }

  const indexHeaders = (region: string) => ({
    'x-nomad-index': String(tableIndex.get(region) ?? 0),
    'x-nomad-knownleader': 'true',
    'x-nomad-lastcontact': '0',
  });

  /**
   * A blocking query (https://developer.hashicorp.com/nomad/api-docs#blocking-queries): with
   * `index`, the answer waits until the region's index passes it, or for `wait` (5 minutes by
   * default, 10 at most, plus up to a sixteenth as jitter), then answers as it is.
   */
  async function block(url: URL, region: string): Promise<void> {
    const index = Number(url.searchParams.get('index') ?? 0);
    if (!(index > 0)) return;
    const asked = parseWait(url.searchParams.get('wait'));
    const wait = Math.min(asked ?? 300_000, 600_000);
    const until = Date.now() + wait + Math.random() * (wait / 16);
    while ((tableIndex.get(region) ?? 0) <= index && Date.now() < until) {
      await new Promise((r) => setTimeout(r, Math.min(20, Math.max(1, until - Date.now()))));
    }
  }

  async function listJobs(url: URL): Promise<Reply> {
    const region = regionOf(url.searchParams.get('region') ?? undefined);
    const jobs = state.get(region);
    if (!jobs) return text(500, `No path to region`);
    await block(url, region);
    const namespace = url.searchParams.get('namespace') ?? 'default';
    const prefix = url.searchParams.get('prefix') ?? '';
    const withMeta = url.searchParams.get('meta') === 'true';
    const filterText = url.searchParams.get('filter');
    const filter = filterText ? compileFilter(filterText) : undefined;
    if (typeof filter === 'string') return text(400, filter);
    // Filters see the whole stub, Meta included, whether or not the answer carries Meta.
    let stubs = [...jobs.values()]
      .map((s) => stubOf(s, true))
      .filter((s) => (namespace === '*' || s.Namespace === namespace) && String(s.ID).startsWith(prefix))
      .filter((s) => !filter || filter({ Meta: {}, ...s }))
      .map((s) => {
        if (!withMeta) delete s.Meta;
        return s;
      })
      .sort((a, b) => `${a.Namespace}.${a.ID}`.localeCompare(`${b.Namespace}.${b.ID}`));
    const next = url.searchParams.get('next_token');
    if (next) stubs = stubs.filter((s) => `${s.Namespace}.${s.ID}` >= next);
    const asked = Number(url.searchParams.get('per_page') ?? 0) || Number.POSITIVE_INFINITY;
    const size = Math.min(asked, options.pageCap ?? Number.POSITIVE_INFINITY);
    const pageItems = stubs.slice(0, size);
    const headers: Record<string, string> = indexHeaders(region);
    const following = stubs[size];
    if (following) headers['x-nomad-nexttoken'] = `${following.Namespace}.${following.ID}`;
    return json(200, pageItems, headers);
  }

  function jobRoute(url: URL): Reply {
    const m = /^\/v1\/job\/([^/]+)(\/versions)?$/.exec(url.pathname);
    if (!m?.[1]) return text(404, 'Invalid method');
    const id = decodeURIComponent(m[1]);
    const region = regionOf(url.searchParams.get('region') ?? undefined);
    const stored = state.get(region)?.get(keyOf(url.searchParams.get('namespace') ?? 'default', id));
    if (!stored) return text(404, 'job not found');
    if (!m[2]) return json(200, stored.versions[0], indexHeaders(region));
    const diffs =
      url.searchParams.get('diffs') === 'true'
        ? stored.versions.slice(0, -1).map((v, i) => diffOf(v, stored.versions[i + 1] as Json))
        : null;
    return json(
      200,
      {
        Diffs: diffs,
        Index: tableIndex.get(region) ?? 0,
        KnownLeader: true,
        LastContact: 0,
        Versions: stored.versions,
      },
      indexHeaders(region),
    );
  }

  const tokenOf = (req: IncomingMessage): string | undefined => {
    const header = req.headers['x-nomad-token'];
    if (typeof header === 'string' && header) return header;
    return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  };

  async function handle(req: IncomingMessage, url: URL): Promise<Reply> {
    const path = url.pathname;
    if (path === '/') return { status: 307, body: '', headers: { location: '/ui/' } };
    if (path.startsWith('/ui')) return html(200, page('Nomad', '<div id="ember-app"></div>'));
    if (req.method !== 'GET') return text(405, 'Invalid method');

    const good = async (): Promise<Reply> => {
      if (path === '/v1/regions') return json(200, regions);
      if (path === '/v1/jobs') return listJobs(url);
      return jobRoute(url);
    };
    const fault = faults.for(path);
    if (fault) {
      // Only the faults that cut an answer short need the answer.
      const cut = fault.name === 'truncated' || fault.name === 'partial';
      const now = cut ? await good() : text(200, '');
      const generic = genericFault(fault, () => now, '/ui/settings/tokens');
      if (generic) return generic;
      if (fault.name === 'wrong-shape') return json(200, { Jobs: [], Regions: regions });
      if (fault.name === 'partial') {
        // The list starts — one job and a next token — and the next page fails.
        if (url.searchParams.has('next_token')) return text(500, 'rpc error: EOF');
        const list = JSON.parse(now.body) as Json[];
        const region = regionOf(url.searchParams.get('region') ?? undefined);
        return json(200, list.slice(0, 1), { ...indexHeaders(region), 'x-nomad-nexttoken': 'shop.zzz-next' });
      }
    }
    if (path === '/v1/regions') return good();
    const secret = tokenOf(req);
    if (!secret) return text(403, 'Permission denied');
    if (!bySecret.has(secret)) return text(403, 'ACL token not found');
    return good();
  }

  const started = await serve(
    handle,
    (url) => {
      const f = faults.for(url.pathname);
      return f?.name === 'slow' && url.pathname.startsWith('/v1/') ? (f.delayMs ?? 60_000) : undefined;
    },
    (url) => {
      const cluster = url.searchParams.get('region') ?? undefined;
      const at = cluster ? { cluster } : {};
      if (url.pathname === '/v1/jobs') return { system: 'nomad', ...at, resource: 'jobs', verb: 'list' };
      if (/^\/v1\/job\/[^/]+\/versions$/.test(url.pathname))
        return { system: 'nomad', ...at, resource: 'versions', verb: 'get' };
      if (url.pathname.startsWith('/v1/job/'))
        return { system: 'nomad', ...at, resource: 'job', verb: 'get' };
      if (url.pathname === '/v1/regions') return { system: 'nomad', resource: 'regions', verb: 'list' };
      return undefined;
    },
  );

  return {
    ...started,
    faults,
    tokens,
    regions,
    apply,
    job: (region, namespace, id) => state.get(region)?.get(keyOf(namespace, id))?.versions[0],
    jobKeys: (region) => [...(state.get(region)?.keys() ?? [])],
  };
}

/** A Go duration as Nomad's `wait` takes it ("500ms", "10s", "1m30s"); undefined when it is none. */
export function parseWait(text: string | null): number | undefined {
  if (!text || !/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let ms = 0;
  for (const [, n, , u] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g))
    ms += Number(n) * (unit[u as string] ?? 0);
  return ms;
}

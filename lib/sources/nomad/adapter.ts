/**
 * Nomad: each region is a cluster (`GET /v1/regions`), and a region's jobs are read with the
 * user's ACL token, sent as `X-Nomad-Token` (Nomad's UI keeps its token in the page's
 * localStorage, out of an extension's reach, so the user gives Tattler one: lib/secrets.ts).
 *
 *   GET /v1/regions                                                    → discovery (no ACL needed)
 *   GET /v1/jobs?namespace=*&region=<r>&meta=true&per_page=…[&next_token=…]   → the job list
 *   GET /v1/job/<id>/versions?diffs=true&namespace=<ns>&region=<r>     → one job's versions
 *
 * The cost trade-off. The list has no images, counts or submitter; only a job's versions do, and
 * they cost one request per job. A poll therefore reads versions only for jobs submitted recently:
 * within `nomad.versionsWithinHours` (24 by default), or since shortly before the last complete
 * poll when that is longer ago (the watcher passes `lastOkPoll`), so every job that changed
 * between two polls is read in full. Every other job is built from the list alone. Its version
 * token (`JobModifyIndex`) is unchanged, so the diff never compares it and the stored snapshot —
 * with the details read when it last changed — stays. A job that has not changed since before
 * Tattler's first poll is stored without details; its first change takes its "before" from the
 * version it was at, which the versions read for that change still hold (history.ts), unless
 * Nomad has stopped tracking that version.
 *
 * After a cluster's first sight, a job whose version token is the one Tattler stores is reported
 * unchanged (its stored snapshot, with its details, stands), and versions are read only for jobs
 * whose token moved or that are new.
 *
 * What moved, natively. The list is a blocking query (https://developer.hashicorp.com/nomad/api-docs#blocking-queries):
 * it answers with `X-Nomad-Index`, the index of the region's jobs and job summaries tables (Nomad's
 * Job.List takes the larger of the two). The next poll passes it back as `index=` with a short
 * `wait=`: an index that moved comes back at once; one that did not comes back after the wait with
 * the same index, which means no job and no job's allocation counts changed — every stored job is
 * unchanged, and neither the rest of the list nor any version is read. The index is remembered
 * (PollContext.memo) only from a list that showed every job Tattler stores: one that left a job
 * out must be repeated in full, or the job's disappearance would be forgotten.
 *
 * A poll is complete or it fails. A page of the list or a job's versions that cannot be read
 * after the list began makes the poll `partial` (a missing session stays `auth`).
 */
import type { Disappearance } from '../../diff';
import { type Http, type JsonResponse, PollError } from '../../http';
import type { DiscoveredCluster, JobSnapshot } from '../../model';
import { mapPool } from '../../pool';
import type { SourceSettings } from '../../settings';
import { arr, isRecord, namePredicate, pathOf, rec, shapeError, trimBase } from '../shared';
import { stableHash } from '../stable-hash';
import type { PollContext, PollOk, SourceAdapter } from '../types';
import { type NomadStub, type NomadVersions, namespaceOf, normalizeJob } from './normalize';

export const TOKEN_HEADER = 'X-Nomad-Token';
export const NEXT_TOKEN_HEADER = 'X-Nomad-NextToken';
export const INDEX_HEADER = 'X-Nomad-Index';
/** How long a blocking query may wait for an index past the one remembered: short, it is a poll. */
export const BLOCKING_WAIT = '500ms';
export const PAGE_SIZE = 200;
const MAX_PAGES = 500;
/** Versions read at once: enough to finish quickly after a gap, few enough to be gentle. */
const VERSION_READS_IN_FLIGHT = 4;
/** Read versions of jobs submitted this long before the last poll, too: clocks disagree a little. */
const CLOCK_SLACK_MS = 10 * 60_000;
const HOUR = 3_600_000;

const headersFor = (token: string | undefined): Record<string, string> | undefined =>
  token ? { [TOKEN_HEADER]: token } : undefined;

// ---------------------------------------------------------------------------------------------
// Discovery

export function parseRegions(body: unknown, url: string): string[] {
  if (!Array.isArray(body)) throw shapeError('not a list of regions', url);
  body.forEach((r, i) => {
    if (typeof r !== 'string' || r === '') throw shapeError(`regions[${i}] is not a region name`, url);
  });
  return body as string[];
}

export async function discoverNomad(
  http: Http,
  source: SourceSettings,
): Promise<{ clusters: DiscoveredCluster[]; bytes: number }> {
  // Regions listed by hand (`clusters`) need no discovery; without a server there is none to ask.
  if (source.discovery === false || !source.baseUrl) return { clusters: [], bytes: 0 };
  const base = trimBase(source.baseUrl);
  const url = `${base}/v1/regions`;
  const { body, bytes } = await http.getJson(url);
  const clusters = parseRegions(body, url).map((region) => ({
    nativeId: region,
    name: region,
    apiBase: base,
  }));
  return { clusters, bytes };
}

// ---------------------------------------------------------------------------------------------
// The job list

export function jobsUrl(
  apiBase: string,
  region: string,
  namespace: string,
  options: { filter?: string; nextToken?: string; index?: string } = {},
): string {
  const query = new URLSearchParams({ namespace, region, meta: 'true', per_page: String(PAGE_SIZE) });
  const filter = options.filter?.trim();
  if (filter) query.set('filter', filter);
  if (options.nextToken) query.set('next_token', options.nextToken);
  if (options.index) {
    query.set('index', options.index);
    query.set('wait', BLOCKING_WAIT);
  }
  return `${trimBase(apiBase)}/v1/jobs?${query}`;
}

export function parseJobList(body: unknown, url: string): NomadStub[] {
  if (!Array.isArray(body)) throw shapeError('not a list of jobs', url);
  body.forEach((item, i) => {
    const job = rec(item);
    if (!job || typeof job.ID !== 'string' || job.ID === '') throw shapeError(`[${i}] has no ID`, url);
  });
  return body as NomadStub[];
}

/** A failure after the list began: the answer we have is incomplete, unless the session is gone. */
/**
 * A job purged and registered again between the list and its versions read answers with the new
 * incarnation's versions (another CreateIndex): taking its newest for the listed job would record
 * the new job's fields, version and author as an update of the old one. The poll fails instead,
 * and the next one reads both again. (Found by the fidelity model, test/model/.)
 */
function assertSameIncarnation(stub: NomadStub, versions: NomadVersions, url: string): void {
  const listed = typeof stub.CreateIndex === 'number' ? stub.CreateIndex : undefined;
  if (listed === undefined) return;
  const created = arr(versions.Versions)
    .map((v) => rec(v)?.CreateIndex)
    .filter((c): c is number => typeof c === 'number');
  if (created.length && !created.includes(listed))
    throw new PollError(
      'partial',
      `poll incomplete: job ${stub.ID} was registered again between its list and its versions read (listed CreateIndex ${listed}, versions of ${created[0]})`,
      url,
    );
}

function unfinished(error: unknown, what: string): unknown {
  if (!(error instanceof PollError) || error.status === 'auth') return error;
  return new PollError('partial', `${what}: ${error.message}`, error.url, undefined, error.httpStatus);
}

/**
 * One namespace's job list, every page. With `since` (an index remembered), the first page is a
 * blocking query; when it comes back with that same index, nothing moved: `unchanged`, and no
 * further page is read.
 */
async function listJobs(
  http: Http,
  ctx: PollContext,
  namespace: string,
  since?: string,
): Promise<{ jobs: NomadStub[]; bytes: number; index?: string; unchanged?: true }> {
  const jobs: NomadStub[] = [];
  let bytes = 0;
  let token: string | undefined;
  let pages = 0;
  let index: string | undefined;
  do {
    const url = jobsUrl(ctx.apiBase, ctx.nativeId, namespace, {
      filter: ctx.source.nomad?.filter,
      nextToken: token,
      ...(pages === 0 && since ? { index: since } : {}),
    });
    let res: JsonResponse;
    try {
      res = await http.getJson(url, { headers: headersFor(ctx.token) });
      jobs.push(...parseJobList(res.body, url));
    } catch (error) {
      throw pages === 0 ? error : unfinished(error, `job list could not be finished (page ${pages + 1})`);
    }
    bytes += res.bytes;
    if (pages === 0) {
      index = res.headers.get(INDEX_HEADER) || undefined;
      if (since && index === since) return { jobs: [], bytes, index, unchanged: true };
    }
    const next = res.headers.get(NEXT_TOKEN_HEADER) || undefined;
    if (next !== undefined && next === token) {
      throw new PollError('error', `job list did not advance (same next token) on ${pathOf(url)}`, url);
    }
    token = next;
    if (++pages >= MAX_PAGES && token !== undefined) {
      throw new PollError('error', `job list longer than ${MAX_PAGES} pages on ${pathOf(url)}`, url);
    }
  } while (token !== undefined);
  return { jobs, bytes, ...(index ? { index } : {}) };
}

// ---------------------------------------------------------------------------------------------
// What is remembered between polls

interface NomadMemo {
  v: 1;
  /** What the index was read for: another server, region or filter starts afresh. */
  for: string;
  /** X-Nomad-Index of the last complete list that showed every stored job. */
  index?: string;
}

function memoFor(ctx: PollContext): NomadMemo {
  const { source } = ctx;
  return {
    v: 1,
    for: stableHash([
      trimBase(ctx.apiBase),
      ctx.nativeId,
      [...source.owner.namespaces].sort(),
      source.owner.namePattern ?? '',
      source.nomad?.filter ?? '',
      source.nomad?.includeChildJobs ?? false,
    ]),
  };
}

/** The index remembered for this cluster and these settings, if any. */
function rememberedIndex(ctx: PollContext): string | undefined {
  const stored = ctx.memo;
  if (!ctx.known || !isRecord(stored) || stored.v !== 1 || stored.for !== memoFor(ctx).for) return undefined;
  return typeof stored.index === 'string' && /^\d+$/.test(stored.index) ? stored.index : undefined;
}

// ---------------------------------------------------------------------------------------------
// Versions

export function versionsUrl(apiBase: string, region: string, stub: NomadStub): string {
  const query = new URLSearchParams({ diffs: 'true', namespace: namespaceOf(stub), region });
  return `${trimBase(apiBase)}/v1/job/${encodeURIComponent(stub.ID)}/versions?${query}`;
}

export function parseVersions(body: unknown, url: string): NomadVersions {
  const obj = rec(body);
  if (!obj || !Array.isArray(obj.Versions)) throw shapeError('no Versions list', url);
  return obj as NomadVersions;
}

/** The earliest SubmitTime (ms) whose job is read in full; see the top of this file. */
export function detailThreshold(ctx: Pick<PollContext, 'now' | 'lastOkPoll' | 'source'>): number {
  const hours = ctx.source.nomad?.versionsWithinHours ?? 24;
  const recent = ctx.now - hours * HOUR;
  return ctx.lastOkPoll === undefined ? recent : Math.min(recent, ctx.lastOkPoll - CLOCK_SLACK_MS);
}

export function needsVersions(stub: NomadStub, threshold: number): boolean {
  const submitted = typeof stub.SubmitTime === 'number' ? stub.SubmitTime / 1e6 : undefined;
  // Without a submit time we cannot tell how old the job is: read it.
  return submitted === undefined || submitted <= 0 || submitted >= threshold;
}

// ---------------------------------------------------------------------------------------------

export async function pollNomad(ctx: PollContext): Promise<PollOk> {
  const { source, http } = ctx;
  const matches = namePredicate(source.owner.namePattern);
  const includeChildren = source.nomad?.includeChildJobs ?? false;
  const namespaces = source.owner.namespaces.length ? [...new Set(source.owner.namespaces)] : ['*'];
  const memo = memoFor(ctx);
  const since = rememberedIndex(ctx);

  let bytes = 0;
  let index: string | undefined;
  const stubs: NomadStub[] = [];
  const seen = new Set<string>();
  for (const namespace of namespaces) {
    // The index is the region's, whatever the namespace: the first list tells for all of them.
    const list = await listJobs(http, ctx, namespace, index === undefined ? since : undefined);
    bytes += list.bytes;
    if (list.unchanged && ctx.known) {
      return { jobs: [], unchanged: [...ctx.known.keys()], bytes, memo: { ...memo, index: since } };
    }
    index ??= list.index;
    for (const stub of list.jobs) {
      // Periodic and dispatched runs are children (`ParentID`): they appear and vanish by design.
      if (!includeChildren && typeof stub.ParentID === 'string' && stub.ParentID !== '') continue;
      if (!matches(stub.ID)) continue;
      const key = `${namespaceOf(stub)}/${stub.ID}`;
      if (seen.has(key)) continue;
      seen.add(key);
      stubs.push(stub);
    }
  }

  const threshold = detailThreshold(ctx);
  let failed = false;
  const unchanged: string[] = [];
  const read = await mapPool(
    stubs,
    VERSION_READS_IN_FLIGHT,
    async (stub): Promise<JobSnapshot | undefined> => {
      const listed = normalizeJob(stub, undefined, ctx);
      if (ctx.known) {
        // As stored: its snapshot, details and all, stands.
        if (ctx.known.get(listed.key) === listed.versionToken) {
          unchanged.push(listed.key);
          return undefined;
        }
      } else if (!needsVersions(stub, threshold)) return listed;
      // Details are read for a job whose token moved (a new version, or its health) or that is new,
      // and at a first sight for jobs submitted recently: SubmitTime is on the cluster's clock, and
      // a job unchanged for days still needs its details when its state moves.
      if (failed) return listed;
      const url = versionsUrl(ctx.apiBase, ctx.nativeId, stub);
      let versions: NomadVersions;
      try {
        const res = await http.getJson(url, { headers: headersFor(ctx.token) });
        bytes += res.bytes;
        versions = parseVersions(res.body, url);
      } catch (error) {
        failed = true;
        throw unfinished(error, `poll incomplete: versions of job ${stub.ID} could not be read`);
      }
      try {
        assertSameIncarnation(stub, versions, url);
      } catch (error) {
        failed = true;
        throw error;
      }
      return normalizeJob(stub, versions, ctx);
    },
  );
  const jobs = read.filter((j): j is JobSnapshot => j !== undefined);
  // Remember the index only from a list that showed every job Tattler stores (see the top).
  const listedKeys = new Set([...unchanged, ...jobs.map((j) => j.key)]);
  const complete = !ctx.known || [...ctx.known.keys()].every((k) => listedKeys.has(k));
  return {
    jobs,
    ...(ctx.known ? { unchanged } : {}),
    bytes,
    memo: complete && index ? { ...memo, index } : memo,
  };
}

export function jobUrl(apiBase: string, region: string, namespace: string, id: string): string {
  const query = new URLSearchParams({ namespace, region });
  return `${trimBase(apiBase)}/v1/job/${encodeURIComponent(id)}?${query}`;
}

/**
 * Asks Nomad about each job a complete list left out: 404 ("job not found": purged) is gone. A job
 * still there is ours when the poll's own tests keep it (name pattern, child jobs) and, with a
 * `nomad.filter`, when the filtered list still finds it by prefix — Nomad evaluates its filter
 * language, Tattler does not guess at it.
 */
export async function confirmNomadGone(
  ctx: PollContext,
  jobs: readonly JobSnapshot[],
): Promise<Map<string, Disappearance>> {
  const { source } = ctx;
  const headers = headersFor(ctx.token);
  const matches = namePredicate(source.owner.namePattern);
  const includeChildren = source.nomad?.includeChildJobs ?? false;
  const out = new Map<string, Disappearance>();
  for (const job of jobs) {
    const res = await ctx.http.getJson(jobUrl(ctx.apiBase, ctx.nativeId, job.namespace, job.name), {
      headers,
      acceptStatus: [403, 404],
    });
    if (res.status === 404) {
      out.set(job.key, 'gone');
      continue;
    }
    if (res.status === 403) {
      out.set(job.key, 'unknown');
      continue;
    }
    const found = rec(res.body);
    const isChild = typeof found?.ParentID === 'string' && found.ParentID !== '';
    if (!found || !matches(job.name) || (isChild && !includeChildren)) {
      out.set(job.key, 'elsewhere');
      continue;
    }
    const filter = source.nomad?.filter?.trim();
    if (!filter) {
      out.set(job.key, 'present');
      continue;
    }
    const url = `${jobsUrl(ctx.apiBase, ctx.nativeId, job.namespace, { filter })}&prefix=${encodeURIComponent(job.name)}`;
    const listed = parseJobList((await ctx.http.getJson(url, { headers })).body, url);
    out.set(job.key, listed.some((s) => s.ID === job.name) ? 'present' : 'elsewhere');
  }
  return out;
}

export const nomadAdapter: SourceAdapter = {
  discover: discoverNomad,
  poll: pollNomad,
  confirmGone: confirmNomadGone,
};

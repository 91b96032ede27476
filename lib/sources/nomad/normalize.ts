/**
 * Nomad job → JobSnapshot. Pure. Two inputs, as Nomad's API gives them:
 *
 * - the job list stub (`GET /v1/jobs?meta=true`: ID, Namespace, Type, Priority, Stop, Status,
 *   Datacenters, Meta, JobSummary, CreateIndex, JobModifyIndex, SubmitTime — no Version, no tasks);
 * - optionally the job's versions (`GET /v1/job/<id>/versions?diffs=true`: `Versions[]`, newest
 *   first, each a full Job with TaskGroups, Version, SubmitTime, NomadTokenID; `Diffs[]`, where
 *   `Diffs[i]` compares `Versions[i]` with `Versions[i+1]`).
 *
 * Fields both inputs give are always read from the stub, so a snapshot built from the stub alone
 * and one built with versions agree on them. Field paths:
 *
 *   type | priority | stop                         string | number | boolean   (stub)
 *   datacenters                                    string[] sorted            (stub)
 *   meta                                           string[] sorted `k=v`      (stub, `meta=true`)
 *   nodePool                                       string                     (versions)
 *   taskgroups[<tg>].count                         number                     (versions)
 *   taskgroups[<tg>].tasks[<task>].driver | .image string                     (versions)
 *   taskgroups[<tg>].tasks[<task>].command         string                     (versions)
 *   taskgroups[<tg>].tasks[<task>].args            string[]                   (versions)
 *   taskgroups[<tg>].tasks[<task>].env             string[] sorted names only (values may be secrets)
 *   taskgroups[<tg>].tasks[<task>].resources.cpu | .memoryMB   number         (versions)
 *
 * Actor: `NomadTokenID` is the *accessor* id of the ACL token that submitted the version — it
 * names a token, not a person, and is shown as such ("token 1a2b3c4d"). Time: `SubmitTime`, in
 * nanoseconds. Version: `Version`. Instance: `CreateIndex` (a purged and re-registered job gets a
 * new one). Version token: `JobModifyIndex` (moves with every submitted version) plus the health
 * state, so an unchanged job is recognised without comparing fields.
 */
import { fillTemplate, safeHttpUrl } from '../../links';
import type { Actor, FieldValue, Health, JobSnapshot } from '../../model';
import { jobKeyOf, rowKeyOf } from '../../model';
import { arr, bool, type Json, nonEmpty, num, rec, str, trimBase } from '../shared';
import type { PollContext } from '../types';
import { historyOf } from './history';

export const NOMAD_KIND = 'NomadJob';

export type NormalizeContext = Omit<PollContext, 'http'>;

/** A list stub that passed the shape check. */
export interface NomadStub {
  ID: string;
  [key: string]: unknown;
}

export interface NomadVersions {
  Versions?: unknown;
  Diffs?: unknown;
}

const stringList = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');

export const namespaceOf = (stub: NomadStub): string => nonEmpty(stub.Namespace) ?? 'default';

/** Nanoseconds since the epoch → ms. Precision beyond 2^53 is lost in JSON anyway; ms survive. */
export const nanosToMs = (v: unknown): number | undefined => {
  const n = num(v);
  return n !== undefined && n > 0 ? Math.floor(n / 1e6) : undefined;
};

// ---------------------------------------------------------------------------------------------
// Fields

export function stubFields(stub: NomadStub): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  const type = str(stub.Type);
  if (type !== undefined) out.type = type;
  const priority = num(stub.Priority);
  if (priority !== undefined) out.priority = priority;
  out.stop = bool(stub.Stop) ?? false;
  if (Array.isArray(stub.Datacenters)) out.datacenters = stringList(stub.Datacenters).sort();
  const meta = rec(stub.Meta);
  if (meta) {
    out.meta = Object.entries(meta)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .sort();
  }
  return out;
}

export function versionFields(job: Json, out: Record<string, FieldValue>): void {
  const pool = nonEmpty(job.NodePool);
  if (pool) out.nodePool = pool;
  for (const g of arr(job.TaskGroups)) {
    const group = rec(g);
    const gName = nonEmpty(group?.Name);
    if (!group || !gName) continue;
    const gp = `taskgroups[${gName}]`;
    const count = num(group.Count);
    if (count !== undefined) out[`${gp}.count`] = count;
    for (const t of arr(group.Tasks)) {
      const task = rec(t);
      const tName = nonEmpty(task?.Name);
      if (!task || !tName) continue;
      const tp = `${gp}.tasks[${tName}]`;
      const driver = str(task.Driver);
      if (driver !== undefined) out[`${tp}.driver`] = driver;
      const config = rec(task.Config) ?? {};
      const image = str(config.image);
      if (image !== undefined) out[`${tp}.image`] = image;
      const command = str(config.command);
      if (command !== undefined) out[`${tp}.command`] = command;
      if (Array.isArray(config.args)) out[`${tp}.args`] = stringList(config.args);
      const env = rec(task.Env);
      if (env) out[`${tp}.env`] = Object.keys(env).sort();
      const resources = rec(task.Resources);
      const cpu = num(resources?.CPU);
      if (cpu !== undefined) out[`${tp}.resources.cpu`] = cpu;
      const memory = num(resources?.MemoryMB);
      if (memory !== undefined) out[`${tp}.resources.memoryMB`] = memory;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Health (from the stub: it is current, and the list is read on every poll)

const BATCH_TYPES = new Set(['batch', 'sysbatch']);

export function healthOf(stub: NomadStub): Health {
  const status = str(stub.Status) ?? 'unknown';
  const summary = rec(rec(stub.JobSummary)?.Summary) ?? {};
  const totals = { Queued: 0, Starting: 0, Running: 0, Failed: 0, Lost: 0, Complete: 0 };
  for (const tg of Object.values(summary)) {
    const s = rec(tg);
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += num(s?.[key]) ?? 0;
  }
  const counts = [`${totals.Running} running`];
  if (totals.Queued) counts.push(`${totals.Queued} queued`);
  if (totals.Starting) counts.push(`${totals.Starting} starting`);
  if (totals.Lost) counts.push(`${totals.Lost} lost`);
  const message = `${status}: ${counts.join(', ')}`;

  if (stub.Stop === true) return { state: 'suspended', message: 'stopped' };
  if (status === 'pending') return { state: 'progressing', message };
  if (status === 'dead') {
    // A finished batch job is done, not down; a dead service is down.
    const batch = BATCH_TYPES.has(str(stub.Type) ?? '');
    return { state: batch && totals.Failed === 0 ? 'healthy' : 'degraded', message };
  }
  if (status === 'running') {
    if (totals.Queued > 0 || totals.Starting > 0) return { state: 'progressing', message };
    return { state: 'healthy', message, ready: totals.Running };
  }
  return { state: 'unknown', message };
}

// ---------------------------------------------------------------------------------------------
// Versions: which one is current, who submitted it, what Nomad says changed

/**
 * The version that is the listed job: the one with the stub's JobModifyIndex (a version submitted
 * between the list and this read must not lend its fields to the listed one), else the newest.
 */
export function currentVersion(
  stub: NomadStub,
  versions: NomadVersions,
): { job: Json; index: number } | undefined {
  const list = arr(versions.Versions).map(rec);
  const want = num(stub.JobModifyIndex);
  if (want !== undefined) {
    const i = list.findIndex((j) => j !== undefined && num(j.JobModifyIndex) === want);
    if (i >= 0) return { job: list[i] as Json, index: i };
  }
  let best: { job: Json; index: number } | undefined;
  list.forEach((job, index) => {
    if (!job) return;
    if (!best || (num(job.Version) ?? -1) > (num(best.job.Version) ?? -1)) best = { job, index };
  });
  return best;
}

export function tokenActor(tokenId: unknown): Actor | undefined {
  const id = nonEmpty(tokenId);
  if (!id) return undefined;
  return { name: `token ${id.slice(0, 8)}`, kind: 'token', via: 'NomadTokenID (ACL token accessor id)' };
}

/** A short account of a structured job diff: the names of what changed, for the change's cause. */
export function summarizeDiff(diff: unknown, limit = 6): string | undefined {
  const items: string[] = [];
  const visit = (d: unknown, prefix: string) => {
    const node = rec(d);
    if (!node || node.Type === 'None') return;
    for (const f of arr(node.Fields)) {
      const field = rec(f);
      const name = nonEmpty(field?.Name);
      if (field && name && field.Type !== 'None') items.push(`${prefix}${name}`);
    }
    for (const o of arr(node.Objects)) {
      const obj = rec(o);
      const name = nonEmpty(obj?.Name);
      if (obj && name && obj.Type !== 'None') {
        const before = items.length;
        visit(obj, `${prefix}${name}.`);
        if (items.length === before) items.push(`${prefix}${name}`);
      }
    }
    for (const g of arr(node.TaskGroups)) visit(g, `group ${str(rec(g)?.Name) ?? '?'}: `);
    for (const t of arr(node.Tasks)) visit(t, `${prefix}task ${str(rec(t)?.Name) ?? '?'}: `);
  };
  visit(diff, '');
  if (!items.length) return undefined;
  const shown = items.slice(0, limit).join('; ');
  return `Nomad diff: ${shown}${items.length > limit ? ` (+${items.length - limit} more)` : ''}`;
}

// ---------------------------------------------------------------------------------------------

export function linkOf(stub: NomadStub, ctx: NormalizeContext): string | undefined {
  const namespace = namespaceOf(stub);
  const template = ctx.source.links?.job;
  if (template) {
    const filled = fillTemplate(template, {
      cluster: ctx.nativeId,
      clusterName: ctx.clusterName,
      namespace,
      name: stub.ID,
      kind: NOMAD_KIND,
    });
    if (filled) return filled;
  }
  // The UI's job page is `/ui/jobs/<id>@<namespace>`; `region` picks the region's servers.
  const region = ctx.nativeId ? `?region=${encodeURIComponent(ctx.nativeId)}` : '';
  return safeHttpUrl(
    `${trimBase(ctx.apiBase)}/ui/jobs/${encodeURIComponent(stub.ID)}@${encodeURIComponent(namespace)}${region}`,
  );
}

/** One job → its snapshot; `versions` absent means the list was all this poll read of it. */
export function normalizeJob(
  stub: NomadStub,
  versions: NomadVersions | undefined,
  ctx: NormalizeContext,
): JobSnapshot {
  const namespace = namespaceOf(stub);
  const rowKey = rowKeyOf(NOMAD_KIND, namespace, stub.ID);
  const fields = stubFields(stub);
  const health = healthOf(stub);
  const modifyIndex = num(stub.JobModifyIndex) ?? num(stub.ModifyIndex) ?? 0;
  const snapshot: JobSnapshot = {
    key: jobKeyOf(ctx.clusterId, rowKey),
    clusterId: ctx.clusterId,
    rowKey,
    kind: NOMAD_KIND,
    namespace,
    name: stub.ID,
    versionToken: `j${modifyIndex}:${health.state}`,
    fields,
    health,
    observedAt: ctx.now,
  };
  const createIndex = num(stub.CreateIndex);
  if (createIndex !== undefined) snapshot.instance = `c${createIndex}`;
  let changedAt = nanosToMs(stub.SubmitTime);

  const current = versions ? currentVersion(stub, versions) : undefined;
  if (current) {
    versionFields(current.job, fields);
    const version = num(current.job.Version);
    if (version !== undefined) snapshot.version = version;
    changedAt = nanosToMs(current.job.SubmitTime) ?? changedAt;
    const actor = tokenActor(current.job.NomadTokenID);
    if (actor) snapshot.changedBy = actor;
    const cause = summarizeDiff(arr(versions?.Diffs)[current.index]);
    if (cause) snapshot.changeCause = cause;
  }
  // Every version Nomad still tracks: those between two polls are recovered from it.
  const history = versions ? historyOf(versions, ctx.known?.get(snapshot.key)) : undefined;
  if (history) snapshot.history = history;
  if (changedAt !== undefined) snapshot.changedAt = changedAt;
  const link = linkOf(stub, ctx);
  if (link) snapshot.link = link;
  return snapshot;
}

/**
 * Service rows: the grid's rows are services (lib/identity/services.ts), each expandable into its
 * jobs. The job rows stay as build.ts lays them out (their cells are the packed grid's); a service
 * row is appended after them, its figures summed from its jobs', its cells merged on demand
 * (cells.ts mergeCells). The packed grid already orders rows by service (rules 2–4), so services
 * come in one walk; only a user's rule that moves a row sorts the services again.
 */
import { compileServiceRules, ruledService, type ServiceRule, serviceKey } from '../identity/services';
import { type GridRecord, packedService } from '../store/grid';
import { ROLLOUT_MIN_CLUSTERS, type RolloutSighting, rolloutOf } from './rollout';
import type { HeatLevel } from './scale';
import type { HeatRow } from './types';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** A service row's row key: never a job's (theirs always hold `kind:namespace/name`). */
export const serviceRowKey = (name: string): string => `service:${serviceKey(name)}`;

/**
 * Appends one service row per service to `rows` (job rows, with their figures) and returns the
 * service rows' indices in name order. Each job row gets `service`, each service row `jobs`.
 */
export function addServiceRows(
  rows: HeatRow[],
  grid: GridRecord | undefined,
  rules: readonly ServiceRule[] | undefined,
  sightings: ReadonlyMap<number, readonly RolloutSighting[]>,
  level: (at: number | undefined) => HeatLevel,
  presenceKnown: boolean,
  /**
   * Marks in `into` (one entry per column) where a job row runs or changed in the window (bit 1)
   * and where it changed (bit 2). Asked only for services of several jobs.
   */
  markColumns: (row: number, into: Uint8Array) => void,
  width: number,
): number[] {
  const gridRow = grid ? new Map(grid.rows.map((rowKey, i) => [rowKey, i])) : undefined;
  const compiled = compileServiceRules(rules);
  const jobCount = rows.length;
  const byKey = new Map<string, HeatRow>();
  const order: HeatRow[] = [];
  let moved = false;
  for (let r = 0; r < jobCount; r++) {
    const job = rows[r] as HeatRow;
    const g = gridRow?.get(job.rowKey);
    const packed = grid && g !== undefined ? packedService(grid, g) : undefined;
    const linked = packed
      ? { name: packed.name, reason: 'name' as const, ...(packed.via ? { via: packed.via } : {}) }
      : undefined;
    const of = ruledService(job.rowKey, linked, compiled);
    if (of.reason === 'rule' || (of.reason === 'manager' && of.name !== linked?.name)) moved = true;
    const key = serviceKey(of.name);
    let service = byKey.get(key);
    if (!service) {
      service = {
        index: jobCount + order.length,
        rowKey: serviceRowKey(of.name),
        kind: '',
        namespace: '',
        name: of.name,
        type: 'service',
        jobs: [],
        changes: 0,
        changedClusters: 0,
        clusters: 0,
        level: 0,
      };
      byKey.set(key, service);
      order.push(service);
    } else if (order[order.length - 1] !== service) moved = true;
    (service.jobs as number[]).push(r);
    job.service = service.index;
  }
  for (const service of order) {
    const jobs = service.jobs as number[];
    if (jobs.length === 1) {
      // One job: the service row's figures are the job row's own (same cells, same sightings).
      const job = rows[jobs[0] as number] as HeatRow;
      service.kind = job.kind;
      service.namespace = job.namespace;
      service.changes = job.changes;
      service.changedClusters = job.changedClusters;
      service.clusters = job.clusters;
      service.level = job.level;
      if (job.newestAt !== undefined) service.newestAt = job.newestAt;
      if (job.rollout) service.rollout = job.rollout;
      rows.push(service);
      continue;
    }
    const columns = new Uint8Array(width);
    const seen: RolloutSighting[] = [];
    for (const j of jobs) {
      const job = rows[j] as HeatRow;
      service.changes += job.changes;
      if (job.newestAt !== undefined && (service.newestAt === undefined || job.newestAt > service.newestAt))
        service.newestAt = job.newestAt;
      markColumns(j, columns);
      for (const s of sightings.get(j) ?? []) seen.push(s);
    }
    let present = 0;
    let changed = 0;
    for (const bits of columns) {
      if (bits & 1) present++;
      if (bits & 2) changed++;
    }
    service.changedClusters = changed;
    service.clusters = present;
    service.level = level(service.newestAt);
    if (new Set(seen.map((s) => s.column)).size >= ROLLOUT_MIN_CLUSTERS) {
      const rollout = rolloutOf(seen, presenceKnown ? present : undefined);
      if (rollout) service.rollout = rollout;
    }
    rows.push(service);
  }
  if (moved) order.sort((a, b) => collator.compare(a.name, b.name));
  return order.map((s) => s.index);
}

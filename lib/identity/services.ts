/**
 * Service identity across sources: which rows — jobs, by row key (`Deployment:shop/cart`) — are
 * one service, and what it is called. The Argo CD Application `cart`, the Nomad job `cart`, the
 * Deployment `cart` and a home-grown manager's `cart` are one row `cart` in the grid, and one
 * service to an alert. Pure; the rules, in order (README "Service identity"):
 *
 * 1. Rules (settings `serviceRules`): a rule claims every row whose row key or job name matches
 *    one of its entries (`*` and `?` as globs, any case), under its name. The first rule that
 *    matches wins; a row a rule claims is joined by nothing else, so a rule also splits a name
 *    match. The workloads of an Argo CD Application a rule claims follow it (rule 2).
 * 2. The manager: the workloads an Argo CD Application manages (its `status.resources`, or their
 *    own tracking annotation or instance label naming it) are in the Application's service. The
 *    manager wins over the workload's own labels: a Deployment labelled part-of `shop` that the
 *    Application `cart` manages is in `cart`. A tracking id naming an Application Tattler does not
 *    watch joins nothing (application names often carry their cluster's: `cart-prod-eu-1`).
 * 3. The workload's labels: `app.kubernetes.io/part-of`, else `app.kubernetes.io/name`.
 * 4. Otherwise the job's own name.
 *
 * Names are compared in any case; a service is called as its first row (in display order) spells it.
 */
import { type JobLinks, parseRowKey as parts } from '../model';

export interface ServiceRule {
  /** What the service is called. */
  name: string;
  /** Row keys (`Deployment:shop/cart`), job names (`cart`) or globs of either (`cart-*`). */
  match: readonly string[];
}

/** Why a row is in its service, for tooltips and the tests. */
export type ServiceReason = 'rule' | 'manager' | 'part-of' | 'name-label' | 'name';

export interface ServiceOf {
  name: string;
  reason: ServiceReason;
  /** The row key of the Application that manages the job (rule 2), when Tattler watches it. */
  via?: string;
}

/** A row and what its job says of itself, in every cluster where it runs. */
export interface ServiceJob {
  rowKey: string;
  links?: readonly JobLinks[];
}

/** The key services are compared by. */
export const serviceKey = (name: string): string => name.toLowerCase();

const APPLICATION = 'Application';

/** The job's own name, as its row key holds it. */
export const jobNameOfRow = (rowKey: string): string => parts(rowKey).name;

/**
 * The Application row a workload's tracking id or instance label names (`argoApp`, the
 * application's real name): one of that name deploying into the workload's namespace, else the
 * only one of that name; failing both, one whose row name the id extends by a cluster's name, as
 * Argo CD rows drop it (`cart-prod-eu-1` → row `cart`), in the workload's namespace.
 */
function applicationNamed(
  argoApp: string,
  namespace: string,
  apps: ReadonlyMap<string, readonly string[]>,
): string | undefined {
  const named = apps.get(serviceKey(argoApp)) ?? [];
  const exact =
    named.find((k) => parts(k).namespace === namespace) ?? (named.length === 1 ? named[0] : undefined);
  if (exact) return exact;
  const id = serviceKey(argoApp);
  const extended: string[] = [];
  for (const [name, rows] of apps)
    if (id.startsWith(`${name}-`) || id.endsWith(`-${name}`))
      for (const k of rows) if (parts(k).namespace === namespace) extended.push(k);
  return extended.length === 1 ? extended[0] : undefined;
}

/**
 * Rules 2–4: what the jobs say of themselves and their managers. Pure and independent of the
 * user's rules, so the packed grid can hold it (lib/store/grid.ts) and order its rows by it.
 */
export function linkedServices(jobs: readonly ServiceJob[]): Map<string, ServiceOf> {
  const apps = new Map<string, string[]>();
  const managedBy = new Map<string, string>();
  // Applications in row-key order, so a workload two of them claim goes to the same one every time.
  const sorted = [...jobs].sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
  for (const job of sorted) {
    const p = parts(job.rowKey);
    if (p.kind !== APPLICATION) continue;
    const byName = apps.get(serviceKey(p.name)) ?? [];
    byName.push(job.rowKey);
    apps.set(serviceKey(p.name), byName);
    for (const l of job.links ?? [])
      for (const managed of l.manages ?? []) if (!managedBy.has(managed)) managedBy.set(managed, job.rowKey);
  }
  const out = new Map<string, ServiceOf>();
  for (const job of jobs) {
    const p = parts(job.rowKey);
    const links = job.links ?? [];
    const first = (pick: (l: JobLinks) => string | undefined) => {
      for (const l of links) {
        const v = pick(l);
        if (v) return v;
      }
      return undefined;
    };
    let manager = managedBy.get(job.rowKey);
    const argoApp = first((l) => l.argoApp);
    if (!manager && argoApp) manager = applicationNamed(argoApp, p.namespace, apps);
    if (manager && manager !== job.rowKey) {
      out.set(job.rowKey, { name: parts(manager).name, reason: 'manager', via: manager });
      continue;
    }
    const partOf = first((l) => l.partOf);
    if (partOf) {
      out.set(job.rowKey, { name: partOf, reason: 'part-of' });
      continue;
    }
    const name = first((l) => l.name);
    out.set(job.rowKey, name ? { name, reason: 'name-label' } : { name: p.name, reason: 'name' });
  }
  return out;
}

/** A glob (`*`, `?`) as a whole-string, any-case pattern. */
function globOf(entry: string): RegExp {
  const body = entry
    .trim()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

export interface CompiledRules {
  /** The rule that claims a row, if any. */
  claim(rowKey: string): ServiceRule | undefined;
  /** Whether there are any rules at all. */
  any: boolean;
}

export function compileServiceRules(rules: readonly ServiceRule[] | undefined): CompiledRules {
  const compiled = (rules ?? []).map((rule) => ({
    rule,
    tests: rule.match.filter((m) => m.trim() !== '').map(globOf),
  }));
  return {
    any: compiled.length > 0,
    claim(rowKey) {
      const name = jobNameOfRow(rowKey);
      return compiled.find((c) => c.tests.some((t) => t.test(rowKey) || t.test(name)))?.rule;
    },
  };
}

/**
 * Rule 1 over rules 2–4: a row a rule claims is in the rule's service; a workload whose manager a
 * rule claims follows its manager. `linked` gives each row's service by rules 2–4.
 */
export function ruledService(rowKey: string, linked: ServiceOf | undefined, rules: CompiledRules): ServiceOf {
  const own = linked ?? { name: jobNameOfRow(rowKey), reason: 'name' as const };
  if (!rules.any) return own;
  const claimed = rules.claim(rowKey);
  if (claimed) return { name: claimed.name, reason: 'rule' };
  if (own.via) {
    const managerRule = rules.claim(own.via);
    if (managerRule) return { name: managerRule.name, reason: 'manager', via: own.via };
  }
  return own;
}

export interface Service {
  key: string;
  name: string;
  /** Its rows, in the order given. */
  rowKeys: string[];
}

/** Every rule at once: the services of these jobs, in the order their first rows come. */
export function serviceIdentities(
  jobs: readonly ServiceJob[],
  rules?: readonly ServiceRule[],
): { services: Service[]; byRow: ReadonlyMap<string, Service> } {
  const linked = linkedServices(jobs);
  const compiled = compileServiceRules(rules);
  const byKey = new Map<string, Service>();
  const byRow = new Map<string, Service>();
  for (const job of jobs) {
    const of = ruledService(job.rowKey, linked.get(job.rowKey), compiled);
    const key = serviceKey(of.name);
    let service = byKey.get(key);
    if (!service) {
      service = { key, name: of.name, rowKeys: [] };
      byKey.set(key, service);
    }
    service.rowKeys.push(job.rowKey);
    byRow.set(job.rowKey, service);
  }
  return { services: [...byKey.values()], byRow };
}

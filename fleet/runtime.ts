/**
 * The running simulation: the simulated clock, the world built from the seed, the scenario
 * runner, the alerts, sessions and faults, and the in-process control functions over them. The
 * HTTP servers only read from this and call its control functions.
 */
import {
  AlertStore,
  checkPostable,
  fireStaticAlerts,
  type GettableAlert,
  gettable,
  type PostableAlert,
  RuleEvaluator,
  receive,
} from './alertmanager/alerts';
import { DISCOVERY, type Fault, type FaultKind, Faults } from './faults';
import { Auth } from './rancher/auth';
import { EVENTS } from './scenario/events';
import { GitOps } from './scenario/gitops';
import type { ChangeRecord } from './scenario/operations';
import { PEOPLE } from './scenario/people';
import { type AppliedEvent, ScenarioRunner } from './scenario/runner';
import { DEFAULT_SCHEDULE } from './scenario/schedule';
import { World } from './scenario/world';
import { Scheduler } from './sim/scheduler';
import { Traffic, type TrafficRow } from './traffic';

export interface RuntimeOptions {
  seed: number;
  speed: number;
  clusters: number;
  sessionTtlMs: number;
  continueTtlMs: number;
  serverTables: boolean;
  autoRun: boolean;
  log: (line: string) => void;
}

export interface FleetCluster {
  id: string;
  displayName: string;
  region: string;
  env: string;
  state: 'active' | 'unavailable';
}

export interface FaultRequest {
  /** Cluster id or display name; omitted: Rancher's cluster list (discovery). */
  cluster?: string;
  kind: FaultKind;
  count?: number;
  ms?: number;
}

/** What the control API offers, in process. */
export interface FleetControl {
  state(): FleetState;
  apply(name: string, cluster?: string): AppliedEvent;
  advance(steps?: number): AppliedEvent[];
  fault(request: FaultRequest): Fault;
  expireSessions(): number;
  reset(): void;
  /** Jumps the simulated clock ahead, running everything that falls due (follow-ups, alerts). */
  tick(simMs: number): void;
  /** Lets the controllers converge now (status catches up with every pending change). */
  settle(): void;
  /**
   * Fires an alert with the given labels on the Alertmanager, as if a rule outside the simulation
   * (another system's Prometheus) had sent it: the v2 API's postableAlert, checked the same way.
   * `startsAt` defaults to now. Returns the alert as `GET /api/v2/alerts` lists it.
   */
  raiseAlert(alert: PostableAlert): GettableAlert;
  /** Requests and bytes clients sent the clusters' APIs and Rancher, by cluster, resource and kind of read. */
  traffic(): TrafficRow[];
  /** Starts counting afresh. */
  resetTraffic(): void;
}

export interface FleetState {
  seed: number;
  speed: number;
  autoRun: boolean;
  clock: { now: string; simMs: number };
  clusters: (FleetCluster & { jobs: number; resourceVersion: string })[];
  removedClusters: FleetCluster[];
  events: AppliedEvent[];
  upcoming: { name: string; at: number }[];
  knownEvents: { name: string; description: string }[];
  pending: { label: string; tag: string; inMs: number }[];
  people: typeof PEOPLE;
  changes: (Omit<ChangeRecord, 'at'> & { at: string })[];
  alerts: { labels: Record<string, string>; startsAt: string; fingerprint: string }[];
  faults: Fault[];
  sessions: number;
}

const RULES_EVERY = 15_000;
const CRON_EVERY = 60_000;

export class FleetRuntime {
  readonly auth: Auth;
  readonly faults = new Faults();
  readonly alerts = new AlertStore();
  readonly traffic = new Traffic();
  /** Argo CD's way into the clusters (and the scenario's way to Argo CD, once one is connected). */
  readonly gitops = new GitOps(() => this.world);
  scheduler!: Scheduler;
  world!: World;
  runner!: ScenarioRunner;
  private evaluator!: RuleEvaluator;
  private readonly compactedAt = new WeakMap<object, number>();

  constructor(readonly options: RuntimeOptions) {
    this.auth = new Auth({ username: 'oncall', password: 'tattler-demo' }, options.sessionTtlMs);
    this.build();
  }

  private build(): void {
    const { options } = this;
    this.scheduler = new Scheduler({
      speed: options.speed,
      onError: (label, error) => options.log(`error in ${label}: ${String(error)}`),
    });
    const scheduler = this.scheduler;
    this.world = new World({
      seed: options.seed,
      clusters: options.clusters,
      later: (delay, label, step) => scheduler.at(delay, 'controller', label, () => step(Date.now())),
    });
    for (const a of this.alerts.firing()) this.alerts.resolve(a.fingerprint);
    fireStaticAlerts(this.alerts, this.world.clusters, Date.now());
    this.evaluator = new RuleEvaluator(this.alerts);
    this.runner = new ScenarioRunner({
      scheduler,
      getWorld: () => this.world,
      log: options.log,
      expireSessions: () => this.auth.expireAll(),
      argocd: () => this.gitops.argocd(),
      forge: () => this.gitops.forge(),
      schedule: DEFAULT_SCHEDULE,
    });
    scheduler.every(RULES_EVERY, 'rules', 'alert rules', () =>
      this.evaluator.evaluate(this.world.clusters, scheduler.now(), options.log),
    );
    let minute = 0;
    scheduler.every(CRON_EVERY, 'cron', 'cronjob controller', () => this.world.runCronJobs(++minute));
    if (options.autoRun) this.runner.start();
  }

  /** Lists pinned by old continue tokens stay readable for the token lifetime, no longer. */
  compact(): void {
    const now = Date.now();
    for (const c of this.world.clusters) {
      if ((this.compactedAt.get(c.store) ?? 0) > now - 1000) continue;
      this.compactedAt.set(c.store, now);
      c.store.compact(now - this.options.continueTtlMs);
    }
  }

  clusters(): FleetCluster[] {
    return this.world.clusters.map((c) => ({
      id: c.id,
      displayName: c.name,
      region: c.info.region,
      env: c.info.env,
      state: c.reachable() ? 'active' : 'unavailable',
    }));
  }

  readonly control: FleetControl = {
    state: () => this.state(),
    apply: (name, cluster) => this.runner.apply(name, cluster),
    advance: (steps = 1) => {
      if (!Number.isInteger(steps) || steps < 1) throw new Error('steps must be a positive integer');
      return this.runner.advance(steps);
    },
    fault: (request) => {
      let target = DISCOVERY;
      if (request.cluster !== undefined) {
        const c = this.world.findAny(request.cluster);
        if (!c) throw new Error(`unknown cluster "${request.cluster}"`);
        target = c.id;
      }
      return this.faults.add(target, request.kind, request.count ?? 1, request.ms ?? 3000);
    },
    expireSessions: () => {
      const n = this.auth.expireAll();
      this.options.log(`all console sessions expired (${n} ended)`);
      return n;
    },
    reset: () => {
      this.scheduler.stop();
      this.faults.clear();
      this.build();
      this.options.log(`fleet reset (seed ${this.options.seed})`);
    },
    tick: (simMs) => {
      if (!Number.isFinite(simMs) || simMs < 0) throw new Error('ms must be a non-negative number');
      this.scheduler.advance(simMs);
    },
    settle: () => this.scheduler.flush(['controller']),
    raiseAlert: (alert) => {
      const now = Date.now();
      const checked = checkPostable(alert, now);
      if (typeof checked === 'string') throw new Error(checked);
      const fired = receive(this.alerts, checked, now);
      const labels = Object.entries(fired.labels).map(([k, v]) => `${k}="${v}"`);
      this.options.log(`alert raised: {${labels.join(', ')}}`);
      return gettable(fired, now);
    },
    traffic: () => this.traffic.list(),
    resetTraffic: () => this.traffic.reset(),
  };

  private state(): FleetState {
    const now = Date.now();
    const listed = this.clusters();
    return {
      seed: this.options.seed,
      speed: this.options.speed,
      autoRun: this.options.autoRun,
      clock: { now: new Date(now).toISOString(), simMs: Math.round(this.scheduler.now()) },
      clusters: this.world.clusters.map((c, i) => ({
        ...(listed[i] as FleetCluster),
        jobs: c.workloads().length,
        resourceVersion: String(c.store.resourceVersion()),
      })),
      removedClusters: this.world.removed.map((c) => ({
        id: c.id,
        displayName: c.name,
        region: c.info.region,
        env: c.info.env,
        state: 'unavailable',
      })),
      events: this.runner.applied,
      upcoming: this.runner.remaining.map((e) => ({ name: e.name, at: e.at })),
      knownEvents: Object.entries(EVENTS).map(([name, e]) => ({ name, description: e.description })),
      pending: this.scheduler.pending().filter((p) => p.tag !== 'rules' && p.tag !== 'cron'),
      people: PEOPLE,
      changes: this.world.changes.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
      alerts: this.alerts.firing().map((a) => ({
        labels: a.labels,
        startsAt: new Date(a.startsAt).toISOString(),
        fingerprint: a.fingerprint,
      })),
      faults: this.faults.list(),
      sessions: this.auth.sessionCount(),
    };
  }

  stop(): void {
    this.scheduler.stop();
  }
}

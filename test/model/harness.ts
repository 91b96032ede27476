/**
 * Runs a sequence of steps — people changing jobs, clusters coming and going, clocks moving, and
 * passes of the real watcher (lib/watcher.ts with the real adapters, over fake-indexeddb) under
 * every kind of fault — then compares what Tattler stored with the oracle (oracle.ts).
 *
 * Faults a pass can meet: every row of the fault table on a list or a discovery, a list that
 * lies (empty, or missing most jobs), a storage write that fails, and a pass that hangs while a
 * newer pass runs and then comes back (a worker killed mid-pass, a slow cluster). Clocks: each
 * cluster's own clock may be off; the browser's clock may jump forward or back.
 *
 * Assumption, stated where it is made: a home-grown manager, which cannot be asked about a job by
 * name, never lies twice in a row about one cluster — Tattler takes a job missing from two
 * consecutive complete lists as deleted, and nothing could tell a second identical lie from a
 * deletion.
 */
import type { Dexie } from 'dexie';
import { openDb, type TattlerDb } from '../../lib/db';
import { createHttp } from '../../lib/http';
import type { Change } from '../../lib/model';
import { unpaced } from '../../lib/pace';
import { type Settings, validateSettings } from '../../lib/settings';
import { readMemo, stillEmpty } from '../../lib/sources/kubernetes/memo';
import { adapterFor } from '../../lib/sources/registry';
import { allChanges } from '../../lib/store/changes';
import { runPass } from '../../lib/watcher';
import { type Attr, ClusterOracle, type Expected } from './oracle';
import {
  FAILING_FAULTS,
  FAMILIES,
  type Family,
  type Fault,
  type FetchControl,
  type ModelCluster,
  type ModelJob,
  type ModelReplicaSet,
  NOMAD_ACCESSOR,
  PEOPLE,
  pastOf,
  rollOut,
  rowKeyOf,
  type Served,
  tattlerClusterId,
  World,
  worldSettings,
} from './world';

export type Step =
  | { kind: 'spec'; cluster: number; job: number; person: number; what: 'image' | 'replicas' | 'both' }
  | {
      kind: 'burst';
      cluster: number;
      job: number;
      changes: Array<{ person: number; what: 'image' | 'replicas' | 'both' }>;
    }
  | { kind: 'health'; cluster: number; job: number }
  | { kind: 'delete'; cluster: number; job: number }
  | { kind: 'recreate'; cluster: number; job: number; person: number }
  | { kind: 'create'; cluster: number; person: number }
  | { kind: 'listing'; cluster: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'jump'; ms: number }
  | { kind: 'skew'; cluster: number; ms: number }
  | { kind: 'pass'; faults: PassFaults }
  | { kind: 'kill'; faultsA: PassFaults; between: Step[]; faultsB: PassFaults };

export interface PassFaults {
  /** By cluster index (mod the number of clusters), the fault of its list. */
  lists: Array<{ cluster: number; fault: Fault }>;
  /** By family index, a failing discovery. */
  discovery: Array<{ family: number; fault: Fault }>;
  /** A cluster whose commit fails with "quota exceeded". */
  writeFail?: number;
}

/** What one poll of a cluster was served: its list, and the ReplicaSets its history read. */
interface Seen {
  fault: Fault;
  listed: Set<string>;
  replicaSets?: ReadonlyMap<string, { uid: string; sets: readonly ModelReplicaSet[] }>;
}

export interface Scenario {
  /** Jobs per cluster at the start (by cluster index). */
  initial: number[];
  steps: Step[];
}

/** Paths each family records, by the model's attribute (paths not listed are not compared). */
const ATTR_OF: Record<Family, Record<string, Attr>> = {
  kubernetes: { 'containers[app].image': 'image', 'spec.replicas': 'replicas', health: 'health' },
  argocd: { images: 'image', 'source.helm.parameters': 'replicas', health: 'health' },
  nomad: {
    'taskgroups[web].tasks[app].image': 'image',
    'taskgroups[web].count': 'replicas',
    health: 'health',
  },
  generic: { image: 'image', replicas: 'replicas', health: 'health' },
};

/** The `revisionHistoryLimit`s the model's Deployments get, in turn. */
const HISTORY_LIMITS = [0, 1, 2, 10];

const actorName = (family: Family, person: string): string =>
  family === 'argocd'
    ? `${person}@example.com`
    : family === 'nomad'
      ? `token ${(NOMAD_ACCESSOR[person] ?? '').slice(0, 8)}`
      : person;

export class Harness {
  readonly world: World;
  readonly db: TattlerDb;
  private readonly settings: Settings;
  /** The true time of events; the browser's clock is this plus `jump`. */
  private trueNow = Date.parse('2026-12-01T09:00:00Z');
  private jump = 0;
  private readonly oracles = new Map<string, ClusterOracle>();
  /** Per family: clusters ever listed by discovery, and whether each is gone. */
  private readonly known = new Map<Family, Map<string, boolean>>();
  /** Per cluster: whether the last committed observation came from a lying list (generic). */
  private readonly lastLied = new Set<string>();
  /** Clusters whose observations span a browser clock set back: their actors are not judged. */
  private readonly setBack = new Set<string>();
  private readonly failingWrites = new Set<string>();
  private stepNo = 0;
  private jobSeq = 0;
  readonly log: string[] = [];

  constructor(name: string, scenario: Scenario) {
    this.world = new World(() => this.trueNow);
    const parsed = validateSettings(worldSettings());
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    this.settings = parsed.value;
    this.db = openDb(name);
    (this.db as Dexie).use({
      stack: 'dbcore',
      name: 'failing-writes',
      create: (down) => ({
        ...down,
        table: (table) => {
          const t = down.table(table);
          return {
            ...t,
            mutate: (req) => {
              const values = 'values' in req ? (req.values as Array<{ target?: string }>) : [];
              if (table === 'polls' && values.some((v) => v?.target && this.failingWrites.has(v.target))) {
                const error = new Error('The quota has been exceeded.');
                error.name = 'QuotaExceededError';
                return Promise.reject(error);
              }
              return t.mutate(req);
            },
          };
        },
      }),
    });
    scenario.initial.forEach((count, i) => {
      const family = FAMILIES[i % FAMILIES.length] as Family;
      const c: ModelCluster = {
        family,
        id: `${family.slice(0, 3)}-${i}`,
        listed: true,
        skewMs: 0,
        jobs: new Map(),
      };
      this.world.clusters.push(c);
      for (let n = 0; n < count; n++) this.createJob(c, PEOPLE[n % PEOPLE.length] as string);
      this.oracles.set(
        tattlerClusterId(c),
        new ClusterOracle(tattlerClusterId(c), family, (name) => rowKeyOf(family, name)),
      );
    });
  }

  private browserNow = () => this.trueNow + this.jump;

  private tick(ms = 2_000) {
    this.trueNow += ms;
  }

  private createJob(c: ModelCluster, person: string, name = `job-${++this.jobSeq}`) {
    const writes = this.nextWrite();
    const job = {
      name,
      uid: this.world.newUid(),
      version: 1,
      image: `registry.example.com/shop/${name}:1.0.0`,
      replicas: 2,
      health: 'healthy' as const,
      changedAt: this.trueNow,
      changedBy: person,
      writes,
      specIndex: writes,
    };
    // Deployments keep 0 to 10 old ReplicaSets (revisionHistoryLimit), so some forget soon.
    const historyLimit = HISTORY_LIMITS[this.jobSeq % HISTORY_LIMITS.length] as number;
    const replicaSets =
      c.family === 'kubernetes' ? rollOut([], job.image, person, this.trueNow, historyLimit) : [];
    c.jobs.set(name, { ...job, past: [pastOf(job)], replicaSets, historyLimit });
  }

  private writeSeq = 100;
  private nextWrite() {
    return ++this.writeSeq;
  }

  private pick<T>(list: T[], i: number): T | undefined {
    return list.length ? list[((i % list.length) + list.length) % list.length] : undefined;
  }

  private jobAt(cluster: number, job: number) {
    const c = this.pick(this.world.clusters, cluster) as ModelCluster;
    const names = [...c.jobs.keys()].sort();
    const name = this.pick(names, job);
    return { c, j: name ? c.jobs.get(name) : undefined };
  }

  /** Applies one step that changes the world (not a pass). */
  private mutate(step: Step): void {
    this.tick();
    switch (step.kind) {
      case 'spec': {
        const { c, j } = this.jobAt(step.cluster, step.job);
        if (!j) return;
        if (step.what !== 'replicas')
          j.image = j.image.replace(/:(\d+)\.0\.0$/, (_, v) => `:${Number(v) + 1}.0.0`);
        if (step.what !== 'image') j.replicas = j.replicas === 2 ? 3 : 2;
        j.version++;
        j.changedAt = this.trueNow;
        j.changedBy = PEOPLE[step.person % PEOPLE.length] as string;
        j.writes = this.nextWrite();
        j.specIndex = j.writes;
        j.past = [...j.past, pastOf(j)];
        if (c.family === 'kubernetes')
          j.replicaSets = rollOut(j.replicaSets, j.image, j.changedBy, this.trueNow, j.historyLimit);
        return;
      }
      case 'burst':
        for (const c of step.changes)
          this.mutate({ kind: 'spec', cluster: step.cluster, job: step.job, ...c });
        return;
      case 'health': {
        const { j } = this.jobAt(step.cluster, step.job);
        if (!j) return;
        j.health = j.health === 'healthy' ? 'degraded' : 'healthy';
        j.writes = this.nextWrite();
        return;
      }
      case 'delete': {
        const { c, j } = this.jobAt(step.cluster, step.job);
        if (j) c.jobs.delete(j.name);
        return;
      }
      case 'recreate': {
        const { c, j } = this.jobAt(step.cluster, step.job);
        if (!j) return;
        c.jobs.delete(j.name);
        this.createJob(c, PEOPLE[step.person % PEOPLE.length] as string, j.name);
        return;
      }
      case 'create': {
        const c = this.pick(this.world.clusters, step.cluster) as ModelCluster;
        if (c.jobs.size < 6) this.createJob(c, PEOPLE[step.person % PEOPLE.length] as string);
        return;
      }
      case 'listing': {
        const c = this.pick(this.world.clusters, step.cluster) as ModelCluster;
        c.listed = !c.listed;
        return;
      }
      case 'wait':
        this.tick(step.ms);
        return;
      case 'jump':
        if (step.ms < 0) for (const id of this.oracles.keys()) this.setBack.add(id);
        this.jump += step.ms;
        return;
      case 'skew': {
        const c = this.pick(this.world.clusters, step.cluster) as ModelCluster;
        // Argo CD's and Nomad's clusters are read through one server, whose clock they share.
        const shared = c.family === 'argocd' || c.family === 'nomad';
        const clusters = shared ? this.world.clusters.filter((x) => x.family === c.family) : [c];
        for (const x of clusters) x.skewMs = step.ms;
        return;
      }
      default:
        throw new Error(`not a mutation: ${step.kind}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Passes

  /** Which clusters a pass polls, per the discovery faults; updates what discovery has seen. */
  private targetsOf(faults: PassFaults): ModelCluster[] {
    const out: ModelCluster[] = [];
    FAMILIES.forEach((family, i) => {
      const known = this.known.get(family) ?? new Map<string, boolean>();
      this.known.set(family, known);
      const failed = faults.discovery.some((d) => d.family % FAMILIES.length === i);
      const clusters = this.world.clusters.filter((c) => c.family === family);
      if (failed) {
        // Discovery failed: the clusters remembered and not gone are polled.
        for (const c of clusters) if (known.get(c.id) === false) out.push(c);
        return;
      }
      for (const c of clusters) {
        if (c.listed) {
          known.set(c.id, false);
          out.push(c);
        } else if (known.has(c.id)) known.set(c.id, true);
      }
    });
    return out;
  }

  private faultOf(faults: PassFaults, c: ModelCluster): Fault {
    const argo = c.family === 'argocd';
    const index = this.world.clusters.indexOf(c);
    // Argo CD's one list serves every cluster: its fault is the first Argo CD cluster's.
    const key = argo ? this.world.clusters.findIndex((x) => x.family === 'argocd') : index;
    const n = this.world.clusters.length;
    let fault = faults.lists.find((l) => ((l.cluster % n) + n) % n === key)?.fault ?? 'none';
    // A manager that cannot be asked by name must not lie twice in a row (see the top of the file).
    if (c.family === 'generic' && fault.startsWith('lie') && this.lastLied.has(tattlerClusterId(c)))
      fault = 'none';
    return fault;
  }

  private control(faults: PassFaults, served: Served[], freeze?: Promise<void>): FetchControl {
    const byTarget = new Map<string, Fault>();
    for (const c of this.world.clusters) byTarget.set(tattlerClusterId(c), this.faultOf(faults, c));
    const argo = this.world.clusters.find((c) => c.family === 'argocd');
    if (argo) byTarget.set('list:argocd', this.faultOf(faults, argo));
    FAMILIES.forEach((family, i) => {
      const d = faults.discovery.find((x) => x.family % FAMILIES.length === i);
      if (d) byTarget.set(`discovery:${family}`, d.fault);
    });
    return {
      faultFor: (target) => byTarget.get(target) ?? 'none',
      onServed: (s) => served.push(s),
      ...(freeze ? { freeze } : {}),
      now: () => this.trueNow,
    };
  }

  private startPass(control: FetchControl) {
    return runPass({
      db: this.db,
      settings: this.settings,
      http: createHttp({ fetch: this.world.fetch(control), timeoutMs: 60_000 }),
      adapterFor,
      now: this.browserNow,
      pace: unpaced(this.settings),
    });
  }

  /** What each target's list showed: the truth when it was served, and the names it listed. */
  private observations(targets: ModelCluster[], served: Served[]) {
    const argo = served.find((s) => s.target === 'list:argocd');
    const out = new Map<ModelCluster, Seen>();
    for (const c of targets) {
      if (c.family === 'argocd') {
        const fault = argo?.fault ?? 'none';
        const listed = new Set(
          [...(argo?.listed ?? [])]
            .filter((k) => k.startsWith(`${c.id}/`))
            .map((k) => k.slice(c.id.length + 1)),
        );
        out.set(c, { fault, listed });
      } else {
        const s = served.find((x) => x.cluster === c);
        // The ReplicaSets as the poll read them (a hanging pass reads them after the world moved).
        const history = served.filter((x) => x.historyOf === c).pop()?.replicaSets;
        out.set(c, {
          fault: s?.fault ?? 'none',
          listed: new Set(s?.listed ?? []),
          ...(history ? { replicaSets: history } : {}),
        });
      }
    }
    return out;
  }

  /** Predicts which observations commit, applies them to the oracles, and returns their clusters. */
  private settle(
    targets: ModelCluster[],
    truths: Map<ModelCluster, Map<string, ModelJob>>,
    seen: Map<ModelCluster, Seen>,
    writeFail: ModelCluster | undefined,
    committedSince: Set<ModelCluster> | undefined,
  ): Set<ModelCluster> {
    const committed = new Set<ModelCluster>();
    for (const c of targets) {
      const id = tattlerClusterId(c);
      const o = seen.get(c);
      if (!o) throw new Error(`no list was served for ${id} at step ${this.stepNo}`);
      if (FAILING_FAULTS.includes(o.fault)) continue;
      if (c === writeFail) continue;
      if (committedSince?.has(c)) continue; // a newer poll committed meanwhile: this one is dropped
      const oracle = this.oracles.get(id) as ClusterOracle;
      const observation = {
        step: this.stepNo,
        truth: truths.get(c) as Map<string, ModelJob>,
        listed: o.listed,
        ...(o.replicaSets ? { replicaSets: o.replicaSets } : {}),
      };
      if (oracle.isCaughtLying(observation)) continue;
      oracle.commit(observation);
      committed.add(c);
      if (o.fault.startsWith('lie')) this.lastLied.add(id);
      else this.lastLied.delete(id);
    }
    return committed;
  }

  private async pass(faults: PassFaults): Promise<Set<ModelCluster>> {
    const targets = this.targetsOf(faults);
    const truths = new Map(targets.map((c) => [c, this.world.truth(c)]));
    const writeFail =
      faults.writeFail !== undefined ? this.pick(this.world.clusters, faults.writeFail) : undefined;
    if (writeFail) this.failingWrites.add(tattlerClusterId(writeFail));
    const served: Served[] = [];
    const skipping = new Set<ModelCluster>();
    for (const c of targets) if (c.family === 'kubernetes' && (await this.skipsEmptyKind(c))) skipping.add(c);
    const summary = await this.startPass(this.control(faults, served));
    for (const c of targets) {
      const asked = served.some((x) => x.cluster === c);
      if (c.family === 'kubernetes' && asked === skipping.has(c)) {
        throw new Error(
          `step ${this.stepNo}: ${tattlerClusterId(c)}'s list was ${asked ? 'asked for although' : 'not asked for unless'} its one kind was empty and nothing was stored`,
        );
      }
    }
    this.failingWrites.clear();
    if (writeFail && targets.includes(writeFail) && summary.storageError === undefined) {
      throw new Error(
        `step ${this.stepNo}: a failed write to ${tattlerClusterId(writeFail)} went unreported`,
      );
    }
    return this.settle(targets, truths, this.observations(targets, served), writeFail, undefined);
  }

  /** A pass that hangs after asking for its lists, while the world moves and a newer pass runs. */
  private async kill(step: Extract<Step, { kind: 'kill' }>): Promise<void> {
    // The hanging pass meets no lies (its GETs by name would ask later than its lists).
    const faultsA: PassFaults = {
      ...step.faultsA,
      lists: step.faultsA.lists.filter((l) => !l.fault.startsWith('lie')),
    };
    delete faultsA.writeFail;
    const targetsA = this.targetsOf(faultsA);
    const truthsA = new Map(targetsA.map((c) => [c, this.world.truth(c)]));
    let release: () => void = () => {};
    const freeze = new Promise<void>((r) => (release = r));
    const servedA: Served[] = [];
    const lists = await this.listsExpected(targetsA);
    const passA = this.startPass(this.control(faultsA, servedA, freeze));
    const listsServed = () =>
      servedA.filter((x) => !x.target.startsWith('discovery:') && !x.historyOf).length;
    for (let waited = 0; listsServed() < lists; waited += 5) {
      if (waited > 10_000)
        throw new Error(`step ${this.stepNo}: the hanging pass asked for ${listsServed()} of ${lists} lists`);
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const s of step.between) {
      if (s.kind === 'pass' || s.kind === 'kill') continue;
      // Not modelled: a Nomad job purged and registered again between the hanging pass's list
      // and its versions read. The adapter then fails that poll as partial (it used to lend the
      // new incarnation's newest version to the listed job; nomad/adapter.ts
      // assertSameIncarnation), so whatever the list showed of the old incarnation in that poll
      // (a health change, say) is not recorded, where this oracle would expect it.
      if (s.kind === 'recreate' && this.pick(this.world.clusters, s.cluster)?.family === 'nomad') continue;
      this.mutate(s);
    }
    this.tick();
    const committedByB = await this.pass(step.faultsB);
    release();
    await passA;
    this.settle(targetsA, truthsA, this.observations(targetsA, servedA), undefined, committedByB);
  }

  /**
   * How many lists a pass over `targets` asks for: one per cluster, Argo CD's one for all of its
   * clusters — but none for a Kubernetes cluster whose one kind was empty at its last poll and
   * where Tattler stores no job (lib/sources/kubernetes/memo.ts: not asked until its re-probe).
   */
  private async listsExpected(targets: ModelCluster[]): Promise<number> {
    let lists = targets.some((c) => c.family === 'argocd') ? 1 : 0;
    for (const c of targets) {
      if (c.family === 'argocd') continue;
      if (c.family === 'kubernetes' && (await this.skipsEmptyKind(c))) continue;
      lists++;
    }
    return lists;
  }

  private async skipsEmptyKind(c: ModelCluster): Promise<boolean> {
    const id = tattlerClusterId(c);
    const record = await this.db.clusters.get(id);
    if (record?.lastOkPoll === undefined) return false;
    const source = this.settings.sources.find((s) => s.id === record.sourceId);
    if (!source) return false;
    const memo = readMemo(record.memo, record.apiBase, source);
    const state = await this.db.states.get(id);
    return (
      Object.keys(state?.jobs ?? {}).length === 0 && stillEmpty(memo.lists.Deployment, this.browserNow())
    );
  }

  async run(steps: Step[]): Promise<void> {
    // The first pass sees every cluster: the baseline.
    await this.pass({ lists: [], discovery: [] });
    for (const step of steps) {
      this.stepNo++;
      this.log.push(
        `${this.stepNo} true=${this.trueNow} browser=${this.browserNow()} ${JSON.stringify(step)}`,
      );
      if (step.kind === 'pass') {
        this.tick();
        await this.pass(step.faults);
      } else if (step.kind === 'kill') {
        this.tick();
        await this.kill(step);
      } else this.mutate(step);
    }
  }

  /** Differences between what was stored and what the oracle expects; empty when they agree. */
  async compare(): Promise<string[]> {
    const stored = await allChanges(this.db);
    const problems: string[] = [];
    // An update says who made it: the person who made the last spec change in it.
    // It also says how many versions before it came and went unseen and unremembered.
    const keyOf = (
      clusterId: string,
      rowKey: string,
      type: string,
      attrs: readonly string[],
      by?: string,
      skipped?: number,
    ) =>
      `${clusterId} ${rowKey} ${type}${attrs.length ? ` [${[...attrs].sort().join(',')}]` : ''}${by ? ` by ${by}` : ''}${skipped ? ` skipped ${skipped}` : ''}`;
    const got = new Map<string, Change[]>();
    for (const c of stored) {
      const family = this.world.byTattlerId(c.clusterId)?.family;
      if (!family) {
        problems.push(`a change for an unknown cluster: ${c.id}`);
        continue;
      }
      const attrs = [
        ...new Set(c.fields.map((f) => ATTR_OF[family][f.path]).filter((a): a is Attr => a !== undefined)),
      ];
      const judged = c.type === 'updated' || c.type === 'status';
      const key = keyOf(
        c.clusterId,
        c.rowKey,
        c.type,
        judged ? attrs : [],
        c.type === 'updated' ? (c.actor?.name ?? '(nobody)') : undefined,
        c.skipped,
      );
      got.set(key, [...(got.get(key) ?? []), c]);
      if (c.type === 'updated' && c.actorStale && !this.setBack.has(c.clusterId)) {
        const skew = this.world.byTattlerId(c.clusterId)?.skewMs;
        problems.push(`${key}: the author's own change was called stale (cluster clock off by ${skew} ms)`);
      }
    }
    const want = new Map<string, Expected[]>();
    for (const oracle of this.oracles.values()) {
      const family = oracle.family;
      for (const e of oracle.expected) {
        const key = keyOf(
          e.clusterId,
          e.rowKey,
          e.type,
          e.attrs,
          e.type === 'updated' && e.by ? actorName(family, e.by) : undefined,
          e.skipped,
        );
        want.set(key, [...(want.get(key) ?? []), e]);
      }
    }
    for (const key of [...new Set([...got.keys(), ...want.keys()])].sort()) {
      const g = got.get(key) ?? [];
      const w = want.get(key) ?? [];
      if (g.length !== w.length) {
        problems.push(
          `${key}: stored ${g.length}, expected ${w.length} (at steps ${w.map((e) => e.step).join(', ') || '-'})`,
        );
      }
    }
    return problems;
  }
}

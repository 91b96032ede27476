/**
 * The simulated production: the clusters Rancher lists, each with its jobs and their past, and the
 * ground-truth log of every change made since. Built from the seed alone, so two worlds with the
 * same seed hold the same objects (apart from wall-clock timestamps).
 */
import { type Later, SimCluster } from '../k8s/cluster';
import { cronJobRun } from '../k8s/controllers';
import { namespaceObject } from '../k8s/objects';
import type { CronJob } from '../k8s/types';
import { createRng, type Rng } from '../sim/prng';
import { isBroken } from './breakage';
import {
  type By,
  type ChangeRecord,
  changeJob,
  createJob,
  setEnv,
  setImage,
  setResources,
  tagOf,
  withTag,
} from './operations';
import { HUMANS, type Tool } from './people';
import { type ClusterInfo, type JobDef, jobsFor, makeClusters, NAMESPACES } from './topology';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface WorldOptions {
  seed: number;
  clusters: number;
  later: Later;
}

/** An older version of a tag: `1.4.1` → `1.4.0`, `1.4.0` → `1.3.9`; unknown shapes stay. */
export function previousTag(tag: string): string {
  const m = /^(v?)(\d+)\.(\d+)\.(\d+)(.*)$/.exec(tag);
  if (!m) return tag;
  const [, v, maj, min, patch, rest] = m;
  const major = Number(maj);
  const minor = Number(min);
  const p = Number(patch);
  if (p > 0) return `${v}${major}.${minor}.${p - 1}${rest}`;
  if (minor > 0) return `${v}${major}.${minor - 1}.9${rest}`;
  return tag;
}

interface Step {
  at: number;
  run: () => void;
}

export class World {
  readonly seed: number;
  readonly clusters: SimCluster[] = [];
  readonly removed: SimCluster[] = [];
  readonly changes: ChangeRecord[] = [];
  private readonly later: Later;
  readonly log = (r: ChangeRecord): void => {
    this.changes.push(r);
  };

  constructor(options: WorldOptions) {
    this.seed = options.seed;
    this.later = options.later;
    const now = Date.now();
    for (const info of makeClusters(options.seed, options.clusters, now)) this.addCluster(info, now);
  }

  /** By Rancher id, display name, or Tattler's `source/id` form. */
  find(ref: string): SimCluster | undefined {
    const id = ref.includes('/') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
    return this.clusters.find((c) => c.id === id || c.name === ref || c.name === id);
  }

  findAny(ref: string): SimCluster | undefined {
    return this.find(ref) ?? this.removed.find((c) => c.id === ref || c.name === ref);
  }

  addCluster(info: ClusterInfo, now = Date.now(), fresh = false): SimCluster {
    const cluster = new SimCluster(info, { seed: this.seed, later: this.later, isBroken });
    this.buildHistory(cluster, now, fresh);
    this.clusters.push(cluster);
    return cluster;
  }

  removeCluster(ref: string): SimCluster | undefined {
    const cluster = this.find(ref);
    if (!cluster) return undefined;
    this.clusters.splice(this.clusters.indexOf(cluster), 1);
    this.removed.push(cluster);
    return cluster;
  }

  /** The CronJob controller: runs whose interval divides the simulated minute. */
  runCronJobs(simMinute: number): void {
    for (const cluster of this.clusters) {
      if (!cluster.reachable()) continue;
      for (const obj of cluster.store.list('cronjobs') as CronJob[]) {
        if (obj.spec.suspend) continue;
        const every = cronInterval(obj.spec.schedule);
        if (every !== undefined && simMinute % every === 0) {
          cronJobRun(
            cluster.store,
            cluster.workloadKey('CronJob', obj.metadata.namespace ?? '', obj.metadata.name),
            Date.now(),
            true,
          );
        }
      }
    }
  }

  /**
   * Writes each job's past into the cluster: created weeks ago by the pipeline, then a few
   * upgrades by people through various tools, oldest first so resourceVersions follow time.
   * A new cluster (`fresh`) instead gets everything deployed by the pipeline in the last minutes.
   */
  private buildHistory(cluster: SimCluster, now: number, fresh: boolean): void {
    const steps: Step[] = [];
    const nsAt = fresh ? now - 10 * MIN : cluster.info.createdAt + HOUR;
    steps.push({
      at: nsAt,
      run: () => {
        for (const ns of NAMESPACES)
          cluster.store.create(namespaceObject(ns), { manager: 'rancher', at: nsAt });
      },
    });
    for (const job of jobsFor(this.seed, cluster.info)) {
      const rng = createRng(this.seed).fork(`history:${cluster.name}:${job.namespace}/${job.name}`);
      steps.push(
        ...(fresh ? this.freshSteps(cluster, job, rng, now) : this.pastSteps(cluster, job, rng, now)),
      );
    }
    steps.sort((a, b) => a.at - b.at);
    for (const step of steps) cluster.writeHistory(step.at, step.run);
    // CronJobs have run recently.
    for (const cj of cluster.store.list('cronjobs') as CronJob[]) {
      const every = cronInterval(cj.spec.schedule) ?? 24 * 60;
      const last = now - (now % (every * MIN)) - (every >= 24 * 60 ? 3 * HOUR : 0);
      cronJobRun(
        cluster.store,
        cluster.workloadKey('CronJob', cj.metadata.namespace ?? '', cj.metadata.name),
        last,
        true,
      );
    }
  }

  private freshSteps(cluster: SimCluster, job: JobDef, rng: Rng, now: number): Step[] {
    const at = now - rng.int(60, 8 * 60) * 1000;
    return [{ at, run: () => createJob(cluster, job, { person: 'ci-bot', tool: 'argocd' }, this.log) }];
  }

  private pastSteps(cluster: SimCluster, job: JobDef, rng: Rng, now: number): Step[] {
    const steps: Step[] = [];
    const bumps = rng.int(1, 3);
    const finalImage = job.containers[0]?.image ?? '';
    const tags = [tagOf(finalImage)];
    for (let i = 0; i < bumps; i++) tags.unshift(previousTag(tags[0] ?? ''));
    const created = now - rng.int(20, 120) * DAY - rng.int(0, 23) * HOUR;
    const initial: JobDef = {
      ...job,
      containers: job.containers.map((c, i) =>
        i === 0 ? { ...c, image: withTag(c.image, tags[0] ?? '') } : c,
      ),
    };
    steps.push({
      at: created,
      run: () =>
        createJob(cluster, initial, { person: 'ci-bot', tool: 'helm', cause: 'initial install' }, this.log),
    });
    const target = { kind: job.kind, namespace: job.namespace, name: job.name };
    // Upgrades between creation and a little while ago, newest last.
    const span = now - 30 * MIN - created;
    const times = Array.from({ length: bumps }, () => created + rng.int(1, 1000) * (span / 1000)).sort(
      (a, b) => a - b,
    );
    times.forEach((at, i) => {
      const tag = tags[i + 1] ?? '';
      const by = this.pastActor(job, rng);
      const cause = rng.chance(0.4) ? `upgrade ${job.name} to ${tag}` : undefined;
      steps.push({
        at,
        run: () =>
          changeJob(
            cluster,
            target,
            { ...by, ...(cause ? { cause } : {}) },
            `image → ${tag}`,
            setImage(withTag(finalImage, tag)),
            this.log,
          ),
      });
    });
    const last = times[times.length - 1] ?? created;
    // Some jobs were tuned by hand since: the stamped annotation is stale from the start.
    if (job.partOf === 'shop' && rng.chance(0.12)) {
      const at = last + rng.int(5, 60) * MIN;
      const person = rng.pick(HUMANS);
      if (at < now - 5 * MIN) {
        steps.push({
          at,
          run: () => {
            changeJob(
              cluster,
              target,
              { person, tool: 'kubectl-edit' },
              'LOG_LEVEL → debug',
              setEnv('LOG_LEVEL', 'debug'),
              this.log,
            );
          },
        });
      }
    } else if (rng.chance(0.1)) {
      const at = last + rng.int(5, 120) * MIN;
      if (at < now - 5 * MIN) {
        const by = this.pastActor(job, rng);
        steps.push({
          at,
          run: () => {
            changeJob(cluster, target, by, 'resources → 500m/512Mi', setResources('500m', '512Mi'), this.log);
          },
        });
      }
    }
    return steps;
  }

  private pastActor(job: JobDef, rng: Rng): By {
    if (job.partOf !== 'shop') return { person: 'ci-bot', tool: 'argocd' };
    const person = rng.chance(0.3) ? 'ci-bot' : rng.pick(HUMANS);
    const tools: Tool[] =
      person === 'ci-bot' ? ['argocd', 'helm'] : ['helm', 'helm', 'argocd', 'kubectl-apply'];
    return { person, tool: rng.pick(tools) };
  }
}

// Minutes between runs for the simple schedules the fleet uses (every N minutes, hourly).
export function cronInterval(schedule: string): number | undefined {
  const every = /^\*\/(\d+) \* \* \* \*$/.exec(schedule);
  if (every) return Number(every[1]);
  if (/^\d+ \* \* \* \*$/.test(schedule)) return 60;
  return undefined;
}

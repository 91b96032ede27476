/**
 * Runs the scenario: applies named events (from the schedule, or by hand through the control
 * API), counts each event's applications so repeated ones vary deterministically, and records
 * what was applied. With autoRun the schedule advances itself on the simulated clock; `advance`
 * pulls the next scheduled event forward, keeping the gaps between the remaining ones.
 */

import { createRng } from '../sim/prng';
import type { Scheduler } from '../sim/scheduler';
import { EVENTS } from './events';
import type { ArgoCdPeer, ForgePeer } from './gitops';
import { DEFAULT_SCHEDULE, type ScheduledEvent } from './schedule';
import type { World } from './world';

export interface AppliedEvent {
  name: string;
  cluster?: string;
  /** Wall-clock ISO time and simulated ms since start when it was applied. */
  at: string;
  sim: number;
  source: 'schedule' | 'control';
  lines: string[];
}

export interface RunnerOptions {
  scheduler: Scheduler;
  getWorld: () => World;
  log: (line: string) => void;
  expireSessions: () => number;
  /** The Argo CD deploying into the fleet, when one is connected. */
  argocd?: () => ArgoCdPeer | undefined;
  /** Forge deploying into the fleet, when one is connected. */
  forge?: () => ForgePeer | undefined;
  schedule?: readonly ScheduledEvent[];
}

export class ScenarioRunner {
  readonly applied: AppliedEvent[] = [];
  private readonly counts = new Map<string, number>();
  private next = 0;
  private armed: number | undefined;
  private readonly schedule: readonly ScheduledEvent[];

  constructor(private readonly options: RunnerOptions) {
    this.schedule = options.schedule ?? DEFAULT_SCHEDULE;
  }

  get remaining(): ScheduledEvent[] {
    return this.schedule.slice(this.next);
  }

  /** Starts the self-running schedule from its current position. */
  start(): void {
    this.arm(this.schedule[this.next]?.at ?? 0);
  }

  stop(): void {
    if (this.armed !== undefined) this.options.scheduler.cancel(this.armed);
    this.armed = undefined;
  }

  /** Applies an event by name now. Throws on an unknown event or cluster. */
  apply(name: string, clusterRef?: string, source: AppliedEvent['source'] = 'control'): AppliedEvent {
    const def = EVENTS[name];
    if (!def) throw new Error(`unknown event "${name}"; known: ${Object.keys(EVENTS).join(', ')}`);
    const world = this.options.getWorld();
    const cluster = clusterRef === undefined ? undefined : world.find(clusterRef);
    if (clusterRef !== undefined && !cluster) throw new Error(`unknown cluster "${clusterRef}"`);
    const occurrence = this.counts.get(name) ?? 0;
    this.counts.set(name, occurrence + 1);
    const record: AppliedEvent = {
      name,
      ...(cluster ? { cluster: cluster.name } : {}),
      at: new Date().toISOString(),
      sim: Math.round(this.options.scheduler.now()),
      source,
      lines: [],
    };
    const log = (line: string) => {
      record.lines.push(line);
      this.options.log(line);
    };
    def.run(
      {
        world,
        rng: createRng(world.seed).fork(`event:${name}:${occurrence}`),
        occurrence,
        later: (delay, label, step) => this.options.scheduler.at(delay, 'scenario', label, step),
        log,
        expireSessions: this.options.expireSessions,
        argocd: () => this.options.argocd?.(),
        forge: () => this.options.forge?.(),
      },
      cluster ? { cluster } : {},
    );
    this.applied.push(record);
    return record;
  }

  /** Runs the next `steps` scheduled events now. */
  advance(steps = 1): AppliedEvent[] {
    const out: AppliedEvent[] = [];
    const wasArmed = this.armed !== undefined;
    this.stop();
    for (let i = 0; i < steps && this.next < this.schedule.length; i++) out.push(this.runNext());
    if (wasArmed) this.armAfterCurrent();
    return out;
  }

  private runNext(): AppliedEvent {
    const entry = this.schedule[this.next] as ScheduledEvent;
    this.next += 1;
    return this.apply(entry.name, undefined, 'schedule');
  }

  private armAfterCurrent(): void {
    const prev = this.schedule[this.next - 1];
    const upcoming = this.schedule[this.next];
    if (!upcoming) return;
    this.arm(upcoming.at - (prev?.at ?? 0));
  }

  private arm(delaySec: number): void {
    const upcoming = this.schedule[this.next];
    if (!upcoming) return;
    this.armed = this.options.scheduler.at(delaySec * 1000, 'scenario', `schedule: ${upcoming.name}`, () => {
      this.armed = undefined;
      this.runNext();
      this.armAfterCurrent();
    });
  }
}

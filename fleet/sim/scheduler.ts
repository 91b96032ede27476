/**
 * Simulated time. The scenario's schedule, the controllers' convergence and the alert rules all
 * run on one clock that can run `speed` times faster than the wall clock and can be jumped ahead
 * (`advance`) by tests. Timestamps written into objects stay real wall-clock times: only the
 * schedule is compressed, the clock never lies to the extension.
 */

export type TaskTag = 'scenario' | 'controller' | 'rules' | 'cron';

interface Task {
  id: number;
  due: number;
  seq: number;
  tag: TaskTag;
  label: string;
  run: () => void;
  /** Set for recurring tasks: the simulated interval. */
  every?: number;
}

export interface SchedulerOptions {
  speed: number;
  /** Reports a task that threw; the simulation goes on. */
  onError?: (label: string, error: unknown) => void;
}

export class Scheduler {
  readonly speed: number;
  private readonly startWall = Date.now();
  /** Simulated milliseconds added by `advance`. */
  private skew = 0;
  private tasks: Task[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {
    if (!(options.speed > 0)) throw new Error(`speed must be > 0, got ${options.speed}`);
    this.speed = options.speed;
  }

  /** Simulated milliseconds since the scheduler started. */
  now(): number {
    return (Date.now() - this.startWall) * this.speed + this.skew;
  }

  /** Runs `run` after `delay` simulated milliseconds. Returns an id for `cancel`. */
  at(delay: number, tag: TaskTag, label: string, run: () => void): number {
    return this.add({ due: this.now() + Math.max(0, delay), tag, label, run });
  }

  /** Runs `run` every `interval` simulated milliseconds, first after one interval. */
  every(interval: number, tag: TaskTag, label: string, run: () => void): number {
    return this.add({ due: this.now() + interval, tag, label, run, every: interval });
  }

  cancel(id: number): void {
    this.tasks = this.tasks.filter((t) => t.id !== id);
    this.arm();
  }

  cancelTag(tag: TaskTag): void {
    this.tasks = this.tasks.filter((t) => t.tag !== tag);
    this.arm();
  }

  pending(tag?: TaskTag): { label: string; tag: TaskTag; inMs: number }[] {
    const now = this.now();
    return this.tasks
      .filter((t) => tag === undefined || t.tag === tag)
      .map((t) => ({ label: t.label, tag: t.tag, inMs: Math.max(0, t.due - now) }));
  }

  /** Jumps simulated time ahead, running everything that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.now() + ms;
    // Step from task to task so that tasks scheduled by earlier tasks also run in order.
    for (;;) {
      const next = this.tasks[0];
      if (!next || next.due > target) break;
      this.skew += Math.max(0, next.due - this.now());
      this.runDue();
    }
    this.skew += Math.max(0, target - this.now());
    this.runDue();
  }

  /**
   * Runs every pending task with one of `tags` now, earliest first, including ones those tasks
   * schedule (bounded, so a recurring task cannot loop forever).
   */
  flush(tags: TaskTag[]): void {
    for (let guard = 0; guard < 10_000; guard++) {
      const task = this.tasks.find((t) => tags.includes(t.tag) && t.every === undefined);
      if (!task) break;
      this.remove(task);
      this.execute(task);
    }
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.tasks = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private add(spec: Omit<Task, 'id' | 'seq'>): number {
    if (this.stopped) return -1;
    const task: Task = { ...spec, id: ++this.seq, seq: this.seq };
    this.tasks.push(task);
    this.tasks.sort((a, b) => a.due - b.due || a.seq - b.seq);
    this.arm();
    return task.id;
  }

  private remove(task: Task): void {
    const i = this.tasks.indexOf(task);
    if (i >= 0) this.tasks.splice(i, 1);
  }

  private execute(task: Task): void {
    try {
      task.run();
    } catch (error) {
      this.options.onError?.(task.label, error);
    }
    if (task.every !== undefined && !this.stopped) {
      this.add({
        due: task.due + task.every,
        tag: task.tag,
        label: task.label,
        run: task.run,
        every: task.every,
      });
    }
  }

  private runDue(): void {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const next = this.tasks[0];
        if (!next || next.due > this.now()) break;
        this.tasks.shift();
        this.execute(next);
      }
    } finally {
      this.running = false;
    }
    this.arm();
  }

  /** One real timer for the earliest task; re-armed whenever the task list changes. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.tasks[0];
    if (!next || this.stopped || this.running) return;
    const realDelay = Math.max(0, (next.due - this.now()) / this.speed);
    // Node caps timers at ~24.8 days; the simulation never needs that long.
    this.timer = setTimeout(() => this.runDue(), Math.min(realDelay, 2 ** 31 - 1));
    // A pending simulated event must not keep a test process (or the CLI after SIGINT) alive.
    this.timer.unref();
  }
}

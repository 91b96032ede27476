/**
 * The fidelity test's oracle: what a perfect observer, polling at the moments Tattler's polls
 * were committed, should have recorded — written plainly and separately from lib/diff.ts.
 *
 * Per cluster it keeps what Tattler should be storing (each job as last seen, and whether a list
 * has left it out once), and turns each committed observation into the transitions it shows:
 * created, deleted (at once where the API can be asked by name; at the second list that leaves
 * it out where it cannot), updated (image, replicas, version) or status (health turning
 * degraded or back). The expectations are semantic — which job, what kind, which attributes —
 * plus who made an update, so the comparison does not depend on ids, paths or windows.
 */
import { ARGO_HISTORY_LIMIT, type Family, type ModelJob, type PastSpec } from './world';

export type Attr = 'image' | 'replicas' | 'health';

export interface Expected {
  clusterId: string;
  rowKey: string;
  type: 'created' | 'updated' | 'deleted' | 'status';
  attrs: Attr[];
  /** For an update: the person who made the last spec change in it. */
  by?: string;
  /** The observation committed at this test step (for messages). */
  step: number;
}

interface Stored {
  job: ModelJob;
  /** A list left it out once; a second time makes it deleted (families without a GET by name). */
  missing: boolean;
}

export interface Observation {
  step: number;
  /** The true jobs when the list was served, by name. */
  truth: ReadonlyMap<string, ModelJob>;
  /** The names the list answered with. */
  listed: ReadonlySet<string>;
}

/** Families whose API answers a GET by name (lib/sources/*: confirmGone). */
export const CONFIRMABLE: ReadonlySet<Family> = new Set(['kubernetes', 'argocd', 'nomad']);
/** Families whose version number Tattler compares (generation, history id, Nomad Version). */
const VERSIONED: ReadonlySet<Family> = new Set(['kubernetes', 'argocd', 'nomad']);

export class ClusterOracle {
  private stored = new Map<string, Stored>();
  private baselined = false;
  readonly expected: Expected[] = [];

  constructor(
    readonly clusterId: string,
    readonly family: Family,
    private readonly rowKey: (name: string) => string,
  ) {}

  /**
   * Whether a poll that listed `listed` is caught lying: a job Tattler stores, which still exists,
   * is missing from the list, and the API can be asked about it by name.
   */
  isCaughtLying(o: Observation): boolean {
    if (!this.baselined || !CONFIRMABLE.has(this.family)) return false;
    return [...this.stored.keys()].some((name) => !o.listed.has(name) && o.truth.has(name));
  }

  /**
   * The versions of a job its platform still remembers, as Tattler reads them: Argo CD's
   * `status.history` (the last 10 syncs, which know the revision and Helm parameters — here the
   * replicas — but not the images). Other families' histories are not modelled yet.
   */
  private remembered(job: ModelJob): readonly PastSpec[] {
    return this.family === 'argocd' ? job.past.slice(-ARGO_HISTORY_LIMIT) : [];
  }

  /** Applies one committed observation. */
  commit(o: Observation): void {
    const add = (type: Expected['type'], name: string, attrs: Attr[] = [], by?: string) =>
      this.expected.push({
        clusterId: this.clusterId,
        rowKey: this.rowKey(name),
        type,
        attrs,
        step: o.step,
        ...(by ? { by } : {}),
      });
    if (!this.baselined) {
      this.baselined = true;
      for (const name of o.listed) {
        const job = o.truth.get(name);
        if (!job) continue;
        this.stored.set(name, { job, missing: false });
        // History from day zero: every remembered version whose previous one is remembered too.
        const remembered = this.remembered(job);
        for (let i = 1; i < remembered.length; i++) {
          const v = remembered[i] as PastSpec;
          const prev = remembered[i - 1] as PastSpec;
          add('updated', name, v.replicas !== prev.replicas ? ['replicas'] : [], v.changedBy);
        }
      }
      return;
    }
    for (const name of o.listed) {
      const now = o.truth.get(name) as ModelJob;
      const before = this.stored.get(name)?.job;
      this.stored.set(name, { job: now, missing: false });
      if (!before) {
        add('created', name);
        continue;
      }
      if (before.uid !== now.uid) {
        add('deleted', name);
        add('created', name);
        continue;
      }
      // Versions in between that the platform still remembers: each its own change, recovered.
      let replicasBefore = before.replicas;
      for (const v of this.remembered(now)) {
        if (v.version <= before.version || v.version >= now.version) continue;
        add('updated', name, v.replicas !== replicasBefore ? ['replicas'] : [], v.changedBy);
        replicasBefore = v.replicas;
      }
      const attrs: Attr[] = [];
      if (before.image !== now.image) attrs.push('image');
      if (replicasBefore !== now.replicas) attrs.push('replicas');
      const versionMoved = VERSIONED.has(this.family) && now.version > before.version;
      const healthFlip = before.health !== now.health;
      if (attrs.length || versionMoved) {
        if (healthFlip) attrs.push('health');
        add('updated', name, attrs, now.changedBy);
      } else if (healthFlip) add('status', name, ['health']);
    }
    for (const [name, s] of [...this.stored]) {
      if (o.listed.has(name)) continue;
      if (CONFIRMABLE.has(this.family) || s.missing) {
        // Asked by name (404), or left out by a second list in a row.
        add('deleted', name);
        this.stored.delete(name);
      } else {
        s.missing = true;
      }
    }
  }
}

/**
 * The fidelity test's oracle: what a perfect observer, polling at the moments Tattler's polls
 * were committed, should have recorded — written plainly and separately from lib/diff.ts.
 *
 * Per cluster it keeps what Tattler should be storing (each job as last seen, and whether a list
 * has left it out once), and turns each committed observation into the transitions it shows:
 * created, deleted (at once where the API can be asked by name; at the second list that leaves
 * it out where it cannot), updated (image, replicas, version) or status (health turning
 * degraded or back). The expectations are semantic — which job, what kind, which attributes —
 * plus who made an update and how many versions before it went unseen and unremembered
 * (`skipped`), so the comparison does not depend on ids, paths or windows.
 *
 * Versions between two polls that the platform still remembers (Argo CD's status.history, a
 * Deployment's ReplicaSets) are expected once each, recovered, with their own author; the live
 * update covers only the last step.
 */
import {
  ARGO_HISTORY_LIMIT,
  type Family,
  type ModelJob,
  type ModelReplicaSet,
  NOMAD_TRACKED_VERSIONS,
  type PastSpec,
  revisionOf,
} from './world';

export type Attr = 'image' | 'replicas' | 'health';

export interface Expected {
  clusterId: string;
  rowKey: string;
  type: 'created' | 'updated' | 'deleted' | 'status';
  attrs: Attr[];
  /** For an update: the person who made the last spec change in it. */
  by?: string;
  /** For an update: versions before it that came and went unseen, and no history remembers. */
  skipped?: number;
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
  /**
   * Kubernetes: the ReplicaSets the poll's history read was served, by Deployment name, with the
   * uid of the Deployment they belonged to then (absent when no history was read).
   */
  replicaSets?: ReadonlyMap<string, { uid: string; sets: readonly ModelReplicaSet[] }>;
}

/** One version between two polls that the platform still remembers: a recovered update. */
interface Remembered {
  attrs: Attr[];
  by: string;
  /** Versions just before it that the platform had already forgotten. */
  skipped: number;
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
   * replicas — but not the images), and Nomad's tracked versions (the last 6, which know both).
   * A Deployment's ReplicaSets are read in `between`.
   */
  private remembered(job: ModelJob): readonly PastSpec[] {
    if (this.family === 'argocd') return job.past.slice(-ARGO_HISTORY_LIMIT);
    if (this.family === 'nomad') return job.past.slice(-NOMAD_TRACKED_VERSIONS);
    return [];
  }

  /**
   * The versions strictly between `before` and `now` that the platform remembers, each a recovered
   * update, and how many versions they account for (themselves, and the forgotten ones before
   * each): Argo CD's syncs by history id; a Deployment's pod-template revisions by ReplicaSet —
   * a replicas-only change makes no revision, so it is never recovered, and counts as skipped.
   */
  private between(
    name: string,
    before: ModelJob,
    now: ModelJob,
    o: Observation,
  ): { recovered: Remembered[]; accounted: number; replicas: number; image: string } {
    const out = {
      recovered: [] as Remembered[],
      accounted: 0,
      replicas: before.replicas,
      image: before.image,
    };
    let last: number;
    if (this.family === 'kubernetes') {
      // The ReplicaSets as read; before any read, as they are (no read means none was needed).
      const read = o.replicaSets ? o.replicaSets.get(name) : { uid: now.uid, sets: now.replicaSets };
      const sets = read?.uid === now.uid ? read.sets : [];
      last = revisionOf(before);
      for (const rs of sets) {
        if (rs.revision <= revisionOf(before) || rs.revision >= revisionOf(now)) continue;
        const skipped = rs.revision - last - 1;
        out.recovered.push({ attrs: ['image'], by: rs.changedBy, skipped });
        out.accounted += 1 + skipped;
        last = rs.revision;
      }
      return out;
    }
    // Argo CD's history knows no images; Nomad's versions know images and counts.
    const knowsImages = this.family === 'nomad';
    last = before.version;
    for (const v of this.remembered(now)) {
      if (v.version <= before.version || v.version >= now.version) continue;
      const skipped = v.version - last - 1;
      const attrs: Attr[] = [];
      if (knowsImages && v.image !== out.image) attrs.push('image');
      if (v.replicas !== out.replicas) attrs.push('replicas');
      out.recovered.push({ attrs, by: v.changedBy, skipped });
      out.accounted += 1 + skipped;
      out.replicas = v.replicas;
      if (knowsImages) out.image = v.image;
      last = v.version;
    }
    return out;
  }

  /** Applies one committed observation. */
  commit(o: Observation): void {
    const add = (type: Expected['type'], name: string, attrs: Attr[] = [], by?: string, skipped = 0) =>
      this.expected.push({
        clusterId: this.clusterId,
        rowKey: this.rowKey(name),
        type,
        attrs,
        step: o.step,
        ...(by ? { by } : {}),
        ...(skipped > 0 ? { skipped } : {}),
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
      const past = this.between(name, before, now, o);
      for (const r of past.recovered) add('updated', name, r.attrs, r.by, r.skipped);
      const attrs: Attr[] = [];
      if (past.image !== now.image) attrs.push('image');
      if (past.replicas !== now.replicas) attrs.push('replicas');
      const versionMoved = VERSIONED.has(this.family) && now.version > before.version;
      const healthFlip = before.health !== now.health;
      if (attrs.length || versionMoved) {
        if (healthFlip) attrs.push('health');
        // The versions in between neither a poll saw nor a history remembers.
        const skipped = versionMoved ? now.version - before.version - 1 - past.accounted : 0;
        add('updated', name, attrs, now.changedBy, skipped);
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

/**
 * The answer content scripts receive for the subjects on a page (the wire format of the
 * `correlate` message): per subject what was looked for, the ranked changes and the blind
 * spots, and the headline its badge shows before it is opened; the changes themselves once
 * each, as lib/change-view.ts shows them. Types, and the headline's text, only: the content
 * script and the badge import this, never how the answer is made (answer.ts).
 */
import type { ChangeView } from '../change-view';
import type { HeatLevel, MARKS } from '../heat/scale';
import { durationText } from '../time-text';
import type { RankedChange, Relation, Timing } from './rank';
import type { Unseen } from './sight';

export type Mark = keyof typeof MARKS;

/** What the badge shows before it is opened. */
export interface Headline {
  /** Changes before the alert started (alerts) or within the window (consoles). */
  count: number;
  /** Changes after the alert started: shown, not counted as a cause. */
  afterCount: number;
  level: HeatLevel;
  /** The cell's character: a mark or the count. */
  glyph: string;
  mark?: Mark;
  /** Of the top-ranked change. */
  offsetMs?: number;
  timing?: Timing;
  actor?: string;
  relation?: Relation;
}

/** A cluster Tattler could not see for part of the subject's window (lib/correlate/sight.ts). */
export interface BlindSpot extends Unseen {
  clusterId: string;
  clusterName: string;
}

/** Something the subject names that Tattler does not watch: a job there, a job at all, or a cluster. */
export interface NotWatched {
  job?: string;
  cluster?: string;
}

export interface SubjectResult {
  key: string;
  /**
   * A badge is shown: the subject names a job Tattler watches where it names it (or, naming no
   * job, a cluster it watches) — or changes were found that may explain it (the named job
   * elsewhere, other jobs in the named cluster). No badge otherwise: no claim is made about
   * what Tattler does not watch.
   */
  watched: boolean;
  /**
   * What "nothing changed" speaks for: the clusters where a named job is watched (within the
   * named clusters, when the subject names any), or the named clusters when it names no job.
   * Empty: the answer may show changes, but claims nothing.
   */
  covered: { id: string; name: string }[];
  /** What the subject names that Tattler does not watch, said in the popover and the note. */
  notWatched: NotWatched[];
  mode: 'alert' | 'console';
  looked: {
    jobs: string[];
    namespace?: string;
    kind?: string;
    /** Cluster values as the page named them. */
    clusterLabels: string[];
    clusters: { id: string; name: string }[];
    from: number;
    to: number;
    startsAt?: number;
  };
  ranked: RankedChange[];
  /** All matching changes, before the limit. */
  total: number;
  headline: Headline;
  blind: BlindSpot[];
  /** On the summary of a group of alerts (a collapsed group's header): how many alerts it covers. */
  alerts?: number;
}

export interface CorrelateAnswer {
  generatedAt: number;
  results: SubjectResult[];
  changes: Record<string, ChangeView>;
}

/** The badge's visible text: "2 changes · 4 min before · alice". */
export function headlineText(h: Headline): string {
  if (h.count === 0) return h.afterCount > 0 ? `${h.afterCount} after` : '';
  const parts = [`${h.count} ${h.count === 1 ? 'change' : 'changes'}`];
  if (h.offsetMs !== undefined) {
    if (h.timing === 'ago') parts.push(`${durationText(h.offsetMs)} ago`);
    else parts.push(`${durationText(h.offsetMs)} ${h.offsetMs < 0 ? 'after' : 'before'}`);
  }
  if (h.actor) parts.push(h.actor);
  return parts.join(' · ');
}

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

export interface BlindSpot {
  clusterId: string;
  clusterName: string;
  /** How long polls of that cluster failed within the subject's window. */
  ms: number;
}

export interface SubjectResult {
  key: string;
  /** The subject names a job or cluster we watch. No badge otherwise. */
  watched: boolean;
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

/**
 * The shape of a page integration (one file per third-party page in lib/pages/, listed in
 * registry.ts). An integration only reads the page: it says where it applies, what the page
 * names, and where a badge goes. The runtime (runtime.ts) does the rest: marking, batching,
 * asking the background, mounting badges.
 */
import type { ChangeView } from '../change-view';
import type { LabelMapping } from '../correlate/identity';
import type { SubjectResult } from '../correlate/wire';

export type IntegrationKind = 'alerts' | 'console' | 'text';

/** One alert of a group the page shows as a single element. */
export interface GroupMember {
  labels: Record<string, string>;
  startsAt?: number;
}

/** What a page shows of a group of alerts it folds into one element (a collapsed group's header). */
export interface FoundGroup {
  /** How many alerts the page says the group holds ("3 alerts"), when it says. */
  size?: number;
  /** The group's alerts when the page holds them (hidden rows); else `enrich` fills them in. */
  members?: GroupMember[];
  /** What else tells the group apart on the page, for `enrich` to find it in the API (its receiver). */
  match?: Record<string, string>;
}

/** One thing on the page that may name a watched job: an alert, a job row, a job page. */
export interface FoundSubject {
  /** The element that stands for it (an alert's list item, a table row). Annotated once. */
  element: Element;
  /** Alert labels as the page shows them, or reserved `tattler/*` keys (lib/correlate/identity.ts). */
  labels: Record<string, string>;
  /** When the alert started (epoch ms); absent on consoles. */
  startsAt?: number;
  /** The page could not show everything (labels hidden as common, no start time): enrich. */
  partial?: boolean;
  /**
   * The element stands for a group of alerts (`labels` are the group's): its badge sums up the
   * members' changes. Without `members`, `enrich` must find them.
   */
  group?: FoundGroup;
  /** Where the badge goes, relative to `anchor`. */
  anchor: Element;
  placement: 'append' | 'after' | 'prepend' | 'before';
}

/** Finds job names in free text (the generic integration). */
export interface NameMatcher {
  /** Watched job names found in `text`, in order of appearance, each once. */
  find(text: string): string[];
}

export interface FindContext {
  url: URL;
  labels: LabelMapping;
  now: number;
  /** Present when the background told us which jobs are watched. */
  watched?: NameMatcher;
}

export interface EnrichContext {
  url: URL;
  doc: Document;
  /** Same-origin GET returning parsed JSON; rejects on anything else. */
  fetchJson(url: string): Promise<unknown>;
}

export interface PageIntegration {
  /** The key in settings.pages: lowercase letters, digits and dashes. */
  id: string;
  name: string;
  kind: IntegrationKind;
  /**
   * Runs where the manifest's own content script runs — the demo build's loopback pages (the
   * demo fleet) — as well as on the origins the user lists. False: only where the user lists it.
   * The store build declares no content script, so there this changes nothing.
   */
  onLoopback: boolean;
  /** The URL looks like one of this app's pages (path, hash). Origins are checked elsewhere. */
  matches(url: URL): boolean;
  /** The document really is this app (cheap; runs on every scan). */
  detect(doc: Document): boolean;
  /** What the page names. Must not change the page. */
  find(doc: Document, ctx: FindContext): FoundSubject[];
  /**
   * Fill in what the page lacks (start times, hidden labels, a collapsed group's alerts), e.g.
   * from the same origin's API.
   */
  enrich?(subjects: FoundSubject[], ctx: EnrichContext): Promise<void>;
  /**
   * The page shows nothing to annotate on purpose (no alerts, still loading, an error message):
   * finding nothing here is not a sign of changed markup.
   */
  nothingToShow?(doc: Document): boolean;
  /** Needs the list of watched job names (asks the background once). */
  needsWatchedNames?: boolean;
}

/** What a badge shows: the background's answer for one subject. */
export interface BadgeData {
  result: SubjectResult;
  /** The changes `result.ranked` refers to. */
  changes: Record<string, ChangeView>;
  /** The integration's name, for the popover's heading. */
  source: string;
  /** The labels of the alert (or group) that matter in an incident note (lib/incident-note.ts noteLabels). */
  labels?: Record<string, string>;
  /** The page the badge is on, for the incident note. */
  pageUrl?: string;
}

export interface BadgeHandle {
  update(data: BadgeData): void;
  destroy(): void;
}

/** Renders a badge into an empty host element (components/badge). */
export type MountBadge = (host: HTMLElement, data: BadgeData) => BadgeHandle;

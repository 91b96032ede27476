/**
 * What a badge says, in words: its accessible name, its popover's heading, what was looked for,
 * what Tattler could not see or does not watch, a rollout's title. The badge (components/badge)
 * and the incident note (lib/incident-note.ts) both say it with these, so the note says what the
 * popover says. Times are formatted by the caller (the popover: the viewer's clock; the note:
 * UTC); remote values (job, cluster and actor names, messages) pass through `remote`, which the
 * note uses to keep them out of its Markdown. Pure.
 */
import { rolloutWho } from '../heat/rollout';
import type { Rollout } from '../heat/types';
import { durationText } from '../time-text';
import { relationText } from './rank';
import type { UnseenReason } from './sight';
import { type BlindSpot, headlineText, type NotWatched, type SubjectResult } from './wire';

/** Formats a time (the popover: "14:03"; the note: "2025-01-15 14:03:00 UTC"). */
export type TimeText = (at: number) => string;
/** Wraps a remote value (the note: a code span); the popover leaves it as it is. */
export type Remote = (value: string) => string;

const asIs: Remote = (v) => v;

const unique = <T>(items: Iterable<T>): T[] => [...new Set(items)];

/**
 * The clusters looked at, by name, each name once: an alert's `cluster="prod-eu-1"` may name a
 * Rancher cluster, an Argo CD destination and a home-grown manager's cluster at once.
 */
export const clusterNames = (r: SubjectResult): string[] => unique(r.looked.clusters.map((c) => c.name));

/** Where "nothing changed" holds: "prod-eu-1", "prod-eu-1, prod-eu-2", "7 clusters". */
function coveredWhere(r: SubjectResult, remote: Remote): string {
  const names = unique(r.covered.map((c) => c.name));
  return names.length > 3 ? `${names.length} clusters` : names.map(remote).join(', ');
}

/** "checkout in prod-eu-1", or "3 alerts: cart, checkout in prod-eu-1" for a group. */
export function subjectText(r: SubjectResult, remote: Remote = asIs): string {
  const l = r.looked;
  // A group's summary is about every job its alerts name; a single alert's, about the first.
  const jobs = r.alerts === undefined ? l.jobs.slice(0, 1) : l.jobs;
  const job = jobs.map(remote).join(', ');
  const where = (l.clusters.length > 0 ? clusterNames(r) : l.clusterLabels).map(remote).join(', ');
  const about = [job, where ? `in ${where}` : ''].filter(Boolean).join(' ');
  if (r.alerts === undefined) return about;
  return `${r.alerts} ${r.alerts === 1 ? 'alert' : 'alerts'}${about ? `: ${about}` : ''}`;
}

/** What "no changes" is about: "to checkout in prod-eu-1", "to the watched jobs in prod-eu-1". */
function claimText(r: SubjectResult, remote: Remote): string {
  if (r.alerts !== undefined) {
    const about = subjectText(r, remote);
    return about ? ` to ${about}` : '';
  }
  const where = coveredWhere(r, remote);
  const job = r.looked.jobs[0];
  if (job) return where ? ` to ${remote(job)} in ${where}` : ` to ${remote(job)}`;
  return where ? ` to the watched jobs in ${where}` : '';
}

/** "in the 2 h before the alert started", "in the last 24 h". */
export function windowText(r: SubjectResult): string {
  const { from, to, startsAt } = r.looked;
  if (r.mode === 'alert' && startsAt !== undefined)
    return `in the ${durationText(startsAt - from)} before the alert started`;
  return `in the last ${durationText(to - from)}`;
}

/** The badge's accessible name: its visible text, then what it means. */
export function accessibleName(r: SubjectResult): string {
  const h = r.headline;
  if (h.count > 0) {
    const about = subjectText(r);
    const rel = h.relation ? `, ${relationText(h.relation, r.mode === 'alert')}` : '';
    return `Tattler: ${headlineText(h)}${rel}${about ? ` (${about})` : ''}. Show the changes`;
  }
  const after = h.afterCount > 0 ? `, ${h.afterCount} after the alert started` : '';
  const claim = claimText(r, asIs);
  if (r.blind.length > 0) {
    const blind = r.blind.length === 1 ? (r.blind[0] as BlindSpot) : undefined;
    const what = blind ? `${blind.clusterName} for ${durationText(blind.ms)}` : `${r.blind.length} clusters`;
    return `Tattler: no changes seen${claim} ${windowText(r)}, but it could not see ${what} of that time${after}. Show details`;
  }
  return `Tattler: no changes${claim} ${windowText(r)}${after}. Show details`;
}

/** The popover's heading. */
export function headingText(r: SubjectResult): string {
  const h = r.headline;
  if (h.count === 0) return r.mode === 'alert' ? 'No changes before this alert' : 'No recent changes';
  const n = `${h.count} ${h.count === 1 ? 'change' : 'changes'}`;
  return r.mode === 'alert'
    ? `${n} before this alert`
    : `${n} in the last ${durationText(r.looked.to - r.looked.from)}`;
}

/** "job checkout, namespace shop, cluster prod-eu-1": what the answer looked for. */
export function lookedForText(r: SubjectResult, remote: Remote = asIs): string {
  const l = r.looked;
  const what = [
    l.jobs.length > 0 ? `job ${l.jobs.map(remote).join(' or ')}` : '',
    l.namespace ? `namespace ${remote(l.namespace)}` : '',
    l.clusters.length > 0
      ? `cluster ${clusterNames(r).map(remote).join(', ')}`
      : l.clusterLabels.length > 0
        ? `cluster ${l.clusterLabels.map(remote).join(', ')} (not one Tattler knows)`
        : '',
  ].filter(Boolean);
  return what.join(', ') || 'what this page names';
}

/** What the popover says when no change is listed. */
export const noChangesText = (r: SubjectResult): string =>
  r.blind.length > 0 ? 'No changes seen.' : 'Nothing changed.';

const UNSEEN_WORDS: Record<UnseenReason, string> = {
  auth: 'its session needed a login',
  unreachable: 'it was unreachable',
  error: 'its API answered with errors',
  partial: 'its lists came back incomplete',
  'not-watched-yet': 'Tattler was not watching it yet',
  'not-polled': 'it was not polled (the browser or Tattler was not running)',
  gone: 'discovery no longer lists it',
};

/**
 * "Could not see prod-eu-2 for 12 min of the 2 h 5 min looked at (11:40–11:52): it was
 * unreachable (timeout). Its next poll compared its state, so what changed was caught; only
 * when is less certain, and a change undone within that time would not show."
 */
export function blindText(
  b: BlindSpot,
  r: SubjectResult,
  now: number,
  time: TimeText,
  remote: Remote = asIs,
): string {
  const looked = Math.max(0, Math.min(r.looked.to, now) - r.looked.from);
  const span = b.from === b.to ? time(b.from) : `${time(b.from)}–${time(b.to)}`;
  const of = looked > b.ms ? ` of the ${durationText(looked)} looked at` : '';
  const why = `${UNSEEN_WORDS[b.reason] ?? b.reason}${b.message ? ` (${remote(b.message)})` : ''}`;
  const after = b.recovered
    ? 'Its next poll compared its state, so what changed was caught; only when is less certain, and a change undone within that time would not show.'
    : 'Changes there in that time are not known.';
  return `Could not see ${remote(b.clusterName)} for ${durationText(b.ms)}${of} (${span}): ${why}. ${after}`;
}

/**
 * What the claim covers, each gap on its own line: "Tattler saw prod-eu-1 throughout." for the
 * clusters it speaks for and saw all along, then each cluster it could not see for a while
 * (blindText), or — claiming nothing — that the changes shown are only its neighbours'.
 */
export function coverageTexts(
  r: SubjectResult,
  now: number,
  time: TimeText,
  remote: Remote = asIs,
): { text: string; kind: 'seen' | 'unclaimed' | 'gap' }[] {
  const blind = new Set(r.blind.map((b) => b.clusterId));
  const seen = unique(r.covered.filter((c) => !blind.has(c.id)).map((c) => c.name));
  const out: { text: string; kind: 'seen' | 'unclaimed' | 'gap' }[] = [];
  if (seen.length > 0)
    out.push({ text: `Tattler saw ${seen.map(remote).join(', ')} throughout.`, kind: 'seen' });
  else if (r.covered.length === 0)
    out.push({
      text:
        r.ranked.length > 0
          ? 'Tattler does not watch what this alert names: it claims nothing about it, and the changes shown are its neighbours’.'
          : 'Tattler does not watch what this alert names: it claims nothing about it.',
      kind: 'unclaimed',
    });
  for (const b of r.blind) out.push({ text: blindText(b, r, now, time, remote), kind: 'gap' });
  return out;
}

/** "Tattler does not watch checkout in ap-south-1: it cannot say what changed to it there." */
export function notWatchedText(n: NotWatched, remote: Remote = asIs): string {
  if (n.job && n.cluster)
    return `Tattler does not watch ${remote(n.job)} in ${remote(n.cluster)}: it cannot say what changed to it there.`;
  if (n.job) return `Tattler does not watch a job named ${remote(n.job)}: it cannot say what changed to it.`;
  return `Tattler knows no cluster named ${remote(n.cluster ?? '')}: it cannot say what changed there.`;
}

/** A rollout's value without its registry path: `registry.example.com/shop/checkout:1.4.2` → `checkout:1.4.2`. */
export const shortRolloutValue = (value: string): string => value.slice(value.lastIndexOf('/') + 1);

/** "bob rolled checkout:1.4.2 to 7 clusters, 14:02–14:09". */
export function rolloutTitle(rollout: Rollout, job: string, time: TimeText, remote: Remote = asIs): string {
  const short = shortRolloutValue(rollout.value);
  // An image names its job; a bare version or revision needs the job's name beside it.
  const what = short.toLowerCase().includes(job.toLowerCase())
    ? remote(short)
    : `${remote(job)} ${remote(short)}`;
  const who = rolloutWho(rollout, remote);
  const reach = `${rollout.clusters} clusters`;
  const when =
    rollout.firstAt === rollout.lastAt
      ? time(rollout.firstAt)
      : `${time(rollout.firstAt)}–${time(rollout.lastAt)}`;
  return who ? `${who} rolled ${what} to ${reach}, ${when}` : `${what} reached ${reach}, ${when}`;
}

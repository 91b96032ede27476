/**
 * "Copy as incident note": what a badge's popover shows, as Markdown to paste into an incident
 * channel or document — the alert (its name, the labels that matter, its start), each change
 * with its time (UTC, and relative to the alert), its actor and what kind of actor that is, its
 * fields before → after, its links, a rollout as one entry, the gaps in what Tattler could see,
 * and what it does not know.
 *
 * It says what the popover says: the words for a change come from lib/change-view.ts, the
 * badge's own words from lib/correlate/words.ts, the grouping of rollouts from
 * lib/correlate/rollouts.ts.
 *
 * Remote text stays text. Everything that came from a cluster, a page or an API (names, labels,
 * actors, values, messages) is put in a code span, where Markdown neither formats nor links,
 * with line breaks flattened (a line break would end the list item and start a heading); links
 * are only Tattler's own http(s) links, in angle brackets. Pure: the badge passes the time.
 */
import {
  ACTOR_NOT_REPORTED,
  betweenPollsText,
  type ChangeView,
  changeParts,
  REORDERED_TEXT,
  shownValue,
  unchangedEntriesText,
} from './change-view';
import type { LabelMapping } from './correlate/identity';
import type { RankedChange } from './correlate/rank';
import { type Entry, groupRollouts } from './correlate/rollouts';
import type { SubjectResult } from './correlate/wire';
import {
  coverageTexts,
  headingText,
  lookedForText,
  noChangesText,
  notWatchedText,
  rolloutTitle,
} from './correlate/words';
import { fieldDelta } from './field-delta';
import { safeHttpUrl } from './links';
import type { FieldChange } from './model';
import { durationText, utcClock, utcTime } from './time-text';

/** What the note is made of: what the badge shows, and what the page said of the alert. */
export interface NoteInput {
  result: SubjectResult;
  changes: Readonly<Record<string, ChangeView>>;
  /** The page integration's name ("Alertmanager", "Alertmanager, a group of 3 alerts"). */
  source: string;
  /** The alert's labels that matter (noteLabels). */
  labels?: Readonly<Record<string, string>>;
  /** The page the badge is on. */
  pageUrl?: string;
  /** When the note is made. */
  now: number;
}

/** Labels worth a line in a note besides the mapped ones: what the alert is and how bad. */
const NOTE_LABELS = ['alertname', 'severity'];

/**
 * The labels that matter in a note: the alert's name and severity, then those naming its
 * cluster, namespace and job (settings.labels), in that order; never Tattler's own `tattler/*`.
 */
export function noteLabels(
  labels: Readonly<Record<string, string>>,
  mapping: LabelMapping,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [...NOTE_LABELS, ...mapping.cluster, ...mapping.namespace, ...mapping.job]) {
    const value = labels[key];
    if (value !== undefined && !(key in out) && !key.startsWith('tattler/')) out[key] = value;
  }
  return out;
}

/**
 * A remote value as a Markdown code span: never formatted, never a link. The fence is longer
 * than any run of backticks inside; line breaks become spaces.
 */
export function code(value: string): string {
  // Control characters (line breaks and tabs among them) and Unicode line separators: a space.
  const flat = value.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');
  if (flat.trim() === '') return '(empty)';
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // A space on each side keeps a backtick at either end, or a space at both, as it is.
  const pad = /^[` ]|[` ]$/.test(flat) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A link Tattler made (http(s) only), its text said in Tattler's words. */
function link(text: string, url: string | undefined): string | undefined {
  const safe = safeHttpUrl(url);
  return safe ? `[${text}](<${safe}>)` : undefined;
}

/** "4 min before the alert", "2 min after the alert started", "10 min before this note". */
function relative(change: ChangeView, r: SubjectResult, now: number): string {
  const start = r.looked.startsAt;
  if (r.mode !== 'alert' || start === undefined) return `${durationText(now - change.at)} before this note`;
  return change.at <= start
    ? `${durationText(start - change.at)} before the alert`
    : `${durationText(change.at - start)} after the alert started`;
}

/** One field's change: a value before → after; a list as what was removed and added. */
function fieldLine(f: FieldChange): string {
  const d = fieldDelta(f);
  if (d.kind === 'value')
    return `${code(f.path)}: ${code(shownValue(d.before))} → ${code(shownValue(d.after))}`;
  if (d.reordered) return `${code(f.path)}: ${REORDERED_TEXT}`;
  const parts = [
    ...d.removed.map((x) => `− ${code(shownValue(x))}`),
    ...d.added.map((x) => `+ ${code(shownValue(x))}`),
  ];
  if (d.unchanged > 0) parts.push(unchangedEntriesText(d.unchanged));
  return `${code(f.path)}: ${parts.join(', ')}`;
}

/** What the popover's change item says (the same parts, in its order), as nested list lines. */
function changeDetails(change: ChangeView, ranked: RankedChange | undefined): string[] {
  const p = changeParts(change, code);
  const lines: string[] = [p.actor ? `By ${p.actor.name} ${p.actor.kind}` : `By: ${ACTOR_NOT_REPORTED}`];
  if (p.sync) lines.push(p.sync.direct ? `${p.sync.provenance} (${p.sync.direct})` : p.sync.provenance);
  if (p.stale) lines.push(`⚠ ${p.stale}`);
  if (p.recovered) lines.push(`↺ ${p.recovered}`);
  if (p.clock) lines.push(p.clock);
  if (ranked) lines.push(`Why shown: ${ranked.reason}`);
  if (p.versions) lines.push(p.versions.text);
  for (const f of p.fields) lines.push(fieldLine(f));
  if (p.moreFields) lines.push(`${p.moreFields} not listed`);
  if (p.sync) {
    lines.push(`${p.sync.title}${p.sync.versions ? ` (${p.sync.versions})` : ''}:`);
    for (const f of p.sync.fields) lines.push(fieldLine(f));
  }
  if (p.cause) lines.push(p.cause);
  if (p.links.length > 0) lines.push(p.links.map((l) => link(l.text, l.href)).join(' · '));
  return lines;
}

/** "2025-01-15 11:56:00 UTC, 4 min before the alert", or the poll window when no time was reported. */
function whenText(change: ChangeView, r: SubjectResult, now: number): string {
  const at = `${utcTime(change.at)}, ${relative(change, r, now)}`;
  if (change.reportedAt !== undefined) return at;
  return `${at} (${betweenPollsText(change, (t) => utcClock(t, change.windowEnd))})`;
}

/** The change's type, and its mark when it left the job degraded. */
const changeHead = (change: ChangeView): string => {
  const p = changeParts(change);
  return `**${p.type}**${p.degraded ? ` (${p.degraded})` : ''}`;
};

const indent = (lines: readonly string[], depth: number): string[] =>
  lines.map((l) => `${'  '.repeat(depth)}- ${l}`);

function entryLines(entry: Entry<RankedChange>, input: NoteInput): string[] {
  const { result: r, changes, now } = input;
  if (entry.kind === 'change') {
    const c = changes[entry.ranked.id];
    if (!c) return [];
    const job = code(`${c.kind} ${c.namespace}/${c.name}`);
    return [
      `- ${job} in ${code(c.clusterName)}: ${changeHead(c)} — ${whenText(c, r, now)}`,
      ...indent(changeDetails(c, entry.ranked), 1),
    ];
  }
  const members = entry.members.filter((m) => changes[m.id]);
  const first = changes[members[0]?.id ?? ''];
  if (!first) return [];
  const title = rolloutTitle(entry.rollout, first.name, (t) => utcClock(t, entry.rollout.firstAt), code);
  const top = members[0] as RankedChange;
  const lines = [
    `- **Rollout** of ${code(`${first.kind} ${first.namespace}/${first.name}`)}: ${title}`,
    `  - Why shown: ${top.reason} (${code(first.clusterName)})`,
  ];
  for (const m of members) {
    const c = changes[m.id] as ChangeView;
    lines.push(`  - ${code(c.clusterName)}: ${changeHead(c)} — ${whenText(c, r, now)}`);
    lines.push(...indent(changeDetails(c, undefined), 2));
  }
  return lines;
}

/** What Tattler cannot know, whatever the answer: said in every note. */
const ALWAYS_UNKNOWN = [
  'Tattler sees only the jobs it watches and the fields it compares for them: changes elsewhere (config maps’ and secrets’ contents, nodes, the network, other teams’ jobs) are not in this note.',
  'Between two polls it sees only where a job ended up: a change undone before the next poll does not show, and a second change hides the first one’s actor.',
];

/** The note, as Markdown. */
export function incidentNote(input: NoteInput): string {
  const { result: r, changes, now } = input;
  const l = r.looked;
  const alertname = input.labels?.alertname;
  const out: string[] = [];
  out.push(`## ${alertname ? `${code(alertname)}: ` : ''}${headingText(r)} (Tattler)`, '');

  const about: string[] = [`Seen on: ${input.source}`];
  if (r.mode === 'alert' && l.startsAt !== undefined) about.push(`Alert started: ${utcTime(l.startsAt)}`);
  const labels = Object.entries(input.labels ?? {});
  if (labels.length > 0) about.push(`Labels: ${labels.map(([k, v]) => code(`${k}="${v}"`)).join(' ')}`);
  about.push(
    `Looked for: ${lookedForText(r, code)}, from ${utcTime(l.from)} to ${utcClock(Math.min(l.to, now), l.from)}`,
  );
  const page = link('the alert page', input.pageUrl);
  if (page) about.push(`Page: ${page}`);
  out.push(...indent(about, 0), '');

  out.push('### Changes', '');
  const ranked = r.ranked.filter((x) => changes[x.id]);
  const entries = groupRollouts(ranked, (id) => changes[id]);
  if (entries.length === 0) out.push(noChangesText(r));
  for (const e of entries) out.push(...entryLines(e, input));
  if (r.total > ranked.length)
    out.push('', `${r.total - ranked.length} more not listed (the badge shows the same).`);
  out.push('');

  out.push('### Coverage', '');
  out.push(
    ...indent(
      coverageTexts(r, now, (t) => utcClock(t, l.from), code).map((c) => c.text),
      0,
    ),
  );
  out.push('');

  out.push('### What Tattler does not know', '');
  out.push(...indent([...r.notWatched.map((n) => notWatchedText(n, code)), ...ALWAYS_UNKNOWN], 0), '');

  out.push(`_Copied from Tattler at ${utcTime(now)}._`);
  return `${out.join('\n')}\n`;
}

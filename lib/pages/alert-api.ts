/**
 * What alert pages do not show, read from the same origin's alert API: Alertmanager's
 * `GET /api/v2/alerts` (also served by Grafana at `/api/alertmanager/grafana/api/v2/alerts`)
 * and the Prometheus-style `{data:{alerts:[{labels, activeAt}]}}`. Matching is by labels: the
 * page's visible labels must all agree with an API alert's.
 *
 * A collapsed group's alerts come from Alertmanager's `GET /api/v2/alerts/groups`
 * (`[{labels, receiver: {name}, routeLabels?, alerts}]`, in the order the UI renders them).
 */
import type { EnrichContext, FoundSubject, GroupMember } from './types';

export interface ApiAlert {
  labels: Record<string, string>;
  startsAt?: number;
}

function labelsOf(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.startsWith('0001-')) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/** Alerts from either API shape; anything unrecognized is skipped. */
export function parseAlerts(json: unknown): ApiAlert[] {
  let list: unknown = json;
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const data = (json as { data?: unknown }).data;
    list = data && typeof data === 'object' ? (data as { alerts?: unknown }).alerts : undefined;
  }
  if (!Array.isArray(list)) return [];
  const out: ApiAlert[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const labels = labelsOf((item as { labels?: unknown }).labels);
    if (!labels) continue;
    const startsAt =
      timeOf((item as { startsAt?: unknown }).startsAt) ?? timeOf((item as { activeAt?: unknown }).activeAt);
    out.push(startsAt === undefined ? { labels } : { labels, startsAt });
  }
  return out;
}

const agrees = (page: Record<string, string>, api: Record<string, string>) =>
  Object.entries(page).every(([k, v]) => api[k] === v);

const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && agrees(a, b);

export interface ApiGroup {
  labels: Record<string, string>;
  receiver?: string;
  alerts: ApiAlert[];
}

/** Alertmanager's alert groups; anything unrecognized is skipped. */
export function parseGroups(json: unknown): ApiGroup[] {
  if (!Array.isArray(json)) return [];
  const out: ApiGroup[] = [];
  for (const item of json) {
    if (!item || typeof item !== 'object') continue;
    const labels = labelsOf((item as { labels?: unknown }).labels);
    const alerts = (item as { alerts?: unknown }).alerts;
    if (!labels || !Array.isArray(alerts)) continue;
    const receiver = (item as { receiver?: { name?: unknown } }).receiver?.name;
    out.push({
      labels,
      alerts: parseAlerts(alerts),
      ...(typeof receiver === 'string' ? { receiver } : {}),
    });
  }
  return out;
}

const members = (alerts: readonly ApiAlert[]): GroupMember[] =>
  alerts.map((a) =>
    a.startsAt === undefined ? { labels: a.labels } : { labels: a.labels, startsAt: a.startsAt },
  );

/**
 * Gives each collapsed group's header the alerts of the API group it shows. The page renders the
 * API's groups in order, so the header's position (`match.index`) names its group when that
 * group has the header's labels (exactly) and receiver (when the header shows one); otherwise
 * every group with those labels and receiver counts.
 */
export function membersFromGroups(subjects: readonly FoundSubject[], groups: readonly ApiGroup[]): void {
  for (const s of subjects) {
    if (!s.group) continue;
    const receiver = s.group.match?.receiver;
    const fits = (g: ApiGroup) => sameLabels(s.labels, g.labels) && (!receiver || g.receiver === receiver);
    const index = s.group.match?.index;
    const positioned = index === undefined ? undefined : groups[Number(index)];
    const chosen = positioned && fits(positioned) ? [positioned] : groups.filter(fits);
    if (chosen.length > 0) s.group.members = members(chosen.flatMap((g) => g.alerts));
  }
}

/**
 * Groups of alerts when the API cannot group them: every alert whose labels include the group's
 * (a header without labels cannot be told from the others, and gets none).
 */
export function membersFromAlerts(subjects: readonly FoundSubject[], alerts: readonly ApiAlert[]): void {
  for (const s of subjects) {
    if (!s.group || Object.keys(s.labels).length === 0) continue;
    const found = alerts.filter((a) => agrees(s.labels, a.labels));
    if (found.length > 0) s.group.members = members(found);
  }
}

/**
 * Completes each subject from the API alerts whose labels agree with it: one match gives the
 * full label set and start time; several give the labels they all share and the earliest start.
 */
export function completeFromApi(subjects: FoundSubject[], alerts: readonly ApiAlert[]): void {
  for (const s of subjects) {
    const matches = alerts.filter((a) => agrees(s.labels, a.labels));
    if (matches.length === 0) continue;
    const [first, ...rest] = matches as [ApiAlert, ...ApiAlert[]];
    const shared: Record<string, string> = { ...first.labels };
    for (const m of rest)
      for (const k of Object.keys(shared)) if (m.labels[k] !== shared[k]) delete shared[k];
    s.labels = { ...shared, ...s.labels };
    if (s.startsAt === undefined) {
      const starts = matches.map((m) => m.startsAt).filter((t): t is number => t !== undefined);
      if (starts.length > 0) s.startsAt = Math.min(...starts);
    }
  }
}

const CACHE_MS = 30_000;
const cache = new Map<string, { at: number; json: Promise<unknown> }>();

/** The same origin's JSON at `url`, asked at most every 30 s; a failure is not kept. */
export async function cachedJson(ctx: EnrichContext, url: string): Promise<unknown> {
  let entry = cache.get(url);
  if (!entry || Date.now() - entry.at > CACHE_MS) {
    entry = { at: Date.now(), json: ctx.fetchJson(url) };
    cache.set(url, entry);
  }
  try {
    return await entry.json;
  } catch (error) {
    if (cache.get(url) === entry) cache.delete(url);
    throw error;
  }
}

/** Fetches (at most every 30 s per URL) and applies the API's alerts. Fails quietly. */
export async function enrichFromApi(
  subjects: FoundSubject[],
  ctx: EnrichContext,
  paths: readonly string[],
  base: string,
): Promise<void> {
  for (const path of paths) {
    try {
      const alerts = parseAlerts(await cachedJson(ctx, new URL(path, base).href));
      if (alerts.length > 0) {
        completeFromApi(subjects, alerts);
        return;
      }
    } catch {
      // Try the next path.
    }
  }
}

/** For tests: forget cached API answers. */
export function clearAlertApiCache(): void {
  cache.clear();
}

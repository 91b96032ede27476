/**
 * What alert pages do not show, read from the same origin's alert API: Alertmanager's
 * `GET /api/v2/alerts` (also served by Grafana at `/api/alertmanager/grafana/api/v2/alerts`)
 * and the Prometheus-style `{data:{alerts:[{labels, activeAt}]}}`. Matching is by labels: the
 * page's visible labels must all agree with an API alert's.
 */
import type { EnrichContext, FoundSubject } from './types';

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
const cache = new Map<string, { at: number; alerts: Promise<ApiAlert[]> }>();

/** Fetches (at most every 30 s per URL) and applies the API's alerts. Fails quietly. */
export async function enrichFromApi(
  subjects: FoundSubject[],
  ctx: EnrichContext,
  paths: readonly string[],
  base: string,
): Promise<void> {
  for (const path of paths) {
    const url = new URL(path, base).href;
    let entry = cache.get(url);
    if (!entry || Date.now() - entry.at > CACHE_MS) {
      entry = { at: Date.now(), alerts: ctx.fetchJson(url).then(parseAlerts) };
      cache.set(url, entry);
    }
    try {
      const alerts = await entry.alerts;
      if (alerts.length > 0) {
        completeFromApi(subjects, alerts);
        return;
      }
    } catch {
      cache.delete(url);
    }
  }
}

/** For tests: forget cached API answers. */
export function clearAlertApiCache(): void {
  cache.clear();
}

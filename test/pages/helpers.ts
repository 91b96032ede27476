/**
 * Shared by the page-integration tests (happy-dom): load a saved page, a fake background, a
 * deterministic scheduler, and a way to wait until the runtime has nothing left to do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mountBadge } from '../../components/badge/mount';
import { identityOf, type LabelMapping, namesAnything } from '../../lib/correlate/identity';
import type { CorrelateAnswer, SubjectResult } from '../../lib/correlate/wire';
import type { PageGroup, PageSubject } from '../../lib/messages';
import { type Runtime, type RuntimeOptions, startRuntime } from '../../lib/pages/runtime';
import type { PageIntegration } from '../../lib/pages/types';
import { defaultSettings } from '../../lib/settings';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'pages');
export const LABELS: LabelMapping = defaultSettings().labels;
/** "Now" for fixtures: their alerts started on 2025-01-15 around 12:00 UTC. */
export const NOW = Date.UTC(2025, 0, 15, 12, 30, 0);

export interface FixtureMeta {
  integration: string;
  url: string;
  subjects: number;
  badges: number;
  /** The page's own API: one JSON file for every request, or a file per URL path (its end). */
  api?: string | Record<string, string>;
  badgesWithoutApi?: number;
  watched?: string[];
}

export interface Fixture {
  name: string;
  dir: string;
  html: string;
  meta: FixtureMeta;
}

export function fixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const dir of readdirSync(FIXTURES).sort()) {
    for (const file of readdirSync(join(FIXTURES, dir)).sort()) {
      if (!file.endsWith('.html')) continue;
      const html = readFileSync(join(FIXTURES, dir, file), 'utf8');
      const content = /<meta name="tattler-fixture" content='([^']+)'>/.exec(html)?.[1];
      if (!content) throw new Error(`${dir}/${file}: no tattler-fixture meta`);
      out.push({ name: `${dir}/${file}`, dir, html, meta: JSON.parse(content) as FixtureMeta });
    }
  }
  return out;
}

export const fixture = (name: string): Fixture => {
  const f = fixtures().find((x) => x.name === name);
  if (!f) throw new Error(`no fixture ${name}`);
  return f;
};

export function readJson(dir: string, file: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, dir, file), 'utf8'));
}

/**
 * A fixture's same-origin API: the JSON the meta names for a URL (by the end of its path), a
 * 404 for any other; undefined when the fixture has none.
 */
export function fixtureApi(f: Fixture): ((url: string) => Promise<unknown>) | undefined {
  const api = f.meta.api;
  if (api === undefined) return undefined;
  return async (url: string) => {
    if (typeof api === 'string') return readJson(f.dir, api);
    const path = new URL(url).pathname;
    const file = Object.entries(api).find(([end]) => path.endsWith(end))?.[1];
    if (!file) throw new Error(`404 on ${path}`);
    return readJson(f.dir, file);
  };
}

/** Puts a saved page into happy-dom's document at its URL. */
export function loadPage(html: string, url: string): void {
  (window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(url);
  const inner = /<html[^>]*>([\s\S]*)<\/html>/i.exec(html)?.[1] ?? html;
  document.documentElement.innerHTML = inner;
}

export function setUrl(url: string): void {
  (window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(url);
}

export function result(subject: PageSubject, patch: Partial<SubjectResult> = {}): SubjectResult {
  const id = identityOf(subject.labels, LABELS);
  return {
    key: subject.key,
    watched: true,
    covered: [],
    notWatched: [],
    mode: subject.startsAt === undefined ? 'console' : 'alert',
    looked: {
      jobs: id.jobs,
      clusterLabels: id.clusters,
      clusters: [],
      from: (subject.startsAt ?? NOW) - 7_200_000,
      to: subject.startsAt ?? NOW,
      ...(subject.startsAt !== undefined ? { startsAt: subject.startsAt } : {}),
    },
    ranked: [],
    total: 0,
    headline: { count: 0, afterCount: 0, level: 0, glyph: '' },
    blind: [],
    ...patch,
  };
}

/** A background that watches every subject naming something, and remembers what it was asked. */
export function fakeBackground(
  watch: (s: PageSubject) => boolean = (s) => namesAnything(identityOf(s.labels, LABELS)),
) {
  const calls: PageSubject[][] = [];
  const groupCalls: PageGroup[][] = [];
  return {
    calls,
    groupCalls,
    asked: () => calls.flat(),
    askedGroups: () => groupCalls.flat(),
    correlate: async (subjects: PageSubject[]): Promise<CorrelateAnswer> => {
      calls.push(subjects);
      return {
        generatedAt: NOW,
        results: subjects.map((s) => result(s, { watched: watch(s) })),
        changes: {},
      };
    },
    /** A group is watched when one of its members is; its result says how many alerts it covers. */
    correlateGroups: async (groups: PageGroup[]): Promise<CorrelateAnswer> => {
      groupCalls.push(groups);
      return {
        generatedAt: NOW,
        results: groups.map((g) => {
          const first = { key: g.key, ...(g.members[0] as PageGroup['members'][number]) };
          const watched = g.members.some((m) => watch({ key: g.key, ...m }));
          return result(first, { watched, alerts: g.members.length });
        }),
        changes: {},
      };
    },
  };
}

/** setTimeout(0) frames: deterministic, and they run in happy-dom. */
export const timeoutFrames = (cb: () => void): (() => void) => {
  const t = setTimeout(cb, 0);
  return () => clearTimeout(t);
};

const active: Runtime[] = [];

/** Stops every runtime a test started (afterEach: a failed test must not leak observers). */
export function stopAll(): void {
  for (const r of active.splice(0)) r.stop();
}

export function run(
  integrations: PageIntegration[],
  options: Partial<RuntimeOptions> & Pick<RuntimeOptions, 'correlate'>,
): Runtime {
  const runtime = startRuntime({
    doc: document,
    integrations,
    labels: LABELS,
    mountBadge,
    schedule: timeoutFrames,
    refreshMs: 0,
    settleMs: 0,
    now: () => NOW,
    log: () => {},
    ...options,
  });
  active.push(runtime);
  return runtime;
}

/** Waits for mutation observers to fire and the runtime to finish what they started. */
export async function settle(runtime: Runtime): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await runtime.idle();
  }
}

export const hosts = (root: ParentNode = document): HTMLElement[] => [
  ...root.querySelectorAll<HTMLElement>('tattler-badge'),
];

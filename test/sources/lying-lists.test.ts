/**
 * The fault table's last rows, for every source type, at the level of a whole pass: a complete,
 * well-formed list that lies — empty, or missing most jobs — while the jobs still exist. Nothing
 * may be recorded deleted, no snapshot dropped, and the next honest list must create nothing.
 * Where the API has a GET by name (Kubernetes, Argo CD, Nomad) the lie is caught at once and the
 * poll is `partial`; where it has none (a home-grown manager) the jobs are only marked missing,
 * to be confirmed by a second poll (lib/diff.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { homegrownSource } from '../../fleet/extra/homegrown';
import { openDb, type TattlerDb } from '../../lib/db';
import { createHttp, type FetchLike } from '../../lib/http';
import type { PollStatus } from '../../lib/model';
import { unpaced } from '../../lib/pace';
import { type SettingsInput, validateSettings } from '../../lib/settings';
import { adapterFor } from '../../lib/sources/registry';
import { runPass } from '../../lib/watcher';
import { changeCount, changesIn, jobsIn } from '../store-view';
import { fixture, fixtureText, jsonReply, respond, routed } from './extra-helpers';
import { FakeKubeApi, nomadJobOfVersionsUrl, nomadVersionsText } from './helpers';

type Lie = 'none' | 'empty' | 'most';

interface Family {
  name: string;
  source: NonNullable<SettingsInput['sources']>[number];
  /** A fetch whose job lists tell the lie currently set; GETs by name always tell the truth. */
  fetch(lie: () => Lie): FetchLike;
  /** The outcome of the lying poll: caught by a GET by name, or not (yet) noticed. */
  caught: PollStatus;
}

/** Keeps the first item of a list only, for a list "missing most jobs". */
const lying = <T>(items: T[], lie: Lie): T[] =>
  lie === 'empty' ? [] : lie === 'most' ? items.slice(0, 1) : items;

const families: Family[] = [
  {
    name: 'kubernetes',
    source: {
      id: 'k8s',
      name: 'K8s',
      type: 'kubernetes',
      clusters: [{ id: 'c-m-abc12', apiBase: 'https://k8s.example.com/k8s/clusters/c-m-abc12' }],
      owner: { labelSelector: 'app.kubernetes.io/part-of=shop' },
      kinds: ['Deployment'],
    },
    fetch(lie) {
      const api = new FakeKubeApi();
      const truth = api.lists.deployments?.items ?? [];
      return async (input, init) => {
        const lists = api.lists.deployments;
        if (lists)
          lists.items = new URL(input).pathname.endsWith('/deployments') ? lying(truth, lie()) : truth;
        return api.fetch(input, init);
      };
    },
    caught: 'partial',
  },
  {
    name: 'argocd',
    source: { id: 'cd', name: 'Argo CD', type: 'argocd', baseUrl: 'https://argocd.example.com' },
    fetch(lie) {
      const apps = fixture<{ items: { metadata: { name: string } }[] }>('argocd/applications.json');
      return routed([
        { path: '/api/v1/clusters', reply: () => respond(fixtureText('argocd/clusters.json')) },
        {
          path: '/api/v1/applications',
          reply: () => jsonReply({ ...apps, items: lying(apps.items, lie()) })(),
        },
        {
          path: /^\/api\/v1\/applications\/[^/]+$/,
          reply: (url) => {
            const name = decodeURIComponent(url.pathname.split('/').pop() ?? '');
            const app = apps.items.find((a) => a.metadata.name === name);
            return app ? jsonReply(app)() : respond('{"code":5}', { status: 404 });
          },
        },
      ]);
    },
    caught: 'partial',
  },
  {
    name: 'nomad',
    source: { id: 'nomad', name: 'Nomad', type: 'nomad', baseUrl: 'https://nomad.example.com' },
    fetch(lie) {
      const stubs = fixture<{ ID: string; ParentID?: string }[]>('nomad/jobs.json');
      return routed([
        { path: '/v1/regions', reply: () => respond(fixtureText('nomad/regions.json')) },
        { path: '/v1/jobs', reply: () => jsonReply(lying(stubs, lie()))() },
        {
          path: /^\/v1\/job\/.+\/versions$/,
          reply: (url) => respond(nomadVersionsText(nomadJobOfVersionsUrl(url))),
        },
        {
          path: /^\/v1\/job\/[^/]+$/,
          reply: (url) => {
            const id = decodeURIComponent(url.pathname.split('/').pop() ?? '');
            const stub = stubs.find((s) => s.ID === id);
            return stub ? jsonReply(stub)() : respond('job not found', { status: 404 });
          },
        },
      ]);
    },
    caught: 'partial',
  },
  {
    name: 'generic (no GET by name)',
    source: { ...homegrownSource('https://forge.example.com'), clusters: [] },
    fetch(lie) {
      const body = fixture<{ jobs: unknown[] }>('generic/jobs.json');
      return routed([
        {
          path: '/api/v2/clusters',
          reply: jsonReply({
            data: { clusters: [{ id: 'c-101', displayName: 'prod-eu-1', api: '/api/v2/clusters/c-101' }] },
          }),
        },
        {
          path: '/api/v2/clusters/c-101/jobs',
          reply: () => jsonReply({ ...body, jobs: lying(body.jobs, lie()) })(),
        },
      ]);
    },
    caught: 'ok',
  },
];

describe.each(families)('$name: a complete list that lies', (family) => {
  let db: TattlerDb;
  afterEach(() => db.delete());

  it.each(['empty', 'most'] as const)(
    '%s: nothing deleted, nothing lost, nothing created after',
    async (lieKind) => {
      db = openDb(`lie-${Math.random()}`);
      const parsed = validateSettings({ version: 1, sources: [family.source] });
      if (!parsed.ok) throw new Error(parsed.errors.join('; '));
      let lie: Lie = 'none';
      let clock = Date.parse('2025-03-10T15:00:00Z');
      const fetch = family.fetch(() => lie);
      const pass = () =>
        runPass({
          db,
          settings: parsed.value,
          http: createHttp({ fetch }),
          adapterFor,
          now: () => clock,
          // Every pass polls every cluster: this is about lists, not about the pace.
          pace: unpaced(parsed.value),
        });

      const baseline = await pass();
      expect(baseline.clusters.ok).toBeGreaterThan(0);
      const jobs = (await jobsIn(db)).length;
      expect(jobs).toBeGreaterThan(1);
      // A baseline records only what the platform's history remembers, recovered: never a created.
      const recovered = await changesIn(db);
      expect(recovered.filter((c) => !c.recovered || c.type !== 'updated')).toEqual([]);

      clock += 60_000;
      lie = lieKind;
      const lied = await pass();
      expect(lied.changes).toBe(0);
      expect(lied.clusters[family.caught]).toBeGreaterThan(0);
      expect((await jobsIn(db)).length).toBe(jobs);
      expect(await changeCount(db)).toBe(recovered.length);

      clock += 60_000;
      lie = 'none';
      const honest = await pass();
      expect(honest.changes).toBe(0);
      expect(await changeCount(db)).toBe(recovered.length);
      expect((await jobsIn(db)).filter((j) => j.missing)).toEqual([]);
    },
  );
});

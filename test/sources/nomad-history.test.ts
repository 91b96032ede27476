/**
 * Nomad's versions (lib/sources/nomad/history.ts): each version between two polls is its own
 * change with its own SubmitTime, token and diff; versions Nomad no longer tracks stay counted
 * as skipped; a job stored from the list alone gets its first change's "before" from the version
 * it was at, not "(absent)".
 */
import { describe, expect, it } from 'vitest';
import { diffJob } from '../../lib/diff';
import { createHttp } from '../../lib/http';
import type { JobSnapshot } from '../../lib/model';
import { historyOf } from '../../lib/sources/nomad/history';
import { type NomadStub, type NomadVersions, normalizeJob } from '../../lib/sources/nomad/normalize';
import type { PollContext } from '../../lib/sources/types';
import { ctx, fixture, source } from './extra-helpers';

const SRC = source({ type: 'nomad', baseUrl: 'https://nomad.example.com' });
const REGION = { nativeId: 'eu-west', apiBase: 'https://nomad.example.com' };
const IMAGE = 'taskgroups[web].tasks[app].image';
const COUNT = 'taskgroups[web].count';
const W = { windowStart: Date.parse('2025-03-10T14:00:00Z'), windowEnd: Date.parse('2025-03-10T15:00:00Z') };

type Job = Record<string, unknown> & { Version: number; JobModifyIndex: number; SubmitTime: number };
const all = (): Job[] => fixture<{ Versions: Job[] }>('nomad/versions-cart.json').Versions;

/** What Nomad answered when `version` was the newest: its versions and its list stub. */
function asOf(version: number): { stub: NomadStub; versions: NomadVersions } {
  const answer = fixture<{ Versions: Job[]; Diffs: unknown[] }>('nomad/versions-cart.json');
  const from = answer.Versions.findIndex((v) => v.Version === version);
  const newest = answer.Versions[from] as Job;
  const stub: NomadStub = {
    ID: 'cart',
    ParentID: '',
    Name: 'cart',
    Namespace: 'shop',
    Datacenters: ['eu-west-1a', 'eu-west-1b'],
    Type: 'service',
    Priority: 50,
    Stop: false,
    Status: 'running',
    JobSummary: { Summary: { web: { Running: 4, Queued: 0, Starting: 0, Failed: 0, Lost: 0 } } },
    CreateIndex: 180,
    ModifyIndex: newest.JobModifyIndex + 5,
    JobModifyIndex: newest.JobModifyIndex,
    SubmitTime: newest.SubmitTime,
    Meta: { team: 'shop' },
  };
  return { stub, versions: { Versions: answer.Versions.slice(from), Diffs: answer.Diffs.slice(from) } };
}

const c = (over: Partial<PollContext> = {}) => ctx(createHttp(), SRC, REGION, over);
const withDetails = (version: number, over: Partial<PollContext> = {}): JobSnapshot => {
  const { stub, versions } = asOf(version);
  return normalizeJob(stub, versions, c(over));
};

describe('Nomad versions', () => {
  it('reads each tracked version: number, time, token, fields and diff', () => {
    const history = historyOf({
      Versions: all(),
      Diffs: fixture<{ Diffs: unknown[] }>('nomad/versions-cart.json').Diffs,
    });
    expect(history?.versions.map((v) => v.version)).toEqual([14, 13, 12, 11, 10, 9]);
    const v12 = history?.versions.find((v) => v.version === 12);
    expect(v12).toMatchObject({
      at: Date.parse('2025-03-10T14:20:00Z'),
      actor: { name: 'token b0b00000', kind: 'token' },
      from: 'Nomad version 12',
      changeCause: 'Nomad diff: group web: task app: Config.image',
    });
    expect(v12?.fields[IMAGE]).toBe('registry.example.com/shop/cart:3.1.0');
  });

  it('turns each version between two polls into its own change, with its own token and time', () => {
    const changes = diffJob(withDetails(11), withDetails(14), W);
    expect(
      changes.map((ch) => [
        ch.actor?.name,
        new Date(ch.at).toISOString(),
        ch.fields.map((f) => `${f.path}: ${f.before} → ${f.after}`),
        ch.recovered?.from ?? 'live',
      ]),
    ).toEqual([
      [
        'token b0b00000',
        '2025-03-10T14:20:00.000Z',
        [`${IMAGE}: registry.example.com/shop/cart:3.0.1 → registry.example.com/shop/cart:3.1.0`],
        'Nomad version 12',
      ],
      [
        'token ca401000',
        '2025-03-10T14:35:00.000Z',
        // A rollback to the earlier image: Nomad records it as a new version.
        [`${IMAGE}: registry.example.com/shop/cart:3.1.0 → registry.example.com/shop/cart:3.0.1`],
        'Nomad version 13',
      ],
      [
        'token dave0000',
        '2025-03-10T14:50:00.000Z',
        [
          `${COUNT}: 4 → 5`,
          `${IMAGE}: registry.example.com/shop/cart:3.0.1 → registry.example.com/shop/cart:3.2.0`,
        ],
        'live',
      ],
    ]);
    expect(changes[2]).toMatchObject({ fromVersion: 13, toVersion: 14 });
    expect(changes.some((ch) => ch.skipped)).toBe(false);
  });

  it('leaves versions Nomad no longer tracks counted as skipped', () => {
    // Stored at version 7; Nomad tracks 9–14 now, so 8 is gone.
    const prev = { ...withDetails(11), version: 7, versionToken: 'j2070:healthy' };
    const changes = diffJob(prev, withDetails(14), { ...W, windowStart: Date.parse('2025-03-01T00:00:00Z') });
    expect(changes.map((ch) => ch.toVersion)).toEqual([9, 10, 11, 12, 13, 14]);
    expect(changes[0]).toMatchObject({ skipped: 1, fromVersion: 7, recovered: { from: 'Nomad version 9' } });
    expect(changes.filter((ch) => ch.skipped)).toHaveLength(1);
  });

  it('gives a job stored from the list alone its "before" from the version it was at', () => {
    // First sight: version 11 read from the list only (submitted long before), no details.
    const listed = normalizeJob(asOf(11).stub, undefined, c());
    expect(listed.fields[IMAGE]).toBeUndefined();
    const known = new Map([[listed.key, listed.versionToken]]);
    const changes = diffJob(listed, withDetails(12, { known }), W);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.fields).toEqual([
      {
        path: IMAGE,
        before: 'registry.example.com/shop/cart:3.0.1',
        after: 'registry.example.com/shop/cart:3.1.0',
      },
    ]);
  });

  it('still recovers what came between for a job stored from the list alone', () => {
    const listed = normalizeJob(asOf(11).stub, undefined, c());
    const known = new Map([[listed.key, listed.versionToken]]);
    const changes = diffJob(listed, withDetails(14, { known }), W);
    expect(changes.map((ch) => [ch.toVersion, ch.recovered ? 'recovered' : 'live'])).toEqual([
      [12, 'recovered'],
      [13, 'recovered'],
      [14, 'live'],
    ]);
    expect(changes[0]?.fields.map((f) => f.path)).toEqual([IMAGE]);
  });
});

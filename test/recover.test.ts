/**
 * Recovery's shared core (lib/recover/merge.ts, through lib/diff.ts): versions the platform still
 * remembers become changes of their own, marked recovered; the live change covers only the last
 * step; "skipped" counts only what nobody saw and no history kept. And a recovered change keeps
 * its provenance through storage and exports.
 */
import { describe, expect, it } from 'vitest';
import { changeViewOf, recoveredText } from '../lib/change-view';
import { diffJob } from '../lib/diff';
import { CSV_COLUMNS, changesToCsv } from '../lib/history-export';
import type { JobHistory, JobSnapshot, PastVersion } from '../lib/model';
import { recoverAtFirstSight } from '../lib/recover/merge';
import { decodeChange, encodeChange } from '../lib/store/changes';
import { snapshot } from './builders';

const W = { windowStart: 10_000, windowEnd: 20_000 };
const IMAGE = 'source.targetRevision';

/** An Argo CD-like job at history id `version`, its revision field `rev`. */
function at(version: number, rev: string, history?: PastVersion[]): JobSnapshot {
  const s = snapshot({
    kind: 'Application',
    versionToken: `t${version}`,
    version,
    fields: { [IMAGE]: rev, 'spec.replicas': 3 },
    changedAt: 19_000,
    changedBy: { name: 'carol', kind: 'person' },
  });
  const { revision: _, ...rest } = s;
  return history ? { ...rest, history: { axis: 'version', versions: history } } : rest;
}

const past = (version: number, rev: string, who: string, t: number): PastVersion => ({
  version,
  at: t,
  actor: { name: who, kind: 'person', via: 'history.initiatedBy' },
  fields: { [IMAGE]: rev },
  from: `Argo CD history id ${version}`,
});

describe('between two polls', () => {
  it('records each remembered version as its own change, with its own time and actor', () => {
    const prev = at(10, 'v1');
    const curr = at(13, 'v4', [
      past(9, 'v0', 'zed', 1_000),
      past(10, 'v1', 'alice', 5_000),
      past(11, 'v2', 'alice', 12_000),
      past(12, 'v3', 'bob', 15_000),
      past(13, 'v4', 'carol', 19_000),
    ]);
    const changes = diffJob(prev, curr, W);
    expect(changes.map((c) => [c.actor?.name, c.at, c.fields, c.recovered?.from])).toEqual([
      ['alice', 12_000, [{ path: IMAGE, before: 'v1', after: 'v2' }], 'Argo CD history id 11'],
      ['bob', 15_000, [{ path: IMAGE, before: 'v2', after: 'v3' }], 'Argo CD history id 12'],
      // The live change: only the last step, from the last recovered version.
      ['carol', 19_000, [{ path: IMAGE, before: 'v3', after: 'v4' }], undefined],
    ]);
    const live = changes[2];
    expect(live).toMatchObject({ fromVersion: 12, toVersion: 13 });
    // Every version was recovered or seen: nothing skipped.
    expect(changes.every((c) => c.skipped === undefined)).toBe(true);
    // Distinct ids, none of them the live one's.
    expect(new Set(changes.map((c) => c.id)).size).toBe(3);
    expect(changes[0]?.id).toBe(`${curr.key}|updated|uid-checkout/@v10>uid-checkout/@v11`);
  });

  it('counts as skipped only the versions the history had already forgotten', () => {
    const prev = at(10, 'v1');
    // 11 and 12 pruned past the history limit; 13 and 14 remembered.
    const curr = at(15, 'v6', [past(13, 'v4', 'dave', 14_000), past(14, 'v5', 'erin', 16_000)]);
    const changes = diffJob(prev, curr, W);
    expect(changes).toHaveLength(3);
    // The first recovered one says what came before it unseen.
    expect(changes[0]).toMatchObject({ skipped: 2, fromVersion: 10, toVersion: 13 });
    expect(changes[0]?.fields).toEqual([{ path: IMAGE, before: 'v1', after: 'v4' }]);
    expect(changes[2]?.skipped).toBeUndefined();
  });

  it('keeps the skipped count where no history was read', () => {
    const changes = diffJob(at(10, 'v1'), at(13, 'v4'), W);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ skipped: 2 });
    expect(changes[0]?.recovered).toBeUndefined();
  });

  it('records a version that moved no tracked field, and none that moved only ignored ones', () => {
    const prev = at(10, 'v1');
    const history: PastVersion[] = [
      { ...past(11, 'v1', 'alice', 12_000) }, // annotations only: no tracked field
      { ...past(12, 'v1', 'bob', 14_000), fields: { [IMAGE]: 'v1', 'spec.replicas': 5 } },
    ];
    const curr = at(13, 'v2', history);
    const ignore = (p: string) => p === 'spec.replicas';
    const changes = diffJob(
      prev,
      { ...curr, fields: { ...curr.fields, 'spec.replicas': 5 } },
      { ...W, ignore },
    );
    expect(changes.map((c) => [c.actor?.name, c.fields.length, !!c.recovered])).toEqual([
      ['alice', 0, true],
      ['carol', 1, false],
    ]);
    // Bob's version was remembered (not skipped), only not a change worth recording.
    expect(changes[1]?.skipped).toBeUndefined();
  });

  it('dates a version whose record predates the window by the window, not by the record', () => {
    const prev = at(10, 'v1');
    const old: PastVersion = { ...past(11, 'v2', 'alice', 1_000), limit: 'time unknown' };
    const changes = diffJob(prev, at(12, 'v3', [old]), W);
    expect(changes[0]).toMatchObject({ at: W.windowStart, recovered: { limit: 'time unknown' } });
    expect(changes[0]?.reportedAt).toBeUndefined();
  });

  it('gives a job stored without details its "before" from the version it was at', () => {
    // Nomad: stored from the list alone (no version, no detail fields); its history names the base.
    const prev: JobSnapshot = { ...at(0, 'x'), fields: { priority: 50 } };
    delete prev.version;
    const history: JobHistory = {
      axis: 'version',
      base: 4,
      versions: [
        { version: 4, fields: { priority: 50, image: 'a:1' }, from: 'Nomad version 4' },
        { version: 5, fields: { priority: 50, image: 'a:2' }, from: 'Nomad version 5' },
      ],
    };
    const curr: JobSnapshot = { ...at(5, 'x'), fields: { priority: 50, image: 'a:2' }, history };
    const [c, ...rest] = diffJob(prev, curr, W);
    expect(rest).toEqual([]);
    expect(c?.fields).toEqual([{ path: 'image', before: 'a:1', after: 'a:2' }]);
  });
});

describe('at first sight', () => {
  const history: PastVersion[] = [
    past(1, 'v1', 'alice', 1_000),
    past(2, 'v2', 'bob', 50_000),
    past(4, 'v4', 'carol', 80_000),
  ];
  const snap = at(4, 'v4', history);

  it('records remembered versions within retention, never a created', () => {
    const changes = recoverAtFirstSight(snap, { now: 100_000, since: 10_000 });
    expect(changes.map((c) => [c.type, c.actor?.name, c.at, c.skipped, c.recovered?.from])).toEqual([
      ['updated', 'bob', 50_000, undefined, 'Argo CD history id 2'],
      ['updated', 'carol', 80_000, 1, 'Argo CD history id 4'],
    ]);
    expect(changes[1]?.fields).toEqual([{ path: IMAGE, before: 'v2', after: 'v4' }]);
  });

  it('leaves out versions older than retention, and jobs without history', () => {
    expect(recoverAtFirstSight(snap, { now: 100_000, since: 60_000 }).map((c) => c.actor?.name)).toEqual([
      'carol',
    ]);
    expect(recoverAtFirstSight(at(4, 'v4'), { now: 100_000, since: 0 })).toEqual([]);
  });

  it('then lets the next poll record only what came after', () => {
    const first = recoverAtFirstSight(snap, { now: 100_000, since: 0 });
    const stored = { ...snap };
    delete stored.history;
    const next = diffJob(stored, at(6, 'v6', [...history, past(5, 'v5', 'dave', 110_000)]), {
      windowStart: 100_000,
      windowEnd: 120_000,
    });
    const ids = [...first, ...next].map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(next.map((c) => c.actor?.name)).toEqual(['dave', 'carol']);
  });
});

describe('provenance kept and said', () => {
  const [recovered] = diffJob(at(10, 'v1'), at(12, 'v3', [past(11, 'v2', 'alice', 12_000)]), W);
  if (!recovered) throw new Error('no change');

  it('survives storage', () => {
    const cell = {
      clusterId: recovered.clusterId,
      rowKey: recovered.rowKey,
      kind: recovered.kind,
      namespace: recovered.namespace,
      name: recovered.name,
    };
    const back = decodeChange(encodeChange(recovered, 1), cell);
    expect(back.recovered).toEqual({ from: 'Argo CD history id 11' });
    expect(back.id).toBe(recovered.id);
  });

  it('is said in the view and the exports', () => {
    const view = changeViewOf(recovered, undefined, { sources: [] });
    expect(view.recovered).toEqual({ from: 'Argo CD history id 11' });
    expect(recoveredText({ from: 'ReplicaSet shop/cart-7d9f8', limit: 'time unknown' })).toBe(
      'recovered from ReplicaSet shop/cart-7d9f8, not seen live (time unknown)',
    );
    const csv = changesToCsv([recovered]).split('\r\n')[1]?.split(',') ?? [];
    expect(csv[CSV_COLUMNS.indexOf('recoveredFrom')]).toBe('Argo CD history id 11');
  });
});

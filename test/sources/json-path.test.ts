import { describe, expect, it } from 'vitest';
import {
  hasWildcard,
  PathNotFoundError,
  PathSyntaxError,
  parsePath,
  requireAll,
  requireFirst,
  requireList,
  selectAll,
  selectFirst,
} from '../../lib/sources/generic/json-path';

const doc = {
  data: {
    clusters: [
      { id: 'c-1', meta: { name: 'prod-eu-1', labels: { 'app.kubernetes.io/name': 'shop', 'a]b': 'odd' } } },
      { id: 'c-2', meta: { name: 'prod-us-1', labels: {} } },
      { id: 3 },
    ],
    total: 3,
    empty: [],
    nothing: null,
  },
  list: [[1, 2], [3]],
};

describe('parsePath', () => {
  it.each([
    ['', []],
    ['$', []],
    ['a', [{ type: 'key', key: 'a' }]],
    [
      '$.a.b',
      [
        { type: 'key', key: 'a' },
        { type: 'key', key: 'b' },
      ],
    ],
    [
      'a[0]',
      [
        { type: 'key', key: 'a' },
        { type: 'index', index: 0 },
      ],
    ],
    [
      'a[-1]',
      [
        { type: 'key', key: 'a' },
        { type: 'index', index: -1 },
      ],
    ],
    ['a[*].b', [{ type: 'key', key: 'a' }, { type: 'wildcard' }, { type: 'key', key: 'b' }]],
    ['a.*', [{ type: 'key', key: 'a' }, { type: 'wildcard' }]],
    ['[0]', [{ type: 'index', index: 0 }]],
    ['$[1]', [{ type: 'index', index: 1 }]],
    [
      'l["app.kubernetes.io/name"]',
      [
        { type: 'key', key: 'l' },
        { type: 'key', key: 'app.kubernetes.io/name' },
      ],
    ],
    [
      "l['a]b']",
      [
        { type: 'key', key: 'l' },
        { type: 'key', key: 'a]b' },
      ],
    ],
    [
      "l['it\\'s']",
      [
        { type: 'key', key: 'l' },
        { type: 'key', key: "it's" },
      ],
    ],
  ])('%s', (path, steps) => {
    expect(parsePath(path)).toEqual(steps);
  });

  it.each([
    ['a..b', 'expected a name'],
    ['a.', 'expected a name after `.`'],
    ['a[', 'unclosed `[`'],
    ['a[x]', 'expected an index, `*` or a quoted name inside [], got `x`'],
    ["a['x]", 'unclosed quote'],
    ["a['x'", 'expected `]`'],
    ['a]', 'unexpected `]`'],
    ['$a', 'expected `.` or `[` after `$`'],
  ])('rejects %s, saying why', (path, why) => {
    expect(() => parsePath(path)).toThrow(PathSyntaxError);
    expect(() => parsePath(path)).toThrow(`path \`${path}\` is not valid: ${why}`);
  });

  it('knows wildcard paths', () => {
    expect(hasWildcard('items[*].name')).toBe(true);
    expect(hasWildcard('a.*')).toBe(true);
    expect(hasWildcard('items[0].name')).toBe(false);
  });
});

describe('selecting', () => {
  it('reads members, indexes and the root', () => {
    expect(selectFirst(doc, 'data.total')).toBe(3);
    expect(selectFirst(doc, 'data.clusters[1].id')).toBe('c-2');
    expect(selectFirst(doc, 'data.clusters[-1].id')).toBe(3);
    expect(selectFirst(doc, '$')).toBe(doc);
    expect(selectFirst(doc, 'data.clusters[0].meta.labels["app.kubernetes.io/name"]')).toBe('shop');
  });

  it('expands wildcards in document order, skipping items that lack the rest of the path', () => {
    expect(selectAll(doc, 'data.clusters[*].id')).toEqual(['c-1', 'c-2', 3]);
    expect(selectAll(doc, 'data.clusters[*].meta.name')).toEqual(['prod-eu-1', 'prod-us-1']);
    expect(selectAll(doc, 'list[*][*]')).toEqual([1, 2, 3]);
    expect(selectAll(doc, 'data.clusters[0].meta.*')).toEqual([
      'prod-eu-1',
      doc.data.clusters[0]?.meta?.labels,
    ]);
  });

  it('finds nothing (not an error) for missing members, out-of-range indexes and wrong types', () => {
    expect(selectAll(doc, 'data.missing')).toEqual([]);
    expect(selectAll(doc, 'data.clusters[9]')).toEqual([]);
    expect(selectAll(doc, 'data.total.x')).toEqual([]);
    expect(selectAll(doc, 'data.total[0]')).toEqual([]);
    expect(selectAll(doc, 'data.empty[*]')).toEqual([]);
    expect(selectFirst(doc, 'data.missing')).toBeUndefined();
  });

  it('keeps null as a value', () => {
    expect(selectAll(doc, 'data.nothing')).toEqual([null]);
  });

  it('never walks into the prototype', () => {
    expect(selectAll({}, '__proto__')).toEqual([]);
    expect(selectAll({ a: {} }, 'a.constructor')).toEqual([]);
    expect(selectAll([], 'length')).toEqual([]);
  });
});

describe('required paths', () => {
  it('return what they find', () => {
    expect(requireAll(doc, 'data.clusters[*].id', '/api/clusters')).toEqual(['c-1', 'c-2', 3]);
    expect(requireFirst(doc, 'data.clusters', '/api/clusters')).toBe(doc.data.clusters);
  });

  it('say which path found nothing in which answer, and where it stopped', () => {
    const error = (() => {
      try {
        requireFirst({ items: [], total: 0 }, 'data.clusters', '/api/clusters');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PathNotFoundError);
    expect((error as Error).message).toBe(
      'path `data.clusters` found nothing in the answer from /api/clusters (the answer has no `data`; it has items, total)',
    );
  });

  it.each([
    ['data.clusters[0].meta.nope', '`data.clusters[0].meta` has no `nope`; it has name, labels'],
    ['data.total.x', '`data.total` is number, not an object'],
    ['data.clusters[7]', '`data.clusters` has 3 elements'],
    ['data.empty[*].id', '`data.empty` is empty or not a list'],
    ['data.clusters.x', '`data.clusters` is a list, not an object'],
  ])('%s → %s', (path, detail) => {
    expect(() => requireAll(doc, path, '/x')).toThrow(
      `path \`${path}\` found nothing in the answer from /x (${detail})`,
    );
  });
});

describe('requireList', () => {
  it('reads a wildcard list, and an empty container as an empty list', () => {
    expect(requireList({ data: { jobs: [{ a: 1 }, { a: 2 }] } }, 'data.jobs[*]', '/jobs')).toEqual([
      { a: 1 },
      { a: 2 },
    ]);
    expect(requireList({ data: { jobs: [] } }, 'data.jobs[*]', '/jobs')).toEqual([]);
  });

  it('refuses a missing or null container: an error answer is not "no jobs"', () => {
    expect(() => requireList({ error: 'database timeout', data: null }, 'data.jobs[*]', '/jobs')).toThrow(
      PathNotFoundError,
    );
    expect(() => requireList({ data: { jobs: null } }, 'data.jobs[*]', '/jobs')).toThrow(/null, not a list/);
    expect(() => requireList({ data: {} }, 'data.jobs[*]', '/jobs')).toThrow(/found nothing/);
  });
});

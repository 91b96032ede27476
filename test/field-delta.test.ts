import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldDelta } from '../lib/field-delta';

describe('fieldDelta', () => {
  it('shows a list change as what was removed and what was added', () => {
    expect(
      fieldDelta({
        path: 'containers[search-api].env',
        before: ['ELASTICSEARCH_URL=http://elasticsearch:9200', 'LOG_LEVEL=debug'],
        after: ['ELASTICSEARCH_URL=http://elasticsaerch:9200', 'LOG_LEVEL=debug'],
      }),
    ).toEqual({
      kind: 'list',
      path: 'containers[search-api].env',
      removed: ['ELASTICSEARCH_URL=http://elasticsearch:9200'],
      added: ['ELASTICSEARCH_URL=http://elasticsaerch:9200'],
      unchanged: 1,
      reordered: false,
    });
  });

  it('treats an absent list as empty, counts repeats, and notices a pure reorder', () => {
    expect(fieldDelta({ path: 'a', after: ['x', 'x'] })).toMatchObject({ added: ['x', 'x'], removed: [] });
    expect(fieldDelta({ path: 'a', before: ['x', 'x', 'y'], after: ['x', 'y'] })).toMatchObject({
      removed: ['x'],
      added: [],
      unchanged: 2,
    });
    expect(fieldDelta({ path: 'a', before: ['a', 'b'], after: ['b', 'a'] })).toMatchObject({
      reordered: true,
    });
  });

  it('leaves scalar changes as before → after', () => {
    expect(fieldDelta({ path: 'spec.replicas', before: 3, after: 7 })).toEqual({
      kind: 'value',
      path: 'spec.replicas',
      before: 3,
      after: 7,
    });
  });

  it('accounts for every entry (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd')),
        fc.array(fc.constantFrom('a', 'b', 'c', 'd')),
        (b, a) => {
          const d = fieldDelta({ path: 'p', before: b, after: a });
          if (d.kind !== 'list') throw new Error('not a list');
          expect(d.unchanged + d.removed.length).toBe(b.length);
          expect(d.unchanged + d.added.length).toBe(a.length);
        },
      ),
    );
  });
});

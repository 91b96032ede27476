import { describe, expect, it } from 'vitest';
import { matchesLabelSelector } from '../../lib/sources/label-selector';

const labels = { 'app.kubernetes.io/part-of': 'shop', tier: 'web', canary: '' };

describe('matchesLabelSelector', () => {
  it.each([
    ['', true],
    ['app.kubernetes.io/part-of=shop', true],
    ['app.kubernetes.io/part-of==shop', true],
    ['app.kubernetes.io/part-of=other', false],
    ['app.kubernetes.io/part-of!=other', true],
    ['missing!=x', true],
    ['tier in (web, api)', true],
    ['tier in (api)', false],
    ['missing in (x)', false],
    ['tier notin (api)', true],
    ['missing notin (x)', true],
    ['tier notin (web)', false],
    ['canary', true],
    ['!canary', false],
    ['!missing', true],
    ['app.kubernetes.io/part-of=shop,tier in (web),!missing', true],
    ['app.kubernetes.io/part-of=shop,tier=api', false],
  ])('%j → %s', (selector, expected) => {
    expect(matchesLabelSelector(selector, labels)).toBe(expected);
  });

  it('refuses to guess on what it cannot read', () => {
    expect(matchesLabelSelector('tier in (web', labels)).toBeUndefined();
    expect(matchesLabelSelector('a b c', labels)).toBeUndefined();
  });
});

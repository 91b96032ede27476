import { describe, expect, it } from 'vitest';
import { fillTemplate, safeHttpUrl } from '../lib/links';

describe('fillTemplate', () => {
  it('fills every placeholder, URL-encoded', () => {
    expect(
      fillTemplate('https://c.example/u/{user}/{cluster}/{namespace}/{name}?k={kind}', {
        user: 'alice smith',
        cluster: 'c-1',
        namespace: 'shop',
        name: 'a/b',
        kind: 'Deployment',
      }),
    ).toBe('https://c.example/u/alice%20smith/c-1/shop/a%2Fb?k=Deployment');
  });

  it('gives no link when a placeholder has no value', () => {
    expect(fillTemplate('https://c.example/u/{user}', {})).toBeUndefined();
  });

  it('never yields a non-http link', () => {
    expect(fillTemplate('javascript:alert({name})', { name: 'x' })).toBeUndefined();
    expect(safeHttpUrl('data:text/html,hi')).toBeUndefined();
    expect(safeHttpUrl('http://127.0.0.1:8080/x')).toBe('http://127.0.0.1:8080/x');
  });
});

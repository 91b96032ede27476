import { describe, expect, it } from 'vitest';
import { completeFromApi, parseAlerts } from '../../lib/pages/alert-api';
import { parseColonLabel, parseLabelText, parseStartTime } from '../../lib/pages/dom';
import { labelBlocks } from '../../lib/pages/pagerduty';
import { sameOriginJson } from '../../lib/pages/same-origin';
import type { FoundSubject } from '../../lib/pages/types';

const NOW = Date.UTC(2025, 0, 15, 12, 30);

describe('label and time text', () => {
  it('parses label text of every Alertmanager version, and not filter matchers', () => {
    expect(parseLabelText('cluster="prod-eu-1"')).toEqual(['cluster', 'prod-eu-1']);
    expect(parseLabelText('cluster=prod-eu-1')).toEqual(['cluster', 'prod-eu-1']);
    expect(parseLabelText('msg="a=b "c""')).toEqual(['msg', 'a=b "c"']);
    expect(parseLabelText('cluster=~"prod.*"')).toBeUndefined();
    expect(parseLabelText('cluster!="x"')).toBeUndefined();
    expect(parseLabelText('+')).toBeUndefined();
    expect(parseColonLabel('cluster: prod: eu')).toEqual(['cluster', 'prod: eu']);
    expect(parseColonLabel('no colon')).toBeUndefined();
  });

  it('parses the start time formats, and nothing else', () => {
    expect(parseStartTime('2025-01-15T11:52:10.000Z', NOW)).toBe(Date.UTC(2025, 0, 15, 11, 52, 10));
    // Prometheus: activeAt with nanoseconds (React 2.x), and Go's time.Time.String() (classic).
    expect(parseStartTime('2025-01-15T11:52:10.3292776Z', NOW)).toBe(Date.UTC(2025, 0, 15, 11, 52, 10, 329));
    expect(parseStartTime('2025-01-15 11:52:10.3292776 +0000 UTC', NOW)).toBe(
      Date.UTC(2025, 0, 15, 11, 52, 10, 329),
    );
    expect(parseStartTime('2025-01-15 13:52:10 +0200 CEST', NOW)).toBe(Date.UTC(2025, 0, 15, 11, 52, 10));
    expect(parseStartTime('11:52:10, 2025-01-15 (UTC)', NOW)).toBe(Date.UTC(2025, 0, 15, 11, 52, 10));
    expect(parseStartTime('2025-01-15 11:52:10', NOW)).toBe(new Date(2025, 0, 15, 11, 52, 10).getTime());
    expect(parseStartTime('Wed 15 Jan 11:52 (inhibited)', NOW)).toBe(Date.UTC(2025, 0, 15, 11, 52));
    // No year on the page: late December seen in January is last year's.
    expect(parseStartTime('Tue 31 Dec 23:50', NOW)).toBe(Date.UTC(2024, 11, 31, 23, 50));
    expect(parseStartTime('a few minutes ago', NOW)).toBeUndefined();
    expect(parseStartTime('', NOW)).toBeUndefined();
  });

  it('reads Alertmanager label blocks as PagerDuty shows them, as text or JSON string', () => {
    const text = 'Labels:\n - alertname = X\n - cluster = prod\nAnnotations:\n - summary = s\n';
    expect(labelBlocks(text)).toEqual([{ alertname: 'X', cluster: 'prod' }]);
    expect(labelBlocks(JSON.stringify(text))).toEqual([{ alertname: 'X', cluster: 'prod' }]);
  });
});

describe('alert API', () => {
  it('reads both API shapes', () => {
    expect(
      parseAlerts([
        { labels: { a: '1' }, startsAt: '2025-01-15T11:00:00Z' },
        { nope: true },
        { labels: { b: 2 } },
      ]),
    ).toEqual([{ labels: { a: '1' }, startsAt: Date.UTC(2025, 0, 15, 11) }, { labels: {} }]);
    expect(
      parseAlerts({ data: { alerts: [{ labels: { a: '1' }, activeAt: '0001-01-01T00:00:00Z' }] } }),
    ).toEqual([{ labels: { a: '1' } }]);
    expect(parseAlerts('<html>')).toEqual([]);
  });

  it('completes a subject from the alerts agreeing with it', () => {
    const el = {} as Element;
    const one: FoundSubject = { element: el, anchor: el, placement: 'after', labels: { pod: 'p1' } };
    const many: FoundSubject = { element: el, anchor: el, placement: 'after', labels: { team: 'shop' } };
    const none: FoundSubject = { element: el, anchor: el, placement: 'after', labels: { pod: 'zzz' } };
    completeFromApi(
      [one, many, none],
      [
        { labels: { pod: 'p1', team: 'shop', cluster: 'a' }, startsAt: 2 },
        { labels: { pod: 'p2', team: 'shop', cluster: 'a' }, startsAt: 1 },
      ],
    );
    expect(one).toMatchObject({ labels: { pod: 'p1', team: 'shop', cluster: 'a' }, startsAt: 2 });
    expect(many).toMatchObject({ labels: { team: 'shop', cluster: 'a' }, startsAt: 1 });
    expect(none.labels).toEqual({ pod: 'zzz' });
    expect(none.startsAt).toBeUndefined();
  });
});

describe('same-origin JSON', () => {
  const json = (body: unknown, type = 'application/json', status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

  it('GETs the page origin only, with its own cookies', async () => {
    const seen: [string, RequestInit][] = [];
    const data = await sameOriginJson(
      'api/v2/alerts',
      'https://am.example.com/am/#/alerts',
      async (u, init) => {
        seen.push([u, init]);
        return json([1]);
      },
    );
    expect(data).toEqual([1]);
    expect(seen[0]?.[0]).toBe('https://am.example.com/am/api/v2/alerts');
    expect(seen[0]?.[1]).toMatchObject({ method: 'GET', credentials: 'same-origin', redirect: 'error' });
    await expect(
      sameOriginJson('https://evil.example/x', 'https://am.example.com/', async () => json([])),
    ).rejects.toThrow(/not the page's origin/);
    await expect(
      sameOriginJson('/x', 'https://am.example.com/', async () => json('<html>', 'text/html')),
    ).rejects.toThrow(/not JSON/);
    await expect(
      sameOriginJson('/x', 'https://am.example.com/', async () => json({}, 'application/json', 401)),
    ).rejects.toThrow(/401/);
  });
});

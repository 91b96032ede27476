/**
 * `fleet.control.raiseAlert` and `POST /_fleet/alert`: an alert with given labels, fired on the
 * fleet's Alertmanager as the v2 API's postableAlert, and listed by `GET /api/v2/alerts` as
 * Alertmanager lists it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPostable, fingerprint } from '../../fleet/alertmanager/alerts';
import { type Fleet, startFleet } from '../../fleet/index';
import { post } from './test-helpers';

let fleet: Fleet;
const logged: string[] = [];

beforeAll(async () => {
  fleet = await startFleet({ seed: 21, clusters: 3, autoRun: false, log: (l) => logged.push(l) });
});
afterAll(() => fleet.stop());

type Listed = { labels: Record<string, string>; startsAt: string; fingerprint: string; annotations: unknown };

const listed = async (matcher: string): Promise<Listed[]> => {
  const res = await fetch(`${fleet.alertUrl}/api/v2/alerts?filter=${encodeURIComponent(matcher)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Listed[];
};

describe('raising an alert through the control', () => {
  it('fires it in process with the labels, annotations and start given, listed by the v2 API', async () => {
    const startsAt = Date.parse('2026-01-02T03:04:05.000Z');
    const labels = { alertname: 'ArgoAppDegraded', cluster: 'prod-us-1', namespace: 'shop', app: 'cart' };
    const raised = fleet.control.raiseAlert({
      labels,
      annotations: { summary: 'cart is degraded' },
      startsAt,
    });
    expect(raised).toMatchObject({
      labels,
      annotations: { summary: 'cart is degraded' },
      startsAt: '2026-01-02T03:04:05.000Z',
      fingerprint: fingerprint(labels),
      receivers: [{ name: 'oncall-shop' }],
      status: { state: 'active', silencedBy: [], inhibitedBy: [], mutedBy: [] },
    });
    const found = await listed('alertname="ArgoAppDegraded"');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ labels, startsAt: '2026-01-02T03:04:05.000Z' });
    expect(fleet.control.state().alerts.map((a) => a.fingerprint)).toContain(fingerprint(labels));
    expect(logged.some((l) => l.includes('alert raised') && l.includes('app="cart"'))).toBe(true);

    // The same labels again: still one alert, as Alertmanager keeps one per label set.
    fleet.control.raiseAlert({ labels });
    expect(await listed('alertname="ArgoAppDegraded"')).toHaveLength(1);
    // The fleet's rules do not own it: time passing does not resolve it.
    fleet.control.tick(120_000);
    expect(await listed('alertname="ArgoAppDegraded"')).toHaveLength(1);
  });

  it('starts now when no start is given, and refuses what Alertmanager refuses', () => {
    const before = Date.now();
    const raised = fleet.control.raiseAlert({ labels: { alertname: 'Now', service: 'search' } });
    expect(Date.parse(raised.startsAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(raised.startsAt)).toBeLessThanOrEqual(Date.now());
    expect(() => fleet.control.raiseAlert({ labels: {} })).toThrow(/at least one label/);
    expect(() => fleet.control.raiseAlert({ labels: { 'bad-name': 'x' } })).toThrow(/invalid name/);
  });

  it('POST /_fleet/alert takes a postableAlert as JSON and answers the gettable alert', async () => {
    const labels = {
      alertname: 'NomadJobFailing',
      cluster: 'eu-west',
      namespace: 'data',
      job_name: 'ingest',
    };
    const { status, body } = await post(fleet, '/_fleet/alert', {
      labels,
      startsAt: '2026-03-04T05:06:07Z',
      generatorURL: 'http://prometheus.demo.invalid/graph',
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      labels,
      fingerprint: fingerprint(labels),
      startsAt: '2026-03-04T05:06:07.000Z',
      generatorURL: 'http://prometheus.demo.invalid/graph',
    });
    expect(await listed('alertname="NomadJobFailing"')).toHaveLength(1);

    for (const bad of [
      {},
      { labels: 'cluster=x' },
      { labels: { alertname: 'X', count: 3 } },
      { labels: { alertname: 'X' }, startsAt: 'yesterday' },
      { labels: { alertname: 'X' }, startsAt: '2026-03-04T05:06:07Z', endsAt: '2026-03-04T05:00:00Z' },
    ]) {
      const res = await post(fleet, '/_fleet/alert', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error).toBeTruthy();
    }
    expect(await listed('alertname="X"')).toEqual([]);
  });
});

describe('checkPostable', () => {
  const now = Date.parse('2026-05-01T00:00:00Z');
  it('drops empty label values, defaults the start, and keeps an end only when given', () => {
    expect(checkPostable({ labels: { alertname: 'A', cluster: '' } }, now)).toEqual({
      labels: { alertname: 'A' },
      annotations: {},
      startsAt: now,
    });
    // Only an end: the start is the end (a resolved alert posted late).
    expect(checkPostable({ labels: { a: 'b' }, endsAt: '2026-04-30T23:00:00Z' }, now)).toMatchObject({
      startsAt: Date.parse('2026-04-30T23:00:00Z'),
      endsAt: Date.parse('2026-04-30T23:00:00Z'),
    });
    expect(checkPostable({ labels: { cluster: '' } }, now)).toBe('at least one label pair required');
    expect(checkPostable({ labels: { a: 'b' }, generatorURL: 'not a url' }, now)).toMatch(/generatorURL/);
  });

  it('the v2 API takes the valid alerts of a post and answers 400 for the invalid ones', async () => {
    const res = await fetch(`${fleet.alertUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'Mixed', n: '1' } }, { labels: { '1x': 'y' } }]),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/invalid name "1x"/);
    expect(await listed('alertname="Mixed"')).toHaveLength(1);
  });
});

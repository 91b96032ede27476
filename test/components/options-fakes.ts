/**
 * Fakes for the options page's `io`: storage in memory, a permissions API that records what was
 * asked and removed, a fresh IndexedDB per test (fake-indexeddb), and an Http over a stub fetch.
 */
import { type Mock, vi } from 'vitest';
import type { IntegrationInfo, OptionsIo } from '../../components/options/io';
import { openDb, type TattlerDb } from '../../lib/db';
import { historyStore } from '../../lib/history';
import { createHttp, type FetchLike } from '../../lib/http';
import { openSecretStore } from '../../lib/secret-store';
import { SETTINGS_KEY, type SettingsInput } from '../../lib/settings';
import { adapterFor } from '../../lib/sources/registry';

/** The demo build's host permissions, as its manifest writes them (wxt.config.ts). */
export const DECLARED = ['*://127.0.0.1/*', '*://localhost/*'];
/** What the browser reports as held for them (`permissions.contains` takes each scheme). */
const DECLARED_HELD = DECLARED.flatMap((d) => [d.replace('*://', 'http://'), d.replace('*://', 'https://')]);

export interface FakeIo extends OptionsIo {
  data: Record<string, unknown>;
  granted: Set<string>;
  request: Mock<(p: { origins: string[] }) => Promise<boolean>>;
  remove: Mock<(p: { origins: string[] }) => Promise<boolean>>;
  set: Mock<(items: Record<string, unknown>) => Promise<void>>;
  download: Mock<OptionsIo['download']>;
  db: TattlerDb;
  /** Answer of the next permission prompts. */
  answer: boolean;
  stored(): SettingsInput | undefined;
}

let n = 0;

export function fakeIo(
  options: { settings?: SettingsInput; fetch?: FetchLike; granted?: string[] } = {},
): FakeIo {
  const data: Record<string, unknown> = {};
  if (options.settings) data[SETTINGS_KEY] = structuredClone(options.settings);
  const granted = new Set([...DECLARED_HELD, ...(options.granted ?? [])]);
  const set = vi.fn(async (items: Record<string, unknown>) => {
    Object.assign(data, structuredClone(items));
  });
  const db = openDb(`options-test-${++n}-${Math.random().toString(36).slice(2)}`);
  const io: FakeIo = {
    data,
    granted,
    answer: true,
    set,
    storage: {
      get: async (key: string) => (key in data ? { [key]: structuredClone(data[key]) } : {}),
      set,
    },
    secrets: openSecretStore(`options-secrets-${n}-${Math.random().toString(36).slice(2)}`),
    request: vi.fn<(p: { origins: string[] }) => Promise<boolean>>(),
    remove: vi.fn<(p: { origins: string[] }) => Promise<boolean>>(),
    permissions: {
      contains: async ({ origins }) => origins.every((o) => granted.has(o)),
      request: (p) => io.request(p),
      remove: (p) => io.remove(p),
    },
    declaredOrigins: DECLARED,
    db,
    history: historyStore(db),
    http: (timeoutMs, secrets) =>
      createHttp({
        timeoutMs,
        ...(secrets ? { secrets } : {}),
        fetch:
          options.fetch ??
          (async () => {
            throw new TypeError('Failed to fetch');
          }),
      }),
    adapterFor,
    estimate: async () => ({ usage: 3 * 1024 * 1024, quota: 2 * 1024 ** 3 }),
    download: vi.fn<OptionsIo['download']>(),
    now: () => Date.parse('2025-03-10T15:00:00Z'),
    stored: () => data[SETTINGS_KEY] as SettingsInput | undefined,
  };
  io.request.mockImplementation(async ({ origins }) => {
    if (io.answer) for (const o of origins) granted.add(o);
    return io.answer;
  });
  io.remove.mockImplementation(async ({ origins }) => {
    for (const o of origins) granted.delete(o);
    return true;
  });
  return io;
}

export const INTEGRATIONS_FOR_TEST: IntegrationInfo[] = [
  { id: 'alertmanager', name: 'Alertmanager', kind: 'alerts', onLoopback: true },
  { id: 'grafana', name: 'Grafana alerting', kind: 'alerts', onLoopback: true },
];

/** A stub fetch answering every request with one status and body. */
export function answerAll(status: number, body: string, contentType = 'application/json'): FetchLike {
  return async () => new Response(body, { status, headers: { 'content-type': contentType } });
}

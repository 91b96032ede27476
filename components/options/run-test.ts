/**
 * Runs the Test button: asks for the source's origins inside the click (a browser will not let
 * an extension page read an origin it has no permission for), then one discovery and one poll
 * with nothing stored (lib/source-test.ts).
 *
 * The Test runs the draft, which may point somewhere the saved source does not: a token typed in
 * the form is for the draft's origin; the stored token is used only when the draft still reads
 * the origin it was entered for (and the Http sends it nowhere else).
 */
import type { BoundSecret } from '../../lib/http';
import { originPatternsFor } from '../../lib/permissions';
import { cleanToken, type SecretStore, tokenOrigin, usableSecret } from '../../lib/secrets';
import type { Settings, SourceSettings } from '../../lib/settings';
import { testSource } from '../../lib/source-test';
import type { OptionsIo } from './io';
import type { TestState } from './TestResult';

export const TEST_MAX_CLUSTERS = 5;

/** Call synchronously from the click handler; `report` receives each state. */
export function runSourceTest(
  io: OptionsIo,
  settings: Settings,
  source: SourceSettings,
  report: (state: TestState) => void,
  token?: string,
): Promise<void> {
  const patterns = originPatternsFor({ ...settings, sources: [source], pages: {} });
  report({ phase: 'running', what: `Asking for access to ${patterns.join(', ') || 'nothing'}…` });
  const asked = patterns.length ? io.permissions.request({ origins: patterns }) : Promise.resolve(true);
  return asked
    .catch(() => false)
    .then(async (granted) => {
      if (!granted) {
        report({
          phase: 'blocked',
          message: `Tattler may not read ${patterns.join(', ')}: the browser did not grant access.`,
        });
        return;
      }
      report({ phase: 'running', what: `Testing ${source.name}: discovery, then one poll…` });
      const { secret, note } = await secretForTest(io.secrets, source, token);
      const http = io.http(settings.requestTimeoutSec * 1000, secret ? [secret] : []);
      const result = await testSource(source, http, io.adapterFor, {
        maxClusters: TEST_MAX_CLUSTERS,
        ...(secret ? { token: secret.value } : {}),
      });
      report({ phase: 'done', result, at: (io.now ?? Date.now)(), ...(note ? { note } : {}) });
    })
    .catch((error: unknown) => {
      report({
        phase: 'blocked',
        message: `the test itself failed: ${(error as Error)?.message ?? String(error)}`,
      });
    });
}

/** The token a Test may send, bound to its origin; and a note when the stored one is held back. */
export async function secretForTest(
  store: SecretStore,
  source: SourceSettings,
  typed: string | undefined,
): Promise<{ secret?: BoundSecret; note?: string }> {
  const wanted = tokenOrigin(source);
  const value = typed ? cleanToken(typed) : '';
  if (value)
    return 'origin' in wanted ? { secret: { value, origin: wanted.origin } } : { note: wanted.error };
  const stored = await store.get(source.id).catch(() => undefined);
  const secret = usableSecret(stored, source);
  if (secret) return { secret };
  if (!stored) return {};
  return {
    note: `The stored token was entered for ${stored.origin}; this test reads ${'origin' in wanted ? wanted.origin : 'other origins'} and did not send it there. Type the token for that origin to test with one.`,
  };
}

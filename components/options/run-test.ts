/**
 * Runs the Test button: asks for the source's origins inside the click (a browser will not let
 * an extension page read an origin it has no permission for), then one discovery and one poll
 * with nothing stored (lib/source-test.ts).
 */
import { originPatternsFor } from '../../lib/permissions';
import { loadSecret } from '../../lib/secrets';
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
      const secret = token?.trim() || (await loadSecret(io.storage, source.id).catch(() => undefined));
      const result = await testSource(source, io.http(settings.requestTimeoutSec * 1000), io.adapterFor, {
        maxClusters: TEST_MAX_CLUSTERS,
        ...(secret ? { token: secret } : {}),
      });
      report({ phase: 'done', result, at: (io.now ?? Date.now)() });
    })
    .catch((error: unknown) => {
      report({
        phase: 'blocked',
        message: `the test itself failed: ${(error as Error)?.message ?? String(error)}`,
      });
    });
}

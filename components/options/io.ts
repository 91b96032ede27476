/**
 * Everything the options page needs from the browser, passed in by the entrypoint so the page
 * runs in tests with fakes: storage, host permissions, the history (reads and commands), an `Http` for the
 * Test button, the adapters, downloads.
 */
import type { HistoryStore } from '../../lib/history';
import type { Http } from '../../lib/http';
import type { SecretStorage } from '../../lib/secrets';
import type { AdapterLookup } from '../../lib/source-test';

export interface PermissionsApi {
  contains(p: { origins: string[] }): Promise<boolean>;
  /** Must be called inside the user's click; resolves false when the user declines. */
  request(p: { origins: string[] }): Promise<boolean>;
  remove(p: { origins: string[] }): Promise<boolean>;
}

export interface OptionsIo {
  /** `browser.storage.local`: the settings document and, apart, secrets. */
  storage: SecretStorage;
  /** Calls back when stored settings change elsewhere (an import in another tab); returns an unsubscribe. */
  onSettingsChanged?(callback: () => void): () => void;
  permissions: PermissionsApi;
  /** Host permissions the manifest declares (loopback): always held, never removed. */
  declaredOrigins: readonly string[];
  /** The history's reads and commands (lib/history.ts `historyStore(db)`). */
  history: HistoryStore;
  /** An Http for the Test button (GET with the browser's session; the timeout from settings). */
  http(timeoutMs: number): Http;
  adapterFor: AdapterLookup;
  /** `navigator.storage.estimate()`, when the browser has it. */
  estimate?(): Promise<{ usage?: number; quota?: number }>;
  /** Saves text as a file. */
  download(fileName: string, mime: string, text: string): void;
  now?(): number;
}

/** A page integration as the options page lists it (lib/pages/registry.ts INTEGRATIONS). */
export interface IntegrationInfo {
  id: string;
  name: string;
  kind: string;
  /** Runs on the demo fleet's loopback origins without any setup. */
  onLoopback: boolean;
}

/**
 * Everything the options page needs from the browser, passed in by the entrypoint so the page
 * runs in tests with fakes: storage, host permissions, the history (reads and commands), an `Http` for the
 * Test button, the adapters, downloads.
 */
import type { HistoryStore } from '../../lib/history';
import type { BoundSecret, Http } from '../../lib/http';
import type { SecretStore } from '../../lib/secrets';
import type { StorageArea } from '../../lib/settings';
import type { AdapterLookup } from '../../lib/source-test';

export interface PermissionsApi {
  contains(p: { origins: string[] }): Promise<boolean>;
  /** Must be called inside the user's click; resolves false when the user declines. */
  request(p: { origins: string[] }): Promise<boolean>;
  remove(p: { origins: string[] }): Promise<boolean>;
}

export interface OptionsIo {
  /** `browser.storage.local`: the settings document (and the "a secret changed" signal). */
  storage: StorageArea;
  /** Tokens, each with the origin it was entered for (lib/secret-store.ts: the extension's IndexedDB). */
  secrets: SecretStore;
  /** Calls back when stored settings change elsewhere (an import in another tab); returns an unsubscribe. */
  onSettingsChanged?(callback: () => void): () => void;
  permissions: PermissionsApi;
  /** Host permissions the manifest declares (loopback): always held, never removed. */
  declaredOrigins: readonly string[];
  /** The history's reads and commands (lib/history.ts `historyStore(db)`). */
  history: HistoryStore;
  /**
   * An Http for the Test button (GET with the browser's session; the timeout from settings), and
   * the tokens it may send, each only to its own origin.
   */
  http(timeoutMs: number, secrets?: readonly BoundSecret[]): Http;
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

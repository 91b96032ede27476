/**
 * Secrets that a source needs and the browser does not hold for us — today the Nomad ACL token,
 * which Nomad's own UI keeps in the page's localStorage where an extension cannot (and should
 * not) read it. The user pastes it once in the options page.
 *
 * Kept in `browser.storage.local` under one key per source (`secret:<sourceId>`), never inside
 * the settings document: settings are exported and shared between teammates, a token must not
 * be. One key per source, not one map, so saving one source's token cannot race with another's.
 *
 * Pure: takes the storage area as a parameter, as lib/settings.ts does; tests pass a plain object.
 */
import type { StorageArea } from './settings';

/** The part of `browser.storage.local` secrets need: settings' area plus `remove`. */
export interface SecretStorage extends StorageArea {
  remove(key: string): Promise<void>;
}

const PREFIX = 'secret:';
const SOURCE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The storage key of one source's secret; throws for what cannot be a source id. */
export function secretKey(sourceId: string): string {
  if (!SOURCE_ID.test(sourceId)) throw new Error(`not a source id: ${JSON.stringify(sourceId)}`);
  return `${PREFIX}${sourceId}`;
}

/** Whether a storage key holds a secret (so an export or a debug dump can leave it out). */
export const isSecretKey = (key: string): boolean => key.startsWith(PREFIX);

export async function loadSecret(storage: StorageArea, sourceId: string): Promise<string | undefined> {
  const key = secretKey(sourceId);
  const value = (await storage.get(key))[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The secrets of several sources at once (the watcher's pass); sources without one are absent. */
export async function loadSecrets(
  storage: StorageArea,
  sourceIds: readonly string[],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of sourceIds) {
    const secret = await loadSecret(storage, id);
    if (secret !== undefined) out[id] = secret;
  }
  return out;
}

/**
 * Stores a source's secret. Surrounding whitespace (a paste from a terminal) is dropped; an empty
 * value deletes the secret rather than storing an empty one.
 */
export async function saveSecret(storage: SecretStorage, sourceId: string, value: string): Promise<void> {
  const trimmed = value.trim();
  if (trimmed === '') return deleteSecret(storage, sourceId);
  if (/[\r\n]/.test(trimmed)) throw new Error('a token is one line');
  await storage.set({ [secretKey(sourceId)]: trimmed });
}

export async function deleteSecret(storage: SecretStorage, sourceId: string): Promise<void> {
  await storage.remove(secretKey(sourceId));
}

/**
 * Where tokens live: a database of their own in the extension's IndexedDB (`tattler-secrets`),
 * apart from the history (lib/db.ts), so clearing the history never touches a token and a token
 * is never in a history export.
 *
 * Why here, per browser:
 * - Content scripts cannot open it. A content script runs in the page's origin, and IndexedDB is
 *   per origin: it opens the page's databases, never the extension's — in Chrome and in Firefox.
 *   `browser.storage.local`, where tokens used to be, is open to content scripts in both (Firefox
 *   has no `setAccessLevel` for it; Chrome's protects `storage.session` by default and, in newer
 *   versions only, lets an extension close `local`).
 * - It persists across browser restarts: `storage.session`, the other area content scripts cannot
 *   read by default, is emptied when the browser quits — an on-call engineer would type the
 *   Nomad token again every morning.
 * - The background (service worker / event page) and the options page, both on the extension's
 *   origin, share it.
 */
import { Dexie, type EntityTable } from 'dexie';
import type { SecretNotice, SecretStore, StoredSecret } from './secrets';

export const SECRETS_DB_NAME = 'tattler-secrets';

type SecretsDb = Dexie & {
  secrets: EntityTable<StoredSecret, 'sourceId'>;
  notices: EntityTable<SecretNotice, 'sourceId'>;
};

/** Opens the store (lazily: Dexie opens the database on first use). */
export function openSecretStore(name = SECRETS_DB_NAME): SecretStore {
  const db = new Dexie(name) as SecretsDb;
  // Versions are only ever appended, as in lib/db.ts.
  db.version(1).stores({ secrets: 'sourceId', notices: 'sourceId' });
  return {
    get: (sourceId) => db.secrets.get(sourceId),
    list: () => db.secrets.toArray(),
    put: async (secret) => {
      await db.secrets.put(secret);
    },
    delete: (sourceId) => db.secrets.delete(sourceId),
    notices: () => db.notices.toArray(),
    putNotice: async (notice) => {
      await db.notices.put(notice);
    },
    deleteNotice: (sourceId) => db.notices.delete(sourceId),
  };
}

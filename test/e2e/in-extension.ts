/**
 * Functions the end-to-end tests run inside one of Tattler's extension pages (or its Chromium
 * service worker): they are serialized and sent there, so each is self-contained.
 */

/** In an extension page: every row of one IndexedDB table of Tattler's database. */
export function readStore(name: string): Promise<unknown[]> {
  return new Promise((done, fail) => {
    const open = indexedDB.open('tattler');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains(name)) {
        db.close();
        done([]);
        return;
      }
      const all = db.transaction(name, 'readonly').objectStore(name).getAll();
      all.onsuccess = () => {
        done(all.result);
        db.close();
      };
      all.onerror = () => fail(all.error);
    };
  });
}

/** In an extension page: calls `browser.<path>(...args)` (e.g. `permissions.contains`). */
export function callExtensionApi({ path, args }: { path: string; args: unknown[] }): Promise<unknown> {
  const api =
    (globalThis as unknown as { browser?: unknown; chrome?: unknown }).browser ??
    (globalThis as unknown as { chrome: unknown }).chrome;
  const parts = path.split('.');
  const name = parts.pop() as string;
  const owner = parts.reduce((o, k) => (o as Record<string, unknown>)[k], api) as Record<
    string,
    (...a: unknown[]) => Promise<unknown>
  >;
  return (owner[name] as (...a: unknown[]) => Promise<unknown>).apply(owner, args);
}

/** In an extension page: a message to the background, as the popup sends it. */
export function sendMessage(message: unknown): Promise<unknown> {
  const api =
    (globalThis as unknown as { browser?: unknown; chrome?: unknown }).browser ??
    (globalThis as unknown as { chrome: unknown }).chrome;
  return (api as { runtime: { sendMessage(m: unknown): Promise<unknown> } }).runtime.sendMessage(message);
}

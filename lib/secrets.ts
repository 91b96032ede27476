/**
 * Secrets that a source needs and the browser does not hold for us — today the Nomad ACL token,
 * which Nomad's own UI keeps in the page's localStorage where an extension cannot (and should
 * not) read it. The user pastes it once in the options page.
 *
 * Each secret is kept with the one origin it was entered for (scheme, host and port) and is sent
 * only there: lib/http.ts refuses a request that would carry it anywhere else, and a source
 * whose origin changes (in its form, or by an import) has its token deleted and asked for again.
 *
 * Where they live: the extension's own IndexedDB (lib/secret-store.ts), never the settings
 * document (settings are exported and shared between teammates, a token must not be) and no
 * longer `browser.storage.local`, which content scripts can read. Tokens stored there by older
 * versions are moved by `migrateLegacySecrets`.
 *
 * Pure: the store and the storage area are parameters; tests pass in-memory ones.
 */
import type { BoundSecret } from './http';

export type { BoundSecret };

/** One source's secret as stored. */
export interface StoredSecret extends BoundSecret {
  sourceId: string;
  savedAt: number;
}

/** Why a source needs its token entered again (shown on the options page until it is). */
export interface SecretNotice {
  sourceId: string;
  message: string;
  at: number;
}

/** Where secrets are kept (lib/secret-store.ts: the extension's IndexedDB). */
export interface SecretStore {
  get(sourceId: string): Promise<StoredSecret | undefined>;
  list(): Promise<StoredSecret[]>;
  put(secret: StoredSecret): Promise<void>;
  delete(sourceId: string): Promise<void>;
  notices(): Promise<SecretNotice[]>;
  putNotice(notice: SecretNotice): Promise<void>;
  deleteNotice(sourceId: string): Promise<void>;
}

/**
 * A key in `browser.storage.local` that changes whenever a secret does (it holds a time, never a
 * secret): the background listens for it to poll at once with a token just entered.
 */
export const SECRETS_CHANGED_KEY = 'secrets-changed';

/** What of a source its token's origin depends on. */
export interface SourceLike {
  id: string;
  name: string;
  baseUrl?: string | undefined;
  clusters: readonly { apiBase: string }[];
}

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/**
 * The one origin a source's token is for: its base URL's; without one, the origin its
 * hand-listed clusters share. A source whose clusters sit on several origins has none — a token
 * cannot be for all of them.
 */
export function tokenOrigin(source: SourceLike): { origin: string } | { error: string } {
  const base = source.baseUrl ? originOf(source.baseUrl) : undefined;
  if (base) return { origin: base };
  const origins = [...new Set(source.clusters.map((c) => originOf(c.apiBase)))];
  if (origins.length === 1 && origins[0]) return { origin: origins[0] };
  if (origins.length === 0) return { error: 'a token needs the server URL it is for' };
  return {
    error: `a token is sent to one origin only, and these clusters are on ${origins.filter(Boolean).join(', ')}: make one source per origin`,
  };
}

/**
 * A token sent to a plain-http origin crosses the network readable by anyone on the path (only
 * this machine's loopback is spared): said before it is saved, not refused — a lab Nomad often
 * has no TLS, and the person decides.
 */
export function cleartextTokenWarning(origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:') return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1' || /^127\./.test(host)) return undefined;
  return `${url.origin} is plain http: the token would cross the network unencrypted, readable by anyone on the way. Use an https:// URL if the server has one.`;
}

/** The secret as the source now stands, or undefined when it was entered for another origin. */
export function usableSecret(stored: StoredSecret | undefined, source: SourceLike): BoundSecret | undefined {
  if (!stored) return undefined;
  const wanted = tokenOrigin(source);
  if (!('origin' in wanted) || wanted.origin !== stored.origin) return undefined;
  return { value: stored.value, origin: stored.origin };
}

/** A pasted token as stored: surrounding whitespace dropped; one line. Empty stays empty. */
export function cleanToken(value: string): string {
  const trimmed = value.trim();
  if (/[\r\n]/.test(trimmed)) throw new Error('a token is one line');
  return trimmed;
}

/**
 * Stores a source's secret, bound to the source's origin as it is now. An empty value deletes the
 * secret rather than storing an empty one. Throws when the source has no one origin.
 */
export async function saveSecret(
  store: SecretStore,
  source: SourceLike,
  value: string,
  now: number,
): Promise<StoredSecret | undefined> {
  const token = cleanToken(value);
  if (token === '') {
    await deleteSecret(store, source.id);
    return undefined;
  }
  const bound = tokenOrigin(source);
  if ('error' in bound) throw new Error(bound.error);
  const secret: StoredSecret = { sourceId: source.id, value: token, origin: bound.origin, savedAt: now };
  await store.put(secret);
  await store.deleteNotice(source.id);
  return secret;
}

export async function deleteSecret(store: SecretStore, sourceId: string): Promise<void> {
  await store.delete(sourceId);
}

/**
 * What a pass needs: each source's token (by source id) and every token with its origin, for
 * lib/http.ts to hold to. A token entered for another origin than the source's now is left out.
 */
export async function loadSecrets(
  store: SecretStore,
  sources: readonly SourceLike[],
): Promise<{ tokens: Record<string, string>; bound: BoundSecret[] }> {
  const stored = new Map((await store.list()).map((s) => [s.sourceId, s]));
  const tokens: Record<string, string> = {};
  const bound: BoundSecret[] = [];
  for (const source of sources) {
    const secret = usableSecret(stored.get(source.id), source);
    if (!secret) continue;
    tokens[source.id] = secret.value;
    bound.push(secret);
  }
  return { tokens, bound };
}

/** A token deleted because its source no longer reads the origin it was for. */
export interface DroppedSecret {
  sourceId: string;
  name: string;
  message: string;
}

/**
 * Keeps the stored secrets in line with settings just saved: a removed source's token is
 * deleted; a source whose origin changed (its form, an import) has its token deleted and a
 * notice asks for it again. Returns what was dropped, for the page to say.
 */
export async function reconcileSecrets(
  store: SecretStore,
  sources: readonly SourceLike[],
  now: number,
): Promise<DroppedSecret[]> {
  const byId = new Map(sources.map((s) => [s.id, s]));
  const dropped: DroppedSecret[] = [];
  for (const secret of await store.list()) {
    const source = byId.get(secret.sourceId);
    if (!source) {
      await store.delete(secret.sourceId);
      await store.deleteNotice(secret.sourceId);
      continue;
    }
    if (usableSecret(secret, source)) continue;
    const current = tokenOrigin(source);
    const message =
      'origin' in current
        ? `The token of “${source.name}” was entered for ${secret.origin}; the source now reads ${current.origin}, so the token was deleted. Enter the token for ${current.origin}.`
        : `The token of “${source.name}” was entered for ${secret.origin}, which the source no longer names alone (${current.error}), so the token was deleted.`;
    await store.delete(secret.sourceId);
    await store.putNotice({ sourceId: source.id, message, at: now });
    dropped.push({ sourceId: source.id, name: source.name, message });
  }
  for (const notice of await store.notices()) {
    if (!byId.has(notice.sourceId)) await store.deleteNotice(notice.sourceId);
  }
  return dropped;
}

/** The part of `browser.storage.local` the migration needs. */
export interface LegacyStorage {
  get(keys: null): Promise<Record<string, unknown>>;
  remove(keys: string[]): Promise<void>;
}

const LEGACY_PREFIX = 'secret:';

/**
 * Moves tokens that older versions kept in `browser.storage.local` (`secret:<sourceId>`, readable
 * by content scripts) into the store, each bound to its source's origin — the only origin it was
 * ever sent to with the source as it stands. A token that cannot be bound so (its source is gone,
 * or names no one origin) is deleted, and a notice says to enter it again. Idempotent: the
 * background and the options page may both run it.
 */
export async function migrateLegacySecrets(
  storage: LegacyStorage,
  store: SecretStore,
  sources: readonly SourceLike[],
  now: number,
): Promise<number> {
  const all = await storage.get(null);
  const keys = Object.keys(all).filter((k) => k.startsWith(LEGACY_PREFIX));
  if (keys.length === 0) return 0;
  for (const key of keys) {
    const sourceId = key.slice(LEGACY_PREFIX.length);
    const value = all[key];
    const source = sources.find((s) => s.id === sourceId);
    if (typeof value !== 'string' || value.trim() === '' || !source) continue;
    if (await store.get(sourceId)) continue;
    const bound = tokenOrigin(source);
    if ('origin' in bound) {
      await store.put({ sourceId, value: value.trim(), origin: bound.origin, savedAt: now });
    } else {
      await store.putNotice({
        sourceId,
        at: now,
        message: `Tattler now keeps each token for one origin only. The token of “${source.name}” could not be tied to one (${bound.error}), so it was deleted: enter it again.`,
      });
    }
  }
  await storage.remove(keys);
  return keys.length;
}

/**
 * Keeps the page integrations' registered content script in line with settings and grants
 * (lib/pages/registration.ts), one sync at a time. Start-up, a settings change and a
 * permission change often come together (an import that grants an origin wakes a stopped
 * background with all three); each sync is check-then-register, so two at once both find
 * nothing registered, the second registration fails as a duplicate, and the origins only it
 * knew about are never registered.
 */
import {
  type RegisteredScript,
  type RegistrationApi,
  syncContentScripts,
} from '../../lib/pages/registration';
import type { Settings } from '../../lib/settings';

/** Chrome: `Duplicate script ID 'x'`; Firefox: `Content script with id "x" is already registered`. */
const DUPLICATE = /already registered|duplicate script id/i;

/**
 * The registration API with "register" made idempotent: a script that turns out to be
 * registered already (by a sync in another context, or one the browser had not listed yet)
 * is updated to what was asked instead.
 */
export function idempotentRegistration(api: RegistrationApi): RegistrationApi {
  return {
    permissions: api.permissions,
    scripting: {
      getRegisteredContentScripts: (filter) => api.scripting.getRegisteredContentScripts(filter),
      updateContentScripts: (scripts) => api.scripting.updateContentScripts(scripts),
      unregisterContentScripts: (filter) => api.scripting.unregisterContentScripts(filter),
      async registerContentScripts(scripts: RegisteredScript[]) {
        try {
          await api.scripting.registerContentScripts(scripts);
        } catch (error) {
          if (!DUPLICATE.test(String((error as Error)?.message ?? error))) throw error;
          await api.scripting.updateContentScripts(scripts);
        }
      },
    },
  };
}

/**
 * A `sync()` that runs one sync at a time. A call while one runs schedules one more run after
 * it (calls meanwhile share that run): the last run always sees the latest settings and grants.
 */
export function serializedPageSync(
  settings: () => Promise<Settings>,
  api: RegistrationApi,
  /** The manifest's own content script's patterns (lib/pages/registry.ts builtInPatterns). */
  builtIn: readonly string[] = [],
): () => Promise<void> {
  const registration = idempotentRegistration(api);
  let current: Promise<void> | undefined;
  let next: Promise<void> | undefined;

  const once = async () => {
    try {
      await syncContentScripts(await settings(), registration, builtIn);
    } catch (error) {
      console.warn('Tattler: could not register page integrations', error);
    }
  };

  return function sync(): Promise<void> {
    if (!current) {
      current = once().finally(() => {
        current = undefined;
      });
      return current;
    }
    next ??= current.then(() => {
      next = undefined;
      return sync();
    });
    return next;
  };
}

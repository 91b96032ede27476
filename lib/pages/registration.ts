/**
 * Where the page integrations run: every origin the user lists in
 * `settings.pages[<id>].origins` is asked for as an optional host permission, from the options
 * page (a user gesture: components/options/store.ts), and the same content script is
 * registered for the origins granted. (The demo build's manifest also runs it on loopback
 * pages by itself: origins it covers need no registration.)
 *
 *   syncContentScripts(s)     background, at start and on every settings or permission change:
 *                             registers / updates / unregisters to match settings and grants
 *
 * Match patterns carry no port (Firefox rejects them; Chrome treats a missing port as any
 * port): the content script checks the page's exact origin against settings before running any
 * integration (registry.ts integrationsFor).
 */

import { browser } from 'wxt/browser';
import { matchPatternOf } from '../permissions';
import { builtInCovers } from './built-in';

/** The registered script's id. */
export const SCRIPT_ID = 'tattler-pages';
/** WXT's output for entrypoints/pages.content.ts. */
export const SCRIPT_FILE = 'content-scripts/pages.js';

export interface RegisteredScript {
  id: string;
  matches?: string[];
  js?: string[];
  runAt?: 'document_start' | 'document_end' | 'document_idle';
  allFrames?: boolean;
  persistAcrossSessions?: boolean;
}

/** The part of the extension API this module uses; tests pass a fake. */
export interface RegistrationApi {
  permissions: {
    contains(p: { origins: string[] }): Promise<boolean>;
    request(p: { origins: string[] }): Promise<boolean>;
  };
  scripting: {
    getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<RegisteredScript[]>;
    registerContentScripts(scripts: RegisteredScript[]): Promise<void>;
    updateContentScripts(scripts: RegisteredScript[]): Promise<void>;
    unregisterContentScripts(filter?: { ids?: string[] }): Promise<void>;
  };
}

interface PagesPart {
  pages: Record<string, { enabled: boolean; origins: string[] } | undefined>;
}

export { matchPatternOf };

/** The origins listed for switched-on integrations that the manifest's own content script does not cover. */
export function userOrigins(settings: PagesPart, builtIn: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const config of Object.values(settings.pages)) {
    if (!config || config.enabled === false) continue;
    for (const origin of config.origins) {
      try {
        if (!builtInCovers(new URL(origin), builtIn)) out.add(new URL(origin).origin);
      } catch {
        // settings validate origins; skip anything that slipped through
      }
    }
  }
  return [...out].sort();
}

export interface SyncResult {
  /** Match patterns the script is registered for now. */
  registered: string[];
  /** Origins listed in settings whose permission is not granted (the options page offers to ask). */
  missingPermission: string[];
}

export async function syncContentScripts(
  settings: PagesPart,
  api: RegistrationApi = defaultApi(),
  builtIn: readonly string[] = [],
): Promise<SyncResult> {
  const missingPermission: string[] = [];
  const patterns = new Set<string>();
  for (const origin of userOrigins(settings, builtIn)) {
    const pattern = matchPatternOf(origin);
    if (!pattern) continue;
    if (await api.permissions.contains({ origins: [pattern] })) patterns.add(pattern);
    else missingPermission.push(origin);
  }
  const matches = [...patterns].sort();
  const existing = (await api.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] })).find(
    (s) => s.id === SCRIPT_ID,
  );
  if (matches.length === 0) {
    if (existing) await api.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
    return { registered: [], missingPermission };
  }
  const script: RegisteredScript = {
    id: SCRIPT_ID,
    js: [SCRIPT_FILE],
    matches,
    runAt: 'document_idle',
    allFrames: false,
  };
  if (!existing) await api.scripting.registerContentScripts([script]);
  else if (JSON.stringify([...(existing.matches ?? [])].sort()) !== JSON.stringify(matches)) {
    await api.scripting.updateContentScripts([{ id: SCRIPT_ID, matches }]);
  }
  return { registered: matches, missingPermission };
}

function defaultApi(): RegistrationApi {
  return browser as unknown as RegistrationApi;
}

/**
 * WXT's fakeBrowser with what it leaves unimplemented and the background uses: permission
 * events, `permissions.contains`, `scripting` (content-script registration, recorded), the
 * toolbar action (badge text recorded) and `runtime.getPlatformInfo` (the heartbeat's call,
 * counted).
 */
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { RegisteredScript } from '../../lib/pages/registration';

export interface FakeBackgroundBrowser {
  badgeText(): string;
  registered(): RegisteredScript[];
  /** How many extension API calls the heartbeat made. */
  beats(): number;
}

export function resetFakeBrowser(granted: ReadonlySet<string> = new Set()): FakeBackgroundBrowser {
  fakeBrowser.reset();
  let badgeText = '';
  let registered: RegisteredScript[] = [];
  let beats = 0;
  const noEvent = { addListener() {}, removeListener() {} };
  Object.assign(fakeBrowser.permissions, {
    onAdded: noEvent,
    onRemoved: noEvent,
    contains: async ({ origins }: { origins: string[] }) => origins.every((o) => granted.has(o)),
  });
  Object.assign(fakeBrowser.runtime, {
    getPlatformInfo: async () => {
      beats++;
      return { os: 'linux', arch: 'x86-64' };
    },
  });
  Object.assign(fakeBrowser, {
    scripting: {
      getRegisteredContentScripts: async () => registered,
      registerContentScripts: async (scripts: RegisteredScript[]) => {
        registered.push(...scripts);
      },
      updateContentScripts: async ([update]: RegisteredScript[]) => {
        registered = registered.map((r) => (r.id === update?.id ? { ...r, ...update } : r));
      },
      unregisterContentScripts: async () => {
        registered = [];
      },
    },
    action: {
      setBadgeText: async ({ text }: { text: string }) => {
        badgeText = text;
      },
      setBadgeBackgroundColor: async () => {},
    },
  });
  return { badgeText: () => badgeText, registered: () => registered, beats: () => beats };
}

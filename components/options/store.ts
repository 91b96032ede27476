/**
 * The settings as the options page holds them, and the one way to change them: `commit`.
 *
 *   commit(next)  validates `next` with the settings schema (nothing is stored when it does not
 *                 validate), asks — synchronously, inside the caller's click — for the origins
 *                 the change adds, stores it, gives back the origins nothing reads any more
 *                 (never the manifest's own), and deletes the tokens of removed sources and of
 *                 sources whose origin changed (lib/secrets.ts reconcileSecrets: a token goes
 *                 only to the origin it was entered for; the page asks for it again).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { originPatternsFor } from '../../lib/permissions';
import { type DroppedSecret, reconcileSecrets } from '../../lib/secrets';
import { loadSettings, type Parsed, type Settings, saveSettings, validateSettings } from '../../lib/settings';
import type { OptionsIo } from './io';
import { permissionsToAsk, permissionsToRelease } from './permission-plan';

export interface CommitResult {
  ok: boolean;
  /** Validation errors (`sources[0].baseUrl: …`) when not ok. */
  errors: string[];
  settings?: Settings;
  /** Origin patterns asked for, and whether the browser granted them. */
  asked: string[];
  granted: boolean;
  released: string[];
  /** Tokens deleted because their source now reads another origin (each with what to tell). */
  dropped: DroppedSecret[];
}

/** `onAsk` hears, still inside the click, which origins the browser is now asking the person about. */
export type Commit = (next: unknown, onAsk?: (patterns: string[]) => void) => Promise<CommitResult>;

export interface OptionsStore {
  loaded?: Parsed<Settings>;
  settings?: Settings;
  /** Patterns the settings read that the browser has not granted. */
  missing: ReadonlySet<string>;
  commit: Commit;
  /** Asks for patterns (inside a click) and refreshes `missing`. */
  grant(patterns: string[]): Promise<boolean>;
}

export function useOptionsStore(io: OptionsIo): OptionsStore {
  const [loaded, setLoaded] = useState<Parsed<Settings> | undefined>();
  const [missing, setMissing] = useState<ReadonlySet<string>>(new Set());
  const current = useRef<Settings | undefined>(undefined);
  const missingRef = useRef<ReadonlySet<string>>(missing);

  const refreshMissing = useCallback(
    async (settings: Settings) => {
      const out = new Set<string>();
      for (const p of originPatternsFor(settings)) {
        const held = await io.permissions.contains({ origins: [p] }).catch(() => false);
        if (!held) out.add(p);
      }
      missingRef.current = out;
      setMissing(out);
    },
    [io],
  );

  const accept = useCallback(
    (parsed: Parsed<Settings>) => {
      current.current = parsed.ok ? parsed.value : undefined;
      setLoaded(parsed);
      if (parsed.ok) void refreshMissing(parsed.value);
    },
    [refreshMissing],
  );

  useEffect(() => {
    let live = true;
    const reload = () =>
      void loadSettings(io.storage).then((parsed) => {
        if (live) accept(parsed);
      });
    reload();
    const off = io.onSettingsChanged?.(reload);
    return () => {
      live = false;
      off?.();
    };
  }, [io, accept]);

  const commit = useCallback<Commit>(
    (next, onAsk) => {
      const parsed = validateSettings(next);
      if (!parsed.ok) {
        return Promise.resolve({
          ok: false,
          errors: parsed.errors,
          asked: [],
          granted: false,
          released: [],
          dropped: [],
        });
      }
      const before = current.current;
      const asked = permissionsToAsk(before, parsed.value, missingRef.current, io.declaredOrigins);
      // Before any await: browsers grant host access only inside the user's gesture.
      const asking = asked.length ? io.permissions.request({ origins: asked }) : Promise.resolve(true);
      if (asked.length) onAsk?.(asked);
      return asking
        .catch(() => false)
        .then(async (granted) => {
          const saved = await saveSettings(io.storage, parsed.value);
          if (!saved.ok)
            return { ok: false, errors: saved.errors, asked, granted, released: [], dropped: [] };
          const released = permissionsToRelease(before, saved.value, io.declaredOrigins);
          if (released.length) await io.permissions.remove({ origins: released }).catch(() => false);
          const dropped = await reconcileSecrets(io.secrets, saved.value.sources, (io.now ?? Date.now)());
          accept({ ok: true, value: saved.value });
          return { ok: true, errors: [], settings: saved.value, asked, granted, released, dropped };
        });
    },
    [io, accept],
  );

  const grant = useCallback(
    (patterns: string[]) =>
      io.permissions
        .request({ origins: patterns })
        .catch(() => false)
        .then((granted) => {
          if (current.current) void refreshMissing(current.current);
          return granted;
        }),
    [io, refreshMissing],
  );

  return {
    ...(loaded ? { loaded } : {}),
    ...(loaded?.ok ? { settings: loaded.value } : {}),
    missing,
    commit,
    grant,
  };
}

/** The configured sources, each with whether Tattler may read its origin and a way to grant it. */
import { useEffect, useState } from 'preact/hooks';
import { originPatternsFor } from '@/lib/permissions';
import type { Settings } from '@/lib/settings';

export interface PermissionIo {
  hasOrigins(patterns: string[]): Promise<boolean>;
  requestOrigins(patterns: string[]): Promise<boolean>;
}

export function SourcesList({ settings, io }: { settings: Settings; io: PermissionIo }) {
  const [granted, setGranted] = useState<Record<string, boolean>>({});

  useEffect(() => {
    let live = true;
    void Promise.all(
      settings.sources.map(async (s) => {
        const patterns = originPatternsFor({ ...settings, sources: [s], pages: {} });
        return [s.id, await io.hasOrigins(patterns)] as const;
      }),
    ).then((pairs) => live && setGranted(Object.fromEntries(pairs)));
    return () => {
      live = false;
    };
  }, [settings, io]);

  if (settings.sources.length === 0) {
    return (
      <section aria-labelledby="sources-h">
        <h2 id="sources-h">Sources</h2>
        <p>No sources yet. Import a settings document below to start watching a fleet.</p>
      </section>
    );
  }

  return (
    <section aria-labelledby="sources-h">
      <h2 id="sources-h">Sources</h2>
      <ul class="sources">
        {settings.sources.map((s) => {
          const patterns = originPatternsFor({ ...settings, sources: [s], pages: {} });
          return (
            <li key={s.id}>
              <strong>{s.name}</strong> <span class="muted">({s.type})</span> <code>{s.baseUrl ?? ''}</code>
              {!s.enabled && <span class="muted"> — disabled</span>}
              {granted[s.id] === false && (
                <button
                  type="button"
                  onClick={() =>
                    io.requestOrigins(patterns).then((ok) => setGranted((g) => ({ ...g, [s.id]: ok })))
                  }
                >
                  Grant access to {patterns.join(', ')}
                </button>
              )}
              {granted[s.id] === true && <span class="ok"> — access granted</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/**
 * The options page: first run, what needs attention, sources, polling, page badges, history,
 * import/export. Everything the page does to the browser goes through `io` (the entrypoint
 * wires it), so the whole page runs in tests with fakes.
 */
import { useCallback, useState } from 'preact/hooks';
import { defaultSettings, type Settings } from '../../lib/settings';
import { loopbackOrigin, watchesDemo, withDemoFleet } from '../first-run/demo';
import { FirstRunBanner } from '../first-run/FirstRunBanner';
import { Attention } from './Attention';
import { ClusterAliasesSection } from './ClusterAliasesSection';
import { emptyDraft, type SourceDraft, slugId } from './draft';
import { HistorySection } from './HistorySection';
import type { IntegrationInfo, OptionsIo } from './io';
import { PagesSection } from './PagesSection';
import { PollingSection } from './PollingSection';
import { ServiceRulesSection } from './ServiceRulesSection';
import { SettingsTransfer } from './SettingsTransfer';
import { SourcesList, useHealthData } from './SourcesList';
import { type OptionsStore, useOptionsStore } from './store';

export interface OptionsAppProps {
  io: OptionsIo;
  integrations: readonly IntegrationInfo[];
  /** From `#demo=<url>`: offered only when it is a loopback URL. */
  demoUrl?: string;
}

function rancherDraft(url: string, settings: Settings): SourceDraft {
  let name = 'Rancher';
  try {
    name = `Rancher ${new URL(url).hostname}`;
  } catch {
    // the form reports a bad URL
  }
  const taken = new Set(settings.sources.map((s) => s.id));
  return { ...emptyDraft('rancher'), name, id: slugId(name, taken), baseUrl: url };
}

export function OptionsApp({ io, integrations, demoUrl }: OptionsAppProps) {
  const store = useOptionsStore(io);
  const health = useHealthData(io);
  const [openDraft, setOpenDraft] = useState<SourceDraft | undefined>();
  const taken = useCallback(() => setOpenDraft(undefined), []);

  if (!store.loaded) return <p>Loading settings…</p>;
  const settings = store.settings;
  const demo = demoUrl ? loopbackOrigin(demoUrl) : undefined;

  return (
    <>
      <header class="page-head">
        <h1>Tattler settings</h1>
        <p class="muted">What changed in your fleet, where, when, and who did it.</p>
        <nav aria-label="Sections">
          <a href="#sources-h">Sources</a> · <a href="#polling-h">Polling</a> ·{' '}
          <a href="#aliases-h">Cluster aliases</a> · <a href="#pages-h">Badges on pages</a> ·{' '}
          <a href="#history-h">History</a> · <a href="#transfer-h">Import and export</a>
        </nav>
      </header>
      {!store.loaded.ok && (
        <div role="alert" class="outcome error card">
          <p>
            The stored settings are invalid, so Tattler is not polling. Import a corrected document below:
          </p>
          <ul>
            {store.loaded.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      )}
      {settings && (
        <>
          <FirstRunBanner
            hasSources={settings.sources.length > 0}
            {...(demo ? { demoUrl: demo } : {})}
            demoWatched={demo ? watchesDemo(settings, demo) : false}
            onUseDemo={() => addDemoFleet(store, settings, demo)}
            onRancherUrl={(url) => setOpenDraft(rancherDraft(url, settings))}
          />
          <Attention settings={settings} health={health} />
          <SourcesList
            io={io}
            settings={settings}
            store={store}
            health={health}
            {...(openDraft ? { openDraft } : {})}
            onDraftTaken={taken}
          />
          <PollingSection settings={settings} commit={store.commit} />
          <ClusterAliasesSection settings={settings} commit={store.commit} />
          <ServiceRulesSection settings={settings} commit={store.commit} />
          <PagesSection settings={settings} store={store} integrations={integrations} />
          <HistorySection io={io} settings={settings} commit={store.commit} />
        </>
      )}
      <SettingsTransfer
        current={settings ?? defaultSettings()}
        commit={store.commit}
        download={io.download}
      />
    </>
  );
}

/** Adds the demo fleet and saves it; commit asks for its (loopback) origin inside the click. */
function addDemoFleet(
  store: OptionsStore,
  settings: Settings,
  demo: string | undefined,
): Promise<{ ok: boolean; message: string }> {
  if (!demo) return Promise.resolve({ ok: false, message: 'No demo fleet URL.' });
  return store.commit(withDemoFleet(settings, demo)).then((r) =>
    r.ok
      ? {
          ok: true,
          message: `Added the demo fleet at ${demo}. Tattler is looking for its clusters now: if it needs a login, the source below says where.`,
        }
      : { ok: false, message: `The demo fleet could not be added: ${r.errors.join('; ')}` },
  );
}

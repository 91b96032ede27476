import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { SettingsTransfer } from '@/components/options/SettingsTransfer';
import { SourcesList } from '@/components/options/SourcesList';
import {
  defaultSettings,
  loadSettings,
  type Parsed,
  SETTINGS_KEY,
  type Settings,
  saveSettings,
} from '@/lib/settings';

const io = {
  async save(settings: Settings) {
    const r = await saveSettings(browser.storage.local, settings);
    if (!r.ok) throw new Error(r.errors.join('; '));
  },
  requestOrigins: (origins: string[]) =>
    origins.length ? browser.permissions.request({ origins }) : Promise.resolve(true),
  hasOrigins: (origins: string[]) => browser.permissions.contains({ origins }),
};

function App() {
  const [loaded, setLoaded] = useState<Parsed<Settings> | undefined>();
  useEffect(() => {
    const reload = () => void loadSettings(browser.storage.local).then(setLoaded);
    reload();
    const onChanged = (changes: Record<string, unknown>, area: string) => {
      if (area === 'local' && SETTINGS_KEY in changes) reload();
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, []);

  if (!loaded) return <p>Loading settings…</p>;
  return (
    <>
      <h1>Tattler settings</h1>
      {!loaded.ok && (
        <div role="alert" class="outcome error">
          <p>The stored settings are invalid, so Tattler is not polling. Import a corrected document:</p>
          <ul>
            {loaded.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      )}
      {loaded.ok && <SourcesList settings={loaded.value} io={io} />}
      <SettingsTransfer current={loaded.ok ? loaded.value : defaultSettings()} io={io} />
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);

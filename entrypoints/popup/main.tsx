/**
 * The popup entrypoint: load settings, open the database, mount the grid. Nothing else — the
 * app takes the browser as props so it runs in tests without one.
 */
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { withDemoFleet } from '../../components/first-run/demo';
import { FirstRun } from '../../components/first-run/FirstRun';
import { PopupApp } from '../../components/grid/PopupApp';
import '../../components/grid/grid.css';
import { openDb } from '../../lib/db';
import { DEMO_FLEET_URL, probeDemoFleet } from '../../lib/demo-fleet';
import { DEFAULT_WINDOW, WINDOWS, type WindowId } from '../../lib/heat/windows';
import { popupData } from '../../lib/popup-data';
import { loadSettings, type Settings, saveSettings } from '../../lib/settings';

const WINDOW_KEY = 'tattler.popup.window';

/** `?window=7d` (for benchmarks and links) wins over the last choice, which wins over the default. */
function initialWindow(): WindowId {
  const wanted = new URLSearchParams(location.search).get('window') ?? localStorage.getItem(WINDOW_KEY);
  return WINDOWS.find((w) => w.id === wanted)?.id ?? DEFAULT_WINDOW;
}

async function useDemoFleet(url: string) {
  const current = await loadSettings(browser.storage.local);
  if (!current.ok) throw new Error(`the stored settings are invalid: ${current.errors.join('; ')}`);
  const saved = await saveSettings(browser.storage.local, withDemoFleet(current.value as Settings, url));
  if (!saved.ok) throw new Error(saved.errors.join('; '));
}

/** The demo build's offer (wxt.config.ts): the store build never probes loopback, nor offers it. */
const DEMO_BUILD = import.meta.env.MODE === 'demo';

async function main() {
  const settings = await loadSettings(browser.storage.local);
  // Only when there is nothing to watch: is the demo fleet running on its well-known port?
  const demoRunning =
    DEMO_BUILD && settings.ok && settings.value.sources.length === 0 && (await probeDemoFleet());
  render(
    <PopupApp
      data={popupData(openDb())}
      settings={settings}
      initialWindow={initialWindow()}
      noSources={
        <FirstRun
          openOptions={() => void browser.runtime.openOptionsPage()}
          {...(demoRunning ? { demoFleet: { url: DEMO_FLEET_URL } } : {})}
          {...(demoRunning ? { useDemoFleet: () => useDemoFleet(DEMO_FLEET_URL) } : {})}
        />
      }
      onWindowChange={(id) => localStorage.setItem(WINDOW_KEY, id)}
      api={{
        sendMessage: (message) => browser.runtime.sendMessage(message),
        openOptionsPage: () => browser.runtime.openOptionsPage(),
      }}
      // Read by bench/popup.ts: popup opened → first frame with data painted, then complete.
      onPainted={(phase) =>
        performance.mark(phase === 'first' ? 'tattler:grid-painted' : 'tattler:grid-complete')
      }
    />,
    document.getElementById('app') as HTMLElement,
  );
}

void main();

/**
 * The popup entrypoint: load settings, open the database, mount the grid. Nothing else — the
 * app takes the browser as props so it runs in tests without one.
 */
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { PopupApp } from '../../components/grid/PopupApp';
import '../../components/grid/grid.css';
import { openDb } from '../../lib/db';
import { DEFAULT_WINDOW, WINDOWS, type WindowId } from '../../lib/heat';
import { loadSettings } from '../../lib/settings';

const WINDOW_KEY = 'tattler.popup.window';

/** `?window=7d` (for benchmarks and links) wins over the last choice, which wins over the default. */
function initialWindow(): WindowId {
  const wanted = new URLSearchParams(location.search).get('window') ?? localStorage.getItem(WINDOW_KEY);
  return WINDOWS.find((w) => w.id === wanted)?.id ?? DEFAULT_WINDOW;
}

async function main() {
  const settings = await loadSettings(browser.storage.local);
  render(
    <PopupApp
      db={openDb()}
      settings={settings}
      initialWindow={initialWindow()}
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

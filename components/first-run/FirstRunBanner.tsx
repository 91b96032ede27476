/**
 * The options page's first run: shown while there are no sources (and, with sources, only the
 * demo offer when the page was opened with `#demo=<loopback URL>` and the demo is not watched).
 * Two quick starts: the demo fleet in one click, or a Rancher URL that opens the source form
 * filled in and ready to Test.
 */
import { useRef, useState } from 'preact/hooks';
import { loopbackOrigin } from './demo';
import { SetupSteps, WhatTattlerDoes } from './WhatTattlerDoes';

export interface FirstRunBannerProps {
  hasSources: boolean;
  /** From the page's `#demo=` (already checked to be loopback). */
  demoUrl?: string;
  demoWatched: boolean;
  /** Adds and saves the demo source; call inside the click (it may ask for host access). */
  onUseDemo(): Promise<{ ok: boolean; message: string }>;
  /** Opens the source form with a Rancher source at `url`. */
  onRancherUrl(url: string): void;
}

export function FirstRunBanner(props: FirstRunBannerProps) {
  const [url, setUrl] = useState('');
  const [urlError, setUrlError] = useState('');
  const [demo, setDemo] = useState<{ busy: boolean; message?: string; ok?: boolean }>({ busy: false });
  const demoStatus = useRef<HTMLParagraphElement>(null);
  const demoUrl = props.demoUrl ? loopbackOrigin(props.demoUrl) : undefined;
  const offerDemo = demoUrl !== undefined && !props.demoWatched;
  if (props.hasSources && !offerDemo && !demo.message) return null;

  const useDemo = () => {
    setDemo({ busy: true });
    props
      .onUseDemo()
      .then(
        (r) => setDemo({ busy: false, ok: r.ok, message: r.message }),
        (error: unknown) =>
          setDemo({ busy: false, ok: false, message: String((error as Error)?.message ?? error) }),
      )
      .finally(() => setTimeout(() => demoStatus.current?.focus(), 0));
  };

  const onRancher = (e: Event) => {
    e.preventDefault();
    const value = url.trim();
    try {
      const u = new URL(value);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
      setUrlError('must be a URL such as https://rancher.example.com');
      document.getElementById('fr-rancher-url')?.focus();
      return;
    }
    setUrlError('');
    props.onRancherUrl(value);
  };

  return (
    <section class="first-run banner card" aria-labelledby="fr-h">
      <h2 id="fr-h">
        {!props.hasSources ? 'Welcome to Tattler' : offerDemo ? 'The demo fleet is running' : 'Demo fleet'}
      </h2>
      {!props.hasSources && (
        <>
          <WhatTattlerDoes />
          <SetupSteps />
        </>
      )}
      {offerDemo && (
        <div class="fr-actions">
          <button type="button" class="fr-primary" disabled={demo.busy} onClick={useDemo}>
            {demo.busy ? 'Adding the demo fleet…' : `Use the demo fleet at ${demoUrl}`}
          </button>
        </div>
      )}
      {demo.message && (
        <p ref={demoStatus} tabIndex={-1} role="status" class={demo.ok === false ? 'fr-error' : 'fr-ok'}>
          {demo.message}
        </p>
      )}
      {!props.hasSources && (
        <form class="fr-rancher" onSubmit={onRancher} noValidate>
          <label for="fr-rancher-url">Rancher URL</label>
          <div class="row">
            <input
              id="fr-rancher-url"
              type="url"
              class="mono"
              value={url}
              placeholder="https://rancher.example.com"
              aria-invalid={urlError ? 'true' : undefined}
              aria-describedby={urlError ? 'fr-rancher-url-help fr-rancher-url-error' : 'fr-rancher-url-help'}
              onInput={(e) => {
                setUrl((e.currentTarget as HTMLInputElement).value);
                setUrlError('');
              }}
            />
            <button type="submit" disabled={url.trim() === ''}>
              Set up Rancher
            </button>
          </div>
          <p class="help" id="fr-rancher-url-help">
            Opens the source form filled in; press Test there to see the clusters it finds. For another kind
            of source, use “Add a source” below.
          </p>
          {urlError && (
            <p class="field-error" id="fr-rancher-url-error">
              {urlError}
            </p>
          )}
        </form>
      )}
    </section>
  );
}

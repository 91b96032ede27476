/**
 * The popup when there is nothing to watch yet: what Tattler does, and the way to set it up —
 * the options page, or one click on the demo fleet when one is running on this machine (only a
 * loopback URL is ever offered).
 */
import { useRef, useState } from 'preact/hooks';
import { loopbackOrigin } from './demo';
import { SetupSteps, WhatTattlerDoes } from './WhatTattlerDoes';
import './first-run.css';

export interface FirstRunProps {
  openOptions(): void;
  /** A demo fleet running on this machine (its management URL). */
  demoFleet?: { url: string };
  /** Adds the demo fleet as a source and saves it (the demo build only). */
  useDemoFleet?(): Promise<void>;
}

type DemoState =
  | { phase: 'idle' }
  | { phase: 'busy' }
  | { phase: 'done' }
  | { phase: 'failed'; message: string };

export function FirstRun(props: FirstRunProps) {
  const [demo, setDemo] = useState<DemoState>({ phase: 'idle' });
  const statusRef = useRef<HTMLParagraphElement>(null);
  const demoUrl = props.demoFleet && props.useDemoFleet ? loopbackOrigin(props.demoFleet.url) : undefined;

  const startDemo = () => {
    setDemo({ phase: 'busy' });
    if (!props.useDemoFleet) return;
    props
      .useDemoFleet()
      .then(
        () => setDemo({ phase: 'done' }),
        (error: unknown) => setDemo({ phase: 'failed', message: (error as Error)?.message ?? String(error) }),
      )
      .finally(() => setTimeout(() => statusRef.current?.focus(), 0));
  };

  return (
    <section class="first-run" aria-labelledby="first-run-h">
      <h1 id="first-run-h">Tattler has nothing to watch yet</h1>
      <WhatTattlerDoes />
      <SetupSteps />
      <div class="fr-actions">
        {demoUrl && demo.phase !== 'done' && (
          <button type="button" class="fr-primary" disabled={demo.phase === 'busy'} onClick={startDemo}>
            {demo.phase === 'busy' ? 'Adding the demo fleet…' : `Use the demo fleet at ${demoUrl}`}
          </button>
        )}
        <button type="button" class={demoUrl ? undefined : 'fr-primary'} onClick={props.openOptions}>
          Set up a source
        </button>
      </div>
      {(demo.phase === 'done' || demo.phase === 'failed') && (
        <p ref={statusRef} tabIndex={-1} role="status" class={demo.phase === 'failed' ? 'fr-error' : 'fr-ok'}>
          {demo.phase === 'done'
            ? `Added the demo fleet at ${demoUrl}. Tattler is looking for its clusters now; log in to it if it asks.`
            : `The demo fleet could not be added: ${demo.message}`}
        </p>
      )}
    </section>
  );
}

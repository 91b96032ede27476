/** What the popup says when there is no grid to show yet, and why. */
import type { ComponentChildren } from 'preact';
import { exactTime, relativeTime, windowPhrase } from '../../lib/time-text';

function Panel({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="empty" aria-labelledby="empty-title">
      <h1 id="empty-title">{title}</h1>
      {children}
    </section>
  );
}

export function NoSources({ onOpenOptions }: { onOpenOptions(): void }) {
  return (
    <Panel title="Tattler has nothing to watch yet">
      <p>
        Tattler watches the clusters your jobs run in and records every change to them — what changed, when,
        and who did it — so that when a page fires you can see at a glance what changed where.
      </p>
      <p>Add a source (a Rancher server or a Kubernetes API) in the options to start.</p>
      <button type="button" class="primary" onClick={onOpenOptions}>
        Open options
      </button>
    </Panel>
  );
}

export function SettingsBroken({ errors, onOpenOptions }: { errors: string[]; onOpenOptions(): void }) {
  return (
    <Panel title="The settings need attention">
      <ul>
        {errors.map((e) => (
          <li key={e}>{e}</li>
        ))}
      </ul>
      <button type="button" class="primary" onClick={onOpenOptions}>
        Open options
      </button>
    </Panel>
  );
}

export function NoClusters({ children }: { children?: ComponentChildren }) {
  return (
    <Panel title="No clusters found yet">
      <p>
        Tattler looks for clusters at every pass. If a source needs a login, the line above says where;
        otherwise, poll now or wait for the next pass.
      </p>
      {children}
    </Panel>
  );
}

/** Shown above the grid (which still tells absent and blind cells apart). */
export function NothingChanged({
  windowMs,
  watchingSince,
  now,
}: {
  windowMs: number;
  watchingSince?: number;
  now: number;
}) {
  return (
    <p class="notice" role="status">
      Nothing changed in {windowPhrase(windowMs)}.
      {watchingSince !== undefined && (
        <>
          {' '}
          Watching since{' '}
          <time dateTime={new Date(watchingSince).toISOString()} title={exactTime(watchingSince)}>
            {relativeTime(watchingSince, now)}
          </time>{' '}
          ({exactTime(watchingSince)}).
        </>
      )}
    </p>
  );
}

export function NoMatch({ text, changedOnly }: { text: string; changedOnly: boolean }) {
  return (
    <p class="notice" role="status">
      No job matches{text ? ` “${text}”` : ''}
      {changedOnly ? ' among the jobs that changed' : ''}.
    </p>
  );
}

/**
 * Page integrations (badges on alert pages and consoles): each on or off, the origins each runs
 * on, and which alert labels name the cluster, namespace and job. Adding an origin asks for host
 * access to it inside the click; removing one gives access back when nothing else reads it (the
 * store does both). The background registers the content script for the origins granted.
 */
import { useRef, useState } from 'preact/hooks';
import { matchPatternOf } from '../../lib/permissions';
import type { Settings } from '../../lib/settings';
import { assignErrors, domId, errorsUnder, parseError } from './errors';
import { afterRender, FormErrors, focusFirstInvalid, SaveRow, TextField, useResetOnChange } from './fields';
import type { IntegrationInfo } from './io';
import type { Commit, OptionsStore } from './store';

type PageConfig = Settings['pages'][string];

const configOf = (settings: Settings, id: string): PageConfig =>
  settings.pages[id] ?? { enabled: true, origins: [] };

export function PagesSection({
  settings,
  store,
  integrations,
}: {
  settings: Settings;
  store: OptionsStore;
  integrations: readonly IntegrationInfo[];
}) {
  const [message, setMessage] = useState<{ text: string; warning: boolean } | undefined>();
  return (
    <section aria-labelledby="pages-h" class="card">
      <h2 id="pages-h">Badges on pages</h2>
      <p class="muted">
        Tattler marks alerts and jobs on these pages with the changes that may explain them. On the demo fleet
        (127.0.0.1) they run without setup; list your own origins to use them there.
      </p>
      {message && (
        <div role="status" class={`outcome ${message.warning ? 'error' : 'ok'}`}>
          {message.text}
        </div>
      )}
      <ul class="integrations">
        {integrations.map((integration) => (
          <Integration
            key={integration.id}
            integration={integration}
            settings={settings}
            store={store}
            onMessage={setMessage}
          />
        ))}
      </ul>
      <LabelMapping settings={settings} commit={store.commit} />
    </section>
  );
}

function Integration({
  integration,
  settings,
  store,
  onMessage,
}: {
  integration: IntegrationInfo;
  settings: Settings;
  store: OptionsStore;
  onMessage(m: { text: string; warning: boolean }): void;
}) {
  const config = configOf(settings, integration.id);
  const [origin, setOrigin] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const form = `page-${integration.id}`;
  const addRef = useRef<HTMLDivElement>(null);

  const save = (next: PageConfig) =>
    store.commit({ ...settings, pages: { ...settings.pages, [integration.id]: next } });

  const toggle = (enabled: boolean) => {
    void save({ ...config, enabled }).then((r) => {
      if (r.ok) onMessage({ text: `${integration.name} is ${enabled ? 'on' : 'off'}.`, warning: !r.granted });
      else onMessage({ text: r.errors.join('; '), warning: true });
    });
  };

  const add = (event: Event) => {
    event.preventDefault();
    const value = origin.trim();
    const index = config.origins.length;
    void save({ ...config, origins: [...config.origins, value] }).then((r) => {
      if (!r.ok) {
        setErrors(errorsUnder(r.errors, `pages.${integration.id}.origins[${index}]`).map((e) => e.message));
        focusFirstInvalid(addRef.current);
        return;
      }
      setErrors([]);
      setOrigin('');
      const added = r.settings?.pages[integration.id]?.origins[index] ?? value;
      onMessage(
        r.asked.length && !r.granted
          ? {
              text: `Added ${added}, but access was not granted: ${integration.name} cannot run there yet.`,
              warning: true,
            }
          : { text: `${integration.name} now runs on ${added}.`, warning: false },
      );
    });
  };

  const remove = (o: string) => {
    void save({ ...config, origins: config.origins.filter((x) => x !== o) }).then((r) => {
      if (!r.ok) return onMessage({ text: r.errors.join('; '), warning: true });
      onMessage({
        text: `${integration.name} no longer runs on ${o}.${r.released.length ? ` Gave back access to ${r.released.join(', ')}.` : ''}`,
        warning: false,
      });
      afterRender(() => document.getElementById(domId(form, 'origin'))?.focus());
    });
  };

  const toggleId = domId(form, 'enabled');
  return (
    <li class="integration">
      <div class="field check">
        <input
          id={toggleId}
          type="checkbox"
          checked={config.enabled}
          onChange={(e) => toggle((e.currentTarget as HTMLInputElement).checked)}
        />
        <label for={toggleId}>
          <strong>{integration.name}</strong>
        </label>
        {integration.onLoopback && <span class="tag">demo fleet built in</span>}
      </div>
      <div class="integration-origins">
        {config.origins.length > 0 && (
          <ul class="origins" aria-label={`Origins ${integration.name} runs on`}>
            {config.origins.map((o) => {
              const pattern = matchPatternOf(o);
              const missing = pattern !== undefined && store.missing.has(pattern);
              return (
                <li key={o}>
                  <code>{o}</code>
                  {missing && (
                    <>
                      {' '}
                      <span class="bad">no access</span>{' '}
                      <button type="button" onClick={() => pattern && void store.grant([pattern])}>
                        Grant access to {o}
                      </button>
                    </>
                  )}{' '}
                  <button type="button" class="link-button" onClick={() => remove(o)}>
                    Remove {o}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        <form class="row add-origin" onSubmit={add} noValidate>
          <div ref={addRef} class="grow">
            <TextField
              form={form}
              name="origin"
              label={`Add an origin for ${integration.name}`}
              type="url"
              mono
              value={origin}
              placeholder="https://alertmanager.example.com"
              onInput={(v) => {
                setOrigin(v);
                setErrors([]);
              }}
              errors={errors.length ? errors : undefined}
            />
          </div>
          <button type="submit" disabled={origin.trim() === ''}>
            Add
          </button>
        </form>
      </div>
    </li>
  );
}

const LABEL_KEYS = ['cluster', 'namespace', 'job'] as const;
type LabelKey = (typeof LABEL_KEYS)[number];

const split = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function LabelMapping({ settings, commit }: { settings: Settings; commit: Commit }) {
  const initial = () =>
    Object.fromEntries(LABEL_KEYS.map((k) => [k, settings.labels[k].join(', ')])) as Record<LabelKey, string>;
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState('');
  const formRef = useRef<HTMLFormElement>(null);
  useResetOnChange([settings.labels], () => setValues(initial()));
  const assigned = assignErrors(
    errors.map(parseError).map((e) => ({ ...e, path: e.path.replace(/^labels\./, '') })),
    (k) => (LABEL_KEYS as readonly string[]).includes(k),
  );
  const help: Record<LabelKey, string> = {
    cluster: 'Alert labels that name the cluster, first match wins.',
    namespace: 'Alert labels that name the namespace.',
    job: 'Alert labels that name the job (Deployment, StatefulSet, Nomad job …).',
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    const labels = Object.fromEntries(LABEL_KEYS.map((k) => [k, split(values[k])]));
    void commit({ ...settings, labels }).then((r) => {
      setErrors(r.errors);
      setSaved(r.ok ? 'Saved the label mapping.' : '');
      if (!r.ok) focusFirstInvalid(formRef.current);
    });
  };

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-labelledby="labels-h">
      <h3 id="labels-h">Which alert labels name what</h3>
      <FormErrors id="labels-other" errors={assigned.other} />
      <div class="grid3">
        {LABEL_KEYS.map((k) => (
          <TextField
            key={k}
            form="labels"
            name={k}
            label={`${k[0]?.toUpperCase()}${k.slice(1)} labels`}
            mono
            value={values[k]}
            onInput={(v) => {
              setValues((prev) => ({ ...prev, [k]: v }));
              setSaved('');
            }}
            help={`${help[k]} Comma separated.`}
            errors={assigned.byField[k]}
          />
        ))}
      </div>
      <SaveRow label="Save label mapping" saved={saved} />
    </form>
  );
}

/**
 * Import and export of the whole settings document (paste or file). Nothing is stored unless
 * the document validates; errors name the field. Host access for the origins the new settings
 * read is asked for in the same click (browsers require a user gesture for it); access nothing
 * reads any more is given back. Exports never hold tokens: those live apart (lib/secrets.ts).
 */
import { useRef, useState } from 'preact/hooks';
import { exportSettings, importSettings, type Settings } from '../../lib/settings';
import { afterRender } from './fields';
import type { Commit } from './store';

type Outcome = { kind: 'ok'; text: string } | { kind: 'error'; text: string; errors: string[] };

export function SettingsTransfer({
  current,
  commit,
  download,
}: {
  current: Settings;
  commit: Commit;
  download(fileName: string, mime: string, text: string): void;
}) {
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [busy, setBusy] = useState(false);
  const outcomeRef = useRef<HTMLDivElement>(null);

  const show = (o: Outcome) => {
    setOutcome(o);
    afterRender(() => outcomeRef.current?.focus());
  };

  const apply = (raw: string) => {
    const parsed = importSettings(raw);
    if (!parsed.ok) {
      show({
        kind: 'error',
        text: 'Nothing was changed. The settings have these problems:',
        errors: parsed.errors,
      });
      return;
    }
    setBusy(true);
    // commit asks for host access before it awaits anything: still inside this click. The
    // browser's question is easy to miss (Firefox shows it as a panel under the address bar),
    // so the page says what is being waited for — without taking focus from the prompt.
    commit(parsed.value, (patterns) =>
      setOutcome({
        kind: 'ok',
        text: `Your browser is asking whether Tattler may read ${patterns.join(', ')}. Answer its prompt to finish the import.`,
      }),
    )
      .then((r) => {
        if (!r.ok) {
          show({
            kind: 'error',
            text: 'Nothing was changed. The settings have these problems:',
            errors: r.errors,
          });
          return;
        }
        const n = parsed.value.sources.length;
        const what = `Imported ${n} source${n === 1 ? '' : 's'}`;
        show({
          kind: 'ok',
          text:
            r.asked.length && !r.granted
              ? `${what}, but access to ${r.asked.join(', ')} was not granted: those sources will show "no permission" until you grant it.`
              : `${what}. Tattler is polling now.${r.dropped.map((d) => ` ${d.message}`).join('')}`,
        });
        setText('');
      })
      .catch((error: unknown) =>
        show({
          kind: 'error',
          text: 'Nothing was changed:',
          errors: [String((error as Error)?.message ?? error)],
        }),
      )
      .finally(() => setBusy(false));
  };

  const onFile = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    const raw = await file.text();
    setText(raw);
    input.value = '';
    show({ kind: 'ok', text: `Loaded ${file.name}. Review it, then press Import.` });
  };

  return (
    <section aria-labelledby="transfer-h" class="card">
      <h2 id="transfer-h">Import and export</h2>
      <p class="muted">
        Paste a settings document or choose a file, then Import. Exports never contain tokens: a teammate's
        import asks them for their own.
      </p>
      <label for="settings-text">Settings JSON</label>
      <textarea
        id="settings-text"
        class="mono"
        rows={10}
        spellcheck={false}
        value={text}
        onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <div class="row">
        <label class="file">
          Choose a settings file <input type="file" accept="application/json,.json" onChange={onFile} />
        </label>
        <button
          type="button"
          class="primary"
          disabled={busy || text.trim() === ''}
          onClick={() => apply(text)}
        >
          Import
        </button>
        <button
          type="button"
          onClick={() => download('tattler-settings.json', 'application/json', exportSettings(current))}
        >
          Export to file
        </button>
        <button type="button" onClick={() => setText(exportSettings(current))}>
          Show current
        </button>
      </div>
      {outcome && (
        <div
          ref={outcomeRef}
          tabIndex={-1}
          role={outcome.kind === 'error' ? 'alert' : 'status'}
          class={`outcome ${outcome.kind}`}
        >
          <p>{outcome.text}</p>
          {outcome.kind === 'error' && (
            <ul>
              {outcome.errors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

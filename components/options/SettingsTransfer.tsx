/**
 * Import and export of the whole settings document (paste or file). Nothing is stored unless
 * the document validates; errors name the field. Host permissions for the origins the new
 * settings read are requested in the same click, as browsers require a user gesture for it.
 */
import { useState } from 'preact/hooks';
import { originPatternsFor } from '@/lib/permissions';
import { exportSettings, importSettings, type Settings } from '@/lib/settings';

export interface SettingsIo {
  save(settings: Settings): Promise<void>;
  /** Asks the browser for host access; resolves false when the user declines. */
  requestOrigins(patterns: string[]): Promise<boolean>;
}

type Outcome = { kind: 'ok'; text: string } | { kind: 'error'; text: string; errors: string[] };

export function SettingsTransfer({ current, io }: { current: Settings; io: SettingsIo }) {
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [busy, setBusy] = useState(false);

  const apply = (raw: string) => {
    const parsed = importSettings(raw);
    if (!parsed.ok) {
      setOutcome({
        kind: 'error',
        text: 'Nothing was changed. The settings have these problems:',
        errors: parsed.errors,
      });
      return;
    }
    const patterns = originPatternsFor(parsed.value);
    setBusy(true);
    // permissions.request must be called before anything else awaits, inside the gesture.
    io.requestOrigins(patterns)
      .then(async (granted) => {
        await io.save(parsed.value);
        const n = parsed.value.sources.length;
        setOutcome({
          kind: 'ok',
          text: granted
            ? `Imported ${n} source${n === 1 ? '' : 's'}. Tattler is polling now.`
            : `Imported ${n} source${n === 1 ? '' : 's'}, but access to ${patterns.join(', ')} was not granted: those sources will show "no permission" until you grant it.`,
        });
        setText('');
      })
      .catch((error: unknown) =>
        setOutcome({
          kind: 'error',
          text: 'Nothing was changed:',
          errors: [String((error as Error)?.message ?? error)],
        }),
      )
      .finally(() => setBusy(false));
  };

  const onFile = async (event: Event) => {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    const raw = await file.text();
    setText(raw);
    setOutcome({ kind: 'ok', text: `Loaded ${file.name}. Review it, then press Import.` });
  };

  const download = () => {
    const blob = new Blob([exportSettings(current)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'tattler-settings.json';
    a.click();
    URL.revokeObjectURL(a.href);
  };

  return (
    <section aria-labelledby="transfer-h">
      <h2 id="transfer-h">Import and export</h2>
      <p>Paste a settings document or choose a file. Exports never contain tokens.</p>
      <label for="settings-text">Settings JSON</label>
      <textarea
        id="settings-text"
        rows={12}
        spellcheck={false}
        value={text}
        onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <div class="row">
        <label class="file">
          Choose file… <input type="file" accept="application/json,.json" onChange={onFile} />
        </label>
        <button type="button" disabled={busy || text.trim() === ''} onClick={() => apply(text)}>
          Import
        </button>
        <button type="button" onClick={download}>
          Export to file
        </button>
        <button type="button" onClick={() => setText(exportSettings(current))}>
          Show current
        </button>
      </div>
      {outcome && (
        <div role={outcome.kind === 'error' ? 'alert' : 'status'} class={`outcome ${outcome.kind}`}>
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

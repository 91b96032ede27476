/** How often and how hard Tattler polls: the global numbers of the settings document. */
import { useRef, useState } from 'preact/hooks';
import type { Settings } from '../../lib/settings';
import { assignErrors, parseError } from './errors';
import { FormErrors, focusFirstInvalid, NumberField, SaveRow, useResetOnChange } from './fields';
import type { Commit } from './store';

const KEYS = ['pollIntervalSec', 'concurrency', 'requestTimeoutSec'] as const;
type Key = (typeof KEYS)[number];

const asNumber = (s: string): number | string =>
  s.trim() === '' || !Number.isFinite(Number(s)) ? s : Number(s);

export function PollingSection({ settings, commit }: { settings: Settings; commit: Commit }) {
  const initial = () => Object.fromEntries(KEYS.map((k) => [k, String(settings[k])])) as Record<Key, string>;
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState('');
  const formRef = useRef<HTMLFormElement>(null);
  useResetOnChange([settings.pollIntervalSec, settings.concurrency, settings.requestTimeoutSec], () =>
    setValues(initial()),
  );

  const assigned = assignErrors(errors.map(parseError), (k) => (KEYS as readonly string[]).includes(k));
  const set = (k: Key) => (v: string) => {
    setValues((prev) => ({ ...prev, [k]: v }));
    setSaved('');
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    const next = { ...settings, ...Object.fromEntries(KEYS.map((k) => [k, asNumber(values[k])])) };
    void commit(next).then((r) => {
      setErrors(r.errors);
      if (!r.ok) focusFirstInvalid(formRef.current);
      else setSaved(`Saved: a pass every ${r.settings?.pollIntervalSec} s.`);
    });
  };

  return (
    <section aria-labelledby="polling-h" class="card">
      <h2 id="polling-h">Polling</h2>
      <form ref={formRef} onSubmit={onSubmit} noValidate>
        <FormErrors id="polling-other" errors={assigned.other} />
        <div class="grid3">
          <NumberField
            form="polling"
            name="pollIntervalSec"
            label="Poll every"
            unit="seconds"
            value={values.pollIntervalSec}
            onInput={set('pollIntervalSec')}
            help="30 to 3600. Browsers run extension alarms at most every 30 s."
            errors={assigned.byField.pollIntervalSec}
          />
          <NumberField
            form="polling"
            name="concurrency"
            label="Clusters at once"
            value={values.concurrency}
            onInput={set('concurrency')}
            errors={assigned.byField.concurrency}
          />
          <NumberField
            form="polling"
            name="requestTimeoutSec"
            label="Give up on a request after"
            unit="seconds"
            value={values.requestTimeoutSec}
            onInput={set('requestTimeoutSec')}
            errors={assigned.byField.requestTimeoutSec}
          />
        </div>
        <SaveRow label="Save polling" saved={saved} />
      </form>
    </section>
  );
}

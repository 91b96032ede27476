/**
 * A settings list of named matches — a name and the things it covers, one per line — edited as a
 * form: cluster aliases (`clusterAliases`) and service rules (`serviceRules`) are both this shape.
 * Errors from the schema sit next to their field; blank rows and blank lines are dropped.
 */
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { Settings } from '../../lib/settings';
import { assignErrors, parseError } from './errors';
import { FormErrors, focusFirstInvalid, SaveRow, TextAreaField, TextField, useResetOnChange } from './fields';
import type { Commit } from './store';

export type NamedMatchKey = 'clusterAliases' | 'serviceRules';

interface Row {
  name: string;
  /** One entry per line, as typed. */
  match: string;
}

/** The rows as settings: blank rows dropped, blank lines ignored. */
export function namedMatchesOf(rows: readonly Row[]): { name: string; match: string[] }[] {
  return rows
    .map((r) => ({
      name: r.name,
      match: r.match
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    }))
    .filter((a) => a.name.trim() !== '' || a.match.length > 0);
}

export interface NamedMatchWords {
  /** Heading, and the section's accessible name. */
  title: string;
  /** "alias" / "aliases": in legends, buttons and the saved message. */
  one: string;
  many: string;
  /** What the entries are, as the list field's label. */
  matchLabel: string;
  namePlaceholder: string;
  matchPlaceholder: string;
  matchHelp: string;
  help: ComponentChildren;
}

export function NamedMatchSection(props: {
  settings: Settings;
  commit: Commit;
  field: NamedMatchKey;
  words: NamedMatchWords;
}) {
  const { settings, commit, field, words } = props;
  const rowsOf = (s: Settings): Row[] => s[field].map((a) => ({ name: a.name, match: a.match.join('\n') }));
  const [rows, setRows] = useState<Row[]>(() => rowsOf(settings));
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState('');
  const formRef = useRef<HTMLFormElement>(null);
  useResetOnChange([settings[field]], () => setRows(rowsOf(settings)));

  const keys = rows.flatMap((_, i) => [`${field}[${i}].name`, `${field}[${i}].match`]);
  const assigned = assignErrors(errors.map(parseError), (k) => keys.includes(k));
  const edit = (i: number, patch: Partial<Row>) => {
    setRows((prev) => prev.map((r, j) => (j === i ? { ...r, ...patch } : r)));
    setSaved('');
  };
  const Title = words.one[0]?.toUpperCase() + words.one.slice(1);
  const id = `${field}-h`;

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void commit({ ...settings, [field]: namedMatchesOf(rows) }).then((r) => {
      setErrors(r.errors);
      if (!r.ok) focusFirstInvalid(formRef.current);
      else {
        const n = r.settings?.[field].length ?? 0;
        setSaved(`Saved: ${n} ${n === 1 ? words.one : words.many}.`);
      }
    });
  };

  return (
    <section aria-labelledby={id} class="card">
      <h2 id={id}>{words.title}</h2>
      <p class="help">{words.help}</p>
      <form ref={formRef} onSubmit={onSubmit} noValidate>
        <FormErrors id={`${field}-other`} errors={assigned.other} />
        {rows.length === 0 && <p class="muted">No {words.many}.</p>}
        {rows.map((row, i) => (
          <fieldset class="group" key={i}>
            <legend>
              {Title} {i + 1}
            </legend>
            <TextField
              form={field}
              name={`${field}[${i}].name`}
              label="Name"
              value={row.name}
              placeholder={words.namePlaceholder}
              onInput={(name) => edit(i, { name })}
              errors={assigned.byField[`${field}[${i}].name`]}
            />
            <TextAreaField
              form={field}
              name={`${field}[${i}].match`}
              label={words.matchLabel}
              value={row.match}
              placeholder={words.matchPlaceholder}
              help={words.matchHelp}
              onInput={(match) => edit(i, { match })}
              errors={assigned.byField[`${field}[${i}].match`]}
            />
            <button
              type="button"
              onClick={() => {
                setRows((prev) => prev.filter((_, j) => j !== i));
                setSaved('');
              }}
            >
              Remove {words.one} {i + 1}
            </button>
          </fieldset>
        ))}
        <SaveRow label={`Save ${words.many}`} saved={saved}>
          <button
            type="button"
            onClick={() => {
              setRows((prev) => [...prev, { name: '', match: '' }]);
              setSaved('');
            }}
          >
            Add {/^[aeiou]/.test(words.one) ? 'an' : 'a'} {words.one}
          </button>
        </SaveRow>
      </form>
    </section>
  );
}

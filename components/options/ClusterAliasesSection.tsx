/**
 * Cluster aliases: clusters the automatic rules do not join (or join wrongly) made one place by
 * hand (settings `clusterAliases`; lib/identity/clusters.ts). Each alias is a name and the
 * clusters it covers, one per line.
 */
import { useRef, useState } from 'preact/hooks';
import type { Settings } from '../../lib/settings';
import { assignErrors, parseError } from './errors';
import { FormErrors, focusFirstInvalid, SaveRow, TextAreaField, TextField, useResetOnChange } from './fields';
import type { Commit } from './store';

interface Row {
  name: string;
  /** One cluster reference per line, as typed. */
  match: string;
}

const rowsOf = (settings: Settings): Row[] =>
  settings.clusterAliases.map((a) => ({ name: a.name, match: a.match.join('\n') }));

/** The rows as settings: blank rows dropped, blank lines ignored. */
export function aliasesOf(rows: readonly Row[]): { name: string; match: string[] }[] {
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

export function ClusterAliasesSection({ settings, commit }: { settings: Settings; commit: Commit }) {
  const [rows, setRows] = useState<Row[]>(() => rowsOf(settings));
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState('');
  const formRef = useRef<HTMLFormElement>(null);
  useResetOnChange([settings.clusterAliases], () => setRows(rowsOf(settings)));

  const keys = rows.flatMap((_, i) => [`clusterAliases[${i}].name`, `clusterAliases[${i}].match`]);
  const assigned = assignErrors(errors.map(parseError), (k) => keys.includes(k));
  const edit = (i: number, patch: Partial<Row>) => {
    setRows((prev) => prev.map((r, j) => (j === i ? { ...r, ...patch } : r)));
    setSaved('');
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void commit({ ...settings, clusterAliases: aliasesOf(rows) }).then((r) => {
      setErrors(r.errors);
      if (!r.ok) focusFirstInvalid(formRef.current);
      else {
        const n = r.settings?.clusterAliases.length ?? 0;
        setSaved(`Saved: ${n} ${n === 1 ? 'alias' : 'aliases'}.`);
      }
    });
  };

  return (
    <section aria-labelledby="aliases-h" class="card">
      <h2 id="aliases-h">Cluster aliases</h2>
      <p class="help">
        Tattler shows one column for a cluster that several sources see: an Argo CD destination whose server
        is a Rancher cluster's URL (<code>https://rancher…/k8s/clusters/c-m-…</code>) or a static cluster's
        API, and a registry's cluster of the same name. An alias joins clusters these rules cannot, under one
        name; a cluster an alias lists is joined to no other by its name alone.
      </p>
      <form ref={formRef} onSubmit={onSubmit} noValidate>
        <FormErrors id="aliases-other" errors={assigned.other} />
        {rows.length === 0 && <p class="muted">No aliases.</p>}
        {rows.map((row, i) => (
          <fieldset class="group" key={i}>
            <legend>Alias {i + 1}</legend>
            <TextField
              form="aliases"
              name={`clusterAliases[${i}].name`}
              label="Name"
              value={row.name}
              placeholder="prod-eu-1"
              onInput={(name) => edit(i, { name })}
              errors={assigned.byField[`clusterAliases[${i}].name`]}
            />
            <TextAreaField
              form="aliases"
              name={`clusterAliases[${i}].match`}
              label="Clusters"
              value={row.match}
              placeholder={'prod-eu-1\nhttps://10.20.0.1:6443\nnomad/eu-west'}
              help="One per line: a cluster's name, its API address, or source id/cluster id."
              onInput={(match) => edit(i, { match })}
              errors={assigned.byField[`clusterAliases[${i}].match`]}
            />
            <button
              type="button"
              onClick={() => {
                setRows((prev) => prev.filter((_, j) => j !== i));
                setSaved('');
              }}
            >
              Remove alias {i + 1}
            </button>
          </fieldset>
        ))}
        <SaveRow label="Save aliases" saved={saved}>
          <button
            type="button"
            onClick={() => {
              setRows((prev) => [...prev, { name: '', match: '' }]);
              setSaved('');
            }}
          >
            Add an alias
          </button>
        </SaveRow>
      </form>
    </section>
  );
}

/** Clusters (or Nomad regions) listed by hand in a source: id, name, API base, group. */
import { useRef } from 'preact/hooks';
import type { ClusterDraft } from './draft';
import { domId } from './errors';
import { afterRender, describedBy, HelpAndErrors, TextField } from './fields';

export function ClustersEditor({
  form,
  legend,
  help,
  apiPlaceholder,
  clusters,
  onChange,
  errors,
}: {
  form: string;
  legend: string;
  help: string;
  apiPlaceholder: string;
  clusters: ClusterDraft[];
  onChange(clusters: ClusterDraft[]): void;
  errors(key: string): readonly string[] | undefined;
}) {
  const root = useRef<HTMLFieldSetElement>(null);
  const id = domId(form, 'clusters');
  const own = errors('clusters');
  const set = (i: number, patch: Partial<ClusterDraft>) =>
    onChange(clusters.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const focusAfter = (selector: string) =>
    afterRender(() => root.current?.querySelector<HTMLElement>(selector)?.focus());

  return (
    <fieldset
      class={`group${own?.length ? ' invalid' : ''}`}
      ref={root}
      aria-describedby={describedBy(id, help !== '', (own?.length ?? 0) > 0)}
    >
      <legend>{legend}</legend>
      <HelpAndErrors id={id} help={help || undefined} errors={own} />
      {clusters.map((c, i) => (
        <fieldset class="cluster-row" key={i}>
          <legend>Cluster {i + 1}</legend>
          <div class="grid2">
            <TextField
              form={form}
              name={`clusters[${i}].id`}
              label="Cluster id"
              mono
              value={c.id}
              onInput={(v) => set(i, { id: v })}
              errors={errors(`clusters[${i}].id`)}
            />
            <TextField
              form={form}
              name={`clusters[${i}].name`}
              label="Cluster name (optional)"
              value={c.name}
              onInput={(v) => set(i, { name: v })}
              errors={errors(`clusters[${i}].name`)}
            />
            <TextField
              form={form}
              name={`clusters[${i}].apiBase`}
              label="API base URL"
              type="url"
              mono
              value={c.apiBase}
              placeholder={apiPlaceholder}
              onInput={(v) => set(i, { apiBase: v })}
              errors={errors(`clusters[${i}].apiBase`)}
            />
            <TextField
              form={form}
              name={`clusters[${i}].group`}
              label="Group (optional)"
              value={c.group}
              placeholder="prod/eu-west-1"
              onInput={(v) => set(i, { group: v })}
              errors={errors(`clusters[${i}].group`)}
            />
          </div>
          <button
            type="button"
            class="link-button"
            onClick={() => {
              onChange(clusters.filter((_, j) => j !== i));
              focusAfter('.add-cluster');
            }}
          >
            Remove cluster {i + 1}
          </button>
        </fieldset>
      ))}
      <button
        type="button"
        class="add-cluster"
        onClick={() => {
          onChange([...clusters, { id: '', name: '', apiBase: '', group: '' }]);
          focusAfter(`#${domId(form, `clusters[${clusters.length}].id`)}`);
        }}
      >
        Add a cluster
      </button>
    </fieldset>
  );
}

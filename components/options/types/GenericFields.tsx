/** A home-grown cluster manager: the JSON mapping lib/sources/generic/ reads, edited as JSON. */
import { TextAreaField } from '../fields';
import type { TypeFieldsProps } from './shared';

export function GenericFields({ form, draft, update, errors }: TypeFieldsProps) {
  return (
    <TextAreaField
      form={form}
      name="generic"
      label="Mapping (JSON)"
      rows={12}
      value={draft.generic}
      onInput={(generic) => update({ generic })}
      help={
        <>
          Where the cluster list and each cluster's job list are, and which paths in their answers hold the
          id, name, fields, and who changed a job and when. URLs are relative to the base URL; the job URL
          takes <code>{'{cluster}'}</code>, <code>{'{clusterName}'}</code> and <code>{'{apiBase}'}</code>. See
          the README, section Settings.
        </>
      }
      errors={errors('generic')}
    />
  );
}

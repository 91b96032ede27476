/**
 * A home-grown cluster manager: the JSON mapping lib/sources/generic/ reads, edited as JSON, and
 * the other origins its clusters' APIs may be on (a cluster elsewhere is never polled).
 */
import { TextAreaField } from '../fields';
import type { TypeFieldsProps } from './shared';

export function GenericFields({ form, draft, update, errors }: TypeFieldsProps) {
  return (
    <>
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
            id, name, fields, who changed a job and when, and the id of the deploy that changed it (deployId).
            URLs are relative to the base URL; the job URL takes <code>{'{cluster}'}</code>,{' '}
            <code>{'{clusterName}'}</code> and <code>{'{apiBase}'}</code>. See the README, section Settings.
          </>
        }
        errors={errors('generic')}
      />
      <TextAreaField
        form={form}
        name="apiOrigins"
        label="Other API origins"
        rows={2}
        value={draft.apiOrigins}
        onInput={(apiOrigins) => update({ apiOrigins })}
        placeholder="https://clusters-us.example.com"
        help="Origins besides the base URL's where the cluster list may put a cluster's API, one per line. A cluster anywhere else is listed but never polled: Tattler sends your session only where you said."
        errors={errors('apiOrigins')}
      />
    </>
  );
}

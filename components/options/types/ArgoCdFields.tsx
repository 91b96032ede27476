/** Argo CD: which projects' applications are ours. */
import { TextAreaField } from '../fields';
import type { TypeFieldsProps } from './shared';

export function ArgoCdFields({ form, draft, update, errors }: TypeFieldsProps) {
  return (
    <TextAreaField
      form={form}
      name="argocd.projects"
      label="Argo CD projects"
      rows={2}
      value={draft.argocd.projects}
      onInput={(projects) => update({ argocd: { projects } })}
      placeholder="shop"
      help="One per line or comma separated. Empty: every project your session may read."
      errors={errors('argocd.projects')}
    />
  );
}

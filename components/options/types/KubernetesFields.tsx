/** Kubernetes and Rancher: which kinds to list, and who made a change. */
import { KUBERNETES_KINDS } from '../../../lib/model';
import { ChoiceGroup, TextField } from '../fields';
import type { TypeFieldsProps } from './shared';

export function KubernetesFields({ form, draft, update, errors }: TypeFieldsProps) {
  return (
    <>
      <ChoiceGroup
        form={form}
        name="kinds"
        label="Kinds to watch"
        options={KUBERNETES_KINDS}
        chosen={draft.kinds}
        onChange={(kinds) => update({ kinds })}
        errors={errors('kinds')}
      />
      <TextField
        form={form}
        name="actorAnnotation"
        label="Annotation naming who changed a job"
        value={draft.actorAnnotation}
        onInput={(actorAnnotation) => update({ actorAnnotation })}
        placeholder="example.com/changed-by"
        mono
        help="The annotation your deploy tooling stamps with the person who made a change. Without it, Tattler shows the client program that last wrote the job (from managedFields), labelled as a client, not a person."
        errors={errors('actorAnnotation')}
      />
    </>
  );
}

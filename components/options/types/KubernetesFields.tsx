/** Kubernetes and Rancher: which kinds to list, who made a change, and which deploy made it. */
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
      <TextField
        form={form}
        name="deployIdAnnotation"
        label="Annotation holding a deploy id"
        value={draft.deployIdAnnotation}
        onInput={(deployIdAnnotation) => update({ deployIdAnnotation })}
        placeholder="forge.example.com/deploy-id"
        mono
        help="The annotation your home-grown deploy manager stamps on the workloads it deploys with its deploy's id. A change that sets a new id is shown as that deploy's, by whoever ran it, when the manager's own source maps deployId (optional)."
        errors={errors('deployIdAnnotation')}
      />
    </>
  );
}

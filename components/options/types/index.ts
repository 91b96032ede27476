/**
 * The source types the form offers: every type in lib/model.ts SOURCE_TYPES, each with its form
 * spec (the words and which common fields it shows: lib/sources/<type>/form.ts, through the
 * catalog) and the fields component of its own options. Both are full Records, so a type the
 * schema gains does not compile until the form has it too.
 */
import type { FunctionComponent } from 'preact';
import { SOURCE_TYPES, type SourceType } from '../../../lib/model';
import { formOf } from '../../../lib/sources/catalog';
import type { SourceFormSpec } from '../../../lib/sources/form-spec';
import { ArgoCdFields } from './ArgoCdFields';
import { GenericFields } from './GenericFields';
import { KubernetesFields } from './KubernetesFields';
import { NomadFields } from './NomadFields';
import type { TypeFieldsProps } from './shared';

export interface TypeSpec extends SourceFormSpec {
  Fields?: FunctionComponent<TypeFieldsProps>;
}

/** Each type's own fields (its `fieldKeys`), or null when it has none beyond the common ones. */
const FIELDS: Readonly<Record<SourceType, FunctionComponent<TypeFieldsProps> | null>> = {
  kubernetes: KubernetesFields,
  rancher: KubernetesFields,
  argocd: ArgoCdFields,
  nomad: NomadFields,
  generic: GenericFields,
};

const SPECS = new Map<SourceType, TypeSpec>(
  SOURCE_TYPES.map((type) => {
    const Fields = FIELDS[type];
    return [type, Fields ? { ...formOf(type), Fields } : formOf(type)];
  }),
);

export const typeSpec = (type: SourceType): TypeSpec => SPECS.get(type) as TypeSpec;

/** The types the form offers, in the schema's order with the most common first. */
export const FORM_TYPES: readonly SourceType[] = [
  ...SOURCE_TYPES.filter((t) => t === 'rancher'),
  ...SOURCE_TYPES.filter((t) => t !== 'rancher'),
];

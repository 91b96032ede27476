/**
 * Every source type, with what it brings besides its adapter: its settings schema and the rules
 * that tie its fields together, and how the options page's form presents it. A full Record, so a
 * type without any of them does not compile.
 *
 * Light on purpose — schemas and words, no fetching code: lib/settings.ts (which content scripts
 * load too) and the options page read it. The adapters, which fetch, are registry.ts's, also
 * one per type. A new type: a folder lib/sources/<type>/ (adapter, normalize, settings, form),
 * a line here and one in registry.ts, its fields component if it has options of its own
 * (components/options/types/), fixtures with a README, a demo-fleet counterpart, a README row —
 * test/conventions.test.ts checks each.
 */
import type { SourceType } from '../model';
import { argocdForm } from './argocd/form';
import { argocdRules, argocdSettings } from './argocd/settings';
import type { SourceFormSpec } from './form-spec';
import { genericForm } from './generic/form';
import { genericRules, genericSettings } from './generic/settings';
import { kubernetesForm } from './kubernetes/form';
import { kubernetesRules, kubernetesSettings } from './kubernetes/settings';
import { nomadForm } from './nomad/form';
import { nomadRules, nomadSettings } from './nomad/settings';
import { rancherForm } from './rancher/form';
import { rancherRules, rancherSettings } from './rancher/settings';

export const SOURCE_CATALOG = {
  kubernetes: { settings: kubernetesSettings, rules: kubernetesRules, form: kubernetesForm },
  rancher: { settings: rancherSettings, rules: rancherRules, form: rancherForm },
  argocd: { settings: argocdSettings, rules: argocdRules, form: argocdForm },
  nomad: { settings: nomadSettings, rules: nomadRules, form: nomadForm },
  generic: { settings: genericSettings, rules: genericRules, form: genericForm },
} as const satisfies Record<SourceType, { settings: unknown; rules: unknown; form: SourceFormSpec }>;

export const formOf = (type: SourceType): SourceFormSpec => SOURCE_CATALOG[type].form;

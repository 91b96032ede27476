/**
 * How the options page's source form presents one source type: its words, which of the common
 * fields it shows and how, and which settings paths its own fields edit. Data only — the form
 * (components/options/SourceForm.tsx) renders it, and a type's own fields component, if it has
 * one, is listed beside it in components/options/types/.
 */
export interface SourceFormSpec {
  label: string;
  /** One sentence under the type select. */
  summary: string;
  baseUrl?: { label: string; placeholder: string; required: boolean; help: string };
  /** Label of the discovery switch; absent when the type cannot discover. */
  discovery?: string;
  clusters: { legend: string; help: string; required: boolean; apiPlaceholder: string };
  labelSelector: boolean;
  /** A link template that fits this type's consoles (`{base}` is the base URL typed in the form). */
  jobLinkExample: string;
  /** The type takes a token (kept apart from settings, lib/secrets.ts), typed in its fields. */
  token?: boolean;
  /** Settings paths (under the source) the type's own fields edit; errors naming them sit there. */
  fieldKeys: readonly string[];
}

/** What a type-specific part of the source form receives. */
import type { SourceDraft } from '../draft';

export interface TypeFieldsProps {
  /** The form's id prefix. */
  form: string;
  draft: SourceDraft;
  update(patch: Partial<SourceDraft>): void;
  /** Messages for a field key (a settings path under the source), if any. */
  errors(key: string): readonly string[] | undefined;
  /** Whether a secret (token) is stored for this source. */
  secretStored: boolean;
}

/** What a type-specific part of the source form receives. */
import type { SourceDraft } from '../draft';

export interface TypeFieldsProps {
  /** The form's id prefix. */
  form: string;
  draft: SourceDraft;
  update(patch: Partial<SourceDraft>): void;
  /** Messages for a field key (a settings path under the source), if any. */
  errors(key: string): readonly string[] | undefined;
  /** The stored token's origin, when a token is stored for this source (never the token itself). */
  storedToken?: { origin: string };
  /** Where a token typed now would be sent: the draft's one origin, when it has one. */
  tokenOrigin?: string;
}

/**
 * A source draft checked the only way the form checks anything: put in place of the source it
 * edits (or appended) in the whole settings document, and validated by lib/settings.ts. Errors
 * come back by field path under the source, so the form shows each next to its field.
 */
import { type Settings, validateSettings } from '../../lib/settings';
import { type SourceDraft, toSourceInput } from './draft';
import { errorsUnder, type FieldError } from './errors';

/** The settings with the draft in place of the source it edits (or appended), and its index. */
function candidateOf(settings: Settings, draft: SourceDraft) {
  const { input, problems } = toSourceInput(draft);
  const sources: unknown[] = [...settings.sources];
  let index = draft.editing === undefined ? -1 : settings.sources.findIndex((s) => s.id === draft.editing);
  if (index < 0) {
    index = sources.length;
    sources.push(input);
  } else sources[index] = input;
  return { candidate: { ...settings, sources }, index, problems };
}

/** Validates the draft as part of the whole document: field errors, or the validated settings. */
export function checkDraft(settings: Settings, draft: SourceDraft) {
  const { candidate, index, problems } = candidateOf(settings, draft);
  const parsed = validateSettings(candidate);
  const errors: FieldError[] = [...problems];
  if (!parsed.ok) {
    errors.push(...errorsUnder(parsed.errors, `sources[${index}]`));
    // The list-level rule (unique ids) names `sources`; it is about this source's id.
    for (const line of parsed.errors)
      if (line.startsWith('sources: ')) errors.push({ path: 'id', message: line.slice('sources: '.length) });
  }
  if (errors.length || !parsed.ok) return { ok: false as const, errors, candidate, index };
  return {
    ok: true as const,
    errors: [] as FieldError[],
    settings: parsed.value,
    source: parsed.value.sources[index],
    candidate,
    index,
  };
}

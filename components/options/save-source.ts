/**
 * Saving a checked source: commit the settings (the store asks the browser for the origins the
 * source adds, inside the click), then keep or drop its token (stored apart from settings,
 * lib/secrets.ts), and say what happened — saved, and whether access was granted.
 */
import { deleteSecret, saveSecret } from '../../lib/secrets';
import type { SourceSettings } from '../../lib/settings';
import type { SourceDraft } from './draft';
import { errorsUnder, type FieldError } from './errors';
import type { OptionsIo } from './io';
import type { Commit } from './store';
import { typeSpec } from './types';

export interface SavedSource {
  id: string;
  name: string;
  /** What to tell the person (saved; and whether access was granted). */
  message: string;
  warning: boolean;
}

/**
 * Call synchronously from the submit handler: `commit` must ask for permissions before anything
 * is awaited. A token typed in the form is stored; a stored one is deleted when the person asked
 * to, or when the source's type takes no token any more. `done` hears the outcome as soon as it
 * is known, in the same turn as the stored settings, so the list and the message change together.
 */
export function saveSource(
  io: Pick<OptionsIo, 'storage'>,
  commit: Commit,
  checked: { candidate: unknown; index: number; source: SourceSettings },
  draft: SourceDraft,
  secretStored: boolean,
  done: { saved(saved: SavedSource): void; failed(errors: FieldError[]): void },
): Promise<void> {
  const { source } = checked;
  return commit(checked.candidate).then(async (result) => {
    if (!result.ok) return done.failed(errorsUnder(result.errors, `sources[${checked.index}]`));
    const takesToken = typeSpec(draft.type).token === true;
    if (takesToken && draft.token.trim()) await saveSecret(io.storage, source.id, draft.token);
    else if (secretStored && (draft.clearToken || !takesToken)) await deleteSecret(io.storage, source.id);
    const denied = result.asked.length > 0 && !result.granted;
    done.saved({
      id: source.id,
      name: source.name,
      warning: denied,
      message: denied
        ? `Saved “${source.name}”, but access to ${result.asked.join(', ')} was not granted: it will show “no permission” until you grant it.`
        : `Saved “${source.name}”. Tattler is looking at it now.`,
    });
  });
}

/** The token typed for a Test, when the source's type takes one. */
export const typedToken = (draft: SourceDraft): string | undefined =>
  typeSpec(draft.type).token === true ? draft.token : undefined;

/**
 * Saving a checked source: commit the settings (the store asks the browser for the origins the
 * source adds, inside the click, and deletes a token whose origin the source no longer reads),
 * then keep or drop its token (stored apart from settings, bound to the source's origin:
 * lib/secrets.ts), and say what happened — saved, whether access was granted, and whether a
 * token must be entered again.
 */
import { cleanToken, deleteSecret, SECRETS_CHANGED_KEY, saveSecret, tokenOrigin } from '../../lib/secrets';
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

/** Why the typed token cannot be stored for this source, before anything is saved. */
export function tokenProblem(source: SourceSettings, draft: SourceDraft): FieldError | undefined {
  if (typeSpec(draft.type).token !== true || draft.token.trim() === '') return undefined;
  try {
    cleanToken(draft.token);
  } catch (error) {
    return { path: 'token', message: (error as Error).message };
  }
  const bound = tokenOrigin(source);
  return 'error' in bound ? { path: 'token', message: bound.error } : undefined;
}

/**
 * Call synchronously from the submit handler: `commit` must ask for permissions before anything
 * is awaited. A token typed in the form is stored for the source's origin; a stored one is
 * deleted when the person asked to, or when the source's type takes no token any more (the
 * store has already deleted one whose origin the source left). `done` hears the outcome as soon
 * as it is known, in the same turn as the stored settings, so the list and the message change
 * together.
 */
export function saveSource(
  io: Pick<OptionsIo, 'storage' | 'secrets' | 'now'>,
  commit: Commit,
  checked: { candidate: unknown; index: number; source: SourceSettings },
  draft: SourceDraft,
  secretStored: boolean,
  done: { saved(saved: SavedSource): void; failed(errors: FieldError[]): void },
): Promise<void> {
  const { source } = checked;
  const problem = tokenProblem(source, draft);
  if (problem) {
    done.failed([problem]);
    return Promise.resolve();
  }
  return commit(checked.candidate).then(async (result) => {
    if (!result.ok) return done.failed(errorsUnder(result.errors, `sources[${checked.index}]`));
    const takesToken = typeSpec(draft.type).token === true;
    const now = (io.now ?? Date.now)();
    let tokenChanged = false;
    if (takesToken && draft.token.trim()) {
      await saveSecret(io.secrets, source, draft.token, now);
      tokenChanged = true;
    } else if (secretStored && (draft.clearToken || !takesToken)) {
      await deleteSecret(io.secrets, source.id);
      tokenChanged = true;
    }
    // Tells the background to look again with the new token (a time, never the token).
    if (tokenChanged) await io.storage.set({ [SECRETS_CHANGED_KEY]: now });
    const denied = result.asked.length > 0 && !result.granted;
    const dropped = tokenChanged ? undefined : result.dropped.find((d) => d.sourceId === source.id);
    const saved = denied
      ? `Saved “${source.name}”, but access to ${result.asked.join(', ')} was not granted: it will show “no permission” until you grant it.`
      : `Saved “${source.name}”. Tattler is looking at it now.`;
    done.saved({
      id: source.id,
      name: source.name,
      warning: denied || dropped !== undefined,
      message: dropped ? `${saved} ${dropped.message}` : saved,
    });
  });
}

/** The token typed for a Test, when the source's type takes one. */
export const typedToken = (draft: SourceDraft): string | undefined =>
  typeSpec(draft.type).token === true ? draft.token : undefined;

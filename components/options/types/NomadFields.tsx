/**
 * Nomad: the job filter, how much detail a poll reads, and the ACL token. The token is typed
 * here but stored apart from settings (lib/secrets.ts), for the one origin the source reads, and
 * is never part of an export; the form never shows a stored token back, only where it goes — and
 * says so when the URL now points elsewhere (saving then deletes the old token).
 */
import { cleartextTokenWarning } from '../../../lib/secrets';
import { CheckboxField, NumberField, TextField } from '../fields';
import type { TypeFieldsProps } from './shared';

export function NomadFields({ form, draft, update, errors, storedToken, tokenOrigin }: TypeFieldsProps) {
  const nomad = draft.nomad;
  const set = (patch: Partial<typeof nomad>) => update({ nomad: { ...nomad, ...patch } });
  const moved =
    storedToken !== undefined &&
    tokenOrigin !== undefined &&
    tokenOrigin !== storedToken.origin &&
    draft.token.trim() === '';
  // Only while a token is typed or stored: a tokenless source over http sends nothing secret.
  const cleartext =
    tokenOrigin !== undefined && (draft.token.trim() !== '' || (storedToken !== undefined && !moved))
      ? cleartextTokenWarning(tokenOrigin)
      : undefined;
  return (
    <>
      <TextField
        form={form}
        name="nomad.filter"
        label="Nomad filter expression"
        value={nomad.filter}
        onInput={(filter) => set({ filter })}
        placeholder='Meta.team == "shop"'
        mono
        help="Passed to Nomad as filter=; Nomad has no label selectors."
        errors={errors('nomad.filter')}
      />
      <NumberField
        form={form}
        name="nomad.versionsWithinHours"
        label="Read versions of jobs submitted within"
        unit="hours"
        value={nomad.versionsWithinHours}
        onInput={(versionsWithinHours) => set({ versionsWithinHours })}
        help="Images, counts and who submitted come from each job's versions; older jobs use the job list alone."
        errors={errors('nomad.versionsWithinHours')}
      />
      <CheckboxField
        form={form}
        name="nomad.includeChildJobs"
        label="Include periodic and dispatched child jobs"
        checked={nomad.includeChildJobs}
        onChange={(includeChildJobs) => set({ includeChildJobs })}
        errors={errors('nomad.includeChildJobs')}
      />
      <TextField
        form={form}
        name="token"
        type="password"
        autoComplete="new-password"
        label="Nomad ACL token"
        value={draft.token}
        onInput={(token) => update({ token, clearToken: false })}
        placeholder={storedToken ? `(a token for ${storedToken.origin} is stored; type to replace it)` : ''}
        help={`Kept in this browser only, apart from settings and out of web pages' reach: never exported, sent only as X-Nomad-Token and only to ${tokenOrigin ?? "this source's origin"}.`}
        errors={errors('token')}
      />
      {cleartext && (
        <p class="field-error" role="status">
          {cleartext}
        </p>
      )}
      {moved && (
        <p class="field-error" role="status">
          The stored token was entered for {storedToken?.origin}; this source now reads {tokenOrigin}. Saving
          deletes it: type the token for {tokenOrigin}.
        </p>
      )}
      {storedToken && !moved && (
        <CheckboxField
          form={form}
          name="clearToken"
          label="Delete the stored token when saving"
          checked={draft.clearToken}
          onChange={(clearToken) => update({ clearToken, token: clearToken ? '' : draft.token })}
        />
      )}
    </>
  );
}

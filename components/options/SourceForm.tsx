/**
 * Add or edit one source. The form has no rules of its own: the draft becomes a settings
 * document and lib/settings.ts validates it; each error is shown next to the field it names
 * (the rest above the form), focus goes to the first invalid field, and nothing is stored until
 * the whole document validates (check-draft.ts); saving commits it and keeps the token apart
 * (save-source.ts). "Test" runs discovery and one poll of the draft, storing nothing.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import { tokenOrigin } from '../../lib/secrets';
import type { Settings } from '../../lib/settings';
import { ClustersEditor } from './ClustersEditor';
import { checkDraft } from './check-draft';
import { type SourceDraft, slugId } from './draft';
import { assignErrors, domId, type FieldError } from './errors';
import {
  CheckboxField,
  describedBy,
  FormErrors,
  focusFirstInvalid,
  HelpAndErrors,
  TextAreaField,
  TextField,
} from './fields';
import type { OptionsIo } from './io';
import { LinkTemplates } from './LinkTemplates';
import { runSourceTest } from './run-test';
import { type SavedSource, saveSource, typedToken } from './save-source';
import type { Commit } from './store';
import { TestResult, type TestState } from './TestResult';
import { FORM_TYPES, typeSpec } from './types';

export const FORM_ID = 'src';

const COMMON_KEYS = [
  'id',
  'name',
  'type',
  'enabled',
  'clusters',
  'owner.namespaces',
  'owner.namePattern',
  'ignoreFields',
  'links.job',
  'links.user',
];

export function SourceForm({
  io,
  settings,
  initial,
  storedToken,
  commit,
  onSaved,
  onCancel,
}: {
  io: OptionsIo;
  settings: Settings;
  initial: SourceDraft;
  /** Where the stored token of this source goes, when one is stored. */
  storedToken?: { origin: string };
  commit: Commit;
  onSaved(saved: SavedSource): void;
  onCancel(): void;
}) {
  const [draft, setDraft] = useState<SourceDraft>(initial);
  const [tried, setTried] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const [test, setTest] = useState<TestState>({ phase: 'idle' });
  const idTouched = useRef(initial.editing !== undefined || initial.id !== '');
  const formRef = useRef<HTMLFormElement>(null);
  const spec = typeSpec(draft.type);
  const isNew = draft.editing === undefined;
  const taken = useMemo(
    () => new Set(settings.sources.filter((s) => s.id !== draft.editing).map((s) => s.id)),
    [settings, draft.editing],
  );

  const shownKeys = useMemo(() => {
    const keys = new Set([...COMMON_KEYS, ...spec.fieldKeys]);
    if (spec.baseUrl) keys.add('baseUrl');
    if (spec.discovery) keys.add('discovery');
    if (spec.labelSelector) keys.add('owner.labelSelector');
    draft.clusters.forEach((_, i) => {
      for (const f of ['id', 'name', 'apiBase', 'group']) keys.add(`clusters[${i}].${f}`);
    });
    return keys;
  }, [spec, draft.clusters]);
  const assigned = assignErrors(fieldErrors, (k) => shownKeys.has(k));
  // Where a token would go as the draft stands (its URLs may be half typed: then nowhere yet).
  const draftTokenOrigin = useMemo(() => {
    const apiBases = draft.clusters.map((c) => c.apiBase.trim()).filter(Boolean);
    const bound = tokenOrigin({
      id: draft.id,
      name: draft.name,
      baseUrl: draft.baseUrl.trim() || undefined,
      clusters: apiBases.map((apiBase) => ({ apiBase })),
    });
    return 'origin' in bound ? bound.origin : undefined;
  }, [draft.id, draft.name, draft.baseUrl, draft.clusters]);
  const errorsOf = (key: string) => assigned.byField[key];

  const update = (patch: Partial<SourceDraft>) => {
    const next = { ...draft, ...patch };
    if (patch.name !== undefined && isNew && !idTouched.current) next.id = slugId(patch.name, taken);
    if (patch.type === 'kubernetes' && next.clusters.length === 0)
      next.clusters = [{ id: '', name: '', apiBase: '', group: '' }];
    setDraft(next);
    // Once the person has tried to save, errors follow their typing.
    if (tried) setFieldErrors(checkDraft(settings, next).errors);
  };

  const validateNow = () => {
    setTried(true);
    const checked = checkDraft(settings, draft);
    setFieldErrors(checked.errors);
    if (!checked.ok) focusFirstInvalid(formRef.current);
    return checked;
  };

  const onSubmit = (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const checked = validateNow();
    if (!checked.ok || !checked.source) return;
    const source = checked.source;
    setBusy(true);
    // saveSource asks for the new origins before it awaits anything: still inside this click.
    saveSource(io, commit, { ...checked, source }, draft, storedToken !== undefined, {
      saved: onSaved,
      failed(errors) {
        setFieldErrors(errors);
        focusFirstInvalid(formRef.current);
      },
    })
      .catch((error: unknown) => {
        setFieldErrors([
          { path: '', message: `could not save: ${(error as Error)?.message ?? String(error)}` },
        ]);
      })
      .finally(() => setBusy(false));
  };

  const onTest = () => {
    const checked = validateNow();
    if (!checked.ok || !checked.source || !checked.settings) {
      setTest({ phase: 'blocked', message: 'fix the fields marked above first.' });
      return;
    }
    void runSourceTest(io, checked.settings, checked.source, setTest, typedToken(draft));
  };

  const typeId = domId(FORM_ID, 'type');
  const typeErrors = errorsOf('type');
  return (
    <form
      class="source-form"
      ref={formRef}
      onSubmit={onSubmit}
      noValidate
      aria-labelledby={`${FORM_ID}-title`}
    >
      <h3 id={`${FORM_ID}-title`} tabIndex={-1}>
        {isNew ? 'Add a source' : `Edit “${initial.name}”`}
      </h3>
      <FormErrors id={`${FORM_ID}-other`} errors={assigned.other} />

      <div class={`field${typeErrors ? ' invalid' : ''}`}>
        <label for={typeId}>Type</label>
        <select
          id={typeId}
          value={draft.type}
          aria-describedby={describedBy(typeId, spec.summary !== '', (typeErrors?.length ?? 0) > 0)}
          aria-invalid={typeErrors ? 'true' : undefined}
          onChange={(e) =>
            update({ type: (e.currentTarget as HTMLSelectElement).value as SourceDraft['type'] })
          }
        >
          {FORM_TYPES.map((t) => (
            <option key={t} value={t}>
              {typeSpec(t).label}
            </option>
          ))}
        </select>
        <HelpAndErrors id={typeId} help={spec.summary || undefined} errors={typeErrors} />
      </div>

      <div class="grid2">
        <TextField
          form={FORM_ID}
          name="name"
          label="Name"
          required
          value={draft.name}
          onInput={(name) => update({ name })}
          placeholder="Production Rancher"
          errors={errorsOf('name')}
        />
        <TextField
          form={FORM_ID}
          name="id"
          label="Id"
          mono
          value={draft.id}
          disabled={!isNew}
          onInput={(id) => {
            idTouched.current = true;
            update({ id });
          }}
          help={
            isNew
              ? 'Names this source in the history; it cannot change later.'
              : 'Fixed: the history is kept under it.'
          }
          errors={errorsOf('id')}
        />
      </div>

      {spec.baseUrl && (
        <TextField
          form={FORM_ID}
          name="baseUrl"
          label={spec.baseUrl.label}
          type="url"
          mono
          required={spec.baseUrl.required}
          value={draft.baseUrl}
          onInput={(baseUrl) => update({ baseUrl })}
          placeholder={spec.baseUrl.placeholder}
          help={spec.baseUrl.help}
          errors={errorsOf('baseUrl')}
        />
      )}
      {spec.discovery && (
        <CheckboxField
          form={FORM_ID}
          name="discovery"
          label={spec.discovery}
          checked={draft.discovery}
          onChange={(discovery) => update({ discovery })}
          errors={errorsOf('discovery')}
        />
      )}
      <ClustersEditor
        form={FORM_ID}
        legend={spec.clusters.legend}
        help={spec.clusters.help}
        apiPlaceholder={spec.clusters.apiPlaceholder}
        clusters={draft.clusters}
        onChange={(clusters) => update({ clusters })}
        errors={errorsOf}
      />

      <fieldset class="group">
        <legend>Which jobs are yours</legend>
        {spec.labelSelector && (
          <TextField
            form={FORM_ID}
            name="owner.labelSelector"
            label="Label selector"
            mono
            value={draft.labelSelector}
            onInput={(labelSelector) => update({ labelSelector })}
            placeholder="app.kubernetes.io/part-of=shop"
            help="Passed to the API as labelSelector."
            errors={errorsOf('owner.labelSelector')}
          />
        )}
        <TextAreaField
          form={FORM_ID}
          name="owner.namespaces"
          label="Namespaces"
          rows={2}
          value={draft.namespaces}
          onInput={(namespaces) => update({ namespaces })}
          placeholder="shop"
          help="One per line or comma separated. Empty: every namespace your session may read."
          errors={errorsOf('owner.namespaces')}
        />
        <TextField
          form={FORM_ID}
          name="owner.namePattern"
          label="Job name pattern"
          mono
          value={draft.namePattern}
          onInput={(namePattern) => update({ namePattern })}
          placeholder="^(checkout|cart)"
          help="A regular expression a job's name must match. Empty: every name."
          errors={errorsOf('owner.namePattern')}
        />
      </fieldset>

      {spec.Fields && (
        <fieldset class="group">
          <legend>{spec.label} options</legend>
          <spec.Fields
            form={FORM_ID}
            draft={draft}
            update={update}
            errors={errorsOf}
            {...(storedToken ? { storedToken } : {})}
            {...(draftTokenOrigin ? { tokenOrigin: draftTokenOrigin } : {})}
          />
        </fieldset>
      )}

      <TextAreaField
        form={FORM_ID}
        name="ignoreFields"
        label="Fields to ignore"
        rows={2}
        value={draft.ignoreFields}
        onInput={(ignoreFields) => update({ ignoreFields })}
        placeholder="spec.replicas"
        help="Changes to these field paths are not recorded (e.g. spec.replicas under an autoscaler; containers[*].resources matches every container)."
        errors={errorsOf('ignoreFields')}
      />

      <LinkTemplates
        form={FORM_ID}
        job={draft.linkJob}
        user={draft.linkUser}
        onJob={(linkJob) => update({ linkJob })}
        onUser={(linkUser) => update({ linkUser })}
        errors={errorsOf}
        jobPlaceholder={spec.jobLinkExample.replace(
          '{base}',
          draft.baseUrl.trim().replace(/\/+$/, '') || 'https://console.example.com',
        )}
      />

      <CheckboxField
        form={FORM_ID}
        name="enabled"
        label="Watch this source"
        checked={draft.enabled}
        onChange={(enabled) => update({ enabled })}
        help="Off: kept in settings, not polled."
      />

      <div class="row actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save source'}
        </button>
        <button type="button" onClick={onTest} disabled={test.phase === 'running'}>
          Test
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <TestResult id={`${FORM_ID}-test`} state={test} />
    </form>
  );
}

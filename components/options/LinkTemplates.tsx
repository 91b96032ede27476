/**
 * The two link templates of a source ("open job", "open <user>'s jobs") with a live preview
 * filled with sample values, as lib/links.ts fills them for real (values URL-encoded; only
 * http(s) results become links).
 */
import { fillTemplate, type LinkValues } from '../../lib/links';
import { domId } from './errors';
import { TextField } from './fields';

export const SAMPLE_VALUES: Required<LinkValues> = {
  user: 'alice',
  cluster: 'c-m-abc12',
  clusterName: 'prod-eu-1',
  namespace: 'shop',
  name: 'checkout',
  kind: 'Deployment',
};

const KNOWN = new Set(Object.keys(SAMPLE_VALUES));

/** The preview line for a template: the filled URL, or why there is none. */
export function previewOf(template: string): { url?: string; problem?: string } {
  if (template.trim() === '') return {};
  const unknown = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '').filter((k) => !KNOWN.has(k));
  const filled = fillTemplate(template.trim(), SAMPLE_VALUES);
  if (!filled) return { problem: 'not an http:// or https:// URL once filled in' };
  if (unknown.length)
    return {
      url: filled,
      problem: `unknown placeholder${unknown.length > 1 ? 's' : ''}: ${unknown.map((k) => `{${k}}`).join(' ')} (left as typed)`,
    };
  return { url: filled };
}

function Preview({ id, template }: { id: string; template: string }) {
  const p = previewOf(template);
  if (!p.url && !p.problem) return null;
  return (
    <p class="preview" id={`${id}-preview`} aria-live="polite">
      <span class="muted">Preview: </span>
      {p.url && <code>{p.url}</code>}
      {p.problem && <span class="warn"> — {p.problem}</span>}
    </p>
  );
}

export function LinkTemplates({
  form,
  job,
  user,
  onJob,
  onUser,
  errors,
  jobPlaceholder,
}: {
  form: string;
  job: string;
  user: string;
  onJob(value: string): void;
  onUser(value: string): void;
  errors(key: string): readonly string[] | undefined;
  jobPlaceholder: string;
}) {
  const sample = Object.entries(SAMPLE_VALUES)
    .map(([k, v]) => `{${k}} = ${v}`)
    .join(', ');
  return (
    <fieldset class="group">
      <legend>Links</legend>
      <p class="help">
        Placeholders: <code>{'{user}'}</code> <code>{'{cluster}'}</code> <code>{'{clusterName}'}</code>{' '}
        <code>{'{namespace}'}</code> <code>{'{name}'}</code> <code>{'{kind}'}</code>. The preview uses{' '}
        {sample}.
      </p>
      <TextField
        form={form}
        name="links.job"
        label="Open job"
        type="url"
        mono
        value={job}
        onInput={onJob}
        placeholder={jobPlaceholder}
        errors={errors('links.job')}
      />
      <Preview id={domId(form, 'links.job')} template={job} />
      <TextField
        form={form}
        name="links.user"
        label="Open the jobs of the person who made a change"
        type="url"
        mono
        value={user}
        onInput={onUser}
        placeholder="https://console.example.com/users/{user}/jobs"
        errors={errors('links.user')}
      />
      <Preview id={domId(form, 'links.user')} template={user} />
    </fieldset>
  );
}

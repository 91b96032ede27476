/**
 * Labelled form fields with their help and errors linked by aria-describedby, so a screen reader
 * reads the error with the field and `aria-invalid` marks where to go. Every field is labelled.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { domId } from './errors';

export interface FieldProps {
  /** The form's id prefix; with `name` it makes the input's id. */
  form: string;
  /** The settings path this field edits (`baseUrl`, `owner.namePattern`): errors name it. */
  name: string;
  label: string;
  help?: ComponentChildren;
  errors?: readonly string[];
}

export function describedBy(id: string, help: boolean, errors: boolean): string | undefined {
  const ids = [help ? `${id}-help` : '', errors ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function HelpAndErrors({
  id,
  help,
  errors,
}: {
  id: string;
  help?: ComponentChildren;
  errors?: readonly string[];
}) {
  return (
    <>
      {help !== undefined && (
        <p class="help" id={`${id}-help`}>
          {help}
        </p>
      )}
      {errors && errors.length > 0 && (
        <p class="field-error" id={`${id}-error`}>
          {errors.join('; ')}
        </p>
      )}
    </>
  );
}

export function TextField(
  props: FieldProps & {
    value: string;
    onInput(value: string): void;
    placeholder?: string;
    type?: 'text' | 'url' | 'password';
    disabled?: boolean;
    required?: boolean;
    autoComplete?: string;
    mono?: boolean;
  },
) {
  const id = domId(props.form, props.name);
  const invalid = (props.errors?.length ?? 0) > 0;
  return (
    <div class={`field${invalid ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        // Preact types each input type apart; these three take the same attributes.
        type={(props.type ?? 'text') as 'text'}
        class={props.mono ? 'mono' : undefined}
        value={props.value}
        placeholder={props.placeholder}
        disabled={props.disabled}
        required={props.required}
        spellcheck={false}
        autoComplete={props.autoComplete ?? 'off'}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={describedBy(id, props.help !== undefined, invalid)}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      <HelpAndErrors id={id} help={props.help} errors={props.errors} />
    </div>
  );
}

export function TextAreaField(
  props: FieldProps & { value: string; onInput(value: string): void; rows?: number; placeholder?: string },
) {
  const id = domId(props.form, props.name);
  const invalid = (props.errors?.length ?? 0) > 0;
  return (
    <div class={`field${invalid ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        class="mono"
        rows={props.rows ?? 3}
        value={props.value}
        placeholder={props.placeholder}
        spellcheck={false}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={describedBy(id, props.help !== undefined, invalid)}
        onInput={(e) => props.onInput((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <HelpAndErrors id={id} help={props.help} errors={props.errors} />
    </div>
  );
}

export function NumberField(
  props: FieldProps & { value: string; onInput(value: string): void; unit?: string },
) {
  const id = domId(props.form, props.name);
  const invalid = (props.errors?.length ?? 0) > 0;
  return (
    <div class={`field${invalid ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      <span class="with-unit">
        <input
          id={id}
          type="number"
          inputMode="numeric"
          value={props.value}
          aria-invalid={invalid ? 'true' : undefined}
          aria-describedby={describedBy(id, props.help !== undefined, invalid)}
          onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
        />
        {props.unit && <span aria-hidden="true">{props.unit}</span>}
      </span>
      <HelpAndErrors id={id} help={props.help} errors={props.errors} />
    </div>
  );
}

export function CheckboxField(
  props: FieldProps & { checked: boolean; onChange(checked: boolean): void; disabled?: boolean },
) {
  const id = domId(props.form, props.name);
  const invalid = (props.errors?.length ?? 0) > 0;
  return (
    <div class={`field check${invalid ? ' invalid' : ''}`}>
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={describedBy(id, props.help !== undefined, invalid)}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <label for={id}>{props.label}</label>
      <HelpAndErrors id={id} help={props.help} errors={props.errors} />
    </div>
  );
}

/** A group of checkboxes with one legend, its errors linked to the group. */
export function ChoiceGroup<T extends string>(
  props: FieldProps & { options: readonly T[]; chosen: readonly T[]; onChange(chosen: T[]): void },
) {
  const id = domId(props.form, props.name);
  const invalid = (props.errors?.length ?? 0) > 0;
  return (
    <fieldset
      class={`field choices${invalid ? ' invalid' : ''}`}
      aria-describedby={describedBy(id, props.help !== undefined, invalid)}
    >
      <legend>{props.label}</legend>
      <div class="choice-row">
        {props.options.map((option) => (
          <label key={option} class="choice">
            <input
              type="checkbox"
              id={`${id}-${option}`}
              checked={props.chosen.includes(option)}
              onChange={(e) => {
                const on = (e.currentTarget as HTMLInputElement).checked;
                props.onChange(props.options.filter((o) => (o === option ? on : props.chosen.includes(o))));
              }}
            />{' '}
            {option}
          </label>
        ))}
      </div>
      <HelpAndErrors id={id} help={props.help} errors={props.errors} />
    </fieldset>
  );
}

/** Errors that name no field on screen, shown above a form. */
/** A section's Save button (after any other buttons given) and, once saved, what was saved (announced politely). */
export function SaveRow({
  label,
  saved,
  children,
}: {
  label: string;
  saved: string;
  children?: ComponentChildren;
}) {
  return (
    <div class="row">
      {children}
      <button type="submit">{label}</button>
      {saved && (
        <span role="status" class="ok">
          {saved}
        </span>
      )}
    </div>
  );
}

export function FormErrors({ id, errors }: { id: string; errors: readonly string[] }) {
  if (errors.length === 0) return null;
  return (
    <div class="outcome error" id={id} role="alert">
      <p>These settings cannot be saved:</p>
      <ul>
        {errors.map((e) => (
          <li key={e}>{e}</li>
        ))}
      </ul>
    </div>
  );
}

/** Moves focus to the first field marked invalid inside `root`, after Preact has rendered. */
export function focusFirstInvalid(root: HTMLElement | null | undefined): void {
  afterRender(() => {
    const target =
      root?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      root?.querySelector<HTMLElement>('fieldset.invalid input') ??
      root?.querySelector<HTMLElement>('[role="alert"]');
    if (target) {
      if (target.getAttribute('role') === 'alert') target.tabIndex = -1;
      target.focus();
    }
  });
}

/**
 * Runs after Preact has rendered the state just set (its renders run as microtasks; this is a
 * task). Not requestAnimationFrame: a page in a background tab gets no frames.
 */
export function afterRender(fn: () => void): void {
  setTimeout(fn, 0);
}

/**
 * Runs `reset` when `deps` change after the first render (settings saved elsewhere): a form's
 * typed values follow the stored ones, without the mount-time run clobbering early typing.
 */
export function useResetOnChange(deps: readonly unknown[], reset: () => void): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    reset();
  }, deps);
}

/**
 * IndexedDB failures in words a person can act on. Dexie wraps the browser's DOMExceptions
 * (`QuotaExceededError` when the disk or the origin's quota is full) and reports a failed bulk
 * write as a `BulkError` whose `failures` hold the per-record errors.
 */
interface NamedError {
  name?: string;
  message?: string;
  inner?: unknown;
  failures?: unknown[] | Record<string, unknown>;
}

function innermost(error: unknown): NamedError {
  let e = error as NamedError | undefined;
  for (let i = 0; i < 5 && e?.inner; i++) e = e.inner as NamedError;
  return e ?? {};
}

/** "storage full", "a change id was already taken (a bug: please report it)", or the error's own words. */
export function describeStorageError(error: unknown): string {
  const e = innermost(error);
  const failures = e.failures ? Object.values(e.failures) : [];
  const first = (failures[0] as NamedError | undefined) ?? e;
  const name = innermost(first).name ?? e.name ?? '';
  if (name === 'QuotaExceededError' || /quota/i.test(String(innermost(first).message ?? e.message)))
    return 'storage full';
  if (name === 'DuplicateChangeError')
    return `${innermost(first).message} (a bug in Tattler: please report it)`;
  if (name === 'ConstraintError')
    return 'a change id was already taken by a different change (a bug in Tattler: please report it)';
  const message = innermost(first).message ?? e.message ?? String(error);
  return name && !message.startsWith(name) ? `${name}: ${message}` : message;
}

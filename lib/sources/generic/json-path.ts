/**
 * A small path reader for JSON answers, so a home-grown API can be mapped in settings instead of
 * in code. Written here rather than taken from a JSONPath library: this ships to every user's
 * browser, and the mapping needs a handful of features, not filters and scripts.
 *
 * Syntax (whitespace is part of a name; there is no escaping outside quotes):
 *
 *   $                     the whole answer (also the empty path)
 *   data.clusters         member `clusters` of member `data`; a leading `$.` is allowed
 *   items[0]  items[-1]   an array element by index; negative counts from the end
 *   items[*]  data.*      every element of an array, or every value of an object, in order
 *   labels["app.kubernetes.io/name"]   a member whose name holds `.`, `[` or `]` (quotes ' or ")
 *
 * `items[*].metadata.name` gives one result per item that has a name. A path without a wildcard
 * gives at most one result.
 */

export type Step = { type: 'key'; key: string } | { type: 'index'; index: number } | { type: 'wildcard' };

export class PathSyntaxError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`path \`${path}\` is not valid: ${detail}`);
    this.name = 'PathSyntaxError';
  }
}

export class PathNotFoundError extends Error {
  constructor(
    readonly path: string,
    readonly where: string,
    detail?: string,
  ) {
    super(`path \`${path}\` found nothing in the answer from ${where}${detail ? ` (${detail})` : ''}`);
    this.name = 'PathNotFoundError';
  }
}

const cache = new Map<string, Step[]>();

/** Parses a path; throws PathSyntaxError saying where it went wrong. Results are cached. */
export function parsePath(path: string): Step[] {
  const hit = cache.get(path);
  if (hit) return hit;
  const steps: Step[] = [];
  let i = 0;
  const fail = (detail: string): never => {
    throw new PathSyntaxError(path, `${detail} at position ${i}`);
  };
  if (path.startsWith('$')) {
    i = 1;
    if (i < path.length && path[i] !== '.' && path[i] !== '[') fail('expected `.` or `[` after `$`');
    if (path[i] === '.') i++;
  }
  let expectName = i < path.length && path[i] !== '[';
  while (i < path.length) {
    const c = path[i];
    if (expectName) {
      let end = i;
      while (end < path.length && path[end] !== '.' && path[end] !== '[' && path[end] !== ']') end++;
      const name = path.slice(i, end);
      if (name === '') fail('expected a name');
      steps.push(name === '*' ? { type: 'wildcard' } : { type: 'key', key: name });
      i = end;
      expectName = false;
    } else if (c === '.') {
      i++;
      expectName = true;
      if (i >= path.length) fail('expected a name after `.`');
    } else if (c === '[') {
      i++;
      const q = path[i];
      if (q === '"' || q === "'") {
        let key = '';
        i++;
        while (i < path.length && path[i] !== q) {
          if (path[i] === '\\' && i + 1 < path.length) i++;
          key += path[i];
          i++;
        }
        if (i >= path.length) fail('unclosed quote');
        i++;
        steps.push({ type: 'key', key });
      } else {
        const close = path.indexOf(']', i);
        if (close < 0) fail('unclosed `[`');
        const inner = path.slice(i, close).trim();
        if (inner === '*') steps.push({ type: 'wildcard' });
        else if (/^-?\d+$/.test(inner)) steps.push({ type: 'index', index: Number(inner) });
        else fail(`expected an index, \`*\` or a quoted name inside [], got \`${inner}\``);
        i = close;
      }
      if (path[i] !== ']') fail('expected `]`');
      i++;
    } else {
      fail(`unexpected \`${c}\``);
    }
  }
  if (cache.size > 500) cache.clear();
  cache.set(path, steps);
  return steps;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function apply(values: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (step.type === 'key') {
      // Own members only: a path must never reach `__proto__` or `constructor`.
      if (isObject(v) && Object.hasOwn(v, step.key) && v[step.key] !== undefined) out.push(v[step.key]);
    } else if (step.type === 'index') {
      if (Array.isArray(v)) {
        const at = step.index < 0 ? v.length + step.index : step.index;
        if (at >= 0 && at < v.length) out.push(v[at]);
      }
    } else if (Array.isArray(v)) {
      out.push(...v);
    } else if (isObject(v)) {
      out.push(...Object.values(v));
    }
  }
  return out;
}

/** Every value the path finds, in document order; [] when it finds nothing. */
export function selectAll(root: unknown, path: string | Step[]): unknown[] {
  const steps = typeof path === 'string' ? parsePath(path) : path;
  let values: unknown[] = [root];
  for (const step of steps) {
    values = apply(values, step);
    if (values.length === 0) break;
  }
  return values;
}

/** The first value the path finds, or undefined. */
export function selectFirst(root: unknown, path: string | Step[]): unknown {
  return selectAll(root, path)[0];
}

export const hasWildcard = (path: string | Step[]): boolean =>
  (typeof path === 'string' ? parsePath(path) : path).some((s) => s.type === 'wildcard');

const describeStep = (s: Step): string =>
  s.type === 'key' ? s.key : s.type === 'index' ? `[${s.index}]` : '[*]';

/** Why a path found nothing: the first step that matched nothing, and what was there instead. */
function diagnose(root: unknown, steps: Step[]): string | undefined {
  let values: unknown[] = [root];
  for (let n = 0; n < steps.length; n++) {
    const step = steps[n] as Step;
    const next = apply(values, step);
    if (next.length === 0) {
      const at =
        n === 0 ? 'the answer' : `\`${steps.slice(0, n).map(describeStep).join('.').replace(/\.\[/g, '[')}\``;
      const sample = values[0];
      if (step.type === 'key') {
        if (!isObject(sample))
          return `${at} is ${Array.isArray(sample) ? 'a list' : typeof sample}, not an object`;
        const keys = Object.keys(sample).slice(0, 8);
        return `${at} has no \`${step.key}\`${keys.length ? `; it has ${keys.join(', ')}` : '; it is empty'}`;
      }
      if (step.type === 'index') {
        return Array.isArray(sample) ? `${at} has ${sample.length} elements` : `${at} is not a list`;
      }
      return `${at} is empty or not a list`;
    }
    values = next;
  }
  return undefined;
}

/**
 * The values a path must find: throws PathNotFoundError naming the path, where the answer came
 * from (`/api/clusters`), and the step at which it found nothing.
 */
export function requireAll(root: unknown, path: string, where: string): unknown[] {
  const steps = parsePath(path);
  const values = selectAll(root, steps);
  if (values.length === 0) throw new PathNotFoundError(path, where, diagnose(root, steps));
  return values;
}

export function requireFirst(root: unknown, path: string, where: string): unknown {
  return requireAll(root, path, where)[0];
}

/**
 * A list through a wildcard path (`data.jobs[*]`): every container the path walks must be there —
 * a missing or null one is an error, never an empty list (`{"error":"database timeout","data":null}`
 * must not read as "no jobs"). A container that is there and empty is an empty list.
 */
export function requireList(root: unknown, path: string, where: string): unknown[] {
  const steps = parsePath(path);
  let values: unknown[] = [root];
  for (let n = 0; n < steps.length; n++) {
    const step = steps[n] as Step;
    if (step.type === 'wildcard') {
      const bad = values.find((v) => !Array.isArray(v) && !isObject(v));
      if (bad !== undefined) {
        const at =
          n === 0
            ? 'the answer'
            : `\`${steps.slice(0, n).map(describeStep).join('.').replace(/\.\[/g, '[')}\``;
        throw new PathNotFoundError(
          path,
          where,
          `${at} is ${bad === null ? 'null' : typeof bad}, not a list`,
        );
      }
      values = apply(values, step);
      if (values.length === 0) return [];
      continue;
    }
    const next = apply(values, step);
    if (next.length < values.length) throw new PathNotFoundError(path, where, diagnose(values[0], [step]));
    values = next;
  }
  return values;
}

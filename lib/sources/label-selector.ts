/**
 * Does an object's labels match a Kubernetes label selector (the owner filter)? Used on the
 * answer of a GET by name, to tell a job the list lied about from one that left the owner filter.
 * The grammar is the API server's (k8s.io/apimachinery labels): `a=b`, `a==b`, `a!=b`,
 * `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-separated and ANDed. A selector this cannot read
 * returns undefined: the caller then cannot tell, and must not guess.
 */
type Test = (labels: Readonly<Record<string, string>>) => boolean;

/** Splits on commas outside `( … )`; undefined when the parentheses do not balance. */
function terms(selector: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (depth < 0 || depth > 1) return undefined;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (depth !== 0) return undefined;
  out.push(cur.trim());
  return out;
}

function compile(term: string): Test | undefined {
  const set = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(term);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = new Set(list.split(',').map((v) => v.trim()));
    // `notin` also matches objects without the key, as the API server has it.
    return op === 'in'
      ? (l) => key in l && values.has(l[key] as string)
      : (l) => !(key in l) || !values.has(l[key] as string);
  }
  const eq = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(term);
  if (eq) {
    const [, key = '', op, value = ''] = eq;
    return op === '!=' ? (l) => l[key] !== value : (l) => key in l && l[key] === value;
  }
  const exists = /^(!?)\s*([^\s!=(),]+)$/.exec(term);
  if (exists) {
    const [, not, key = ''] = exists;
    return not ? (l) => !(key in l) : (l) => key in l;
  }
  return undefined;
}

/** true/false, or undefined when the selector is not one this reads. An empty selector matches all. */
export function matchesLabelSelector(
  selector: string | undefined,
  labels: Readonly<Record<string, string>>,
): boolean | undefined {
  const text = selector?.trim() ?? '';
  if (text === '') return true;
  const parts = terms(text);
  if (!parts) return undefined;
  const tests = parts.map(compile);
  if (tests.some((t) => t === undefined)) return undefined;
  return tests.every((t) => (t as Test)(labels));
}

/**
 * The label keys a selector pins to a value (`a=b`, `a==b`, `a in (x,y)`): every job the owner
 * filter selects carries them, so they say which jobs are the user's, not which service one is.
 */
export function pinnedKeys(selector: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const term of terms(selector?.trim() ?? '') ?? []) {
    const key = /^([^\s!=(),]+)\s*(?:==|=(?!=)|\s+in\s*\()/.exec(term)?.[1];
    if (key) out.add(key);
  }
  return out;
}

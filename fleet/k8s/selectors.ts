/**
 * Label and field selectors, as the API server parses them (k8s.io/apimachinery labels.Parse):
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-separated, all ANDed.
 * A malformed selector is a 400, never "match nothing".
 */

export type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export class SelectorError extends Error {}

// A qualified name with an optional DNS-subdomain prefix: `app.kubernetes.io/part-of`.
const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, whole: string): string {
  if (!KEY.test(key) || key.length > 316) {
    throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in "${whole}"`);
  }
  return key;
}

function checkValue(value: string, whole: string): string {
  if (!VALUE.test(value) || value.length > 63) {
    throw new SelectorError(`unable to parse requirement: invalid label value "${value}" in "${whole}"`);
  }
  return value;
}

/** Splits on commas that are not inside `( … )`. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new SelectorError(`unable to parse requirement: unbalanced ")" in "${text}"`);
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (depth !== 0) throw new SelectorError(`unable to parse requirement: unbalanced "(" in "${text}"`);
  out.push(cur);
  return out;
}

export function parseLabelSelector(text: string): Requirement[] {
  if (text.trim() === '') return [];
  return splitTop(text).map((raw) => {
    const part = raw.trim();
    if (part === '') throw new SelectorError(`unable to parse requirement: empty requirement in "${text}"`);
    const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    if (set) {
      const values = (set[3] ?? '').split(',').map((v) => checkValue(v.trim(), text));
      return { key: checkKey(set[1] ?? '', text), op: set[2] as 'in' | 'notin', values };
    }
    const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (cmp) {
      return {
        key: checkKey(cmp[1] ?? '', text),
        op: cmp[2] === '!=' ? 'neq' : 'eq',
        value: checkValue((cmp[3] ?? '').trim(), text),
      };
    }
    if (part.startsWith('!')) return { key: checkKey(part.slice(1).trim(), text), op: 'notexists' };
    return { key: checkKey(part, text), op: 'exists' };
  });
}

export function matchesLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'eq':
        return has && v === r.value;
      case 'neq':
        return !has || v !== r.value;
      case 'in':
        return has && r.values.includes(v ?? '');
      case 'notin':
        return !has || !r.values.includes(v ?? '');
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
    return false;
  });
}

export interface FieldRequirement {
  field: 'metadata.name' | 'metadata.namespace';
  op: 'eq' | 'neq';
  value: string;
}

/** Field selectors: only the fields every resource supports. Others are a 400, as upstream. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  if (text.trim() === '') return [];
  return text.split(',').map((raw) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw new SelectorError(`invalid selector: '${text}'; can't understand '${raw}'`);
    const field = m[1] ?? '';
    if (field !== 'metadata.name' && field !== 'metadata.namespace') {
      throw new SelectorError(`field label not supported: ${field}`);
    }
    return { field, op: m[2] === '!=' ? 'neq' : 'eq', value: m[3] ?? '' };
  });
}

export function matchesFields(reqs: FieldRequirement[], meta: { name: string; namespace?: string }): boolean {
  return reqs.every((r) => {
    const v = r.field === 'metadata.name' ? meta.name : (meta.namespace ?? '');
    return r.op === 'eq' ? v === r.value : v !== r.value;
  });
}

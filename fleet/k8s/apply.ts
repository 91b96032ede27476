/**
 * Server-side apply's merge, as the API server does it for a client that forces conflicts (Argo
 * CD applies with `--force-conflicts`): the applied configuration's values win; maps merge key by
 * key; keyed lists (containers and env by name, ports by port and protocol) merge item by item;
 * scalars and atomic lists are replaced. What the configuration does not mention stays as it is,
 * owned by whoever set it — so a hand-added env var survives a sync, a hand-changed image does not.
 */
import { itemKey } from './managed-fields';
import type { Json, JsonObject } from './types';

const isMap = (v: Json | undefined): v is JsonObject =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The keys of a keyed list, or undefined when it is atomic (or empty). */
function keysOf(list: Json[]): string[] | undefined {
  const keys = list.map(itemKey);
  return list.length > 0 && keys.every((k) => k !== undefined) ? (keys as string[]) : undefined;
}

/** `live` with `applied` merged in; neither is changed. */
export function mergeApplied(live: Json | undefined, applied: Json): Json {
  if (isMap(live) && isMap(applied)) {
    const out: JsonObject = structuredClone(live);
    for (const [k, v] of Object.entries(applied)) out[k] = mergeApplied(live[k], v);
    return out;
  }
  if (Array.isArray(live) && Array.isArray(applied)) {
    const liveKeys = keysOf(live);
    const appliedKeys = keysOf(applied);
    if (liveKeys && appliedKeys) {
      const byKey = new Map(appliedKeys.map((k, i) => [k, applied[i] as Json]));
      const out = live.map((item, i) => {
        const mine = byKey.get(liveKeys[i] as string);
        return mine === undefined ? structuredClone(item) : mergeApplied(item, mine);
      });
      appliedKeys.forEach((k, i) => {
        if (!liveKeys.includes(k)) out.push(structuredClone(applied[i] as Json));
      });
      return out;
    }
  }
  return structuredClone(applied);
}

/**
 * Link templates: "open job" and "open <user>'s jobs" per source, with placeholders
 * {user} {cluster} {clusterName} {namespace} {name} {kind}. Values are URL-encoded, so a job
 * or user name can never change where a link points beyond its own path segment.
 */

export interface LinkValues {
  user?: string;
  cluster?: string;
  clusterName?: string;
  namespace?: string;
  name?: string;
  kind?: string;
}

const PLACEHOLDER = /\{(user|cluster|clusterName|namespace|name|kind)\}/g;

/** Fills a template; undefined when a placeholder it uses has no value, or the result is not http(s). */
export function fillTemplate(template: string, values: LinkValues): string | undefined {
  let missing = false;
  const out = template.replace(PLACEHOLDER, (_, key: keyof LinkValues) => {
    const value = values[key];
    if (value === undefined || value === '') {
      missing = true;
      return '';
    }
    return encodeURIComponent(value);
  });
  if (missing) return undefined;
  return safeHttpUrl(out);
}

/** Only http(s) URLs are ever put in an href: a remote value must not become `javascript:`. */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** HTML building for the console pages: every remote-ish value goes through `esc`. */

export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A path segment, encoded for an href. */
export const seg = (s: string): string => encodeURIComponent(s);

export function ago(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 90) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 36) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** A time a person can read and a machine can parse. */
export function when(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `<time datetime="${esc(iso)}">${esc(iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</time> <span class="muted">(${esc(ago(ms))})</span>`;
}

export interface LayoutOptions {
  user?: string;
  crumbs?: [string, string | undefined][];
}

export function layout(title: string, body: string, options: LayoutOptions = {}): string {
  const crumbs = (options.crumbs ?? [])
    .map(([label, href]) =>
      href ? `<a href="${esc(href)}">${esc(label)}</a>` : `<span>${esc(label)}</span>`,
    )
    .join(' <span class="muted">/</span> ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${esc(title)} - Rancher</title>
<style>
  :root { color-scheme: light dark; --fg: #141419; --bg: #fff; --muted: #6c6c76; --line: #dcdee7; --head: #f4f5fa; --link: #3d98d3; --bad: #c4314b; --ok: #5d995d; }
  @media (prefers-color-scheme: dark) {
    :root { --fg: #e6e6e6; --bg: #1b1c21; --muted: #9a9aa5; --line: #3a3b44; --head: #25262d; --link: #6fb6e6; --bad: #f07b8e; --ok: #8cc98c; }
  }
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
  header { display: flex; gap: 1rem; align-items: center; padding: .6rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--head); }
  header .brand { font-weight: 700; color: var(--fg); text-decoration: none; }
  header .user { margin-left: auto; color: var(--muted); }
  main { padding: 1rem 1.5rem 3rem; max-width: 1200px; }
  a { color: var(--link); }
  h1 { font-size: 1.4rem; margin: .6rem 0 1rem; }
  h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { background: var(--head); font-weight: 600; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.2rem; }
  dt { color: var(--muted); } dd { margin: 0; }
  code { font-family: ui-monospace, monospace; font-size: .9em; }
  .muted { color: var(--muted); } .bad { color: var(--bad); } .ok { color: var(--ok); }
  .crumbs { margin-bottom: .4rem; }
  form.login { display: grid; gap: .6rem; max-width: 320px; }
  input { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--fg); }
  button { font: inherit; padding: .4rem .8rem; border: 0; border-radius: 4px; background: var(--link); color: #fff; cursor: pointer; }
  .error { color: var(--bad); }
</style>
</head>
<body>
<header><a class="brand" href="/dashboard/">Rancher</a><span class="muted">demo fleet</span>${options.user ? `<span class="user">${esc(options.user)}</span>` : ''}</header>
<main>
${crumbs ? `<nav class="crumbs">${crumbs}</nav>` : ''}
${body}
</main>
</body>
</html>
`;
}

/**
 * The demo fleet, offered in one click. The demo script opens `options.html#demo=<url>`; only a
 * loopback URL (127.0.0.1, localhost, ::1) is ever offered this way, so a link from anywhere else
 * cannot make Tattler watch a server of its choosing. Nothing here is a test hook: the result is
 * an ordinary Rancher source, saved through the same validation as any other.
 */
import type { Settings, SettingsInput } from '../../lib/settings';

export const DEMO_ANNOTATION = 'fleet.example.com/changed-by';

/** The URL's origin when it is an http(s) URL on a loopback host; undefined otherwise. */
export function loopbackOrigin(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    if (u.username || u.password) return undefined;
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

/** `#demo=http://127.0.0.1:41234` → `http://127.0.0.1:41234`; anything else → undefined. */
export function demoFromHash(hash: string): string | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const url = params.get('demo');
  return url ? loopbackOrigin(url) : undefined;
}

type SourceInput = NonNullable<SettingsInput['sources']>[number];

/** A Rancher source watching the demo fleet at `url`, with an id not yet taken. */
export function demoSource(url: string, taken: ReadonlySet<string> = new Set()): SourceInput {
  const origin = loopbackOrigin(url);
  if (!origin) throw new Error(`not a loopback URL: ${url}`);
  let id = 'demo';
  for (let n = 2; taken.has(id); n++) id = `demo-${n}`;
  return {
    id,
    name: 'Demo fleet',
    type: 'rancher',
    baseUrl: origin,
    discovery: true,
    actorAnnotation: DEMO_ANNOTATION,
    links: {
      job: `${origin}/dashboard/c/{cluster}/explorer/apps.deployment/{namespace}/{name}`,
      user: `${origin}/dashboard/users/{user}/jobs`,
    },
  };
}

/** Whether the settings already watch the demo fleet at `url`. */
export const watchesDemo = (settings: Settings, url: string): boolean =>
  settings.sources.some((s) => s.baseUrl === loopbackOrigin(url));

/** The settings with the demo fleet added (unvalidated: save it through saveSettings). */
export function withDemoFleet(settings: Settings, url: string): SettingsInput {
  if (watchesDemo(settings, url)) return settings;
  const taken = new Set(settings.sources.map((s) => s.id));
  return { ...settings, sources: [...settings.sources, demoSource(url, taken)] };
}

/**
 * What needs the person now, above everything else: sources whose clusters need a login (with
 * the link to log in) and sources whose discovery fails (with its message). Hidden when all is well.
 */
import type { Settings } from '../../lib/settings';
import { type HealthData, LoginLink, sourceHeadingId } from './SourcesList';
import { healthOf } from './status';

export function Attention({ settings, health }: { settings: Settings; health: HealthData | undefined }) {
  if (!health) return null;
  const items = [];
  if (health.lastPass?.storageError) {
    items.push(
      <li key="storage">
        {health.lastPass.storageError}. Nothing is lost: the clusters are polled again, and their changes are
        recorded once storage works (free some disk space, or clear old history below).
      </li>,
    );
  }
  for (const source of settings.sources) {
    if (!source.enabled) continue;
    const h = healthOf(source.id, health.runs, health.clusters);
    for (const login of h.logins) {
      items.push(
        <li key={`${source.id}-${login.url}`}>
          <a href={`#${sourceHeadingId(source.id)}`}>{source.name}</a>:{' '}
          {login.clusters.length
            ? `${login.clusters.length} cluster${login.clusters.length === 1 ? '' : 's'} need${login.clusters.length === 1 ? 's' : ''} a login. `
            : 'needs a login. '}
          <LoginLink url={login.url} />
        </li>,
      );
    }
    if (h.discovery && h.discovery.status !== 'ok' && h.discovery.status !== 'auth') {
      items.push(
        <li key={`${source.id}-discovery`}>
          <a href={`#${sourceHeadingId(source.id)}`}>{source.name}</a>: discovery failed:{' '}
          {(h.discovery.message ?? h.discovery.status).replace(/^discovery: /, '')}
        </li>,
      );
    }
  }
  if (items.length === 0) return null;
  return (
    <section class="attention card" aria-labelledby="attention-h">
      <h2 id="attention-h">Needs your attention</h2>
      <ul>{items}</ul>
    </section>
  );
}

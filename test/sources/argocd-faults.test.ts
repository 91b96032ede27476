/**
 * Every way Argo CD can fail, for discovery and for a poll, through the real http layer over a
 * stub fetch: the right outcome, no jobs, and the request path named. Argo CD answers each list
 * in one response (no paging), so an answer cut off mid-way is all "partial" can mean here — it
 * is not JSON, and that is an error, never a shorter list.
 */
import { describe, it } from 'vitest';
import { argocdAdapter } from '../../lib/sources/argocd/adapter';
import {
  ctx,
  cutOff,
  expectFault,
  FAULTS,
  type FaultTarget,
  faultHttp,
  fixtureText,
  jsonHeaders,
  respond,
  source,
} from './extra-helpers';

const BASE = 'https://argocd.example.com';
const src = source({ type: 'argocd', baseUrl: BASE });
const http = faultHttp;

const clusters = fixtureText('argocd/clusters.json');
const apps = fixtureText('argocd/applications.json');

const targets: FaultTarget[] = [
  {
    name: 'discovery',
    path: '/api/v1/clusters',
    run: (fetch) => argocdAdapter.discover(http(fetch), src),
    good: clusters,
    wrongShape: JSON.stringify({ metadata: {}, clusters: [] }),
    partial: { fetch: cutOff(clusters), status: 'error' },
  },
  {
    name: 'poll',
    path: '/api/v1/applications',
    run: (fetch) =>
      argocdAdapter.poll(
        ctx(http(fetch), src, { nativeId: 'https://10.20.0.1:6443', name: 'prod-eu-1', apiBase: BASE }),
      ),
    good: apps,
    wrongShape: JSON.stringify({ items: [{ name: 'checkout' }] }),
    partial: { fetch: cutOff(apps), status: 'error' },
  },
];

describe.each(targets)('Argo CD $name faults', (target) => {
  it.each(FAULTS)('$name → $status, no jobs, naming the path', (fault) => expectFault(target, fault));

  it('a good answer succeeds (the table fails for the fault, not for another reason)', async () => {
    await target.run(async () => respond(target.good, { headers: jsonHeaders }));
  });
});

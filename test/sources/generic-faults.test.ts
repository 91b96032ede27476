/**
 * Every way a home-grown manager can fail, for discovery and for a poll, through the real http
 * layer over a stub fetch: the right outcome, no jobs, and the request path named. Its lists come
 * in one answer (no paging), so an answer cut off mid-way is all "partial" can mean: not JSON,
 * an error — never a shorter list that would read as deleted jobs.
 */
import { describe, it } from 'vitest';
import { homegrownSource } from '../../fleet/extra/homegrown';
import { genericAdapter } from '../../lib/sources/generic/adapter';
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

const BASE = 'https://forge.example.com';
const { id: _id, name: _name, ...mapping } = homegrownSource(BASE);
const src = source({ ...mapping, type: 'generic' });
const http = faultHttp;

const clusters = fixtureText('generic/clusters.json');
const jobs = fixtureText('generic/jobs.json');

const targets: FaultTarget[] = [
  {
    name: 'discovery',
    path: '/api/v2/clusters',
    run: (fetch) => genericAdapter.discover(http(fetch), src),
    good: clusters,
    wrongShape: JSON.stringify({ clusters: [{ id: 'c-101' }] }),
    partial: { fetch: cutOff(clusters), status: 'error' },
  },
  {
    name: 'poll',
    path: '/api/v2/clusters/c-101/jobs',
    run: (fetch) =>
      genericAdapter.poll(
        ctx(http(fetch), src, { nativeId: 'c-101', apiBase: `${BASE}/api/v2/clusters/c-101` }),
      ),
    good: jobs,
    wrongShape: JSON.stringify({ data: { items: [] }, page: 1 }),
    partial: { fetch: cutOff(jobs), status: 'error' },
  },
];

describe.each(targets)('generic $name faults', (target) => {
  it.each(FAULTS)('$name → $status, no jobs, naming the path', (fault) => expectFault(target, fault));

  it('a good answer succeeds (the table fails for the fault, not for another reason)', async () => {
    await target.run(async () => respond(target.good, { headers: jsonHeaders }));
  });
});

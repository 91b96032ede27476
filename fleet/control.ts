/**
 * The control API under `/_fleet/` on the management server: the same functions as
 * `fleet.control`, as JSON over HTTP, for the e2e tests and for a person driving the demo.
 *
 *   GET  /_fleet/state
 *   GET  /_fleet/traffic                      (requests and bytes by cluster, resource, kind of read)
 *   POST /_fleet/traffic-reset
 *   POST /_fleet/apply            {name, cluster?}
 *   POST /_fleet/advance          {steps?}
 *   POST /_fleet/fault            {cluster?, kind, count?, ms?}
 *   POST /_fleet/expire-sessions
 *   POST /_fleet/reset
 *   POST /_fleet/tick             {ms}        (jump the simulated clock)
 *   POST /_fleet/settle                       (let controllers converge now)
 *   POST /_fleet/alert            {labels, annotations?, startsAt?, endsAt?, generatorURL?}
 *                                 (fire an alert: one postableAlert of the Alertmanager v2 API)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PostableAlert } from './alertmanager/alerts';
import type { FaultKind } from './faults';
import { readFields, sendJson } from './http/util';
import type { FleetControl } from './runtime';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  control: FleetControl,
): Promise<void> {
  const action = url.pathname.replace(/^\/_fleet\/?/, '').replace(/\/+$/, '');
  try {
    if (req.method === 'GET' && (action === 'state' || action === ''))
      return sendJson(res, 200, control.state());
    if (req.method === 'GET' && action === 'traffic') return sendJson(res, 200, { rows: control.traffic() });
    if (req.method !== 'POST') return sendJson(res, 405, { error: `use POST for /_fleet/${action}` });
    const body = (await readFields(req)) ?? undefined;
    if (!body) return sendJson(res, 400, { error: 'body must be a JSON object' });
    switch (action) {
      case 'apply': {
        const name = str(body.name);
        if (!name) return sendJson(res, 400, { error: 'name is required' });
        return sendJson(res, 200, control.apply(name, str(body.cluster)));
      }
      case 'advance':
        return sendJson(res, 200, { applied: control.advance(num(body.steps) ?? 1) });
      case 'fault': {
        const kind = str(body.kind) as FaultKind | undefined;
        if (!kind) return sendJson(res, 400, { error: 'kind is required' });
        const cluster = str(body.cluster);
        const count = num(body.count);
        const ms = num(body.ms);
        return sendJson(res, 200, {
          fault: control.fault({
            kind,
            ...(cluster !== undefined ? { cluster } : {}),
            ...(count !== undefined ? { count } : {}),
            ...(ms !== undefined ? { ms } : {}),
          }),
        });
      }
      case 'expire-sessions':
        return sendJson(res, 200, { expired: control.expireSessions() });
      case 'reset':
        control.reset();
        return sendJson(res, 200, { ok: true });
      case 'tick':
        control.tick(num(body.ms) ?? 0);
        return sendJson(res, 200, { ok: true, simMs: control.state().clock.simMs });
      case 'settle':
        control.settle();
        return sendJson(res, 200, { ok: true });
      case 'traffic-reset':
        control.resetTraffic();
        return sendJson(res, 200, { ok: true });
      case 'alert':
        return sendJson(res, 200, control.raiseAlert(body as unknown as PostableAlert));
      default:
        return sendJson(res, 404, { error: `no control action "${action}"` });
    }
  } catch (error) {
    return sendJson(res, 400, { error: (error as Error).message });
  }
}

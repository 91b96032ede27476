/**
 * Runs the demo fleet until interrupted:
 *
 *   npx tsx fleet/main.ts [--seed N] [--speed N] [--port N] [--alert-port N] [--prom-port N] [--clusters N]
 *                              [--alert-prefix /alertmanager] [--group-by alertname,cluster|...]
 *                              [--no-auto] [--no-tls]
 *
 * With TLS (the default, needs openssl) it also writes a kubeconfig with one context per cluster,
 * so kubectl can read the fleet (kubectl only sends its token to https servers).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_FLEET_PORT } from '../lib/demo-fleet';
import { DEFAULT_SCHEDULE, startFleet } from './index';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    speed: { type: 'string', default: '1' },
    // The popup's first-run screen looks for the demo fleet on this port (lib/demo-fleet.ts).
    port: { type: 'string', default: String(DEMO_FLEET_PORT) },
    'alert-port': { type: 'string', default: '0' },
    'prom-port': { type: 'string', default: '0' },
    'alert-prefix': { type: 'string', default: '' },
    'group-by': { type: 'string', default: 'alertname' },
    clusters: { type: 'string', default: '12' },
    'no-auto': { type: 'boolean', default: false },
    'no-tls': { type: 'boolean', default: false },
  },
});

const int = (name: string, text: string | undefined, min: number): number => {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) {
    console.error(`--${name} must be a number ≥ ${min}, got ${text}`);
    process.exit(2);
  }
  return n;
};

const stamp = () => new Date().toISOString().slice(11, 19);

const fleet = await startFleet({
  seed: int('seed', values.seed, 0),
  speed: int('speed', values.speed, 0.01),
  port: int('port', values.port, 0),
  alertPort: int('alert-port', values['alert-port'], 0),
  promPort: int('prom-port', values['prom-port'], 0),
  alertGroupBy: (values['group-by'] ?? 'alertname').split(',').filter(Boolean),
  ...(values['alert-prefix'] ? { alertRoutePrefix: values['alert-prefix'] } : {}),
  clusters: int('clusters', values.clusters, 1),
  autoRun: !values['no-auto'],
  tls: !values['no-tls'],
  log: (line) => console.log(`[${stamp()}] ${line}`),
});

/** A kubeconfig with a context per cluster (named by display name), for kubectl. */
function writeKubeconfig(): string | undefined {
  if (!fleet.tlsUrl || !fleet.tlsCertificate) return undefined;
  const ca = Buffer.from(fleet.tlsCertificate).toString('base64');
  const clusters = fleet.clusters();
  const doc = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...clusters.flatMap((c) => [
      `- name: ${c.displayName}`,
      '  cluster:',
      `    server: ${fleet.tlsUrl}/k8s/clusters/${c.id}`,
      `    certificate-authority-data: ${ca}`,
    ]),
    'users:',
    '- name: oncall',
    '  user:',
    `    token: ${fleet.apiToken}`,
    'contexts:',
    ...clusters.flatMap((c) => [
      `- name: ${c.displayName}`,
      '  context:',
      `    cluster: ${c.displayName}`,
      '    user: oncall',
    ]),
    `current-context: ${clusters[0]?.displayName ?? ''}`,
    '',
  ].join('\n');
  const path = join(tmpdir(), `tattler-fleet-${process.pid}.kubeconfig`);
  writeFileSync(path, doc, { mode: 0o600 });
  return path;
}

const kubeconfig = writeKubeconfig();
const speed = fleet.speed;
console.log(`Tattler demo fleet (seed ${fleet.seed}, speed ${speed})
  Rancher console   ${fleet.url}/dashboard/   (log in as ${fleet.credentials.username} / ${fleet.credentials.password})
  Alertmanager      ${fleet.alertUrl}/
  Prometheus        ${fleet.promUrl}/alerts
  API token         ${fleet.apiToken}
  control API       ${fleet.url}/_fleet/state${kubeconfig ? `\n  kubectl           KUBECONFIG=${kubeconfig} kubectl --context ${fleet.clusters()[0]?.displayName} get deploy -A   (https: ${fleet.tlsUrl})` : ''}
  clusters          ${fleet
    .clusters()
    .map((c) => c.displayName)
    .join(', ')}
  schedule          ${values['no-auto'] ? 'off (POST /_fleet/advance)' : DEFAULT_SCHEDULE.map((e) => `${e.name}@${Math.round(e.at / speed)}s`).join(' ')}`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  if (kubeconfig) rmSync(kubeconfig, { force: true });
  await fleet.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

/**
 * A real Kubernetes client reads the fleet: Debian's kubectl (fetched by scripts/ensure-kubectl.sh,
 * never the machine's own /usr/bin/kubectl). No skipping: without kubectl this fails.
 *
 * kubectl only sends credentials to https servers (client-go drops the token for http), so the
 * kubeconfig points at the fleet's https listener, trusting its self-signed certificate.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../fleet/index';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

let kubectl: string;
let dir: string;

beforeAll(async () => {
  const { stdout } = await run('bash', [join(ROOT, 'scripts/ensure-kubectl.sh')], {
    cwd: ROOT,
    timeout: 180_000,
  });
  kubectl = stdout.trim().split('\n').pop() ?? '';
  dir = mkdtempSync(join(tmpdir(), 'fleet-kubectl-'));
}, 200_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, server: string, token: string, ca?: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
- name: fleet
  cluster:
    server: ${server}
${ca ? `    certificate-authority-data: ${Buffer.from(ca).toString('base64')}\n` : ''}users:
- name: oncall
  user:
    token: ${token}
contexts:
- name: fleet
  context:
    cluster: fleet
    user: oncall
current-context: fleet
`,
  );
  return path;
}

// Async on purpose: the fleet answers from this same process.
const kc = (config: string, ...args: string[]) =>
  run(kubectl, ['--kubeconfig', config, '--request-timeout=20s', ...args], { timeout: 30_000 });

describe.each([
  ['server-side Tables', true],
  ['plain lists', false],
])('kubectl against the fleet (%s)', (_label, serverTables) => {
  let fleet: Fleet;
  let config: string;
  let id: string;

  beforeAll(async () => {
    fleet = await startFleet({ seed: 2, clusters: 2, autoRun: false, tls: true, serverTables });
    id = fleet.clusters()[0]?.id ?? '';
    config = kubeconfig(
      `tables-${serverTables}`,
      `${fleet.tlsUrl}/k8s/clusters/${id}`,
      fleet.apiToken,
      fleet.tlsCertificate,
    );
  });
  afterAll(() => fleet.stop());

  it('is Debian’s kubectl, not the machine’s', () => {
    expect(kubectl).toMatch(/node_modules\/\.cache\/debian-kubectl\/usr\/bin\/kubectl$/);
  });

  it('kubectl get deployments -A lists the cluster’s deployments by name', async () => {
    const api = await fetch(`${fleet.url}/k8s/clusters/${id}/apis/apps/v1/deployments`, {
      headers: { Authorization: `Bearer ${fleet.apiToken}` },
    });
    const expected = ((await api.json()) as { items: { metadata: { namespace: string; name: string } }[] })
      .items;
    const { stdout } = await kc(config, 'get', 'deployments', '-A');
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+/);
    if (serverTables) expect(lines[0]).toMatch(/READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
    const rows = lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join('/'));
    expect(rows).toEqual(expected.map((d) => `${d.metadata.namespace}/${d.metadata.name}`));
    expect(rows).toContain('shop/checkout');
    expect(rows).toContain('ingress-nginx/ingress-nginx-controller');
  });

  it('kubectl get deployments -A -l app.kubernetes.io/part-of=shop leaves the other team’s out', async () => {
    const { stdout } = await kc(
      config,
      'get',
      'deployments',
      '-A',
      '-l',
      'app.kubernetes.io/part-of=shop',
      '-o',
      'name',
    );
    const names = stdout.trim().split('\n');
    expect(names).toContain('deployment.apps/checkout');
    expect(names).toContain('deployment.apps/payments-api');
    expect(names).not.toContain('deployment.apps/ingress-nginx-controller');
    expect(names).not.toContain('deployment.apps/grafana');
  });

  it('kubectl reads one object, other kinds, and pages through with --chunk-size', async () => {
    const { stdout: image } = await kc(
      config,
      'get',
      'deployment',
      'checkout',
      '-n',
      'shop',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    );
    expect(image).toMatch(/^registry\.example\.com\/shop\/checkout:/);
    const { stdout: kinds } = await kc(config, 'get', 'statefulsets,daemonsets,cronjobs', '-A', '-o', 'name');
    expect(kinds).toContain('statefulset.apps/session-store');
    expect(kinds).toContain('daemonset.apps/log-shipper');
    expect(kinds).toContain('cronjob.batch/cache-warmer');
    const { stdout: chunked } = await kc(config, 'get', 'deployments', '-A', '--chunk-size=3', '-o', 'name');
    const { stdout: whole } = await kc(config, 'get', 'deployments', '-A', '-o', 'name');
    expect(chunked).toBe(whole);
  });

  it('kubectl is refused with a wrong token', async () => {
    const bad = kubeconfig(
      `bad-${serverTables}`,
      `${fleet.tlsUrl}/k8s/clusters/${id}`,
      'token-xxxxx:wrong',
      fleet.tlsCertificate,
    );
    await expect(kc(bad, 'get', 'deployments', '-A')).rejects.toThrow(/logged in|Unauthorized/i);
  });
});

describe('kubectl over plain http', () => {
  it('gets no access: kubectl does not send its token to an http server', async () => {
    const fleet = await startFleet({ seed: 2, clusters: 1, autoRun: false });
    try {
      const id = fleet.clusters()[0]?.id ?? '';
      const config = kubeconfig('http', `${fleet.url}/k8s/clusters/${id}`, fleet.apiToken);
      await expect(kc(config, 'get', 'deployments', '-A')).rejects.toThrow(/must be logged in/i);
    } finally {
      await fleet.stop();
    }
  });
});

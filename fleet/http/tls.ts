/**
 * A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI at start-up.
 *
 * Why TLS at all: kubectl (client-go's clientcmd) only sends credentials to an https server —
 * over plain http it drops the bearer token, so a real Kubernetes client can only read the fleet
 * through an https listener. The certificate doubles as its own CA for the kubeconfig.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsMaterial {
  key: string;
  cert: string;
}

export async function selfSignedCertificate(): Promise<TlsMaterial> {
  const dir = await mkdtemp(join(tmpdir(), 'fleet-tls-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '30',
      '-subj',
      '/CN=127.0.0.1/O=Tattler demo fleet',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]);
    return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

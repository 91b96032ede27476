/** Starts bench/pass-fleet.ts in a child process and reads the URL it prints. */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface FleetShape {
  clusters: number;
  jobs: number;
  /** Jobs changed at each step. */
  changes: number;
}

export interface PassFleet {
  url: string;
  /** The Rancher ids of the clusters, as the fleet names them. */
  clusterIds: string[];
  /** Moves the fleet on: `changes` more jobs get a new image. */
  step(): Promise<void>;
  stop(): void;
}

export async function startPassFleet(shape: FleetShape): Promise<PassFleet> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      resolve(import.meta.dirname, 'pass-fleet.ts'),
      ...[
        '--clusters',
        String(shape.clusters),
        '--jobs',
        String(shape.jobs),
        '--changes',
        String(shape.changes),
      ],
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<never>((_, fail) =>
    child.once('exit', (code) => fail(new Error(`the bench fleet exited (${code})`))),
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = new Promise<string>((ok) => lines.once('line', ok));
  const { url, clusterIds } = JSON.parse(await Promise.race([first, exited])) as {
    url: string;
    clusterIds: string[];
  };
  return {
    url,
    clusterIds,
    async step() {
      const res = await fetch(`${url}/_bench/step`, { method: 'POST' });
      if (!res.ok) throw new Error(`the bench fleet refused to step: ${res.status}`);
    },
    stop() {
      // Closing stdin ends it; kill is for a fleet stuck answering.
      child.stdin?.end();
      child.kill();
    },
  };
}

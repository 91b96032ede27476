/**
 * The README's first command, as a machine without a display runs it: `npm run demo` headless
 * logs in by itself, runs the scenario, writes a summary of what Tattler detected, and exits 0
 * only if it detected something. Run here on a free port (--any-port), against the demo build
 * the e2e suite already built (--no-build), for a short while: every system must show changes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'tattler-demo-'));

function runDemo(seconds: number): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/demo.ts',
        '--headless',
        '--no-build',
        '--any-port',
        '--seconds',
        String(seconds),
        '--out',
        out,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', fail);
    child.on('exit', (code) => done({ code, output }));
  });
}

describe('the demo, headless', () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('detects changes in every system, writes its summary and screenshots, and exits 0', async () => {
    const { code, output } = await runDemo(40);
    const tail = output.split('\n').slice(-25).join('\n');
    expect(code, tail).toBe(0);
    expect(output).toMatch(/wrote [1-9]\d* changes to /);
    const bySystem = /changes by system: (.*)/.exec(output)?.[1] ?? '';
    const counts = Object.fromEntries(
      [...bySystem.matchAll(/([^·]+?) (\d+)(?: · |$)/g)].map((m) => [m[1]?.trim(), Number(m[2])]),
    );
    expect(Object.keys(counts).sort(), bySystem).toEqual(
      ['Argo CD', 'Nomad', 'fleet (Rancher)', 'home-grown manager'].sort(),
    );
    for (const [system, n] of Object.entries(counts)) expect(n, `${system}: ${bySystem}`).toBeGreaterThan(0);
    const summary = readFileSync(join(out, 'summary.txt'), 'utf8');
    expect(summary.split('\n').filter(Boolean).length).toBeGreaterThan(3);
    expect(existsSync(join(out, 'popup-grid.png'))).toBe(true);
  }, 240_000);
});

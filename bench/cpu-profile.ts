/** A V8 CPU profile (DevTools Profiler.stop) summed up: self time per function, and per script. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Prints the `top` functions by self time, and self time by script, in ms. */
export function printSelfTime(profile: CpuProfile, top = 25): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const byScript = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    if (!n) return;
    const f = n.callFrame;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const file = f.url.split('/').pop() || '(native)';
    const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + ms);
    byScript.set(file, (byScript.get(file) ?? 0) + ms);
    total += ms;
  });
  console.log(`\nself time by script (ms of ${total.toFixed(0)} sampled):`);
  for (const [k, ms] of [...byScript].sort((a, b) => b[1] - a[1]).slice(0, 8))
    console.log(`${ms.toFixed(1).padStart(8)}  ${k}`);
  console.log(`\nself time, top ${top} functions (ms):`);
  for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${ms.toFixed(1).padStart(8)}  ${k}`);
}

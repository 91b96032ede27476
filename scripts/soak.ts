/**
 * `npm run soak [-- --minutes N] [--steps N]`: the fidelity model test (test/model/) for longer
 * than CI runs it, with a fresh random seed each round, until the time is up. Prints the seed
 * (and fast-check's counterexample) of every failure; replay one with
 *   FIDELITY_SEED=<seed> FIDELITY_RUNS=<runs> FIDELITY_STEPS=<steps> npx vitest run test/model
 * Exits non-zero when any round failed.
 */
import 'fake-indexeddb/auto';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { Harness } from '../test/model/harness';
import { scenarioArb } from '../test/model/steps';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    steps: { type: 'string', default: '200' },
    runs: { type: 'string', default: '20' },
  },
});
const deadline = Date.now() + Number(values.minutes) * 60_000;
const steps = Number(values.steps);
const runs = Number(values.runs);

const failures: number[] = [];
let rounds = 0;
let worlds = 0;
while (Date.now() < deadline) {
  const seed = Math.floor(Math.random() * 2 ** 31);
  rounds++;
  const result = await fc.check(
    fc.asyncProperty(scenarioArb(steps), async (scenario) => {
      const h = new Harness(`soak-${seed}-${worlds++}`, scenario);
      try {
        await h.run(scenario.steps);
        const problems = await h.compare();
        if (problems.length) throw new Error(problems.join('\n'));
      } finally {
        await h.db.delete();
      }
    }),
    { seed, numRuns: runs },
  );
  if (result.failed) {
    failures.push(seed);
    console.log(`FAILED seed ${seed} (runs ${runs}, steps ${steps}):`);
    console.log(fc.defaultReportMessage(result));
  } else {
    console.log(`ok seed ${seed}: ${runs} worlds of up to ${steps} steps`);
  }
}
console.log(
  `\n${rounds} rounds, ${worlds} worlds run; ${failures.length ? `failed seeds: ${failures.join(', ')}` : 'no failure'}`,
);
process.exit(failures.length ? 1 : 0);

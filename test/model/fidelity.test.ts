/**
 * Every change kept exactly once, under any fault: a model-based test (fast-check) that runs the
 * real watcher over a simulated world of four source families through random sequences of
 * changes, faults, hangs and clock moves, and compares what was stored with an oracle
 * (test/model/). CI runs a fixed seed; `npm run soak` runs random seeds for longer and prints
 * the seed of any failure, which `FIDELITY_SEED=<seed> npx vitest run test/model` replays.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Harness } from './harness';
import { scenarioArb } from './steps';

const SEED = Number(process.env.FIDELITY_SEED ?? 20261201);
const RUNS = Number(process.env.FIDELITY_RUNS ?? 14);
const STEPS = Number(process.env.FIDELITY_STEPS ?? 150);

describe('fidelity: the stored history is what a perfect observer would have recorded', () => {
  it(`holds over ${RUNS} worlds of up to ${STEPS} steps (seed ${SEED})`, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb(STEPS), async (scenario) => {
        const h = new Harness(`fidelity-${SEED}-${run++}`, scenario);
        try {
          await h.run(scenario.steps);
          const problems = await h.compare();
          expect(problems, problems.join('\n')).toEqual([]);
        } finally {
          await h.db.delete();
        }
      }),
      {
        seed: SEED,
        numRuns: RUNS,
        endOnFailure: process.env.FIDELITY_SHRINK === '0',
        // Shrinking a failure reruns whole worlds: bound it, and report the smallest found so far.
        interruptAfterTimeLimit: 420_000,
      },
    );
  }, 600_000);
});

/** fast-check arbitraries for the fidelity test's worlds and steps (harness.ts). */
import fc from 'fast-check';
import type { PassFaults, Scenario, Step } from './harness';
import { FAILING_FAULTS, type Fault } from './world';

const index = fc.nat({ max: 40 });
const person = fc.nat({ max: 3 });

const listFault: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Fault>(...FAILING_FAULTS) },
  { weight: 4, arbitrary: fc.constantFrom<Fault>('lie-empty', 'lie-most', 'cache-refused') },
);

const passFaults: fc.Arbitrary<PassFaults> = fc.record(
  {
    lists: fc.array(fc.record({ cluster: index, fault: listFault }), { maxLength: 3 }),
    discovery: fc.array(
      fc.record({ family: fc.nat({ max: 3 }), fault: fc.constantFrom<Fault>(...FAILING_FAULTS) }),
      {
        maxLength: 1,
      },
    ),
    writeFail: index,
  },
  { requiredKeys: ['lists', 'discovery'] },
);

/** A step that changes the world or the clocks. */
const mutation: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('spec' as const),
      cluster: index,
      job: index,
      person,
      what: fc.constantFrom('image' as const, 'replicas' as const, 'both' as const),
    }),
  },
  {
    // A pipeline rolling out several changes to one job between two polls, by several people.
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('burst' as const),
      cluster: index,
      job: index,
      changes: fc.array(
        fc.record({ person, what: fc.constantFrom('image' as const, 'replicas' as const, 'both' as const) }),
        { minLength: 2, maxLength: 6 },
      ),
    }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('health' as const), cluster: index, job: index }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), cluster: index, job: index }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('recreate' as const), cluster: index, job: index, person }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), cluster: index, person }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('listing' as const), cluster: index }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      ms: fc.integer({ min: 1_000, max: 10 * 60_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('jump' as const),
      ms: fc.integer({ min: -2 * 3_600_000, max: 30 * 3_600_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('skew' as const),
      cluster: index,
      ms: fc.integer({ min: -45_000, max: 45_000 }),
    }),
  },
);

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 10, arbitrary: mutation },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('pass' as const), faults: passFaults }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('kill' as const),
      faultsA: passFaults,
      between: fc.array(mutation, { maxLength: 4 }),
      faultsB: passFaults,
    }),
  },
);

export function scenarioArb(maxSteps: number): fc.Arbitrary<Scenario> {
  return fc.record({
    // Four to eight clusters, round-robin over the four families.
    initial: fc.array(fc.nat({ max: 4 }), { minLength: 4, maxLength: 8 }),
    steps: fc.array(step, { minLength: Math.ceil(maxSteps * 0.75), maxLength: maxSteps }),
  });
}

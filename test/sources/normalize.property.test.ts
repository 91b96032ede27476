/**
 * Properties of normalizeObject over generated objects: anything that passes the list's shape
 * check (metadata.name and metadata.namespace strings) normalizes without throwing, yields no
 * undefined field, and never carries a value that sits next to a Secret reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KUBERNETES_KINDS } from '../../lib/model';
import {
  type KubeObject,
  type NormalizeContext,
  normalizeObject,
} from '../../lib/sources/kubernetes/normalize';
import { ACTOR_ANNOTATION, makeSource } from './helpers';

const SENTINEL = 'SENTINEL-secret-value-7f3a9c';

const ctx: NormalizeContext = {
  source: makeSource({
    actorAnnotation: ACTOR_ANNOTATION,
    links: { job: 'https://c.example/{cluster}/{name}' },
  }),
  now: 1_741_618_800_000,
  clusterId: 'src/c-1',
  clusterName: 'c one',
  nativeId: 'c-1',
  apiBase: 'https://rancher.example.com/k8s/clusters/c-1',
};

const name = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
/** Sometimes the right type, sometimes anything: the network can send either. */
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.anything(), fc.constant(undefined));

const secretEnv = fc.record({
  name,
  // Invalid next to valueFrom, but if it were ever copied it would leak.
  value: fc.constant(SENTINEL),
  valueFrom: fc.oneof(
    fc.record({ secretKeyRef: fc.record({ name, key: name }) }),
    fc.record({ configMapKeyRef: fc.record({ name, key: name }) }),
    fc.record({ fieldRef: fc.record({ fieldPath: fc.string() }) }),
    fc.record({ somethingNew: fc.anything() }),
  ),
});
const env = fc.array(fc.oneof(secretEnv, fc.record({ name, value: fc.string() }), fc.anything()), {
  maxLength: 5,
});

const container = fc.record(
  {
    name: maybe(name),
    image: maybe(fc.string()),
    command: maybe(fc.array(fc.string(), { maxLength: 3 })),
    args: maybe(fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 })),
    env: maybe(env),
    envFrom: maybe(fc.array(fc.record({ secretRef: fc.record({ name }) }), { maxLength: 2 })),
    resources: maybe(
      fc.record({
        requests: maybe(fc.dictionary(name, fc.oneof(fc.string(), fc.double()))),
        limits: fc.anything(),
      }),
    ),
  },
  { requiredKeys: [] },
);

const podTemplate = fc.record({
  spec: maybe(
    fc.record({ containers: maybe(fc.array(container)), initContainers: maybe(fc.array(container)) }),
  ),
});

const managedField = fc.record(
  {
    manager: maybe(name),
    time: maybe(
      fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.string(),
      ),
    ),
    subresource: maybe(fc.constantFrom('status', 'scale', '')),
    fieldsV1: maybe(fc.constant({ 'f:metadata': { 'f:annotations': { [`f:${ACTOR_ANNOTATION}`]: {} } } })),
  },
  { requiredKeys: [] },
);

const kubeObject: fc.Arbitrary<KubeObject> = fc.record({
  metadata: fc.record({
    name,
    namespace: name,
    uid: maybe(fc.uuid()),
    resourceVersion: maybe(fc.string()),
    generation: maybe(fc.integer({ min: 0, max: 1000 })),
    annotations: maybe(
      fc.record(
        {
          [ACTOR_ANNOTATION]: maybe(fc.string()),
          'deployment.kubernetes.io/revision': maybe(fc.oneof(fc.nat().map(String), fc.string())),
          'example.com/unrelated': fc.constant(SENTINEL),
        },
        { requiredKeys: [] },
      ),
    ),
    managedFields: maybe(fc.array(managedField, { maxLength: 4 })),
  }),
  spec: maybe(
    fc.record(
      {
        replicas: maybe(fc.integer({ min: 0, max: 10 })),
        paused: maybe(fc.boolean()),
        suspend: maybe(fc.boolean()),
        schedule: maybe(fc.string()),
        strategy: maybe(fc.record({ type: maybe(fc.string()) })),
        template: maybe(podTemplate),
        jobTemplate: maybe(fc.record({ spec: maybe(fc.record({ template: maybe(podTemplate) })) })),
      },
      { requiredKeys: [] },
    ),
  ),
  status: maybe(fc.dictionary(fc.string(), fc.anything())),
}) as fc.Arbitrary<KubeObject>;

describe('normalizeObject properties', () => {
  it('never throws, stores no undefined, keeps the identity, and never leaks a value next to valueFrom', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KUBERNETES_KINDS), kubeObject, (kind, obj) => {
        const s = normalizeObject(kind, obj, ctx);
        expect(s.rowKey).toBe(`${kind}:${obj.metadata.namespace}/${obj.metadata.name}`);
        expect(s.key).toBe(`src/c-1|${s.rowKey}`);
        expect(['healthy', 'progressing', 'degraded', 'suspended', 'unknown']).toContain(s.health.state);
        for (const [path, value] of Object.entries(s.fields)) {
          expect(value, path).not.toBeUndefined();
        }
        expect(JSON.stringify(s)).not.toContain(SENTINEL);
      }),
      { numRuns: 400 },
    );
  });
});

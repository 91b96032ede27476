import { describe, expect, it } from 'vitest';
import type { KubernetesKind } from '../../lib/model';
import {
  actorOf,
  envEntry,
  type KubeObject,
  linkOf,
  type NormalizeContext,
  normalizeObject,
} from '../../lib/sources/kubernetes/normalize';
import {
  ACTOR_ANNOTATION,
  FIXTURE_NOW,
  fixture,
  type KubeList,
  makeSource,
  normalizeCtx,
  secretStrings,
} from './helpers';

const NOW = FIXTURE_NOW;
const ctxFor = normalizeCtx;

const FILES: Record<KubernetesKind, string> = {
  Deployment: 'kubernetes/deployments.json',
  StatefulSet: 'kubernetes/statefulsets.json',
  DaemonSet: 'kubernetes/daemonsets.json',
  CronJob: 'kubernetes/cronjobs.json',
};

function item(kind: KubernetesKind, name: string): KubeObject {
  const found = fixture<KubeList>(FILES[kind]).items.find((i) => i.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in fixture`);
  return found as KubeObject;
}

const snap = (kind: KubernetesKind, name: string, ctx = ctxFor()) =>
  normalizeObject(kind, item(kind, name), ctx);
const t = (iso: string) => Date.parse(iso);

describe('normalizeObject: Deployment', () => {
  it('maps identity, versions, fields, health, actor, cause and link', () => {
    expect(snap('Deployment', 'checkout')).toEqual({
      key: 'src/c-m-abc12|Deployment:shop/checkout',
      clusterId: 'src/c-m-abc12',
      rowKey: 'Deployment:shop/checkout',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'checkout',
      versionToken: '918001',
      version: 14,
      revision: 7,
      instance: '6f1c2a8e-2d0b-4c8e-9a51-0f3e7d1b9a01',
      fields: {
        'spec.replicas': 3,
        'spec.paused': false,
        'spec.strategy': 'RollingUpdate',
        'initContainers[migrate].image': 'registry.example.com/shop/checkout-migrate:2025.03.10-1',
        'initContainers[migrate].command': ['/bin/migrate'],
        'initContainers[migrate].args': ['--to=latest'],
        'initContainers[migrate].env': ['DATABASE_URL ← secret checkout-db'],
        'containers[app].image': 'registry.example.com/shop/checkout:2025.03.10-1',
        'containers[app].command': ['/app/checkout'],
        'containers[app].args': ['--port=8080', '--log-level=info'],
        'containers[app].env': [
          'DB_PASSWORD ← secret checkout-db',
          'EMPTY=',
          'FEATURE_FLAGS ← configMap checkout-flags',
          'LOG_FORMAT=json',
          'POD_NAME ← field',
        ],
        'containers[app].envFrom': ['configMap checkout-config', 'secret checkout-api-keys prefix API_'],
        'containers[app].resources.requests.cpu': '250m',
        'containers[app].resources.requests.memory': '256Mi',
        'containers[app].resources.limits.cpu': '1',
        'containers[app].resources.limits.memory': '512Mi',
        'containers[app].resources.limits.ephemeral-storage': '1Gi',
        'containers[envoy].image': 'envoyproxy/envoy:v1.29.2',
        'containers[envoy].resources.requests.cpu': '50m',
      },
      health: {
        state: 'healthy',
        desired: 3,
        ready: 3,
        updated: 3,
        available: 3,
        lag: 0,
        message: '3/3 ready',
      },
      changedAt: t('2025-03-10T14:02:11Z'),
      changedBy: { name: 'alice', kind: 'person', via: `annotation ${ACTOR_ANNOTATION}` },
      changeCause: 'release 2025.03.10-1 (PR #4411)',
      link: 'https://rancher.example.com/dashboard/c/c-m-abc12/explorer/apps.deployment/shop/checkout',
      // The source's owner filter pins no label here: both recommended labels are links.
      links: { partOf: 'shop', name: 'checkout' },
      observedAt: NOW,
    });
  });

  it('stores spec.paused (false when omitted, so resuming reads as a change to false) and the strategy type; omits other absent fields', () => {
    const payments = snap('Deployment', 'payments');
    expect(payments.fields).toMatchObject({ 'spec.paused': true, 'spec.strategy': 'Recreate' });
    const worker = snap('Deployment', 'legacy-worker');
    expect(worker.fields).toEqual({
      'spec.replicas': 1,
      'spec.paused': false,
      'spec.strategy': 'RollingUpdate',
      'containers[worker].image': 'registry.example.com/shop/legacy-worker:5.1',
      'containers[worker].args': ['--queue', 'orders'],
    });
    expect(worker.changeCause).toBeUndefined();
    expect(Object.keys(worker)).not.toContain('changeCause');
    for (const s of [payments, worker]) {
      for (const value of Object.values(s.fields)) expect(value).not.toBeUndefined();
    }
  });
});

describe('normalizeObject: StatefulSet, DaemonSet, CronJob', () => {
  it('StatefulSet: replicas, updateStrategy, containers', () => {
    const s = snap('StatefulSet', 'orders-db');
    expect(s.rowKey).toBe('StatefulSet:shop/orders-db');
    expect(s.revision).toBeUndefined();
    expect(s.fields).toEqual({
      'spec.replicas': 3,
      'spec.updateStrategy': 'RollingUpdate',
      'containers[postgres].image': 'postgres:16.2',
      'containers[postgres].env': [
        'PGDATA=/var/lib/postgresql/data/pgdata',
        'POSTGRES_PASSWORD ← secret orders-db-auth',
      ],
      'containers[postgres].resources.requests.cpu': '500m',
      'containers[postgres].resources.requests.memory': '1Gi',
      'containers[postgres].resources.limits.memory': '2Gi',
    });
    expect(s.link).toBe(
      'https://rancher.example.com/dashboard/c/c-m-abc12/explorer/apps.statefulset/shop/orders-db',
    );
    expect(s.changedBy).toEqual({ name: 'helm', kind: 'client', via: 'managedFields' });
  });

  it('DaemonSet: updateStrategy, no replicas', () => {
    const s = snap('DaemonSet', 'node-agent');
    expect(s.fields).toEqual({
      'spec.updateStrategy': 'OnDelete',
      'containers[agent].image': 'registry.example.com/infra/node-agent:4.4.0',
    });
    expect(s.link).toBe(
      'https://rancher.example.com/dashboard/c/c-m-abc12/explorer/apps.daemonset/observability/node-agent',
    );
  });

  it('CronJob: schedule, timeZone, suspend, containers from the job template', () => {
    const s = snap('CronJob', 'nightly-report');
    expect(s.fields).toEqual({
      'spec.schedule': '0 2 * * *',
      'spec.timeZone': 'Europe/Berlin',
      'spec.suspend': false,
      'containers[report].image': 'registry.example.com/shop/reports:3.3.0',
      'containers[report].command': ['python', '-m', 'reports.nightly'],
      'containers[report].env': ['REPORT_DAYS=1', 'SMTP_PASSWORD ← secret smtp'],
      'containers[report].resources.requests.cpu': '200m',
      'containers[report].resources.requests.memory': '512Mi',
    });
    expect(s.link).toBe(
      'https://rancher.example.com/dashboard/c/c-m-abc12/explorer/batch.cronjob/shop/nightly-report',
    );
    expect(s.changedBy?.name).toBe('helm');
    expect(snap('CronJob', 'cleanup').fields['spec.suspend']).toBe(true);
  });
});

describe('secrets', () => {
  const all = (Object.keys(FILES) as KubernetesKind[]).flatMap((kind) =>
    fixture<KubeList>(FILES[kind]).items.map((i) => normalizeObject(kind, i as KubeObject, ctxFor())),
  );

  it('names the Secret an env var comes from, never a value', () => {
    const json = JSON.stringify(all);
    for (const secret of secretStrings()) expect(json).not.toContain(secret);
    expect(json).toContain('DB_PASSWORD ← secret checkout-db');
  });

  it('ignores a literal value sitting next to valueFrom (invalid, but it could be the secret)', () => {
    const obj = item('Deployment', 'legacy-worker');
    const container = { name: 'worker', image: 'x', env: [] as unknown[] };
    container.env.push(
      {
        name: 'TOKEN',
        value: 's3cr3t-Pa55word-do-not-leak',
        valueFrom: { secretKeyRef: { name: 'tok', key: 'k' } },
      },
      { name: 'OTHER', value: 's3cr3t-Pa55word-do-not-leak', valueFrom: { somethingNew: {} } },
    );
    const hostile = {
      ...obj,
      metadata: {
        ...obj.metadata,
        annotations: { 'example.com/dump': 's3cr3t-Pa55word-do-not-leak' },
      },
      spec: { template: { spec: { containers: [container] } } },
    } as KubeObject;
    const s = normalizeObject('Deployment', hostile, ctxFor());
    expect(JSON.stringify(s)).not.toContain('s3cr3t');
    expect(s.fields['containers[worker].env']).toEqual(['OTHER ← valueFrom', 'TOKEN ← secret tok']);
  });

  it('envEntry shapes', () => {
    expect(envEntry({ name: 'A', value: 'b=c' })).toBe('A=b=c');
    expect(envEntry({ name: 'A' })).toBe('A=');
    expect(envEntry({ name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } })).toBe(
      'A ← resource',
    );
    expect(envEntry({ value: 'no name' })).toBeUndefined();
  });
});

describe('actor and time', () => {
  it('uses the annotation when its owner made the newest change', () => {
    const s = snap('Deployment', 'checkout');
    expect(s.changedBy).toEqual({ name: 'alice', kind: 'person', via: 'annotation example.com/changed-by' });
    expect(s.changedAt).toBe(t('2025-03-10T14:02:11Z'));
  });

  it('treats the annotation as stale after a newer change by another manager (kubectl-edit)', () => {
    const s = snap('Deployment', 'cart');
    expect(s.changedBy).toEqual({ name: 'kubectl-edit', kind: 'client', via: 'managedFields' });
    expect(s.changedAt).toBe(t('2025-03-10T11:00:00Z'));
  });

  it('takes the newest non-status entry, skipping kube-controller-manager', () => {
    // payments: kubectl-client-side-apply 09:00, kube-controller-manager 12:00 (revision), status 12:01
    const s = snap('Deployment', 'payments');
    expect(s.changedBy).toEqual({ name: 'kubectl-client-side-apply', kind: 'client', via: 'managedFields' });
    expect(s.changedAt).toBe(t('2025-03-10T09:00:00Z'));
  });

  it('counts the scale subresource as a change', () => {
    const s = snap('Deployment', 'legacy-worker');
    expect(s.changedBy?.name).toBe('kubectl');
    expect(s.changedAt).toBe(t('2025-03-10T14:59:40Z'));
  });

  it('reports no actor and no time without managedFields or annotation', () => {
    const s = snap('Deployment', 'search');
    expect(s.changedBy).toBeUndefined();
    expect(s.changedAt).toBeUndefined();
    expect(Object.keys(s)).not.toContain('changedBy');
  });

  it('uses managedFields when the configured annotation is absent, and ignores it when none is configured', () => {
    expect(snap('Deployment', 'recommendations').changedBy?.name).toBe('argocd-controller');
    const plain = snap('Deployment', 'checkout', ctxFor({ source: makeSource({}) }));
    expect(plain.changedBy).toEqual({ name: 'shipit', kind: 'client', via: 'managedFields' });
    expect(plain.changedAt).toBe(t('2025-03-10T14:02:11Z'));
  });

  it('keeps the annotation when there is nothing to contradict it', () => {
    const obj = item('Deployment', 'search');
    obj.metadata.annotations = { [ACTOR_ANNOTATION]: 'carol' };
    expect(actorOf(obj, ACTOR_ANNOTATION)).toEqual({
      changedBy: { name: 'carol', kind: 'person', via: `annotation ${ACTOR_ANNOTATION}` },
    });
  });

  it('on equal times gives the change to the annotation owner', () => {
    const obj = item('Deployment', 'cart');
    const entries = obj.metadata.managedFields as { time: string }[];
    for (const e of entries) e.time = '2025-03-10T10:00:00Z';
    expect(actorOf(obj, ACTOR_ANNOTATION).changedBy?.name).toBe('bob');
  });

  it('ignores an empty annotation and entries without a manager', () => {
    const obj = item('Deployment', 'checkout');
    obj.metadata.annotations = { [ACTOR_ANNOTATION]: '' };
    (obj.metadata.managedFields as unknown[]).push({ operation: 'Update', time: '2030-01-01T00:00:00Z' });
    expect(actorOf(obj, ACTOR_ANNOTATION).changedBy?.name).toBe('shipit');
  });
});

describe('health', () => {
  const health = (kind: KubernetesKind, name: string) => snap(kind, name).health;

  it.each([
    ['Deployment', 'checkout', 'healthy', '3/3 ready'],
    ['Deployment', 'cart', 'progressing', '3/3 ready, 1/3 updated'],
    ['Deployment', 'payments', 'suspended', '2/2 ready, paused'],
    ['Deployment', 'search', 'degraded', '3/3 ready, 1/3 updated, progress deadline exceeded'],
    ['Deployment', 'recommendations', 'degraded', '2/4 ready, 2/4 available'],
    ['Deployment', 'legacy-worker', 'progressing', '1/1 ready, spec change not yet observed'],
    ['StatefulSet', 'orders-db', 'healthy', '3/3 ready'],
    ['StatefulSet', 'queue', 'progressing', '3/3 ready, 1/3 updated'],
    ['DaemonSet', 'log-shipper', 'healthy', '5/5 ready'],
    ['DaemonSet', 'node-agent', 'degraded', '3/5 ready, 3/5 available'],
    ['CronJob', 'nightly-report', 'healthy', 'schedule 0 2 * * *, 1 running'],
    ['CronJob', 'cleanup', 'suspended', 'suspended'],
  ] as const)('%s %s is %s', (kind, name, state, message) => {
    expect(health(kind, name)).toMatchObject({ state, message });
  });

  it('reports the lag between generation and observedGeneration', () => {
    expect(health('Deployment', 'legacy-worker')).toMatchObject({ lag: 1, desired: 1, ready: 1 });
  });

  it('is degraded when the Available condition is False', () => {
    const obj = item('Deployment', 'checkout');
    (obj.status as { conditions: { type: string; status: string }[] }).conditions[0] = {
      type: 'Available',
      status: 'False',
    };
    expect(normalizeObject('Deployment', obj, ctxFor()).health.state).toBe('degraded');
  });

  it('defaults a Deployment to one replica and tolerates a missing status', () => {
    const obj = { metadata: { name: 'fresh', namespace: 'shop', generation: 1 }, spec: {} } as KubeObject;
    expect(normalizeObject('Deployment', obj, ctxFor()).health).toEqual({
      state: 'progressing',
      desired: 1,
      ready: 0,
      updated: 0,
      available: 0,
      message: '0/1 ready, 0/1 updated',
    });
  });
});

describe('links', () => {
  const link = (kind: KubernetesKind, ctx: Partial<NormalizeContext>) =>
    linkOf(kind, 'shop', 'checkout', ctxFor(ctx));

  it('Rancher: the workload page, keeping a path prefix', () => {
    expect(link('Deployment', { apiBase: 'https://example.com/rancher/k8s/clusters/c-m-abc12' })).toBe(
      'https://example.com/rancher/dashboard/c/c-m-abc12/explorer/apps.deployment/shop/checkout',
    );
  });

  it('OpenShift console: /k8s/ns/<ns>/<plural>/<name>', () => {
    const apiBase = 'https://console-openshift-console.apps.ocp.example.com/api/kubernetes';
    expect(link('Deployment', { apiBase })).toBe(
      'https://console-openshift-console.apps.ocp.example.com/k8s/ns/shop/deployments/checkout',
    );
    expect(link('CronJob', { apiBase })).toBe(
      'https://console-openshift-console.apps.ocp.example.com/k8s/ns/shop/cronjobs/checkout',
    );
    expect(link('StatefulSet', { apiBase })).toContain('/k8s/ns/shop/statefulsets/checkout');
    expect(link('DaemonSet', { apiBase })).toContain('/k8s/ns/shop/daemonsets/checkout');
  });

  it('a configured template wins, filled and encoded', () => {
    const source = makeSource({
      links: { job: 'https://grafana.example.com/d/job?c={cluster}&n={namespace}/{name}&k={kind}' },
    });
    expect(link('Deployment', { source })).toBe(
      'https://grafana.example.com/d/job?c=c-m-abc12&n=shop/checkout&k=Deployment',
    );
  });

  it('a template that needs {user} falls back to the console link', () => {
    const source = makeSource({ links: { job: 'https://x.example.com/{user}/{name}' } });
    expect(link('Deployment', { source })).toBe(
      'https://rancher.example.com/dashboard/c/c-m-abc12/explorer/apps.deployment/shop/checkout',
    );
  });

  it('a direct API server has no console: no link', () => {
    expect(link('Deployment', { apiBase: 'https://k8s.example:6443' })).toBeUndefined();
    expect(
      Object.keys(snap('Deployment', 'checkout', ctxFor({ apiBase: 'https://k8s.example:6443' }))),
    ).not.toContain('link');
  });
});

describe('actorOf: a redeploy that leaves the annotation as it was', () => {
  const ANNOTATION = 'fleet.example.com/changed-by';
  const entry = (manager: string, time: string, ownsAnnotation: boolean) => ({
    manager,
    operation: manager === 'argocd-controller' ? 'Apply' : 'Update',
    apiVersion: 'apps/v1',
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': ownsAnnotation ? { 'f:annotations': { [`f:${ANNOTATION}`]: {} } } : {},
      'f:spec': { 'f:template': {} },
    },
  });
  const object = (...managedFields: ReturnType<typeof entry>[]) =>
    ({
      metadata: { name: 'checkout', namespace: 'shop', annotations: { [ANNOTATION]: 'bob' }, managedFields },
    }) as unknown as Parameters<typeof actorOf>[0];

  it('keeps the person when a deploy tool wrote last without changing the annotation', () => {
    // Kubernetes moves a field's ownership only when a write changes its value: bob deployed
    // through Argo CD before, and again through helm now, so Argo CD still owns "bob".
    const info = actorOf(
      object(
        entry('argocd-controller', '2026-10-01T10:00:00Z', true),
        entry('helm', '2026-11-24T13:49:10Z', false),
      ),
      ANNOTATION,
    );
    expect(info.changedBy).toEqual({
      name: 'bob',
      kind: 'person',
      via: `annotation ${ANNOTATION} (unchanged by helm's write)`,
    });
    expect(info.changedAt).toBe(Date.parse('2026-11-24T13:49:10Z'));
  });

  it('names the hand tool when kubectl wrote last', () => {
    for (const manager of [
      'kubectl-edit',
      'kubectl-patch',
      'kubectl',
      'kubectl-client-side-apply',
      'Mozilla',
    ]) {
      const info = actorOf(
        object(entry('helm', '2026-10-01T10:00:00Z', true), entry(manager, '2026-11-24T13:49:10Z', false)),
        ANNOTATION,
      );
      expect(info.changedBy).toEqual({ name: manager, kind: 'client', via: 'managedFields' });
    }
  });
});

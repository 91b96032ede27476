/**
 * What exists: the clusters Rancher manages and the catalogue of jobs that run in them. The same
 * job (namespace/name) exists in many clusters, so the extension's rows line up across columns;
 * each cluster leaves out a few optional jobs, as real fleets drift.
 */
import { ALNUM, createRng, type Rng } from '../sim/prng';

export type Env = 'prod' | 'staging' | 'dev';

export interface ClusterInfo {
  /** Rancher's id, `c-m-xxxxxxxx`. */
  id: string;
  /** What people call it: `prod-eu-1`. */
  displayName: string;
  env: Env;
  region: string;
  provider: 'rke2' | 'k3s' | 'eks';
  k8sVersion: string;
  nodeCount: number;
  uid: string;
  /** Wall-clock ms when Rancher registered the cluster. */
  createdAt: number;
  state: 'active' | 'unavailable';
}

interface Group {
  env: Env;
  region: string;
  short: string;
  provider: ClusterInfo['provider'];
}

/** Three env/region groups, as the heat grid groups its columns. */
const GROUPS: readonly Group[] = [
  { env: 'prod', region: 'eu-west-1', short: 'eu', provider: 'rke2' },
  { env: 'prod', region: 'us-east-1', short: 'us', provider: 'eks' },
  { env: 'staging', region: 'eu-west-1', short: 'eu', provider: 'k3s' },
];

/** The cluster that joins during the scenario. */
const JOINING: Group = { env: 'prod', region: 'ap-southeast-1', short: 'ap', provider: 'rke2' };

const K8S_VERSION: Record<ClusterInfo['provider'], string> = {
  rke2: 'v1.29.4+rke2r1',
  k3s: 'v1.29.4+k3s1',
  eks: 'v1.29.3-eks-adc7111',
};

const DAY = 86_400_000;

function makeCluster(rng: Rng, group: Group, index: number, now: number): ClusterInfo {
  return {
    id: `c-m-${rng.chars(8, ALNUM)}`,
    displayName: `${group.env}-${group.short}-${index}`,
    env: group.env,
    region: group.region,
    provider: group.provider,
    k8sVersion: K8S_VERSION[group.provider],
    nodeCount: group.env === 'prod' ? rng.int(5, 9) : rng.int(2, 4),
    uid: rng.uuid(),
    createdAt: now - rng.int(40, 400) * DAY,
    state: 'active',
  };
}

/** `count` clusters spread over the groups, prod first (5 eu, 4 us, 3 staging for 12). */
export function makeClusters(seed: number, count: number, now: number): ClusterInfo[] {
  const rng = createRng(seed).fork('clusters');
  const shares = [5, 4, 3];
  const perGroup = GROUPS.map((_, i) => Math.floor((count * (shares[i] ?? 0)) / 12));
  for (let i = 0; perGroup.reduce((a, b) => a + b, 0) < count; i = (i + 1) % GROUPS.length) {
    perGroup[i] = (perGroup[i] ?? 0) + 1;
  }
  const out: ClusterInfo[] = [];
  GROUPS.forEach((group, g) => {
    for (let i = 1; i <= (perGroup[g] ?? 0); i++) out.push(makeCluster(rng, group, i, now));
  });
  return out;
}

/** The cluster that `cluster-joins` adds: registered just now. */
export function makeJoiningCluster(seed: number, now: number): ClusterInfo {
  const rng = createRng(seed).fork('joining-cluster');
  return { ...makeCluster(rng, JOINING, 1, now), createdAt: now };
}

// ---------------------------------------------------------------------------------------------
// Jobs

export type JobKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob';

export interface ContainerDef {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env: { name: string; value?: string; secret?: { name: string; key: string } }[];
  port?: number;
  cpu: string;
  memory: string;
}

export interface JobDef {
  kind: JobKind;
  namespace: string;
  name: string;
  /** `app.kubernetes.io/part-of`: `shop` is ours; `other` belongs to another team. */
  partOf: string;
  replicas: number;
  containers: ContainerDef[];
  /** CronJobs only. */
  schedule?: string;
  /** Minutes between runs, for the simulated CronJob controller. */
  everyMinutes?: number;
  /** Present in only some clusters. */
  optional?: boolean;
}

const REG = 'registry.example.com';

const c = (
  name: string,
  image: string,
  extra: Partial<ContainerDef> & { env?: ContainerDef['env'] } = {},
): ContainerDef => ({
  name,
  image,
  env: extra.env ?? [],
  cpu: extra.cpu ?? '250m',
  memory: extra.memory ?? '256Mi',
  ...(extra.command ? { command: extra.command } : {}),
  ...(extra.args ? { args: extra.args } : {}),
  ...(extra.port !== undefined ? { port: extra.port } : {}),
});

const logLevel = { name: 'LOG_LEVEL', value: 'info' };
const otel = { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector.platform:4317' };
const db = (secret: string) => ({ name: 'DATABASE_PASSWORD', secret: { name: secret, key: 'password' } });

const deploy = (
  namespace: string,
  name: string,
  image: string,
  replicas: number,
  extra: Partial<JobDef> & { env?: ContainerDef['env']; port?: number } = {},
): JobDef => ({
  kind: 'Deployment',
  namespace,
  name,
  partOf: extra.partOf ?? 'shop',
  replicas,
  containers: extra.containers ?? [
    c(name, image, { env: [logLevel, otel, ...(extra.env ?? [])], port: extra.port ?? 8080 }),
  ],
  ...(extra.optional ? { optional: true } : {}),
});

/** The job catalogue; every cluster runs all non-optional jobs and some optional ones. */
export const JOBS: readonly JobDef[] = [
  // shop: the storefront
  deploy('shop', 'checkout', `${REG}/shop/checkout:1.4.1`, 4, { env: [db('checkout-db')] }),
  deploy('shop', 'cart', `${REG}/shop/cart:1.9.0`, 4, {
    env: [{ name: 'REDIS_URL', value: 'redis://session-store:6379' }],
  }),
  deploy('shop', 'catalog', `${REG}/shop/catalog:3.2.0`, 3, { env: [db('catalog-db')] }),
  deploy('shop', 'frontend', `${REG}/shop/frontend:5.0.3`, 6, {
    containers: [
      c('frontend', `${REG}/shop/frontend:5.0.3`, { env: [logLevel], port: 3000, memory: '512Mi' }),
      c('envoy', 'docker.io/envoyproxy/envoy:v1.30.1', {
        args: ['--config-path', '/etc/envoy/envoy.yaml'],
        cpu: '100m',
        memory: '128Mi',
        port: 9901,
      }),
    ],
  }),
  deploy('shop', 'recommendations', `${REG}/shop/recommendations:0.8.4`, 2, {
    env: [{ name: 'MODEL_VERSION', value: '2024-11' }],
  }),
  deploy('shop', 'reviews', `${REG}/shop/reviews:2.1.0`, 2, { optional: true }),
  deploy('shop', 'wishlist', `${REG}/shop/wishlist:1.0.7`, 2, { optional: true }),
  deploy('shop', 'inventory', `${REG}/shop/inventory:4.4.0`, 3, { env: [db('inventory-db')] }),
  deploy('shop', 'shipping', `${REG}/shop/shipping:2.7.1`, 2),
  deploy('shop', 'pricing', `${REG}/shop/pricing:1.12.0`, 3),
  deploy('shop', 'promotions', `${REG}/shop/promotions:0.3.2`, 1, { optional: true }),
  deploy('shop', 'order-history', `${REG}/shop/order-history:1.1.0`, 2, { env: [db('orders-db')] }),
  {
    kind: 'StatefulSet',
    namespace: 'shop',
    name: 'session-store',
    partOf: 'shop',
    replicas: 3,
    containers: [
      c('redis', 'docker.io/library/redis:7.2.4', {
        args: ['--appendonly', 'yes'],
        port: 6379,
        memory: '1Gi',
      }),
    ],
  },
  {
    kind: 'CronJob',
    namespace: 'shop',
    name: 'cache-warmer',
    partOf: 'shop',
    replicas: 1,
    schedule: '*/5 * * * *',
    everyMinutes: 5,
    containers: [c('cache-warmer', `${REG}/shop/cache-warmer:1.0.2`, { command: ['/bin/warm', '--all'] })],
  },
  // search
  deploy('search', 'search-api', `${REG}/search/search-api:6.1.0`, 4, {
    env: [{ name: 'ELASTICSEARCH_URL', value: 'http://elasticsearch:9200' }],
  }),
  deploy('search', 'search-indexer', `${REG}/search/search-indexer:2.3.0`, 2),
  deploy('search', 'query-suggest', `${REG}/search/query-suggest:0.5.1`, 2, { optional: true }),
  {
    kind: 'StatefulSet',
    namespace: 'search',
    name: 'elasticsearch',
    partOf: 'shop',
    replicas: 3,
    containers: [
      c('elasticsearch', 'docker.elastic.co/elasticsearch/elasticsearch:8.13.4', {
        env: [{ name: 'ES_JAVA_OPTS', value: '-Xms2g -Xmx2g' }],
        port: 9200,
        cpu: '1',
        memory: '4Gi',
      }),
    ],
  },
  {
    kind: 'CronJob',
    namespace: 'search',
    name: 'reindex-nightly',
    partOf: 'shop',
    replicas: 1,
    schedule: '30 2 * * *',
    containers: [c('reindex', `${REG}/search/search-indexer:2.3.0`, { args: ['reindex', '--full'] })],
  },
  // payments
  deploy('payments', 'payments-api', `${REG}/payments/payments-api:3.8.2`, 4, {
    env: [db('payments-db'), { name: 'PSP_API_KEY', secret: { name: 'psp-credentials', key: 'api-key' } }],
  }),
  deploy('payments', 'fraud-check', `${REG}/payments/fraud-check:1.5.0`, 2),
  deploy('payments', 'refunds', `${REG}/payments/refunds:1.2.3`, 2),
  deploy('payments', 'payment-gateway', `${REG}/payments/payment-gateway:2.0.9`, 3),
  {
    kind: 'StatefulSet',
    namespace: 'payments',
    name: 'ledger',
    partOf: 'shop',
    replicas: 3,
    containers: [
      c('ledger', `${REG}/payments/ledger:5.1.0`, { env: [db('ledger-db')], port: 5432, memory: '2Gi' }),
    ],
  },
  {
    kind: 'CronJob',
    namespace: 'payments',
    name: 'settlement',
    partOf: 'shop',
    replicas: 1,
    schedule: '0 * * * *',
    everyMinutes: 60,
    containers: [c('settlement', `${REG}/payments/settlement:1.0.4`, { env: [db('payments-db')] })],
  },
  // platform pieces the shop team owns
  {
    kind: 'DaemonSet',
    namespace: 'platform',
    name: 'log-shipper',
    partOf: 'shop',
    replicas: 1,
    containers: [
      c('fluent-bit', 'cr.fluentbit.io/fluent/fluent-bit:3.0.4', { cpu: '100m', memory: '128Mi' }),
    ],
  },
  deploy('platform', 'edge-proxy', `${REG}/platform/edge-proxy:1.7.0`, 3),
  deploy('platform', 'feature-flags', `${REG}/platform/feature-flags:0.9.2`, 2, { optional: true }),
  // another team's jobs in the same clusters: the owner filter must leave these out
  deploy('ingress-nginx', 'ingress-nginx-controller', 'registry.k8s.io/ingress-nginx/controller:v1.10.1', 2, {
    partOf: 'other',
  }),
  deploy('cert-manager', 'cert-manager', 'quay.io/jetstack/cert-manager-controller:v1.14.5', 1, {
    partOf: 'other',
  }),
  deploy('monitoring', 'grafana', 'docker.io/grafana/grafana:10.4.2', 1, { partOf: 'other' }),
  {
    kind: 'StatefulSet',
    namespace: 'monitoring',
    name: 'prometheus',
    partOf: 'other',
    replicas: 2,
    containers: [c('prometheus', 'quay.io/prometheus/prometheus:v2.52.0', { port: 9090, memory: '4Gi' })],
  },
  {
    kind: 'DaemonSet',
    namespace: 'monitoring',
    name: 'node-exporter',
    partOf: 'other',
    replicas: 1,
    containers: [
      c('node-exporter', 'quay.io/prometheus/node-exporter:v1.8.0', { cpu: '50m', memory: '64Mi' }),
    ],
  },
];

export const NAMESPACES = [...new Set(JOBS.map((j) => j.namespace))];

/** Which jobs one cluster runs: everything but a deterministic few of the optional ones. */
export function jobsFor(seed: number, cluster: ClusterInfo): JobDef[] {
  const rng = createRng(seed).fork(`jobs:${cluster.displayName}`);
  const keep = cluster.env === 'prod' ? 0.75 : 0.5;
  return JOBS.filter((j) => !j.optional || rng.chance(keep));
}

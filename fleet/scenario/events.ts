/**
 * The named events of the scenario. Each one is a short story with a person, a tool and a target,
 * told as API writes; many have follow-up steps (the next cluster of a rollout, the rollback after
 * a bad release) that run later on the simulated clock. Every event can also be applied by name
 * through the control API, optionally aimed at one cluster.
 */
import type { SimCluster } from '../k8s/cluster';
import type { Deployment, Workload } from '../k8s/types';
import type { Rng } from '../sim/prng';
import { BAD_ES_URL } from './breakage';
import type { ArgoCdPeer, ForgePeer } from './gitops';
import {
  type By,
  changeJob,
  createJob,
  deleteJob,
  setEnv,
  setImage,
  setReplicas,
  setResources,
  type Target,
  tagOf,
  withTag,
} from './operations';
import { JOBS, makeJoiningCluster } from './topology';
import type { World } from './world';

const SEC = 1000;
const MIN = 60 * SEC;

export interface EventContext {
  world: World;
  /** This application's own random stream (forked from the seed, the name and the count). */
  rng: Rng;
  /** How many times this event was applied before. */
  occurrence: number;
  /** A follow-up step after `simDelay` simulated ms. */
  later(simDelay: number, label: string, step: () => void): void;
  log(line: string): void;
  expireSessions(): number;
  /** The Argo CD that deploys into the fleet, when one is connected (`fleet.gitops.connect`). */
  argocd(): ArgoCdPeer | undefined;
  /** Forge, when it deploys into the fleet (`fleet.gitops.connectForge`). */
  forge(): ForgePeer | undefined;
}

export interface EventOptions {
  /** Aim the event at this cluster (id or display name) instead of its usual target. */
  cluster?: SimCluster;
}

export interface EventDef {
  description: string;
  run(ctx: EventContext, options: EventOptions): void;
}

const job = (kind: Workload['kind'], namespace: string, name: string): Target => ({ kind, namespace, name });
const CHECKOUT = job('Deployment', 'shop', 'checkout');
const CART = job('Deployment', 'shop', 'cart');

/** The first of `preferred` that is listed and reachable, else a random reachable one with the job. */
function pickCluster(
  ctx: EventContext,
  options: EventOptions,
  preferred: string[],
  needs?: Target,
): SimCluster | undefined {
  if (options.cluster) return options.cluster;
  const ok = (c: SimCluster) =>
    c.reachable() && (!needs || c.workload(needs.kind, needs.namespace, needs.name) !== undefined);
  for (const name of preferred) {
    const c = ctx.world.find(name);
    if (c && ok(c)) return c;
  }
  const candidates = ctx.world.clusters.filter(ok);
  return candidates.length ? ctx.rng.pick(candidates) : undefined;
}

/** One person's edit, logged as a sentence; quietly skipped when the job is not there. */
function edit(
  ctx: EventContext,
  cluster: SimCluster,
  target: Target,
  by: By,
  sentence: string,
  summary: string,
  mutate: (obj: Workload) => void,
): boolean {
  if (!cluster.reachable()) {
    ctx.log(`${by.person} could not reach ${cluster.name} (${sentence} skipped)`);
    return false;
  }
  const done = changeJob(cluster, target, by, summary, mutate, ctx.world.log);
  if (done) ctx.log(`${sentence} in ${cluster.name}`);
  return done !== undefined;
}

const currentImage = (cluster: SimCluster, t: Target): string | undefined => {
  const obj = cluster.workload(t.kind, t.namespace, t.name);
  if (!obj) return undefined;
  return (obj.kind === 'CronJob' ? obj.spec.jobTemplate.spec.template : obj.spec.template).spec.containers[0]
    ?.image;
};

/** Staging first, then production, region by region: the order a careful release takes. */
const rolloutOrder = (clusters: SimCluster[]): SimCluster[] => {
  const rank = (c: SimCluster) => (c.info.env === 'staging' ? 0 : c.info.env === 'dev' ? 1 : 2);
  return [...clusters].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.info.region.localeCompare(b.info.region) ||
      a.name.localeCompare(b.name, 'en', { numeric: true }),
  );
};

/** The LOG_LEVEL a Deployment does not have now: `info` after `debug`, else `debug`. */
function flippedLogLevel(cluster: SimCluster, target: Target): 'info' | 'debug' {
  const d = cluster.workload<Deployment>('Deployment', target.namespace, target.name);
  const now = d?.spec.template.spec.containers[0]?.env?.find((e) => e.name === 'LOG_LEVEL')?.value;
  return now === 'debug' ? 'info' : 'debug';
}

/** dave flips a job's LOG_LEVEL with kubectl edit (no stamp: the annotation goes stale). */
function handEdit(ctx: EventContext, options: EventOptions, target: Target): void {
  const cluster = pickCluster(ctx, options, ['prod-eu-1'], target);
  if (!cluster) {
    ctx.log(`kubectl-edit: no reachable cluster with ${target.name}`);
    return;
  }
  const level = flippedLogLevel(cluster, target);
  edit(
    ctx,
    cluster,
    target,
    { person: 'dave', tool: 'kubectl-edit' },
    `dave set LOG_LEVEL=${level} on ${target.name} with kubectl edit`,
    `LOG_LEVEL → ${level}`,
    setEnv('LOG_LEVEL', level),
  );
}

export const EVENTS: Record<string, EventDef> = {
  rollout: {
    description: 'bob rolls checkout 1.4.2 out with helm, one cluster every 15 s (a horizontal stripe)',
    run(ctx, options) {
      const tag = `1.4.${2 + ctx.occurrence}`;
      const targets = options.cluster ? [options.cluster] : rolloutOrder(ctx.world.clusters);
      targets.forEach((cluster, i) => {
        const step = () => {
          const image = currentImage(cluster, CHECKOUT);
          if (!image) return;
          edit(
            ctx,
            cluster,
            CHECKOUT,
            { person: 'bob', tool: 'helm', cause: `helm upgrade checkout --set image.tag=${tag}` },
            `bob rolled checkout to ${tag}`,
            `image → ${tag}`,
            setImage(withTag(image, tag)),
          );
        };
        if (i === 0) step();
        else ctx.later(i * 15 * SEC, `rollout checkout ${tag} → ${cluster.name}`, step);
      });
    },
  },

  burst: {
    description:
      'carol edits six search and shop jobs in one cluster within a minute (a vertical stack); one edit breaks search-api until she fixes it 4 min later',
    run(ctx, options) {
      const cluster = pickCluster(
        ctx,
        options,
        ['prod-eu-2', 'prod-eu-1'],
        job('Deployment', 'search', 'search-api'),
      );
      if (!cluster) return ctx.log('burst: no reachable cluster');
      const by: By = { person: 'carol', tool: 'kubectl-apply' };
      const edits: [Target, string, string, (o: Workload) => void][] = [
        [
          job('Deployment', 'search', 'search-indexer'),
          'carol bumped search-indexer to 2.3.1',
          'image → 2.3.1',
          (o) => {
            const image = currentImage(cluster, job('Deployment', 'search', 'search-indexer'));
            if (image) setImage(withTag(image, '2.3.1'))(o);
          },
        ],
        [
          job('Deployment', 'search', 'search-api'),
          'carol pointed search-api at the new Elasticsearch',
          'ELASTICSEARCH_URL changed',
          setEnv('ELASTICSEARCH_URL', BAD_ES_URL),
        ],
        [
          job('StatefulSet', 'search', 'elasticsearch'),
          'carol gave elasticsearch more memory',
          'resources → 2/6Gi',
          setResources('2', '6Gi'),
        ],
        [
          job('CronJob', 'search', 'reindex-nightly'),
          'carol moved reindex-nightly to 03:30',
          'schedule → 30 3 * * *',
          (o) => {
            if (o.kind === 'CronJob') o.spec.schedule = '30 3 * * *';
          },
        ],
        [
          job('Deployment', 'shop', 'catalog'),
          'carol switched catalog to search v2',
          'SEARCH_API_VERSION → v2',
          setEnv('SEARCH_API_VERSION', 'v2'),
        ],
        [
          job('Deployment', 'search', 'query-suggest'),
          'carol scaled query-suggest to 3',
          'replicas → 3',
          setReplicas(3),
        ],
        [
          job('Deployment', 'shop', 'recommendations'),
          'carol enabled search signals in recommendations',
          'USE_SEARCH_SIGNALS → true',
          setEnv('USE_SEARCH_SIGNALS', 'true'),
        ],
      ];
      edits.forEach(([target, sentence, summary, mutate], i) => {
        const step = () => edit(ctx, cluster, target, by, sentence, summary, mutate);
        if (i === 0) step();
        else ctx.later(i * 6 * SEC, `burst ${target.name} in ${cluster.name}`, step);
      });
      ctx.later(4 * MIN, `burst fix in ${cluster.name}`, () =>
        edit(
          ctx,
          cluster,
          job('Deployment', 'search', 'search-api'),
          by,
          'carol fixed the Elasticsearch URL of search-api',
          'ELASTICSEARCH_URL fixed',
          setEnv('ELASTICSEARCH_URL', 'http://elasticsearch:9200'),
        ),
      );
    },
  },

  scale: {
    description:
      'dave scales cart to 8 with kubectl scale in two production clusters (not stamped: the annotation goes stale)',
    run(ctx, options) {
      const targets = options.cluster
        ? [options.cluster]
        : ['prod-eu-1', 'prod-us-1']
            .map((n) => ctx.world.find(n))
            .filter((c): c is SimCluster => c !== undefined);
      if (targets.length === 0) {
        const c = pickCluster(ctx, options, [], CART);
        if (c) targets.push(c);
      }
      targets.forEach((cluster, i) => {
        const step = () => {
          const d = cluster.workload<Deployment>('Deployment', 'shop', 'cart');
          if (!d) return;
          const to = d.spec.replicas >= 8 ? 4 : 8;
          edit(
            ctx,
            cluster,
            CART,
            { person: 'dave', tool: 'kubectl-scale' },
            `dave scaled cart to ${to}`,
            `replicas → ${to}`,
            setReplicas(to),
          );
        };
        if (i === 0) step();
        else ctx.later(i * 20 * SEC, `scale cart in ${cluster.name}`, step);
      });
    },
  },

  recreate: {
    description: 'erin deletes recommendations and re-creates it 10 s later (new uid, generation 1)',
    run(ctx, options) {
      const target = job('Deployment', 'shop', 'recommendations');
      const cluster = pickCluster(ctx, options, ['prod-eu-3', 'prod-eu-1'], target);
      if (!cluster) return ctx.log('recreate: no reachable cluster with recommendations');
      const by: By = {
        person: 'erin',
        tool: 'kubectl-apply',
        cause: 'recreate recommendations (stuck finalizer)',
      };
      if (!deleteJob(cluster, target, by, ctx.world.log)) return;
      ctx.log(`erin deleted recommendations in ${cluster.name}`);
      ctx.later(10 * SEC, `recreate recommendations in ${cluster.name}`, () => {
        const def = JOBS.find((j) => j.namespace === target.namespace && j.name === target.name);
        if (!def || cluster.workload(target.kind, target.namespace, target.name)) return;
        createJob(cluster, def, by, ctx.world.log, 're-created');
        ctx.log(`erin re-created recommendations in ${cluster.name}`);
      });
    },
  },

  'double-change': {
    description:
      'alice changes payments-api twice within 4 s (a poller sees only the second live; the first is in the ReplicaSets)',
    run(ctx, options) {
      const target = job('Deployment', 'payments', 'payments-api');
      const cluster = pickCluster(ctx, options, ['prod-us-1', 'prod-eu-1'], target);
      if (!cluster) return ctx.log('double-change: no reachable cluster with payments-api');
      const image = currentImage(cluster, target) ?? '';
      const tag = `3.8.${3 + ctx.occurrence}`;
      const by: By = { person: 'alice', tool: 'argocd', cause: `sync payments-api ${tag}` };
      edit(
        ctx,
        cluster,
        target,
        by,
        `alice deployed payments-api ${tag}`,
        `image → ${tag}`,
        setImage(withTag(image, tag)),
      );
      ctx.later(4 * SEC, `double-change second edit in ${cluster.name}`, () =>
        edit(
          ctx,
          cluster,
          target,
          { ...by, cause: 'enable 3-D Secure' },
          'alice enabled 3-D Secure on payments-api',
          'FEATURE_3DS → true',
          setEnv('FEATURE_3DS', 'true'),
        ),
      );
    },
  },

  'statefulset-two-people': {
    description:
      'dave bumps session-store (a StatefulSet) with helm, erin again 30 s later (a poller sees erin live; dave is in the ControllerRevisions)',
    run(ctx, options) {
      const target = job('StatefulSet', 'shop', 'session-store');
      const cluster = pickCluster(ctx, options, ['prod-eu-1', 'prod-us-1'], target);
      if (!cluster) return ctx.log('statefulset-two-people: no reachable cluster with session-store');
      const image = currentImage(cluster, target) ?? '';
      const first = `7.2.${5 + 2 * ctx.occurrence}`;
      const second = `7.2.${6 + 2 * ctx.occurrence}`;
      const bump = (person: string, tag: string) =>
        edit(
          ctx,
          cluster,
          target,
          { person, tool: 'helm', cause: `helm upgrade session-store --set image.tag=${tag}` },
          `${person} rolled session-store to ${tag}`,
          `image → ${tag}`,
          setImage(withTag(image, tag)),
        );
      bump('dave', first);
      ctx.later(30 * SEC, `statefulset-two-people second edit in ${cluster.name}`, () =>
        bump('erin', second),
      );
    },
  },

  'kubectl-edit': {
    description:
      'dave edits pricing by hand with kubectl edit: managedFields say kubectl-edit, the changed-by annotation still names the last deployer',
    run: (ctx, options) => handEdit(ctx, options, job('Deployment', 'shop', 'pricing')),
  },

  'kubectl-edit-cart': {
    description:
      "dave edits cart's LOG_LEVEL by hand with kubectl edit (e.g. while an Argo CD sync of cart runs): his own write, not the sync's",
    run: (ctx, options) => handEdit(ctx, options, CART),
  },

  'argo-sync': {
    description:
      "carol pushes cart's next image to git and syncs cart-prod-eu-1 in Argo CD: its controller applies the Deployment (server-side, as argocd-controller) within the sync's few seconds",
    run(ctx, options) {
      const argocd = ctx.argocd();
      if (!argocd) return ctx.log('argo-sync: no Argo CD deploys into this fleet');
      const cluster = options.cluster ?? ctx.world.find('prod-eu-1');
      if (!cluster) return ctx.log('argo-sync: no prod-eu-1 in the fleet');
      try {
        ctx.log(argocd.pushAndSync(`cart-${cluster.name}`, 'carol'));
      } catch (error) {
        ctx.log(`argo-sync: ${(error as Error).message}`);
      }
    },
  },

  'forge-deploy': {
    description:
      "alice deploys cart's next image into prod-eu-1 with Forge, the home-grown manager: it applies the Deployment (server-side, as forge) stamped with its deploy id",
    run(ctx, options) {
      const forge = ctx.forge();
      if (!forge) return ctx.log('forge-deploy: Forge does not deploy into this fleet');
      const cluster = options.cluster ?? ctx.world.find('prod-eu-1');
      if (!cluster) return ctx.log('forge-deploy: no prod-eu-1 in the fleet');
      try {
        ctx.log(forge.deploy('cart', cluster.name, 'alice'));
      } catch (error) {
        ctx.log(`forge-deploy: ${(error as Error).message}`);
      }
    },
  },

  outage: {
    description:
      "one cluster's agent disconnects for 90 s: Rancher lists it unavailable and its proxy answers 503",
    run(ctx, options) {
      const cluster = pickCluster(ctx, options, ['prod-us-3', 'prod-us-2']);
      if (!cluster) return ctx.log('outage: no reachable cluster');
      cluster.disconnected = true;
      ctx.log(`${cluster.name}: cluster agent disconnected`);
      ctx.later(90 * SEC, `outage of ${cluster.name} ends`, () => {
        cluster.disconnected = false;
        ctx.log(`${cluster.name}: cluster agent reconnected`);
      });
    },
  },

  'session-expiry': {
    description: 'every console session expires (the on-call person must log in again)',
    run(ctx) {
      const n = ctx.expireSessions();
      ctx.log(`all console sessions expired (${n} ended)`);
    },
  },

  'cluster-joins': {
    description: 'a new production cluster (prod-ap-1) is registered, its jobs deployed by the pipeline',
    run(ctx) {
      const info = makeJoiningCluster(ctx.world.seed + ctx.occurrence, Date.now());
      if (ctx.occurrence > 0) info.displayName = `prod-ap-${ctx.occurrence + 1}`;
      if (ctx.world.find(info.id) || ctx.world.find(info.displayName))
        return ctx.log(`${info.displayName} is already listed`);
      const cluster = ctx.world.addCluster(info, Date.now(), true);
      ctx.log(`${cluster.name} joined the fleet (${cluster.id})`);
    },
  },

  'cluster-leaves': {
    description: 'a staging cluster is removed from Rancher (it disappears from the list)',
    run(ctx, options) {
      const staging = ctx.world.clusters.filter((c) => c.info.env === 'staging');
      const cluster =
        options.cluster ?? staging[staging.length - 1] ?? ctx.world.clusters[ctx.world.clusters.length - 1];
      if (!cluster || ctx.world.clusters.length <= 1) return ctx.log('cluster-leaves: nothing to remove');
      ctx.world.removeCluster(cluster.id);
      ctx.log(`${cluster.name} left the fleet (${cluster.id} removed from Rancher)`);
    },
  },

  'log-level': {
    description:
      "dave switches cart's log level with helm (followed within a poll by another person's change, only the ReplicaSets still tell it)",
    run(ctx, options) {
      const cluster = pickCluster(ctx, options, ['prod-eu-1'], CART);
      if (!cluster) return ctx.log('log-level: no reachable cluster with cart');
      const level = flippedLogLevel(cluster, CART);
      edit(
        ctx,
        cluster,
        CART,
        { person: 'dave', tool: 'helm', cause: `helm upgrade cart --set logLevel=${level}` },
        `dave set cart's log level to ${level}`,
        `LOG_LEVEL → ${level}`,
        setEnv('LOG_LEVEL', level),
      );
    },
  },

  'bad-rollout': {
    description:
      'erin releases cart 2.0.0, whose pods crash: ready replicas drop, an alert fires 2 min later; she rolls back after 4 min',
    run(ctx, options) {
      const cluster = pickCluster(ctx, options, ['prod-eu-1'], CART);
      if (!cluster) return ctx.log('bad-rollout: no reachable cluster with cart');
      const before = currentImage(cluster, CART) ?? '';
      const by: By = { person: 'erin', tool: 'helm', cause: 'helm upgrade cart --set image.tag=2.0.0' };
      edit(
        ctx,
        cluster,
        CART,
        by,
        'erin rolled cart to 2.0.0',
        'image → 2.0.0',
        setImage(withTag(before, '2.0.0')),
      );
      ctx.later(4 * MIN, `rollback cart in ${cluster.name}`, () =>
        edit(
          ctx,
          cluster,
          CART,
          { ...by, cause: `helm rollback cart (back to ${tagOf(before)})` },
          `erin rolled cart back to ${tagOf(before)}`,
          `image → ${tagOf(before)}`,
          setImage(before),
        ),
      );
    },
  },

  'ci-release': {
    description:
      'the CI bot syncs search-indexer 2.3.1 to the staging clusters with Argo CD (an automation, not a person)',
    run(ctx, options) {
      const target = job('Deployment', 'search', 'search-indexer');
      const targets = options.cluster
        ? [options.cluster]
        : ctx.world.clusters.filter((c) => c.info.env === 'staging');
      targets.forEach((cluster, i) => {
        const step = () => {
          const image = currentImage(cluster, target);
          if (!image) return;
          edit(
            ctx,
            cluster,
            target,
            { person: 'ci-bot', tool: 'argocd' },
            'ci-bot synced search-indexer 2.3.1',
            'image → 2.3.1',
            setImage(withTag(image, '2.3.1')),
          );
        };
        if (i === 0) step();
        else ctx.later(i * 5 * SEC, `ci-release → ${cluster.name}`, step);
      });
    },
  },

  'cronjob-suspend': {
    description: 'alice suspends the settlement CronJob in one cluster during a bank holiday',
    run(ctx, options) {
      const target = job('CronJob', 'payments', 'settlement');
      const cluster = pickCluster(ctx, options, ['prod-eu-2', 'prod-eu-1'], target);
      if (!cluster) return ctx.log('cronjob-suspend: no reachable cluster with settlement');
      const obj = cluster.workload('CronJob', 'payments', 'settlement');
      const suspend = !(obj?.kind === 'CronJob' && obj.spec.suspend);
      edit(
        ctx,
        cluster,
        target,
        { person: 'alice', tool: 'helm', cause: suspend ? 'bank holiday' : 'resume settlement' },
        `alice ${suspend ? 'suspended' : 'resumed'} settlement`,
        `suspend → ${suspend}`,
        (o) => {
          if (o.kind === 'CronJob') o.spec.suspend = suspend;
        },
      );
    },
  },
};

export const EVENT_NAMES = Object.keys(EVENTS);

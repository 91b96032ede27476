/**
 * The extra systems of the simulated production: an Argo CD, a Nomad and a home-grown cluster
 * manager, each on its own 127.0.0.1 port, each with its own login, simulated users and
 * injectable faults. `startExtraSystems()` starts all three; `control` applies named changes;
 * `settingsFragment()` gives the Tattler source entries that watch them, and `secrets` the Nomad
 * token that belongs in `browser.storage.local` (lib/secrets.ts), never in settings.
 */
import type { ArgoCdPeer, DestinationApi, ForgePeer } from '../scenario/gitops';
import {
  type ArgoCdChange,
  type ArgoCdOperation,
  type ArgoCdSystem,
  type RancherCluster,
  rancherDestinations,
  startArgoCd,
} from './argocd';
import { type HomegrownChange, type HomegrownSystem, homegrownSource, startHomegrown } from './homegrown';
import { type NomadChange, type NomadSystem, startNomad } from './nomad';
import { type Clock, type FaultName, type FaultSetting, seeded } from './server';

export type { ArgoCdChange, ArgoCdOperation, HomegrownChange, NomadChange };
export { startArgoCd, startHomegrown, startNomad };

export interface ExtraOptions {
  clock?: Clock;
  seed?: number;
  /** Nomad answers at most this many jobs per page (so a small fleet pages); default 2. */
  nomadPageCap?: number;
  /**
   * The Rancher fleet Argo CD deploys into: its destinations are those clusters' proxy URLs
   * (`prod-eu-1`, `prod-us-1`). Without it, Argo CD deploys to clusters of its own (10.x servers).
   */
  rancher?: {
    url: string;
    clusters: readonly RancherCluster[];
    /**
     * The fleet's clusters as Argo CD's controller reaches them (`fleet.gitops`): with it, a sync
     * really deploys there, and the fleet's scenario can press Sync (its `argo-sync` event).
     */
    gitops?: DestinationApi & {
      connect(peer: ArgoCdPeer | undefined): void;
      /** With it, a Forge deploy into a fleet cluster of the same name applies there too (`forge-deploy`). */
      connectForge(peer: ForgePeer | undefined): void;
    };
  };
}

export type SystemName = 'argocd' | 'nomad' | 'homegrown';

export interface ExtraSystems {
  argocd: ArgoCdSystem;
  nomad: NomadSystem;
  homegrown: HomegrownSystem;
  urls: Record<SystemName, string>;
  control: {
    /** A sync into a fleet cluster (with `rancher.gitops`) returns its running operation. */
    argocd(change: ArgoCdChange): ArgoCdOperation | undefined;
    nomad(change: NomadChange): void;
    homegrown(change: HomegrownChange): void;
    /** Injects a fault into one system (`none` clears it). */
    fault(system: SystemName, name: FaultName, options?: Omit<FaultSetting, 'name'>): void;
    /** One made-up change by a simulated user somewhere (seeded: the same seed, the same story). */
    step(): string;
  };
  /** Source entries for Tattler's settings (`sources`), by the ids given. */
  settingsFragment(ids?: Partial<Record<SystemName, string>>): unknown[];
  /** The Nomad reader token's secret id, keyed by the Nomad source id: for lib/secrets.ts. */
  secrets(ids?: Partial<Record<SystemName, string>>): Record<string, string>;
  close(): Promise<void>;
}

export async function startExtraSystems(options: ExtraOptions = {}): Promise<ExtraSystems> {
  const common = {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.seed ? { seed: options.seed } : {}),
  };
  const [argocd, nomad, homegrown] = await Promise.all([
    startArgoCd({
      ...common,
      ...(options.rancher
        ? { clusters: rancherDestinations(options.rancher.url, options.rancher.clusters) }
        : {}),
      ...(options.rancher?.gitops ? { destinations: options.rancher.gitops } : {}),
    }),
    startNomad({ ...common, pageCap: options.nomadPageCap ?? 2 }),
    startHomegrown({
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.rancher?.gitops
        ? { destinations: { api: options.rancher.gitops, clusters: options.rancher.clusters } }
        : {}),
    }),
  ]);
  const systems = { argocd, nomad, homegrown };
  const gitops = options.rancher?.gitops;
  gitops?.connect({ pushAndSync: (app, by) => argocd.pushAndSync(app, by) });
  const rand = seeded((options.seed ?? 1) * 7919);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  let release = 1;

  /** A person, a pipeline or Argo CD's auto-sync changes one job in one of the systems. */
  function step(): string {
    const tag = `1.${++release}.0`;
    const system = pick(['argocd', 'nomad', 'homegrown'] as const);
    if (system === 'argocd') {
      const app = pick(argocd.appNames());
      const image = `registry.example.com/shop/${app.split('-')[0]}:${tag}`;
      const auto = rand() < 0.3;
      const by = auto ? 'auto-sync' : pick(['alice', 'bob', 'carol']);
      try {
        argocd.apply(auto ? { type: 'auto-sync', app, image } : { type: 'sync', app, by, image });
      } catch (error) {
        // A sync still running in a fleet cluster: Argo CD refuses a second one.
        return `argocd: ${by} could not sync ${app}: ${(error as Error).message}`;
      }
      return auto ? `argocd: auto-sync of ${app} to ${image}` : `argocd: ${by} synced ${app} to ${image}`;
    }
    if (system === 'nomad') {
      const region = pick(nomad.regions);
      const [namespace, job] = pick(nomad.jobKeys(region)).split('/') as [string, string];
      const by = pick(['alice', 'bob', 'ci-deployer']);
      const image = `registry.example.com/${namespace}/${job}:${tag}`;
      nomad.apply({ type: 'submit', region, namespace, job, by, image });
      return `nomad: ${by} submitted ${job} in ${region} with ${image}`;
    }
    const cluster = pick(homegrown.clusterIds());
    const job = pick(homegrown.jobNames(cluster));
    const by = pick(['alice', 'bob', 'jenkins-bot']);
    homegrown.apply({ type: 'edit', cluster, job, by, image: `registry.example.com/${job}:${tag}` });
    return `homegrown: ${by} edited ${job} in ${cluster}`;
  }

  const idOf = (ids: Partial<Record<SystemName, string>> | undefined, name: SystemName) =>
    ids?.[name] ?? name;

  return {
    ...systems,
    urls: { argocd: argocd.url, nomad: nomad.url, homegrown: homegrown.url },
    control: {
      argocd: (change) => argocd.apply(change),
      nomad: (change) => nomad.apply(change),
      homegrown: (change) => homegrown.apply(change),
      fault: (system, name, opts = {}) => systems[system].faults.set(name, opts),
      step,
    },
    settingsFragment: (ids) => [
      {
        id: idOf(ids, 'argocd'),
        name: 'Argo CD (demo)',
        type: 'argocd',
        baseUrl: argocd.url,
        argocd: { projects: ['shop'] },
        owner: { labelSelector: 'app.kubernetes.io/part-of=shop' },
      },
      {
        id: idOf(ids, 'nomad'),
        name: 'Nomad (demo)',
        type: 'nomad',
        baseUrl: nomad.url,
        nomad: { versionsWithinHours: 24 },
      },
      homegrownSource(homegrown.url, idOf(ids, 'homegrown')),
    ],
    secrets: (ids) => ({ [idOf(ids, 'nomad')]: nomad.tokens['tattler-reader']?.secretId ?? '' }),
    close: async () => {
      gitops?.connect(undefined);
      await Promise.all([argocd.close(), nomad.close(), homegrown.close()]);
    },
  };
}

/**
 * The alerts the fleet's Prometheus would send, held as Alertmanager holds them, and the two
 * kube-prometheus rules that fire on the scenario's bad changes: a workload whose available
 * replicas stay below the desired count for 2 (simulated) minutes. Alerts name the cluster by its
 * display name, plus namespace and deployment/statefulset, as kube-state-metrics labels them.
 */
import type { SimCluster } from '../k8s/cluster';
import type { Deployment, StatefulSet } from '../k8s/types';

export interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Wall-clock ms. */
  startsAt: number;
  /** Wall-clock ms when resolved; undefined while firing. */
  resolvedAt?: number;
  generatorURL: string;
  fingerprint: string;
  receiver: string;
}

/** Prometheus' label-set fingerprint: FNV-1a 64 over sorted names and values, 0xff-separated. */
export function fingerprint(labels: Record<string, string>): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  const add = (bytes: Uint8Array) => {
    for (const b of bytes) h = ((h ^ BigInt(b)) * prime) & mask;
  };
  const enc = new TextEncoder();
  const sep = new Uint8Array([0xff]);
  for (const name of Object.keys(labels).sort()) {
    add(enc.encode(name));
    add(sep);
    add(enc.encode(labels[name] ?? ''));
    add(sep);
  }
  return h.toString(16).padStart(16, '0');
}

const generator = (expr: string): string =>
  `http://prometheus.demo.invalid/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;

export const receiverFor = (labels: Record<string, string>): string =>
  labels.alertname === 'Watchdog' ? 'null' : 'oncall-shop';

export class AlertStore {
  private readonly active = new Map<string, Alert>();
  readonly resolved: Alert[] = [];

  fire(
    labels: Record<string, string>,
    annotations: Record<string, string>,
    expr: string,
    startsAt = Date.now(),
  ): Alert {
    const fp = fingerprint(labels);
    const existing = this.active.get(fp);
    if (existing) return existing;
    const alert: Alert = {
      labels: { ...labels },
      annotations: { ...annotations },
      startsAt,
      generatorURL: generator(expr),
      fingerprint: fp,
      receiver: receiverFor(labels),
    };
    this.active.set(fp, alert);
    return alert;
  }

  resolve(fp: string, at = Date.now()): Alert | undefined {
    const alert = this.active.get(fp);
    if (!alert) return undefined;
    this.active.delete(fp);
    alert.resolvedAt = at;
    this.resolved.push(alert);
    return alert;
  }

  firing(): Alert[] {
    return [...this.active.values()].sort(
      (a, b) => a.startsAt - b.startsAt || a.fingerprint.localeCompare(b.fingerprint),
    );
  }

  get(fp: string): Alert | undefined {
    return this.active.get(fp);
  }
}

interface RuleHit {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  expr: string;
}

const RUNBOOK = 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes';

function ruleHits(cluster: SimCluster): RuleHit[] {
  const out: RuleHit[] = [];
  const severity = cluster.info.env === 'prod' ? 'critical' : 'warning';
  for (const d of cluster.store.list('deployments') as Deployment[]) {
    const want = d.spec.replicas;
    const available = d.status.availableReplicas ?? 0;
    if (want > 0 && available < want && d.status.observedGeneration === d.metadata.generation) {
      const ns = d.metadata.namespace ?? '';
      out.push({
        labels: {
          alertname: 'KubeDeploymentReplicasMismatch',
          severity,
          cluster: cluster.name,
          namespace: ns,
          deployment: d.metadata.name,
          job: 'kube-state-metrics',
        },
        annotations: {
          summary: 'Deployment has not matched the expected number of replicas.',
          description: `Deployment ${ns}/${d.metadata.name} has not matched the expected number of replicas for longer than 2 minutes.`,
          runbook_url: `${RUNBOOK}/kubedeploymentreplicasmismatch`,
        },
        expr: `kube_deployment_spec_replicas{cluster="${cluster.name}",namespace="${ns}",deployment="${d.metadata.name}"} > kube_deployment_status_replicas_available`,
      });
    }
  }
  for (const s of cluster.store.list('statefulsets') as StatefulSet[]) {
    const want = s.spec.replicas;
    if (want > 0 && (s.status.readyReplicas ?? 0) < want) {
      const ns = s.metadata.namespace ?? '';
      out.push({
        labels: {
          alertname: 'KubeStatefulSetReplicasMismatch',
          severity,
          cluster: cluster.name,
          namespace: ns,
          statefulset: s.metadata.name,
          job: 'kube-state-metrics',
        },
        annotations: {
          summary: 'StatefulSet has not matched the expected number of replicas.',
          description: `StatefulSet ${ns}/${s.metadata.name} has not matched the expected number of replicas for longer than 2 minutes.`,
          runbook_url: `${RUNBOOK}/kubestatefulsetreplicasmismatch`,
        },
        expr: `kube_statefulset_status_replicas_ready{cluster="${cluster.name}",namespace="${ns}",statefulset="${s.metadata.name}"} != kube_statefulset_status_replicas`,
      });
    }
  }
  return out;
}

/**
 * Prometheus' rule evaluation: a condition must hold for `forMs` (simulated) before the alert
 * fires; a firing alert whose condition no longer holds is resolved. Clusters that cannot be
 * reached keep their alerts as they are (their Prometheus is cut off too).
 */
export class RuleEvaluator {
  private readonly pendingSince = new Map<string, number>();
  /** Alerts this evaluator owns (static alerts are left alone). */
  private readonly owned = new Set<string>();

  constructor(
    private readonly store: AlertStore,
    private readonly forMs = 2 * 60_000,
  ) {}

  evaluate(clusters: SimCluster[], simNow: number, onChange?: (line: string) => void): void {
    const seen = new Set<string>();
    const reachableNames = new Set<string>();
    for (const cluster of clusters) {
      if (!cluster.reachable()) {
        for (const fp of this.owned) if (this.store.get(fp)?.labels.cluster === cluster.name) seen.add(fp);
        continue;
      }
      reachableNames.add(cluster.name);
      for (const hit of ruleHits(cluster)) {
        const fp = fingerprint(hit.labels);
        seen.add(fp);
        const since = this.pendingSince.get(fp) ?? simNow;
        this.pendingSince.set(fp, since);
        if (simNow - since >= this.forMs && !this.store.get(fp)) {
          this.store.fire(hit.labels, hit.annotations, hit.expr);
          this.owned.add(fp);
          onChange?.(
            `alert ${hit.labels.alertname} firing for ${hit.labels.namespace}/${hit.labels.deployment ?? hit.labels.statefulset} in ${hit.labels.cluster}`,
          );
        }
      }
    }
    for (const fp of [...this.pendingSince.keys()]) if (!seen.has(fp)) this.pendingSince.delete(fp);
    for (const fp of [...this.owned]) {
      if (seen.has(fp)) continue;
      const alert = this.store.resolve(fp);
      this.owned.delete(fp);
      if (alert) {
        onChange?.(
          `alert ${alert.labels.alertname} resolved for ${alert.labels.namespace}/${alert.labels.deployment ?? alert.labels.statefulset} in ${alert.labels.cluster}`,
        );
      }
    }
  }
}

/** Alerts that are always there: the Watchdog, and a disk filling up somewhere unrelated. */
export function fireStaticAlerts(store: AlertStore, clusters: SimCluster[], now: number): void {
  store.fire(
    { alertname: 'Watchdog', severity: 'none', prometheus: 'monitoring/k8s' },
    {
      summary: 'An alert that should always be firing to certify that Alertmanager is working properly.',
      description: 'This is an alert meant to ensure that the entire alerting pipeline is functional.',
    },
    'vector(1)',
    now - 3 * 86_400_000,
  );
  const staging = clusters.filter((c) => c.info.env === 'staging');
  const where = staging[0] ?? clusters[clusters.length - 1];
  if (where) {
    store.fire(
      {
        alertname: 'NodeFilesystemSpaceFillingUp',
        severity: 'warning',
        cluster: where.name,
        instance: 'node-3:9100',
        device: '/dev/nvme0n1p1',
        mountpoint: '/var/lib/containerd',
        job: 'node-exporter',
      },
      {
        summary: 'Filesystem is predicted to run out of space within the next 24 hours.',
        description:
          'Filesystem on /dev/nvme0n1p1 at node-3:9100 has only 14.2% available space left and is filling up.',
        runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/node/nodefilesystemspacefillingup',
      },
      'node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.15',
      now - 47 * 60_000,
    );
  }
}

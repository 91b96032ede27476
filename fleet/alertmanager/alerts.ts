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
  /** Wall-clock ms: when the alert started firing (what Prometheus sends as startsAt). */
  startsAt: number;
  /**
   * Wall-clock ms: when its rule's condition started to hold, Prometheus' `activeAt` (before
   * `for` elapsed); `startsAt` when not known.
   */
  activeAt?: number;
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
    activeAt?: number,
  ): Alert {
    const fp = fingerprint(labels);
    const existing = this.active.get(fp);
    if (existing) return existing;
    const alert: Alert = {
      labels: { ...labels },
      annotations: { ...annotations },
      startsAt,
      ...(activeAt !== undefined ? { activeAt } : {}),
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

/** gettableAlert: Prometheus re-sends every minute with endsAt four minutes ahead. */
export function gettable(alert: Alert, now: number) {
  const updatedAt = Math.max(alert.startsAt, now - ((now - alert.startsAt) % 60_000));
  return {
    annotations: alert.annotations,
    endsAt: toIso(alert.resolvedAt ?? updatedAt + 4 * 60_000),
    fingerprint: alert.fingerprint,
    receivers: [{ name: alert.receiver }],
    startsAt: toIso(alert.startsAt),
    status: { inhibitedBy: [], silencedBy: [], mutedBy: [], state: 'active' },
    updatedAt: toIso(updatedAt),
    generatorURL: alert.generatorURL,
    labels: alert.labels,
  };
}

export type GettableAlert = ReturnType<typeof gettable>;

const toIso = (ms: number): string => new Date(ms).toISOString();

/**
 * An alert as the v2 API's `postableAlert` carries it: labels (required), annotations,
 * `startsAt`/`endsAt` (RFC 3339 text; in process, epoch ms too) and `generatorURL`.
 */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string | number;
  endsAt?: string | number;
  generatorURL?: string;
}

/** A postable alert that passed the checks, times in epoch ms. */
export interface CheckedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  /** Only when the poster gave one. */
  endsAt?: number;
  generatorURL?: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function timeOf(value: unknown, field: string): number | string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (Number.isFinite(ms) && /^\d{4}-\d\d-\d\dT/.test(value)) return ms;
  }
  return `${field} must be an RFC 3339 date-time`;
}

function stringMap(value: unknown, field: string): Record<string, string> | string {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return `${field} must be an object of strings`;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') return `${field}.${k} must be a string`;
    out[k] = v;
  }
  return out;
}

/**
 * Checks one postable alert the way Alertmanager's v2 API does (api/v2 postAlertsHandler and
 * types.Alert.Validate): labels with empty values are dropped, at least one label must remain,
 * label names must be valid; a missing start is the end when one is given, else now; the end
 * must not be before the start. Returns the alert, or what is wrong with it.
 */
export function checkPostable(item: unknown, now: number): CheckedAlert | string {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return 'an alert must be an object';
  const raw = item as Record<string, unknown>;
  if (raw.labels === undefined) return 'labels missing';
  const labels = stringMap(raw.labels, 'labels');
  if (typeof labels === 'string') return labels;
  for (const [name, value] of Object.entries(labels)) {
    if (value === '') delete labels[name];
    else if (!LABEL_NAME.test(name)) return `invalid label set: invalid name "${name}"`;
  }
  if (Object.keys(labels).length === 0) return 'at least one label pair required';
  const annotations = stringMap(raw.annotations, 'annotations');
  if (typeof annotations === 'string') return annotations;
  const startsAt = timeOf(raw.startsAt, 'startsAt');
  if (typeof startsAt === 'string') return startsAt;
  const endsAt = timeOf(raw.endsAt, 'endsAt');
  if (typeof endsAt === 'string') return endsAt;
  const start = startsAt ?? endsAt ?? now;
  if (endsAt !== undefined && endsAt < start) return 'start time must be before end time';
  let generatorURL: string | undefined;
  if (raw.generatorURL !== undefined && raw.generatorURL !== '') {
    if (typeof raw.generatorURL !== 'string' || !URL.canParse(raw.generatorURL))
      return 'generatorURL must be a URL';
    generatorURL = raw.generatorURL;
  }
  return {
    labels,
    annotations,
    startsAt: start,
    ...(endsAt !== undefined ? { endsAt } : {}),
    ...(generatorURL !== undefined ? { generatorURL } : {}),
  };
}

/**
 * Fires a checked alert in the store, as Alertmanager takes it in: an alert with the same labels
 * that is already firing stays as it is; one whose end has passed is stored resolved.
 */
export function receive(store: AlertStore, alert: CheckedAlert, now: number): Alert {
  const fired = store.fire(alert.labels, alert.annotations, '', alert.startsAt);
  if (alert.generatorURL) fired.generatorURL = alert.generatorURL;
  if (alert.endsAt !== undefined && alert.endsAt <= now) store.resolve(fired.fingerprint, alert.endsAt);
  return fired;
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
  /** The same, in wall-clock time: Prometheus' activeAt. */
  private readonly pendingSinceWall = new Map<string, number>();
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
        const sinceWall = this.pendingSinceWall.get(fp) ?? Date.now();
        this.pendingSinceWall.set(fp, sinceWall);
        if (simNow - since >= this.forMs && !this.store.get(fp)) {
          this.store.fire(hit.labels, hit.annotations, hit.expr, Date.now(), sinceWall);
          this.owned.add(fp);
          onChange?.(
            `alert ${hit.labels.alertname} firing for ${hit.labels.namespace}/${hit.labels.deployment ?? hit.labels.statefulset} in ${hit.labels.cluster}`,
          );
        }
      }
    }
    for (const fp of [...this.pendingSince.keys()]) {
      if (seen.has(fp)) continue;
      this.pendingSince.delete(fp);
      this.pendingSinceWall.delete(fp);
    }
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

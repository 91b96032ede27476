/**
 * The fleet's Prometheus: the alerting rules behind the alerts its Alertmanager holds, and those
 * alerts as Prometheus' HTTP API shows them (`/api/v1/rules`, `/api/v1/alerts`). The same alerts:
 * read from the Alertmanager's store, with Prometheus' `activeAt` (when the condition started to
 * hold; `startsAt` is when it had held for `for`).
 *
 * Rules as kube-prometheus defines them (expressions shortened to what the fleet evaluates, `for`
 * as the fleet's rule evaluator applies it); an alert whose name no rule here has (raised through
 * the control API, "from a rule outside the simulation") gets a rule of its own in `shop-slo`.
 */
import type { Alert, AlertStore } from '../alertmanager/alerts';

interface RuleDef {
  name: string;
  query: string;
  /** `for`, in seconds. */
  duration: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

interface GroupDef {
  name: string;
  file: string;
  rules: RuleDef[];
}

const RULES_DIR = '/etc/prometheus/rules/prometheus-k8s-rulefiles-0';
const RUNBOOK = 'https://runbooks.prometheus-operator.dev/runbooks';

export const RULE_GROUPS: readonly GroupDef[] = [
  {
    name: 'kubernetes-apps',
    file: `${RULES_DIR}/monitoring-kubernetes-monitoring-rules.yaml`,
    rules: [
      {
        name: 'KubeDeploymentReplicasMismatch',
        query:
          'kube_deployment_spec_replicas{job="kube-state-metrics"} > kube_deployment_status_replicas_available{job="kube-state-metrics"}',
        duration: 120,
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Deployment has not matched the expected number of replicas.',
          runbook_url: `${RUNBOOK}/kubernetes/kubedeploymentreplicasmismatch`,
        },
      },
      {
        name: 'KubeStatefulSetReplicasMismatch',
        query:
          'kube_statefulset_status_replicas_ready{job="kube-state-metrics"} != kube_statefulset_status_replicas{job="kube-state-metrics"}',
        duration: 120,
        labels: { severity: 'warning' },
        annotations: {
          summary: 'StatefulSet has not matched the expected number of replicas.',
          runbook_url: `${RUNBOOK}/kubernetes/kubestatefulsetreplicasmismatch`,
        },
      },
    ],
  },
  {
    name: 'node-exporter',
    file: `${RULES_DIR}/monitoring-node-exporter-rules.yaml`,
    rules: [
      {
        name: 'NodeFilesystemSpaceFillingUp',
        query: 'node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.15',
        duration: 3600,
        labels: { severity: 'warning' },
        annotations: { summary: 'Filesystem is predicted to run out of space within the next 24 hours.' },
      },
    ],
  },
  {
    name: 'general.rules',
    file: `${RULES_DIR}/monitoring-general-rules.yaml`,
    rules: [
      {
        name: 'Watchdog',
        query: 'vector(1)',
        duration: 0,
        labels: { severity: 'none' },
        annotations: {
          summary: 'An alert that should always be firing to certify that Alertmanager is working properly.',
        },
      },
    ],
  },
];

const EXTRA_GROUP = { name: 'shop-slo', file: `${RULES_DIR}/shop-slo-rules.yaml` };

const iso = (ms: number): string => new Date(ms).toISOString();

/** An alert as `/api/v1/alerts` and a rule's `alerts` list it. */
function apiAlert(alert: Alert, rule: RuleDef | undefined) {
  return {
    labels: alert.labels,
    annotations: alert.annotations,
    state: 'firing',
    activeAt: iso(alert.activeAt ?? alert.startsAt - (rule?.duration ?? 0) * 1000),
    value: '1e+00',
  };
}

export function apiAlerts(store: AlertStore) {
  const rules = new Map(RULE_GROUPS.flatMap((g) => g.rules.map((r) => [r.name, r] as const)));
  return store.firing().map((a) => apiAlert(a, rules.get(a.labels.alertname ?? '')));
}

/** `/api/v1/rules` (alerting rules only): every group, each rule with its state and alerts. */
export function apiRuleGroups(store: AlertStore, now: number) {
  const firing = store.firing();
  const byName = new Map<string, Alert[]>();
  for (const a of firing) {
    const name = a.labels.alertname ?? '';
    byName.set(name, [...(byName.get(name) ?? []), a]);
  }
  const known = new Set(RULE_GROUPS.flatMap((g) => g.rules.map((r) => r.name)));
  const extra: RuleDef[] = [...byName.keys()]
    .filter((n) => n && !known.has(n))
    .sort()
    .map((name) => ({
      name,
      query: `${name.replace(/\W/g, '_').toLowerCase()}:burnrate5m > 14.4`,
      duration: 0,
      labels: {},
      annotations: {},
    }));
  const groups = [...RULE_GROUPS, ...(extra.length ? [{ ...EXTRA_GROUP, rules: extra }] : [])];
  const evaluated = iso(now - (now % 30_000));
  return groups.map((g) => ({
    name: g.name,
    file: g.file,
    rules: g.rules.map((r) => {
      const alerts = (byName.get(r.name) ?? []).map((a) => apiAlert(a, r));
      return {
        state: alerts.length > 0 ? 'firing' : 'inactive',
        name: r.name,
        query: r.query,
        duration: r.duration,
        keepFiringFor: 0,
        labels: r.labels,
        annotations: r.annotations,
        alerts,
        health: 'ok',
        evaluationTime: 0.000812,
        lastEvaluation: evaluated,
        type: 'alerting',
      };
    }),
    interval: 30,
    limit: 0,
    evaluationTime: 0.0021,
    lastEvaluation: evaluated,
  }));
}

/**
 * The people (and the one bot) who change the shop's jobs, and the tools they change them with.
 * What a tool leaves behind is what the extension has to work from: the managedFields manager name,
 * and whether the team's deploy tooling stamped the changed-by annotation.
 */

export interface Person {
  /** Login name; what the deploy tooling stamps and what the console's user pages use. */
  username: string;
  displayName: string;
  kind: 'person' | 'automation';
  role: string;
}

export const PEOPLE: readonly Person[] = [
  { username: 'alice', displayName: 'Alice Nakamura', kind: 'person', role: 'payments engineer' },
  { username: 'bob', displayName: 'Bob Okafor', kind: 'person', role: 'checkout release manager' },
  { username: 'carol', displayName: 'Carol Díaz', kind: 'person', role: 'search engineer' },
  { username: 'dave', displayName: 'Dave Lindqvist', kind: 'person', role: 'SRE' },
  { username: 'erin', displayName: 'Erin Walsh', kind: 'person', role: 'platform engineer' },
  { username: 'ci-bot', displayName: 'CI release bot', kind: 'automation', role: 'pipeline' },
];

export const HUMANS = PEOPLE.filter((p) => p.kind === 'person').map((p) => p.username);

export const personByName = (username: string): Person | undefined =>
  PEOPLE.find((p) => p.username === username);

export type Tool =
  | 'helm'
  | 'argocd'
  | 'forge'
  | 'kubectl-apply'
  | 'kubectl-edit'
  | 'kubectl-scale'
  | 'rancher-ui';

export interface ToolInfo {
  /** The field manager Kubernetes records for this client. */
  manager: string;
  /** A subresource the client writes through (kubectl scale uses `scale`). */
  subresource?: string;
  /** Argo CD syncs with server-side apply: it owns every field it applies, changed or not. */
  operation?: 'Apply';
  /** Whether the team's deploy tooling stamps `fleet.example.com/changed-by` on the way. */
  stamps: boolean;
  /** How a person would describe it ("helm upgrade"). */
  verb: string;
}

export const TOOLS: Record<Tool, ToolInfo> = {
  helm: { manager: 'helm', stamps: true, verb: 'helm upgrade' },
  argocd: { manager: 'argocd-controller', operation: 'Apply', stamps: true, verb: 'Argo CD sync' },
  // Forge, the home-grown manager (extra/homegrown.ts), applies server-side under its own name and
  // stamps its deploy id (FORGE_DEPLOY_ANNOTATION) beside the changed-by annotation.
  forge: { manager: 'forge', operation: 'Apply', stamps: true, verb: 'Forge deploy' },
  // The team's `deploy` wrapper renders manifests, stamps them and runs kubectl apply.
  'kubectl-apply': { manager: 'kubectl-client-side-apply', stamps: true, verb: 'kubectl apply' },
  // Hand edits bypass the wrapper: the annotation keeps naming whoever deployed before.
  'kubectl-edit': { manager: 'kubectl-edit', stamps: false, verb: 'kubectl edit' },
  'kubectl-scale': { manager: 'kubectl', subresource: 'scale', stamps: false, verb: 'kubectl scale' },
  'rancher-ui': { manager: 'rancher', stamps: false, verb: 'Rancher UI edit' },
};

/** The annotation the deploy tooling stamps. */
export const ACTOR_ANNOTATION = 'fleet.example.com/changed-by';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
/** The annotation Forge stamps with the id of the deploy that applied a workload. */
export const FORGE_DEPLOY_ANNOTATION = 'forge.example.com/deploy-id';

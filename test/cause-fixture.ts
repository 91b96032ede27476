/**
 * carol syncs `cart` in Argo CD, and the Argo CD controller changes the Deployment's image in
 * prod-eu-1: the two records as Tattler makes them (lib/diff.ts, from snapshots in the shapes the
 * sources give), for the store-level and component tests of cause across sources. prod-eu-1 is
 * seen through Rancher and as Argo CD's destination (its Rancher proxy URL): one cluster identity.
 */
import { diffJob } from '../lib/diff';
import type { Change, Cluster, JobSnapshot } from '../lib/model';
import { type Settings, validateSettings } from '../lib/settings';
import * as build from './builders';

export const NOW = Date.UTC(2025, 2, 3, 9, 30, 0);
const MIN = 60_000;
const RANCHER = 'https://rancher.example';
const ARGOCD = 'https://argocd.example';

const parsed = validateSettings({
  version: 1,
  sources: [
    {
      id: 'rancher',
      name: 'Rancher',
      type: 'rancher',
      baseUrl: RANCHER,
      links: { user: `${RANCHER}/users/{user}/jobs` },
    },
    {
      id: 'cd',
      name: 'Argo CD',
      type: 'argocd',
      baseUrl: ARGOCD,
      links: { user: `${ARGOCD}/applications?user={user}` },
    },
  ],
});
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
export const SETTINGS = parsed.value as Settings;

export const RANCHER_EU: Cluster = build.cluster('rancher', 'c-m-eu', NOW, {
  name: 'prod-eu-1',
  apiBase: `${RANCHER}/k8s/clusters/c-m-eu`,
  lastOkPoll: NOW - MIN,
});
export const ARGO_EU: Cluster = build.cluster('cd', `${RANCHER}/k8s/clusters/c-m-eu`, NOW, {
  name: 'prod-eu-1',
  apiBase: ARGOCD,
  lastOkPoll: NOW - MIN,
});
export const CLUSTERS = [RANCHER_EU, ARGO_EU];

export const REVISION = '0b0f8f9a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f';
/** carol's sync ran 14:00:00 → 14:00:09, 10 minutes before NOW. */
const STARTED = NOW - 10 * MIN;
const FINISHED = STARTED + 9_000;
const APPLIED = STARTED + 4_000;

const DEPLOY_LINK = `${RANCHER}/dashboard/c/c-m-eu/explorer/apps.deployment/shop/cart`;
export const APP_LINK = `${ARGOCD}/applications/argocd/cart`;

/** The Deployment, managed by the Application `cart` (its tracking annotation), before and after. */
const deploymentBefore: JobSnapshot = build.job({ clusterId: RANCHER_EU.id, name: 'cart' }, NOW - 2 * MIN, {
  versionToken: '100',
  instance: 'uid-cart',
  fields: { 'containers[cart].image': 'shop/cart:2.0.1' },
  links: { argoApp: 'cart' },
  link: DEPLOY_LINK,
});
export const DEPLOYMENT: JobSnapshot = {
  ...deploymentBefore,
  versionToken: '101',
  fields: { 'containers[cart].image': 'shop/cart:2.1.0' },
  changedAt: APPLIED,
  changedBy: { name: 'argocd-controller', kind: 'client', via: 'managedFields' },
  observedAt: NOW - MIN,
};

/** The Application: carol's sync of revision 0b0f8f9 (history id 8 → 9). */
const appBefore: JobSnapshot = build.job(
  { clusterId: ARGO_EU.id, name: 'cart', kind: 'Application' },
  NOW - 2 * MIN,
  {
    versionToken: 'a1',
    version: 8,
    instance: 'uid-app',
    fields: { 'sync.revision': 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', 'sync.status': 'Synced' },
    sync: { app: 'cart', startedAt: STARTED - 60 * MIN, finishedAt: STARTED - 59 * MIN },
    link: APP_LINK,
  },
);
export const APPLICATION: JobSnapshot = {
  ...appBefore,
  versionToken: 'a2',
  version: 9,
  fields: { 'sync.revision': REVISION, 'sync.status': 'Synced' },
  changedAt: FINISHED,
  changedBy: { name: 'carol', kind: 'person', via: 'operationState.operation.initiatedBy' },
  sync: { app: 'cart', startedAt: STARTED, finishedAt: FINISHED, revision: REVISION },
  observedAt: NOW - MIN,
};

const window = { windowStart: STARTED - 30_000, windowEnd: NOW - MIN };

/** The Deployment's change (image, by argocd-controller) and the Application's (revision, by carol). */
export const DEPLOYMENT_CHANGE = diffJob(deploymentBefore, DEPLOYMENT, window)[0] as Change;
export const APPLICATION_CHANGE = diffJob(appBefore, APPLICATION, window)[0] as Change;

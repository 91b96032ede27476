/**
 * The Rancher console pages a person opens from Tattler: a cluster's workload list, one job, and
 * the jobs a user changed last. They show the ground truth the fleet keeps (who really made each
 * change, even a kubectl edit), which is what a person would find out by asking around.
 */
import type { SimCluster } from '../k8s/cluster';
import { imagesOf } from '../k8s/objects';
import type { Workload } from '../k8s/types';
import type { ChangeRecord } from '../scenario/operations';
import { ACTOR_ANNOTATION, personByName, TOOLS } from '../scenario/people';
import type { World } from '../scenario/world';
import { esc, layout, seg, when } from './html';

/** Rancher's resource types for the workload kinds. */
export const RANCHER_TYPES: Record<Workload['kind'], string> = {
  Deployment: 'apps.deployment',
  StatefulSet: 'apps.statefulset',
  DaemonSet: 'apps.daemonset',
  CronJob: 'batch.cronjob',
};

/** `apps.deployment`, `Deployment`, `deployments` … → the kind; undefined for anything else. */
export function kindFromType(type: string): Workload['kind'] | undefined {
  const t = type
    .toLowerCase()
    .replace(/^(apps|batch)\./, '')
    .replace(/s$/, '');
  return (Object.keys(RANCHER_TYPES) as Workload['kind'][]).find((k) => k.toLowerCase() === t);
}

export const jobPath = (clusterId: string, kind: Workload['kind'], namespace: string, name: string): string =>
  `/dashboard/c/${seg(clusterId)}/explorer/${RANCHER_TYPES[kind]}/${seg(namespace)}/${seg(name)}`;

export const userPath = (user: string): string => `/dashboard/users/${seg(user)}/jobs`;

const recordKey = (r: { clusterId: string; kind: string; namespace: string; name: string }) =>
  `${r.clusterId}|${r.kind}|${r.namespace}|${r.name}`;

/** The newest ground-truth change per job. */
export function lastChanges(world: World): Map<string, ChangeRecord> {
  const out = new Map<string, ChangeRecord>();
  for (const r of world.changes) {
    const prev = out.get(recordKey(r));
    if (!prev || r.at >= prev.at) out.set(recordKey(r), r);
  }
  return out;
}

function byLine(r: ChangeRecord | undefined): string {
  if (!r) return '<span class="muted">unknown</span>';
  return `<a href="${esc(userPath(r.by))}">${esc(r.by)}</a> <span class="muted">via ${esc(TOOLS[r.tool].verb)}</span>`;
}

function ready(obj: Workload): string {
  switch (obj.kind) {
    case 'Deployment':
    case 'StatefulSet': {
      const r = obj.status.readyReplicas ?? 0;
      return `<span class="${r < obj.spec.replicas ? 'bad' : 'ok'}">${r}/${obj.spec.replicas}</span>`;
    }
    case 'DaemonSet':
      return `${obj.status.numberReady}/${obj.status.desiredNumberScheduled}`;
    case 'CronJob':
      return obj.spec.suspend ? '<span class="muted">suspended</span>' : esc(obj.spec.schedule);
  }
}

export function loginPage(error?: string): string {
  return layout(
    'Log in',
    `<h1>Log in to Rancher</h1>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form class="login" method="post" action="/v3-public/localProviders/local?action=login">
  <input type="hidden" name="responseType" value="cookie">
  <label for="username">Username</label>
  <input id="username" name="username" autocomplete="username" required>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Log in</button>
</form>
<p class="muted">Demo credentials are printed by <code>npx tsx fleet/main.ts</code>.</p>`,
  );
}

export function homePage(world: World, user: string): string {
  const rows = world.clusters
    .map(
      (c) => `<tr>
  <td><a href="/dashboard/c/${esc(seg(c.id))}/explorer/apps.deployment">${esc(c.name)}</a></td>
  <td><code>${esc(c.id)}</code></td><td>${esc(c.info.env)}</td><td>${esc(c.info.region)}</td>
  <td class="${c.reachable() ? 'ok' : 'bad'}">${c.reachable() ? 'Active' : 'Unavailable'}</td>
  <td>${c.workloads().length}</td></tr>`,
    )
    .join('\n');
  return layout(
    'Clusters',
    `<h1>Clusters</h1>
<table><thead><tr><th>Name</th><th>ID</th><th>Env</th><th>Region</th><th>State</th><th>Workloads</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p><a href="${esc(userPath(user))}">Jobs I changed</a> · people: ${
      world.changes.length
        ? [...new Set(world.changes.map((r) => r.by))]
            .sort()
            .map((p) => `<a href="${esc(userPath(p))}">${esc(p)}</a>`)
            .join(', ')
        : ''
    }</p>`,
    { user },
  );
}

export function workloadListPage(
  world: World,
  cluster: SimCluster,
  kind: Workload['kind'] | undefined,
  user: string,
): string {
  const last = lastChanges(world);
  const items = cluster.workloads().filter((w) => !kind || w.kind === kind);
  const rows = items
    .map((w) => {
      const ns = w.metadata.namespace ?? '';
      const r = last.get(
        recordKey({ clusterId: cluster.id, kind: w.kind, namespace: ns, name: w.metadata.name }),
      );
      return `<tr>
  <td>${esc(ns)}</td>
  <td><a href="${esc(jobPath(cluster.id, w.kind, ns, w.metadata.name))}">${esc(w.metadata.name)}</a></td>
  <td>${esc(w.kind)}</td>
  <td>${imagesOf(w)
    .map((i) => `<code>${esc(i)}</code>`)
    .join('<br>')}</td>
  <td>${ready(w)}</td>
  <td>${byLine(r)}</td>
  <td>${r ? when(r.at) : ''}</td></tr>`;
    })
    .join('\n');
  const title = kind ? `${kind}s` : 'Workloads';
  const tabs = (Object.keys(RANCHER_TYPES) as Workload['kind'][])
    .map((k) =>
      k === kind
        ? `<strong>${esc(k)}s</strong>`
        : `<a href="/dashboard/c/${esc(seg(cluster.id))}/explorer/${RANCHER_TYPES[k]}">${esc(k)}s</a>`,
    )
    .join(' · ');
  return layout(
    `${title} · ${cluster.name}`,
    `<h1>${esc(title)} in ${esc(cluster.name)}</h1>
<p>${tabs}</p>
${cluster.reachable() ? '' : '<p class="bad" role="alert">Cluster agent is not connected: this list may be out of date.</p>'}
<table><thead><tr><th>Namespace</th><th>Name</th><th>Kind</th><th>Images</th><th>Ready</th><th>Last changed by</th><th>Last changed at</th></tr></thead>
<tbody>
${rows}
</tbody></table>`,
    {
      user,
      crumbs: [
        ['Clusters', '/dashboard/'],
        [cluster.name, undefined],
      ],
    },
  );
}

export function workloadPage(world: World, cluster: SimCluster, obj: Workload, user: string): string {
  const ns = obj.metadata.namespace ?? '';
  const history = world.changes
    .filter(
      (r) =>
        r.clusterId === cluster.id &&
        r.kind === obj.kind &&
        r.namespace === ns &&
        r.name === obj.metadata.name,
    )
    .sort((a, b) => b.at - a.at);
  const last = history[0];
  const replicas =
    obj.kind === 'Deployment' || obj.kind === 'StatefulSet'
      ? `${obj.status.readyReplicas ?? 0} ready of ${obj.spec.replicas}`
      : ready(obj);
  const rows = history
    .slice(0, 20)
    .map(
      (r) =>
        `<tr><td>${when(r.at)}</td><td>${byLine(r)}</td><td>${esc(r.type)}</td><td>${esc(r.summary)}</td><td><code>${esc(r.manager)}</code></td></tr>`,
    )
    .join('\n');
  const stamped = obj.metadata.annotations?.[ACTOR_ANNOTATION];
  return layout(
    `${obj.metadata.name} · ${cluster.name}`,
    `<h1>${esc(obj.kind)}: ${esc(obj.metadata.name)}</h1>
<dl>
  <dt>Cluster</dt><dd>${esc(cluster.name)} <span class="muted">(<code>${esc(cluster.id)}</code>)</span></dd>
  <dt>Namespace</dt><dd>${esc(ns)}</dd>
  <dt>Name</dt><dd>${esc(obj.metadata.name)}</dd>
  <dt>Images</dt><dd>${imagesOf(obj)
    .map((i) => `<code>${esc(i)}</code>`)
    .join('<br>')}</dd>
  <dt>Replicas</dt><dd>${replicas}</dd>
  <dt>Generation</dt><dd>${esc(obj.metadata.generation ?? '')} <span class="muted">(resourceVersion ${esc(obj.metadata.resourceVersion)})</span></dd>
  <dt>Last changed by</dt><dd class="last-changed-by">${byLine(last)}</dd>
  <dt>Last changed at</dt><dd class="last-changed-at">${last ? when(last.at) : ''}</dd>
  <dt><code>${esc(ACTOR_ANNOTATION)}</code></dt><dd>${stamped ? esc(stamped) : '<span class="muted">not set</span>'}</dd>
</dl>
<h2>Changes</h2>
<table><thead><tr><th>When</th><th>Who</th><th>Type</th><th>What</th><th>Field manager</th></tr></thead>
<tbody>
${rows}
</tbody></table>`,
    {
      user,
      crumbs: [
        ['Clusters', '/dashboard/'],
        [cluster.name, `/dashboard/c/${seg(cluster.id)}/explorer/${RANCHER_TYPES[obj.kind]}`],
        [ns, undefined],
        [obj.metadata.name, undefined],
      ],
    },
  );
}

/** The jobs whose latest change was this user's, newest first. */
export function jobsChangedBy(world: World, person: string): ChangeRecord[] {
  const listed = new Set(world.clusters.map((c) => c.id));
  return [...lastChanges(world).values()]
    .filter((r) => r.by === person && listed.has(r.clusterId))
    .sort((a, b) => b.at - a.at);
}

export function userJobsPage(world: World, person: string, user: string): string {
  const records = jobsChangedBy(world, person);
  const who = personByName(person);
  const rows = records
    .map((r) => {
      const live = r.type !== 'deleted';
      const name = live
        ? `<a href="${esc(jobPath(r.clusterId, r.kind, r.namespace, r.name))}">${esc(r.name)}</a>`
        : `${esc(r.name)} <span class="muted">(deleted)</span>`;
      return `<tr><td>${esc(r.cluster)}</td><td>${esc(r.namespace)}</td><td>${name}</td><td>${esc(r.kind)}</td><td>${when(r.at)}</td><td>${esc(r.summary)}</td><td>${esc(TOOLS[r.tool].verb)}</td></tr>`;
    })
    .join('\n');
  return layout(
    `Jobs last changed by ${person}`,
    `<h1>Jobs last changed by ${esc(person)}</h1>
${who ? `<p class="muted">${esc(who.displayName)} · ${esc(who.role)}</p>` : ''}
${records.length ? '' : '<p>No job in the fleet was last changed by this user.</p>'}
<table><thead><tr><th>Cluster</th><th>Namespace</th><th>Name</th><th>Kind</th><th>When</th><th>What</th><th>How</th></tr></thead>
<tbody>
${rows}
</tbody></table>`,
    {
      user,
      crumbs: [
        ['Clusters', '/dashboard/'],
        ['Users', undefined],
        [person, undefined],
      ],
    },
  );
}

export function messagePage(title: string, message: string, user?: string): string {
  return layout(
    title,
    `<h1>${esc(title)}</h1><p>${esc(message)}</p><p><a href="/dashboard/">Back to clusters</a></p>`,
    user ? { user } : {},
  );
}

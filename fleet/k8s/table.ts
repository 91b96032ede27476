/**
 * Server-side printing: the `Table` the API server returns when a client (kubectl) asks for
 * `application/json;as=Table;v=v1;g=meta.k8s.io`. Columns follow the API server's printers for
 * each kind; each row carries the object's metadata (includeObject=Metadata, the default) so
 * kubectl can add the NAMESPACE column for `-A`.
 */
import { shortAge } from './time';
import type { KObject, ResourceInfo } from './types';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format: string;
  description: string;
  priority: number;
}

const col = (name: string, type: Column['type'] = 'string', priority = 0, format = ''): Column => ({
  name,
  type,
  format,
  description: `${name} of the object`,
  priority,
});

const NAME = col('Name', 'string', 0, 'name');
const AGE = col('Age');
const CONTAINERS = col('Containers', 'string', 1);
const IMAGES = col('Images', 'string', 1);
const SELECTOR = col('Selector', 'string', 1);

const COLUMNS: Record<KObject['kind'], Column[]> = {
  Deployment: [
    NAME,
    col('Ready'),
    col('Up-to-date', 'integer'),
    col('Available', 'integer'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  ReplicaSet: [
    NAME,
    col('Desired', 'integer'),
    col('Current', 'integer'),
    col('Ready', 'integer'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  StatefulSet: [NAME, col('Ready'), AGE, CONTAINERS, IMAGES],
  DaemonSet: [
    NAME,
    col('Desired', 'integer'),
    col('Current', 'integer'),
    col('Ready', 'integer'),
    col('Up-to-date', 'integer'),
    col('Available', 'integer'),
    col('Node Selector'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  CronJob: [
    NAME,
    col('Schedule'),
    col('Timezone'),
    col('Suspend'),
    col('Active', 'integer'),
    col('Last Schedule'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  Namespace: [NAME, col('Status'), AGE],
  ControllerRevision: [NAME, col('Controller'), col('Revision', 'integer'), AGE],
};

const selectorText = (m: Record<string, string>): string =>
  Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

function cells(obj: KObject, now: number): (string | number)[] {
  const age = shortAge(Date.parse(obj.metadata.creationTimestamp), now);
  const name = obj.metadata.name;
  switch (obj.kind) {
    case 'Deployment': {
      const c = obj.spec.template.spec.containers;
      return [
        name,
        `${obj.status.readyReplicas ?? 0}/${obj.spec.replicas}`,
        obj.status.updatedReplicas ?? 0,
        obj.status.availableReplicas ?? 0,
        age,
        c.map((x) => x.name).join(','),
        c.map((x) => x.image).join(','),
        selectorText(obj.spec.selector.matchLabels),
      ];
    }
    case 'ReplicaSet': {
      const c = obj.spec.template.spec.containers;
      return [
        name,
        obj.spec.replicas,
        obj.status.replicas,
        obj.status.readyReplicas ?? 0,
        age,
        c.map((x) => x.name).join(','),
        c.map((x) => x.image).join(','),
        selectorText(obj.spec.selector.matchLabels),
      ];
    }
    case 'StatefulSet': {
      const c = obj.spec.template.spec.containers;
      return [
        name,
        `${obj.status.readyReplicas ?? 0}/${obj.spec.replicas}`,
        age,
        c.map((x) => x.name).join(','),
        c.map((x) => x.image).join(','),
      ];
    }
    case 'DaemonSet': {
      const c = obj.spec.template.spec.containers;
      const s = obj.status;
      return [
        name,
        s.desiredNumberScheduled,
        s.currentNumberScheduled,
        s.numberReady,
        s.updatedNumberScheduled ?? 0,
        s.numberAvailable ?? 0,
        '<none>',
        age,
        c.map((x) => x.name).join(','),
        c.map((x) => x.image).join(','),
        selectorText(obj.spec.selector.matchLabels),
      ];
    }
    case 'CronJob': {
      const c = obj.spec.jobTemplate.spec.template.spec.containers;
      const last = obj.status.lastScheduleTime
        ? shortAge(Date.parse(obj.status.lastScheduleTime), now)
        : '<none>';
      return [
        name,
        obj.spec.schedule,
        obj.spec.timeZone ?? '<none>',
        String(obj.spec.suspend),
        obj.status.active?.length ?? 0,
        last,
        age,
        c.map((x) => x.name).join(','),
        c.map((x) => x.image).join(','),
        '<none>',
      ];
    }
    case 'Namespace':
      return [name, obj.status.phase, age];
    case 'ControllerRevision': {
      // The printer names the controller as `<kind>.<group>/<name>`.
      const owner = obj.metadata.ownerReferences?.find((r) => r.controller);
      const controller = owner ? `${owner.kind.toLowerCase()}.apps/${owner.name}` : '<none>';
      return [name, controller, obj.revision, age];
    }
  }
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function toTable(
  objects: KObject[],
  info: ResourceInfo,
  listMeta: Record<string, string | number>,
  options: { includeObject: IncludeObject; version: 'v1' | 'v1beta1'; now: number },
): unknown {
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.version}`,
    metadata: listMeta,
    columnDefinitions: COLUMNS[info.kind],
    rows: objects.map((obj) => {
      const row: Record<string, unknown> = { cells: cells(obj, options.now) };
      if (options.includeObject === 'Metadata') {
        row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
      } else if (options.includeObject === 'Object') {
        row.object = obj;
      }
      return row;
    }),
  };
}

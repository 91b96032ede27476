/**
 * The source types the form offers: exactly lib/settings.ts SOURCE_TYPES, each with the words
 * and fields that fit it. A type the schema gains before this table does still gets a form (the
 * fields every source has), so the form never offers less than the schema accepts.
 */
import type { FunctionComponent } from 'preact';
import { SOURCE_TYPES, type SourceTypeName } from '../../../lib/settings';
import { ArgoCdFields } from './ArgoCdFields';
import { GenericFields } from './GenericFields';
import { KubernetesFields } from './KubernetesFields';
import { NomadFields } from './NomadFields';
import type { TypeFieldsProps } from './shared';

export interface TypeSpec {
  label: string;
  /** One sentence under the type select. */
  summary: string;
  baseUrl?: { label: string; placeholder: string; required: boolean; help: string };
  /** Label of the discovery switch; absent when the type cannot discover. */
  discovery?: string;
  clusters: { legend: string; help: string; required: boolean; apiPlaceholder: string };
  labelSelector: boolean;
  /** Link templates that fit this type's consoles (placeholders in the form's preview). */
  jobLinkExample: string;
  /** The type takes a token (kept apart from settings, lib/secrets.ts), typed in its fields. */
  token?: boolean;
  /** Settings paths (under the source) the type-specific fields edit; errors naming them sit there. */
  fieldKeys: readonly string[];
  Fields?: FunctionComponent<TypeFieldsProps>;
}

const KUBE_KEYS = ['kinds', 'actorAnnotation'];

const SPECS: Partial<Record<SourceTypeName, TypeSpec>> = {
  rancher: {
    label: 'Rancher',
    summary:
      "Finds clusters in Rancher's cluster list and reads each through Rancher's /k8s/clusters/<id> proxy.",
    baseUrl: {
      label: 'Rancher URL',
      placeholder: 'https://rancher.example.com',
      required: true,
      help: 'The address you open Rancher at. Tattler reads with your Rancher session (log in there as usual).',
    },
    discovery: "Find clusters in Rancher's cluster list",
    clusters: {
      legend: 'Extra clusters (optional)',
      help: 'Clusters to watch besides the ones Rancher lists.',
      required: false,
      apiPlaceholder: 'https://rancher.example.com/k8s/clusters/c-m-abc12',
    },
    labelSelector: true,
    jobLinkExample: '{base}/dashboard/c/{cluster}/explorer/apps.deployment/{namespace}/{name}',
    fieldKeys: KUBE_KEYS,
    Fields: KubernetesFields,
  },
  kubernetes: {
    label: 'Kubernetes API (listed by hand)',
    summary:
      'Reads Kubernetes APIs you list: a direct API server, a Rancher proxy URL, or an OpenShift console …/api/kubernetes.',
    clusters: {
      legend: 'Clusters',
      help: 'At least one. The API base is the URL that /apis/apps/v1/… is appended to.',
      required: true,
      apiPlaceholder: 'https://console.example.com/api/kubernetes',
    },
    labelSelector: true,
    jobLinkExample: 'https://console.example.com/k8s/ns/{namespace}/deployments/{name}',
    fieldKeys: KUBE_KEYS,
    Fields: KubernetesFields,
  },
  argocd: {
    label: 'Argo CD',
    summary: 'Watches Argo CD applications; who synced comes from each operation, when from the history.',
    baseUrl: {
      label: 'Argo CD URL',
      placeholder: 'https://argocd.example.com',
      required: true,
      help: 'The address you open Argo CD at; Tattler reads with your Argo CD session.',
    },
    discovery: "List clusters from Argo CD's cluster list",
    clusters: {
      legend: 'Extra clusters (optional)',
      help: 'Destinations to watch besides the ones Argo CD lists (id = the destination server URL).',
      required: false,
      apiPlaceholder: 'https://argocd.example.com',
    },
    labelSelector: true,
    jobLinkExample: '{base}/applications/{namespace}/{name}',
    fieldKeys: ['argocd.projects'],
    Fields: ArgoCdFields,
  },
  nomad: {
    label: 'Nomad',
    summary: 'Watches Nomad jobs in every region; who submitted is the token accessor Nomad records.',
    baseUrl: {
      label: 'Nomad URL',
      placeholder: 'https://nomad.example.com:4646',
      required: false,
      help: 'The Nomad HTTP API (also serves its UI). Needed unless you list regions by hand below.',
    },
    discovery: 'Find regions (GET /v1/regions)',
    clusters: {
      legend: 'Regions listed by hand (optional)',
      help: 'Id = the region name; API base = the Nomad address serving it.',
      required: false,
      apiPlaceholder: 'https://nomad.example.com:4646',
    },
    labelSelector: false,
    jobLinkExample: '{base}/ui/jobs/{name}@{namespace}',
    token: true,
    fieldKeys: ['nomad.filter', 'nomad.versionsWithinHours', 'nomad.includeChildJobs', 'token'],
    Fields: NomadFields,
  },
  generic: {
    label: 'Home-grown cluster manager (JSON mapping)',
    summary: 'Reads any JSON API that lists clusters and jobs, through a mapping you write.',
    baseUrl: {
      label: 'Base URL',
      placeholder: 'https://clusters.example.com',
      required: false,
      help: 'Relative URLs in the mapping resolve against it; needed when the mapping lists clusters.',
    },
    discovery: "Find clusters with the mapping's cluster list",
    clusters: {
      legend: 'Clusters listed by hand (optional)',
      help: 'Needed when the mapping has no cluster list.',
      required: false,
      apiPlaceholder: 'https://clusters.example.com/api/clusters/edge-1',
    },
    labelSelector: false,
    jobLinkExample: '{base}/clusters/{cluster}/jobs/{name}',
    fieldKeys: ['generic'],
    Fields: GenericFields,
  },
};

export function typeSpec(type: SourceTypeName): TypeSpec {
  return (
    SPECS[type] ?? {
      label: type,
      summary: '',
      baseUrl: { label: 'Base URL', placeholder: 'https://…', required: false, help: '' },
      discovery: 'Find clusters through this source',
      clusters: { legend: 'Clusters listed by hand', help: '', required: false, apiPlaceholder: 'https://…' },
      labelSelector: true,
      jobLinkExample: '',
      fieldKeys: [],
    }
  );
}

/** The types the form offers, in the schema's order with the most common first. */
export const FORM_TYPES: readonly SourceTypeName[] = [
  ...SOURCE_TYPES.filter((t) => t === 'rancher'),
  ...SOURCE_TYPES.filter((t) => t !== 'rancher'),
];

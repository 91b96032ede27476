/** How the options page's source form presents Rancher. */
import type { SourceFormSpec } from '../form-spec';

export const rancherForm: SourceFormSpec = {
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
  fieldKeys: ['kinds', 'actorAnnotation', 'deployIdAnnotation'],
};

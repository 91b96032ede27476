/** How the options page's source form presents Argo CD. */
import type { SourceFormSpec } from '../form-spec';

export const argocdForm: SourceFormSpec = {
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
};

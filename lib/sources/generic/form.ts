/** How the options page's source form presents a home-grown cluster manager. */
import type { SourceFormSpec } from '../form-spec';

export const genericForm: SourceFormSpec = {
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
  fieldKeys: ['generic', 'apiOrigins'],
};

/** How the options page's source form presents Nomad. */
import type { SourceFormSpec } from '../form-spec';

export const nomadForm: SourceFormSpec = {
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
};

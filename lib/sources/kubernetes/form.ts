/** How the options page's source form presents Kubernetes APIs listed by hand. */
import type { SourceFormSpec } from '../form-spec';

export const kubernetesForm: SourceFormSpec = {
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
  fieldKeys: ['kinds', 'actorAnnotation', 'deployIdAnnotation'],
};

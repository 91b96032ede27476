import { describe, expect, it } from 'vitest';
import { originPatternsFor } from '../lib/permissions';
import { validateSettings } from '../lib/settings';

describe('originPatternsFor', () => {
  it('asks for exactly the configured origins, one pattern each', () => {
    const r = validateSettings({
      version: 1,
      sources: [
        { id: 'r', name: 'R', type: 'rancher', baseUrl: 'https://rancher.example.com:8443/' },
        {
          id: 'k',
          name: 'K',
          type: 'kubernetes',
          clusters: [
            { id: 'a', apiBase: 'https://api.a.example.com:6443' },
            { id: 'b', apiBase: 'https://console.b.example.com/api/kubernetes' },
          ],
        },
        { id: 'off', name: 'Off', type: 'rancher', baseUrl: 'https://off.example.com', enabled: false },
      ],
      pages: {
        alertmanager: { origins: ['https://am.example.com'] },
        grafana: { enabled: false, origins: ['https://g.example.com'] },
      },
    });
    if (!r.ok) throw new Error(r.errors.join('; '));
    expect(originPatternsFor(r.value).sort()).toEqual([
      'https://am.example.com/*',
      'https://api.a.example.com/*',
      'https://console.b.example.com/*',
      'https://rancher.example.com/*',
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSettings, type Fleet, startFleet } from '../../fleet/index';
import { fillTemplate } from '../../lib/links';
import { validateSettings } from '../../lib/settings';
import { call, clusterId, login } from './test-helpers';

let fleet: Fleet;
let cookie: string;

beforeAll(async () => {
  fleet = await startFleet({ seed: 12, autoRun: false });
  cookie = await login(fleet);
  fleet.control.apply('rollout', 'prod-eu-2');
  fleet.control.apply('kubectl-edit', 'prod-eu-2');
  fleet.control.settle();
});
afterAll(() => fleet.stop());

const page = async (path: string) => {
  const res = await call(fleet, path, { cookie, accept: 'text/html' });
  return {
    status: res.status,
    location: res.headers.get('location'),
    html: await res.text(),
    type: res.headers.get('content-type'),
  };
};
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('console pages', () => {
  it('the job page shows cluster, namespace, name, images, replicas and who changed it last, when', async () => {
    const id = clusterId(fleet, 'prod-eu-2');
    const { status, html, type } = await page(`/dashboard/c/${id}/explorer/apps.deployment/shop/checkout`);
    expect(status).toBe(200);
    expect(type).toContain('text/html');
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toContain('prefers-color-scheme: dark');
    const t = text(html);
    expect(t).toContain('Cluster prod-eu-2');
    expect(t).toContain('Namespace shop');
    expect(t).toContain('Name checkout');
    expect(t).toContain('registry.example.com/shop/checkout:1.4.2');
    expect(t).toContain('4 ready of 4');
    expect(t).toMatch(/Last changed by bob via helm upgrade/);
    expect(html).toMatch(/class="last-changed-at"><time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">/);
    expect(html).toContain('href="/dashboard/users/bob/jobs"');
  });

  it('shows the real author of a kubectl edit, which the annotation does not know', async () => {
    const id = clusterId(fleet, 'prod-eu-2');
    const { html } = await page(`/dashboard/c/${id}/explorer/apps.deployment/shop/pricing`);
    expect(text(html)).toMatch(/Last changed by dave via kubectl edit/);
  });

  it('serves StatefulSet, DaemonSet and CronJob pages too', async () => {
    const id = clusterId(fleet, 'prod-eu-2');
    for (const path of [
      'apps.statefulset/shop/session-store',
      'apps.daemonset/platform/log-shipper',
      'batch.cronjob/shop/cache-warmer',
    ]) {
      const { status, html } = await page(`/dashboard/c/${id}/explorer/${path}`);
      expect(status, path).toBe(200);
      expect(text(html)).toContain(`Name ${path.split('/')[2]}`);
    }
  });

  it('the workload list has one row per job of that kind', async () => {
    const id = clusterId(fleet, 'prod-eu-2');
    const { status, html } = await page(`/dashboard/c/${id}/explorer/apps.deployment`);
    expect(status).toBe(200);
    const rows = html.match(/<tr>\s*<td>/g) ?? [];
    const api = await call(fleet, `/k8s/clusters/${id}/apis/apps/v1/deployments`, { token: fleet.apiToken });
    const count = ((await api.json()) as { items: unknown[] }).items.length;
    expect(rows.length).toBe(count);
    expect(html).toContain(`href="/dashboard/c/${id}/explorer/apps.deployment/shop/checkout"`);
  });

  it('the user page lists the jobs that user changed last', async () => {
    const { status, html } = await page('/dashboard/users/bob/jobs');
    expect(status).toBe(200);
    const t = text(html);
    expect(t).toContain('Jobs last changed by bob');
    expect(t).toMatch(/prod-eu-2 shop checkout Deployment/);
    const dave = text((await page('/dashboard/users/dave/jobs')).html);
    expect(dave).toMatch(/prod-eu-2 shop pricing Deployment/);
    expect(dave).not.toMatch(/prod-eu-2 shop checkout/);
  });

  it('links built from Tattler’s values redirect to the canonical Rancher page', async () => {
    const id = clusterId(fleet, 'prod-eu-2');
    for (const path of [
      `/dashboard/c/${id}/explorer/Deployment/shop/checkout`,
      `/dashboard/c/prod-eu-2/explorer/apps.deployment/shop/checkout`,
      `/dashboard/c/demo%2F${id}/explorer/deployment/shop/checkout`,
    ]) {
      const { status, location } = await page(path);
      expect(status, path).toBe(302);
      expect(location).toBe(`/dashboard/c/${id}/explorer/apps.deployment/shop/checkout`);
    }
  });

  it('escapes what it echoes and 404s what does not exist', async () => {
    const user = await page(`/dashboard/users/${encodeURIComponent('<script>x</script>')}/jobs`);
    expect(user.status).toBe(200);
    expect(user.html).not.toContain('<script>x</script>');
    expect(user.html).toContain('&lt;script&gt;x&lt;/script&gt;');
    const id = clusterId(fleet, 'prod-eu-2');
    const missing = await page(
      `/dashboard/c/${id}/explorer/apps.deployment/shop/${encodeURIComponent('"><b>')}`,
    );
    expect(missing.status).toBe(404);
    expect(missing.html).not.toContain('"><b>');
    expect((await page('/dashboard/c/c-m-nothere/explorer/apps.deployment')).status).toBe(404);
  });
});

describe('demoSettings', () => {
  it('is accepted by validateSettings', () => {
    const parsed = validateSettings(demoSettings(fleet));
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const source = parsed.value.sources[0];
    expect(source).toMatchObject({
      id: 'demo',
      name: 'Demo fleet (Rancher)',
      type: 'rancher',
      baseUrl: fleet.url,
      owner: { labelSelector: 'app.kubernetes.io/part-of=shop' },
      actorAnnotation: 'fleet.example.com/changed-by',
    });
    expect(parsed.value.pollIntervalSec).toBe(30);
  });

  it('its link templates, filled the way Tattler fills them, open the job and user pages', async () => {
    const links = demoSettings(fleet).sources?.[0]?.links ?? {};
    const id = clusterId(fleet, 'prod-eu-2');
    const job = fillTemplate(links.job ?? '', {
      cluster: id,
      clusterName: 'prod-eu-2',
      namespace: 'shop',
      name: 'checkout',
      kind: 'Deployment',
    });
    const user = fillTemplate(links.user ?? '', { user: 'bob' });
    expect(job).toBeDefined();
    const jobRes = await fetch(job ?? '', { headers: { Cookie: cookie } });
    expect(jobRes.status).toBe(200);
    expect(jobRes.url).toBe(`${fleet.url}/dashboard/c/${id}/explorer/apps.deployment/shop/checkout`);
    expect(text(await jobRes.text())).toContain('Name checkout');
    const userRes = await fetch(user ?? '', { headers: { Cookie: cookie } });
    expect(userRes.status).toBe(200);
    expect(text(await userRes.text())).toContain('Jobs last changed by bob');
  });
});

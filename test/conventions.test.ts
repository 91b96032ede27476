/**
 * The project's conventions, checked the way refined-github checks its features: every source
 * type and every page integration has all of its parts, so adding one is a checklist the suite
 * holds, not something to remember.
 *
 * A source type: a folder lib/sources/<type>/ with adapter.ts (in registry.ts), settings.ts and
 * form.ts (in catalog.ts), normalize.ts unless it polls with another type's adapter (Rancher
 * polls Kubernetes APIs), saved fixtures with a README saying where their shape comes from, an
 * imitation in the demo fleet, and a row in the README's table of source types.
 *
 * A page integration: one file lib/pages/<id>.ts in the registry, saved pages under
 * test/fixtures/pages/<id>/, a demo-fleet page or the reason there is none, and a row in the
 * README's table of page integrations.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_TYPES, type SourceType } from '../lib/model';
import { INTEGRATIONS } from '../lib/pages/registry';
import { SOURCE_CATALOG } from '../lib/sources/catalog';
import { ADAPTERS } from '../lib/sources/registry';

const ROOT = resolve(import.meta.dirname, '..');
const exists = (path: string) => existsSync(join(ROOT, path));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The ids (first cells, in backticks) of the table rows under a README heading. */
function rowsUnder(heading: string): string[] {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) return [];
  const rest = README.slice(start + heading.length + 2);
  const end = rest.search(/\n#{1,6} /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^\| `([^`]+)` +\|/gm)].map((m) => m[1] as string);
}
const SOURCE_ROWS = rowsUnder('### Source types');
const PAGE_ROWS = rowsUnder('### Page integrations');

/** Where the demo fleet imitates each source type's API. A new type must say where. */
const SOURCE_FLEET: Record<SourceType, string> = {
  kubernetes: 'fleet/k8s',
  rancher: 'fleet/rancher',
  argocd: 'fleet/extra/argocd.ts',
  nomad: 'fleet/extra/nomad.ts',
  generic: 'fleet/extra/homegrown.ts',
};

/** Where the demo fleet serves a page each integration reads — or why it does not. */
const PAGE_FLEET: Record<string, string | { none: string }> = {
  alertmanager: 'fleet/alertmanager',
  prometheus: 'fleet/prometheus',
  rancher: 'fleet/console',
  grafana: { none: "Grafana's alerting UI is a React app; its saved pages are the fixtures" },
  pagerduty: { none: 'a SaaS incident page; saved pages only' },
  openshift: { none: "OpenShift's console is a React app; saved pages only" },
  argocd: { none: "the fleet's Argo CD serves only the UI's shell, not the rendered app" },
  nomad: { none: "the fleet's Nomad serves only the UI's shell, not the rendered app" },
  text: { none: 'any page: the saved runbook stands for them' },
};

describe('source types', () => {
  it('are listed the same everywhere: the model, the catalog and the adapters', () => {
    expect(Object.keys(SOURCE_CATALOG).sort()).toEqual([...SOURCE_TYPES].sort());
    expect(Object.keys(ADAPTERS).sort()).toEqual([...SOURCE_TYPES].sort());
  });

  it('have no folder in lib/sources/ that is not a type', () => {
    const folders = readdirSync(join(ROOT, 'lib/sources'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.sort()).toEqual([...SOURCE_TYPES].sort());
  });

  for (const type of SOURCE_TYPES) {
    it(`${type}: adapter, settings, form, normalize, fixtures, demo fleet, README row`, () => {
      const dir = `lib/sources/${type}`;
      for (const part of ['adapter.ts', 'settings.ts', 'form.ts'])
        expect(exists(`${dir}/${part}`), part).toBe(true);
      const pollsWithAnother = SOURCE_TYPES.some(
        (t) => t !== type && ADAPTERS[t].poll === ADAPTERS[type].poll,
      );
      expect(exists(`${dir}/normalize.ts`) || pollsWithAnother, 'normalize.ts').toBe(true);
      expect(exists(`test/fixtures/${type}/README.md`), 'fixtures README').toBe(true);
      expect(exists(SOURCE_FLEET[type]), SOURCE_FLEET[type]).toBe(true);
      expect(SOURCE_ROWS, 'README row').toContain(type);
    });
  }
});

describe('page integrations', () => {
  it('each have a say in the demo-fleet table, and nothing else does', () => {
    expect(Object.keys(PAGE_FLEET).sort()).toEqual(INTEGRATIONS.map((i) => i.id).sort());
  });

  for (const integration of INTEGRATIONS) {
    it(`${integration.id}: one file, saved pages, demo fleet, README row`, () => {
      expect(exists(`lib/pages/${integration.id}.ts`), 'file').toBe(true);
      const pages = join(ROOT, 'test/fixtures/pages', integration.id);
      expect(existsSync(pages) && readdirSync(pages).some((f) => f.endsWith('.html')), 'saved pages').toBe(
        true,
      );
      const fleet = PAGE_FLEET[integration.id];
      if (typeof fleet === 'string') expect(exists(fleet), fleet).toBe(true);
      else expect(fleet?.none, 'why the fleet has none').toBeTruthy();
      expect(PAGE_ROWS, 'README row').toContain(integration.id);
    });
  }
});

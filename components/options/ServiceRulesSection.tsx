/**
 * Service rules: jobs the automatic rules do not make one service (or make one wrongly) joined or
 * split by hand (settings `serviceRules`; lib/identity/services.ts). Each rule is a service name
 * and the jobs it claims, one per line.
 */
import type { Settings } from '../../lib/settings';
import { NamedMatchSection, type NamedMatchWords } from './NamedMatchSection';
import type { Commit } from './store';

const WORDS: NamedMatchWords = {
  title: 'Service rules',
  one: 'rule',
  many: 'rules',
  matchLabel: 'Jobs',
  namePlaceholder: 'cart',
  matchPlaceholder: 'Deployment:shop/cart\ncart-worker\ncart-*',
  matchHelp:
    'One per line: a row key (kind:namespace/name), a job name, or either with * and ? as wildcards.',
  help: (
    <>
      Tattler shows one row for a service that runs as several jobs: the workloads an Argo CD application
      manages are in its service, then a workload's <code>app.kubernetes.io/part-of</code> or{' '}
      <code>app.kubernetes.io/name</code> label names it, and otherwise jobs of the same name (a Deployment, a
      Nomad job, a home-grown job) are one service. A rule comes first: the jobs it lists are its service and
      join no other, so a rule also splits a name match. The first rule that lists a job wins.
    </>
  ),
};

export function ServiceRulesSection({ settings, commit }: { settings: Settings; commit: Commit }) {
  return <NamedMatchSection settings={settings} commit={commit} field="serviceRules" words={WORDS} />;
}

/**
 * Cluster aliases: clusters the automatic rules do not join (or join wrongly) made one place by
 * hand (settings `clusterAliases`; lib/identity/clusters.ts). Each alias is a name and the
 * clusters it covers, one per line.
 */
import type { Settings } from '../../lib/settings';
import { NamedMatchSection, type NamedMatchWords } from './NamedMatchSection';
import type { Commit } from './store';

const WORDS: NamedMatchWords = {
  title: 'Cluster aliases',
  one: 'alias',
  many: 'aliases',
  matchLabel: 'Clusters',
  namePlaceholder: 'prod-eu-1',
  matchPlaceholder: 'prod-eu-1\nhttps://10.20.0.1:6443\nnomad/eu-west',
  matchHelp: "One per line: a cluster's name, its API address, or source id/cluster id.",
  help: (
    <>
      Tattler shows one column for a cluster that several sources see: an Argo CD destination whose server is
      a Rancher cluster's URL (<code>https://rancher…/k8s/clusters/c-m-…</code>) or a static cluster's API,
      and a registry's cluster of the same name. An alias joins clusters these rules cannot, under one name; a
      cluster an alias lists is joined to no other by its name alone.
    </>
  ),
};

export function ClusterAliasesSection({ settings, commit }: { settings: Settings; commit: Commit }) {
  return <NamedMatchSection settings={settings} commit={commit} field="clusterAliases" words={WORDS} />;
}

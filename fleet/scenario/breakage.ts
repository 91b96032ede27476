/**
 * Which pod templates crash. The scenario's bad changes (a broken image, a typo in a URL) are
 * recognisable from the template alone, so a rollback heals the job without extra bookkeeping.
 */
import type { PodTemplate } from '../k8s/types';

export const BAD_IMAGES = new Set(['registry.example.com/shop/cart:2.0.0']);
/** The misspelt Elasticsearch host carol's burst introduces. */
export const BAD_ES_URL = 'http://elasticsaerch:9200';

export function isBroken(template: PodTemplate): boolean {
  return template.spec.containers.some(
    (c) => BAD_IMAGES.has(c.image) || (c.env ?? []).some((e) => e.value === BAD_ES_URL),
  );
}

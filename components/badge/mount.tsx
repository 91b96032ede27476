/**
 * Mounts a badge into its host element: a closed shadow root holding the stylesheet and the
 * Preact tree. The page cannot style it, and it styles nothing of the page.
 */
import { render } from 'preact';
import type { BadgeData, BadgeHandle } from '../../lib/pages/types';
import { Badge } from './Badge';
import { adoptStyles, BADGE_CSS } from './styles';

const roots = new WeakMap<Element, ShadowRoot>();

/** The shadow root of a badge host (closed to the page; tests and the runtime use this). */
export const badgeRoot = (host: Element): ShadowRoot | undefined => roots.get(host);

export function mountBadge(host: HTMLElement, data: BadgeData): BadgeHandle {
  const root = host.attachShadow({ mode: 'closed' });
  roots.set(host, root);
  adoptStyles(root, BADGE_CSS);
  const container = host.ownerDocument.createElement('span');
  root.append(container);
  render(<Badge data={data} />, container);
  return {
    update(next) {
      render(<Badge data={next} />, container);
    },
    destroy() {
      render(null, container);
      roots.delete(host);
    },
  };
}

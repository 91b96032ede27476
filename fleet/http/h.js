// Shared by the fleet's page scripts (inlined before each): builds an element with attributes and
// children, strings becoming text nodes, never markup: remote data only ever reaches a page as text.
// biome-ignore lint/correctness/noUnusedVariables: used by the page scripts inlined after it
function h(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const child of children || []) {
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

// The alert list's client script, inlined into the page the fleet's Alertmanager serves. It
// renders what Alertmanager 0.34's classic Elm UI renders (ui/app/src/Views/AlertList/Views.elm,
// AlertView.elm, Views/Shared/Alert.elm), and behaves as it does, inconvenient parts included:
//
//   - it asks the API next to the page (`<path>/api/v2/alerts/groups`, also under a route prefix)
//     for the groups the server made (route, receiver, group labels, route labels);
//   - with two or more groups every group starts collapsed and holds no alert in the DOM; a single
//     group is always shown expanded, without the `pl-5` wrapper;
//   - "Expand all groups" is remembered in localStorage (`groupExpandAll`), as upstream's main.js
//     does; expanding or collapsing one group forgets it;
//   - the expand button carries no aria-expanded (no version has one): only its icon changes;
//   - each alert has Info (annotations table inside the item) / Source / Silence / Link;
//   - the start time is ISO 8601 in UTC (Iso8601.fromTime), with no title.
//
// Like Elm's virtual DOM it patches nodes in place (an icon's class, a button's text, one list
// added or removed) rather than rebuilding the page. Data only ever reaches the page as text.
/* global h: fleet/http/h.js, inlined before this script */
(() => {
  const root = document.getElementById('alert-list');
  if (!root) return;

  const STORAGE_KEY = 'groupExpandAll';
  function readExpandAll() {
    try {
      return JSON.parse(localStorage.getItem(STORAGE_KEY)) === true;
    } catch {
      return false;
    }
  }
  function persistExpandAll(value) {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
    } catch {}
  }

  // Api.makeApiUrl(url.path): the page's path without its trailing slash, then /api/v2.
  const apiUrl = `${location.pathname.replace(/\/$/, '')}/api/v2`;
  const SELECTABLE = 'user-select: initial; -moz-user-select: initial; -webkit-user-select: initial;';
  const labelText = (key, value) => `${key}="${value}"`;
  const sortedPairs = (labels) =>
    Object.entries(labels || {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Utils.Filter.stringifyFilter, percent-encoded as the UI's links carry it.
  const filterOf = (labels) =>
    encodeURIComponent(
      `{${sortedPairs(labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ')}}`,
    );

  const state = { expandAll: readExpandAll(), activeGroups: new Set(), activeId: null };
  let views = [];
  let single = false;
  let expandAllButton;

  function annotationsTable(alert) {
    return h(
      'table',
      { class: 'table w-100 mb-1' },
      sortedPairs(alert.annotations).map(([k, v]) =>
        h('tr', {}, [h('th', { class: 'text-nowrap' }, [`${k}:`]), h('td', { class: 'w-100' }, [v])]),
      ),
    );
  }

  function alertItem(alert, groupLabels) {
    // AlertView.view: the labels not on the group header, alertname first.
    const grouped = (k, v) => groupLabels.some(([gk, gv]) => gk === k && gv === v);
    const own = sortedPairs(alert.labels).filter(([k, v]) => !grouped(k, v));
    const ordered = [...own.filter(([k]) => k === 'alertname'), ...own.filter(([k]) => k !== 'alertname')];
    const hasAnnotations = Object.keys(alert.annotations || {}).length > 0;
    const infoIcon = h('i', { class: 'fa fa-plus mr-2' }, []);
    const info = hasAnnotations
      ? h('button', { class: 'btn btn-outline-info border-0' }, [infoIcon, 'Info'])
      : null;
    const source = /^https?:\/\//.test(alert.generatorURL || '')
      ? h('a', { class: 'btn btn-outline-info border-0', href: alert.generatorURL }, [
          h('i', { class: 'fa fa-line-chart mr-2' }, []),
          'Source',
        ])
      : null;
    const silence = h(
      'a',
      { class: 'btn btn-outline-info border-0', href: `#/silences/new?filter=${filterOf(alert.labels)}` },
      [h('i', { class: 'fa fa-bell-slash-o mr-2' }, []), 'Silence'],
    );
    const link = h(
      'a',
      { class: 'btn btn-outline-info border-0', href: `#/alerts?filter=${filterOf(alert.labels)}` },
      [h('i', { class: 'fa fa-link mr-2' }, []), 'Link'],
    );
    const title = h('div', { class: 'w-100 mb-2 d-flex align-items-start' }, [
      h('span', { class: 'align-self-center mr-2' }, [new Date(alert.startsAt).toISOString()]),
      ...[info, source, silence, link].filter(Boolean),
    ]);
    const labels = h(
      'div',
      {},
      ordered.map(([k, v]) =>
        h('div', { class: 'btn-group mr-2 mb-2' }, [
          h(
            'span',
            { class: 'btn btn-sm border-right-0 text-muted', style: `${SELECTABLE} border-color: #ccc;` },
            [labelText(k, v)],
          ),
          h('button', { class: 'btn btn-sm bg-light btn-outline-secondary', title: 'Filter by this label' }, [
            '+',
          ]),
        ]),
      ),
    );
    // Elm renders `text ""` where the table is not: an empty text node keeps the children's places.
    const placeholder = document.createTextNode('');
    const li = h(
      'li',
      { class: 'align-items-start list-group-item border-0 p-0 mb-4', style: 'position: static;' },
      [title, placeholder, labels],
    );
    const item = { alert, li, info, infoIcon, slot: placeholder };
    if (info)
      info.addEventListener('click', () =>
        setActiveId(state.activeId === alert.fingerprint ? null : alert.fingerprint),
      );
    return item;
  }

  function showInfo(item, open) {
    if (!item.info) return;
    const next = open ? annotationsTable(item.alert) : document.createTextNode('');
    item.slot.replaceWith(next);
    item.slot = next;
    item.info.setAttribute('class', `btn btn-outline-info border-0${open ? ' active' : ''}`);
    item.infoIcon.setAttribute('class', `fa ${open ? 'fa-minus' : 'fa-plus'} mr-2`);
  }

  function setActiveId(id) {
    state.activeId = id;
    for (const view of views) for (const item of view.items) showInfo(item, item.alert.fingerprint === id);
  }

  function groupView(group, index) {
    const groupLabels = sortedPairs(group.labels);
    const icon = h('i', { class: 'fa fa-plus mr-2' }, []);
    const button = h(
      'button',
      { class: 'btn btn-outline-info border-0 mr-1 mb-1', style: 'margin-left: -3rem;' },
      [icon, group.receiver?.name ?? ''],
    );
    const labels = groupLabels.length
      ? groupLabels.map(([k, v]) =>
          h('div', { class: 'btn-group mr-1 mb-1' }, [
            h('span', { class: 'btn text-muted', style: `${SELECTABLE} border-color: #5bc0de;` }, [
              labelText(k, v),
            ]),
            h('button', { class: 'btn btn-outline-info', title: 'Filter by this label' }, ['+']),
          ]),
        )
      : [h('span', { class: 'btn btn-secondary mr-1 mb-1' }, ['Not grouped'])];
    const routeLabels = sortedPairs(group.routeLabels).map(([k, v]) =>
      h(
        'span',
        {
          class: 'btn btn-light text-muted mr-1 mb-1',
          style: `${SELECTABLE} border-color: #adb5bd;`,
          title: 'Route label',
        },
        [labelText(k, v)],
      ),
    );
    const count = group.alerts.length;
    const header = h('div', { class: 'mb-3' }, [
      button,
      ...labels,
      ...routeLabels,
      h('span', { class: 'ml-1 mb-0', style: 'white-space: nowrap;' }, [
        `${count} ${count === 1 ? 'alert' : 'alerts'}`,
      ]),
    ]);
    const view = { index, group, groupLabels, icon, slot: document.createTextNode(''), items: [] };
    view.node = h('div', {}, [header, view.slot]);
    button.addEventListener('click', () => {
      // ActiveGroups: toggles this group and forgets "expand all".
      if (state.activeGroups.has(index)) state.activeGroups.delete(index);
      else state.activeGroups.add(index);
      state.expandAll = false;
      persistExpandAll(false);
      refresh();
    });
    return view;
  }

  function applyGroup(view) {
    const active = single || state.expandAll || state.activeGroups.has(view.index);
    view.icon.setAttribute('class', `fa ${active ? 'fa-minus' : 'fa-plus'} mr-2`);
    if (active === view.items.length > 0) return;
    let next;
    if (active) {
      view.items = view.group.alerts.map((a) => alertItem(a, view.groupLabels));
      next = h(
        'ul',
        { class: 'list-group mb-0' },
        view.items.map((i) => i.li),
      );
      for (const item of view.items) showInfo(item, item.alert.fingerprint === state.activeId);
    } else {
      view.items = [];
      next = document.createTextNode('');
    }
    view.slot.replaceWith(next);
    view.slot = next;
  }

  function refresh() {
    const icon = expandAllButton.firstChild;
    icon.setAttribute('class', `fa ${state.expandAll ? 'fa-minus' : 'fa-plus'} mr-3`);
    expandAllButton.lastChild.nodeValue = state.expandAll ? 'Collapse all groups' : 'Expand all groups';
    for (const view of views) applyGroup(view);
  }

  function checkbox(name) {
    return h('li', { class: 'nav-item' }, [
      h('div', { class: 'mt-1 ml-1 custom-control custom-checkbox' }, [
        h('input', { type: 'checkbox', id: name, class: 'custom-control-input' }, []),
        h('label', { class: 'custom-control-label', for: name }, [name]),
      ]),
    ]);
  }

  function filterCard() {
    return h('div', { class: 'card mb-3' }, [
      h('div', { class: 'card-header' }, [
        h('ul', { class: 'nav nav-tabs card-header-tabs' }, [
          h('li', { class: 'nav-item' }, [h('span', { class: 'nav-link active' }, ['Filter'])]),
          h('li', { class: 'nav-item' }, [
            h(
              'button',
              {
                class: 'nav-link',
                style: 'background: transparent; font: inherit; cursor: pointer; outline: none;',
              },
              ['Group'],
            ),
          ]),
          // ReceiverBar.viewResult: the chosen receiver, "All" by default (a dropdown once clicked).
          h('li', { class: 'nav-item ml-auto', tabindex: '1', style: 'position: relative; outline: none;' }, [
            h('div', { class: 'mt-1 mr-4', style: 'cursor: pointer;' }, [
              `Receiver: ${new URLSearchParams(location.hash.split('?')[1] || '').get('receiver') || 'All'}`,
            ]),
          ]),
          checkbox('Silenced'),
          checkbox('Inhibited'),
          checkbox('Muted'),
        ]),
      ]),
      h('div', { class: 'card-body' }, [
        h('div', { class: 'row no-gutters align-items-start' }, [
          h('div', { class: 'col ', style: 'min-width: 300px;' }, [
            h('div', { class: 'row no-gutters align-content-stretch' }, [
              h('div', { class: 'col input-group' }, [
                h(
                  'input',
                  { id: 'filter-bar-matcher', class: 'form-control', spellcheck: 'false', value: '' },
                  [],
                ),
                h('div', { class: 'input-group-append' }, [
                  h('button', { class: 'btn btn-primary', disabled: '' }, ['+']),
                ]),
              ]),
            ]),
          ]),
        ]),
      ]),
    ]);
  }

  function render(groups) {
    views = groups.map(groupView);
    single = groups.length === 1;
    expandAllButton = h('button', { class: 'btn btn-outline-secondary border-0 mr-1 mb-3' }, [
      h('i', { class: 'fa fa-plus mr-3' }, []),
      'Expand all groups',
    ]);
    expandAllButton.addEventListener('click', () => {
      // ToggleExpandAll: every group (by index) becomes active, or none; remembered.
      state.expandAll = !state.expandAll;
      state.activeGroups = state.expandAll ? new Set(views.map((v) => v.index)) : new Set();
      persistExpandAll(state.expandAll);
      refresh();
    });
    let list;
    if (groups.length === 0) list = h('div', { class: 'alert alert-warning' }, ['No alert groups found']);
    else if (single) list = views[0].node;
    else
      list = h(
        'div',
        { class: 'pl-5' },
        views.map((v) => v.node),
      );
    root.replaceChildren(h('div', {}, [filterCard(), h('div', {}, [expandAllButton]), list]));
    refresh();
  }

  function load() {
    // FetchAlerts: new data, no group open (expand-all stays as it was).
    state.activeGroups = new Set();
    state.activeId = null;
    root.replaceChildren(h('div', {}, [h('span', {}, ['Loading...'])]));
    const query = new URLSearchParams(location.hash.split('?')[1] || '');
    const params = new URLSearchParams({
      silenced: query.get('silenced') || 'false',
      inhibited: query.get('inhibited') || 'false',
      muted: query.get('muted') || 'false',
      active: query.get('active') || 'true',
    });
    if (query.get('receiver')) params.set('receiver', query.get('receiver'));
    fetch(`${apiUrl}/alerts/groups?${params}`, { headers: { Accept: 'application/json' } })
      .then((r) => {
        if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
        return r.json();
      })
      .then(render)
      .catch((error) => {
        root.replaceChildren(
          h('div', { class: 'alert alert-warning' }, [`Could not load alerts: ${error.message}`]),
        );
      });
  }

  window.addEventListener('hashchange', () => {
    if (location.hash === '' || location.hash.startsWith('#/alerts')) load();
  });
  load();
})();

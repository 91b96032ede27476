// The alert list's client script, inlined into the page the fake Alertmanager serves. Like the
// classic Elm UI it renders after load: it fetches the alerts, groups them by the route's group
// labels, and shows every group collapsed; a click on a group's toggle renders its alerts. Each
// label is a button whose text is key="value". Data only ever reaches the page as textContent.
(() => {
  const root = document.getElementById('alert-list');
  if (!root) return;
  const groupBy = JSON.parse(root.getAttribute('data-group-by') || '[]');

  /** An element with attributes and children (strings become text nodes, never markup). */
  function h(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const child of children || []) {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  const pad = (n) => String(n).padStart(2, '0');
  // The classic UI's dateTimeFormat: ISO date and time of day, in the viewer's time zone.
  function formatTime(iso) {
    const d = new Date(iso);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }

  const labelText = (key, value) => `${key}="${value}"`;

  function groupAlerts(alerts) {
    const groups = new Map();
    for (const alert of alerts) {
      const receiver = alert.receivers?.[0]?.name || '';
      const labels = {};
      for (const key of groupBy) if (key in alert.labels) labels[key] = alert.labels[key];
      const id = JSON.stringify([receiver, labels]);
      if (!groups.has(id)) groups.set(id, { receiver, labels, alerts: [] });
      groups.get(id).alerts.push(alert);
    }
    return [...groups.values()];
  }

  function alertItem(alert, groupLabels) {
    const names = Object.keys(alert.labels)
      .filter((k) => !(k in groupLabels))
      .sort((a, b) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : 0));
    const buttons = names.map((k) =>
      h(
        'button',
        { class: 'btn btn-sm bg-body-secondary text-start me-2 mb-2', title: 'Filter by this label' },
        [h('span', {}, [labelText(k, alert.labels[k])])],
      ),
    );
    const source = h(
      'a',
      {
        class: 'btn btn-outline-info border-0',
        href: alert.generatorURL,
        target: '_blank',
        rel: 'noreferrer',
      },
      ['Source'],
    );
    return h(
      'li',
      { class: 'align-items-start list-group-item border-0 p-0 mb-4', 'data-fingerprint': alert.fingerprint },
      [
        h('div', { class: 'w-100 mb-2 d-flex align-items-start' }, [
          h('span', { class: 'align-self-center mr-2 starts-at', title: alert.startsAt }, [
            formatTime(alert.startsAt),
          ]),
          source,
        ]),
        h('div', { class: 'labels' }, buttons),
      ],
    );
  }

  function groupView(group) {
    let expanded = false;
    const toggle = h(
      'button',
      { class: 'btn btn-outline-info border-0 mr-1 mb-1 group-toggle', 'aria-expanded': 'false' },
      [h('i', { class: 'fa fa-plus mr-2', 'aria-hidden': 'true' }, ['+ ']), group.receiver],
    );
    const labels = Object.keys(group.labels);
    const header = h('div', { class: 'mb-3 group-header' }, [
      toggle,
      ...(labels.length
        ? labels.map((k) =>
            h('div', { class: 'btn-group mr-1 mb-1' }, [
              h('span', { class: 'btn text-muted group-label' }, [labelText(k, group.labels[k])]),
              h('button', { class: 'btn btn-outline-info', title: 'Filter by this label' }, ['+']),
            ]),
          )
        : [h('span', { class: 'btn btn-secondary mr-1 mb-1' }, ['Not grouped'])]),
      h('span', { class: 'ml-1 mb-0 alert-count' }, [
        `${group.alerts.length} ${group.alerts.length === 1 ? 'alert' : 'alerts'}`,
      ]),
    ]);
    const body = h('div', { class: 'group-body' }, []);
    const set = (open) => {
      expanded = open;
      toggle.setAttribute('aria-expanded', String(open));
      toggle.firstChild.textContent = open ? '− ' : '+ ';
      toggle.firstChild.setAttribute('class', `fa ${open ? 'fa-minus' : 'fa-plus'} mr-2`);
      body.replaceChildren(
        open
          ? h(
              'ul',
              { class: 'list-group mb-0' },
              group.alerts.map((a) => alertItem(a, group.labels)),
            )
          : '',
      );
    };
    toggle.addEventListener('click', () => set(!expanded));
    return { node: h('div', { class: 'alert-group' }, [header, body]), set };
  }

  function render(alerts) {
    const groups = groupAlerts(alerts);
    if (groups.length === 0) {
      root.replaceChildren(h('div', { class: 'alert alert-warning' }, ['No alert groups found']));
      return;
    }
    const views = groups.map(groupView);
    let all = false;
    const expandAll = h('button', { class: 'btn btn-outline-secondary border-0 mr-1 mb-3 expand-all' }, [
      'Expand all groups',
    ]);
    expandAll.addEventListener('click', () => {
      all = !all;
      for (const v of views) v.set(all);
      expandAll.textContent = all ? 'Collapse all groups' : 'Expand all groups';
    });
    root.replaceChildren(
      expandAll,
      h(
        'div',
        { class: 'pl-5 groups' },
        views.map((v) => v.node),
      ),
    );
  }

  root.replaceChildren(h('div', {}, [h('span', {}, ['Loading...'])]));
  fetch('api/v2/alerts?active=true&silenced=false&inhibited=false', {
    headers: { Accept: 'application/json' },
  })
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
})();

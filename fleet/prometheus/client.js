// The alerts page's client script, inlined into the page the fleet's Prometheus serves. It renders
// what Prometheus 3.14's UI renders at /alerts (web/ui/mantine-ui/src/pages/AlertsPage.tsx, React +
// Mantine 9), and behaves as it does:
//
//   - it asks `<prefix>/api/v1/rules?type=alert` and shows a card per rule group (name, file, state
//     counts), and per rule an accordion item whose control (`button[data-accordion-control]`,
//     `aria-expanded`, `aria-controls`) holds the rule's name, a copy button and "firing (N)";
//   - every rule starts collapsed, and a closed panel is not in the DOM (keepMounted={false});
//     opening one mounts `[role=region]` with the definition and a table: the alert's labels as
//     spans `key="value"`, its state, "Active Since" as a duration only (the time is in a tooltip
//     that exists only on hover), its value;
//   - class names are Mantine's and CSS-module hashes, as on the real page.
// Data only ever reaches the page as text.
/* global h: fleet/http/h.js, inlined before this script */
(() => {
  const root = document.getElementById('alerts-page');
  if (!root) return;

  // The page's path prefix (--web.route-prefix): everything before /alerts.
  const prefix = location.pathname.replace(/\/alerts\/?$/, '');
  const text = (t, style) =>
    h('p', { class: 'mantine-focus-auto m_b6d8b162 mantine-Text-root', ...(style ? { style } : {}) }, [t]);
  const group = (children, style) =>
    h('div', { class: 'm_4081bf90 mantine-Group-root', ...(style ? { style } : {}) }, children);
  const badge = (label, health) =>
    h('div', { class: `m_347db0ec mantine-Badge-root ${health}`, 'data-variant': 'filled' }, [
      h('span', { class: 'm_5add502a mantine-Badge-label' }, [label]),
    ]);
  const HEALTH = {
    firing: '_healthErr_1r5sx_61',
    pending: '_healthWarn_1r5sx_81',
    inactive: '_healthOk_1r5sx_41',
  };

  // formatTime.ts humanizeDuration: "1h 2m 3.456s".
  function humanize(ms) {
    const out = [];
    let rest = Math.max(0, ms);
    for (const [unit, mult] of [
      ['d', 86_400_000],
      ['h', 3_600_000],
      ['m', 60_000],
    ]) {
      const v = Math.floor(rest / mult);
      if (v > 0) out.push(`${v}${unit}`);
      rest -= v * mult;
    }
    if (rest > 0 || out.length === 0) out.push(`${Number((rest / 1000).toFixed(3))}s`);
    return out.join(' ');
  }

  // escapeString: backslashes and double quotes escaped in label values.
  const escapeString = (s) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

  function alertsTable(rule) {
    const rows = rule.alerts.map((a) =>
      h('tr', { class: 'm_4e7aa4fd mantine-Table-tr' }, [
        h('td', { class: 'm_4e7aa4f3 mantine-Table-td' }, [
          group(
            Object.entries(a.labels).map(([k, v]) =>
              h('span', { class: '_labelBadge_1r5sx_9' }, [`${k}="${escapeString(v)}"`]),
            ),
            '--group-gap: var(--mantine-spacing-xs);',
          ),
        ]),
        h('td', { class: 'm_4e7aa4f3 mantine-Table-td' }, [badge(a.state, HEALTH[a.state] || HEALTH.firing)]),
        h('td', { class: 'm_4e7aa4f3 mantine-Table-td', style: 'white-space: nowrap;' }, [
          h('div', {}, [humanize(Date.now() - Date.parse(a.activeAt))]),
        ]),
        h('td', { class: 'm_4e7aa4f3 mantine-Table-td', style: 'white-space: nowrap;' }, [
          String(Number(a.value)),
        ]),
      ]),
    );
    const th = (t) => h('th', { class: 'm_4e7aa4f3 mantine-Table-th' }, [t]);
    return h(
      'table',
      { class: 'm_b23fa0ef mantine-Table-table', style: 'margin-top: var(--mantine-spacing-lg);' },
      [
        h('thead', { class: 'm_b2404537 mantine-Table-thead' }, [
          h('tr', { class: 'm_4e7aa4fd mantine-Table-tr', style: 'white-space: nowrap;' }, [
            th('Alert labels'),
            th('State'),
            th('Active Since'),
            th('Value'),
          ]),
        ]),
        h('tbody', { class: 'm_b2404537 mantine-Table-tbody' }, rows),
      ],
    );
  }

  let ids = 0;
  function ruleItem(rule) {
    const n = ++ids;
    const controlId = `mantine-r${n}-control-${rule.name}`;
    const panelId = `mantine-r${n}-panel-${rule.name}`;
    const firing = rule.alerts.filter((a) => a.state === 'firing').length;
    const pending = rule.alerts.filter((a) => a.state === 'pending').length;
    const copy = h(
      'button',
      {
        class:
          'mantine-focus-auto mantine-active m_8d3f4000 mantine-ActionIcon-root m_87cf2631 mantine-UnstyledButton-root _copyAlertNameButton_4kxrm_1',
        'data-variant': 'subtle',
        type: 'button',
        title: 'Copy rule name',
      },
      ['⧉'],
    );
    copy.addEventListener('click', (e) => {
      e.stopPropagation();
      navigator.clipboard?.writeText(rule.name).catch(() => {});
    });
    const control = h(
      'button',
      {
        class:
          'mantine-focus-auto m_5f75b09e mantine-Accordion-control m_87cf2631 mantine-UnstyledButton-root _ruleControl_4kxrm_5',
        'data-accordion-control': 'true',
        type: 'button',
        'aria-expanded': 'false',
        'aria-controls': panelId,
        id: controlId,
      },
      [
        h('span', { class: 'm_5f75b09e mantine-Accordion-chevron', 'data-position': 'right' }, ['›']),
        h('span', { class: 'm_5f75b09e mantine-Accordion-label' }, [
          group(
            [
              group([text(rule.name), copy], '--group-gap: var(--mantine-spacing-xs);'),
              group([
                ...(firing ? [badge(`firing (${firing})`, HEALTH.firing)] : []),
                ...(pending ? [badge(`pending (${pending})`, HEALTH.pending)] : []),
              ]),
            ],
            'justify-content: space-between; margin-right: var(--mantine-spacing-lg);',
          ),
        ]),
      ],
    );
    const health = firing
      ? '_panelHealthErr_18dev_2'
      : pending
        ? '_panelHealthWarn_18dev_8'
        : '_panelHealthOk_18dev_14';
    const item = h('div', { class: `m_5f75b09e mantine-Accordion-item ${health}` }, [control]);
    let panel = null;
    control.addEventListener('click', () => {
      const open = !panel;
      control.setAttribute('aria-expanded', String(open));
      if (open) {
        item.setAttribute('data-active', 'true');
        control.setAttribute('data-active', 'true');
        const definition = h('pre', { class: '_codebox_1mlbb_1' }, [
          h('code', {}, [
            `alert: ${rule.name}\nexpr: ${rule.query}${rule.duration ? `\nfor: ${rule.duration / 60}m` : ''}`,
          ]),
        ]);
        panel = h(
          'div',
          {
            class: 'm_5f75b09e mantine-Accordion-panel',
            role: 'region',
            id: panelId,
            'aria-labelledby': controlId,
          },
          [
            h('div', { class: 'm_5f75b09e mantine-Accordion-content' }, [
              definition,
              ...(rule.alerts.length
                ? [h('div', { class: 'm_3eebeb36 mantine-Divider-root' }, []), alertsTable(rule)]
                : []),
            ]),
          ],
        );
        item.appendChild(panel);
      } else {
        item.removeAttribute('data-active');
        control.removeAttribute('data-active');
        panel.remove();
        panel = null;
      }
    });
    return item;
  }

  function card(g) {
    const count = (state) => g.rules.filter((r) => r.state === state).length;
    return h(
      'div',
      {
        class: 'm_e615b15f mantine-Card-root m_1b7284a3 mantine-Paper-root',
        'data-with-border': 'true',
        style: 'padding: var(--mantine-spacing-md);',
      },
      [
        group(
          [
            group(
              [
                text(g.name, 'font-size: 1.25rem; font-weight: 600;'),
                text(g.file, 'font-size: .85rem; color: var(--muted);'),
              ],
              'align-items: baseline;',
            ),
            group(
              ['firing', 'pending', 'inactive']
                .filter((s) => count(s))
                .map((s) => badge(`${s} (${count(s)})`, HEALTH[s])),
            ),
          ],
          'justify-content: space-between; margin-bottom: var(--mantine-spacing-sm);',
        ),
        h(
          'div',
          {
            class: 'm_5f75b09e mantine-Accordion-root',
            'data-accordion': 'true',
            'data-variant': 'separated',
          },
          g.rules.map(ruleItem),
        ),
      ],
    );
  }

  function render(groups) {
    // As the page does by default: groups with no rule are hidden.
    const shown = groups.filter((g) => g.rules.length > 0);
    root.replaceChildren(
      h('div', { class: 'm_6d731127 mantine-Stack-root' }, [
        group([
          h(
            'input',
            { class: 'm_8fb7ebe7 mantine-Input-input', placeholder: 'Filter by rule group state' },
            [],
          ),
          h(
            'input',
            {
              class: 'm_8fb7ebe7 mantine-Input-input mantine-TextInput-input',
              placeholder: 'Filter by rule name or labels',
              style: 'flex: 1;',
            },
            [],
          ),
        ]),
        ...(shown.length
          ? shown.map(card)
          : [h('div', { class: 'm_66836ed3 mantine-Alert-root', role: 'alert' }, [text('No rules found')])]),
      ]),
    );
  }

  fetch(`${prefix}/api/v1/rules?type=alert`, { headers: { Accept: 'application/json' } })
    .then((r) => {
      if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
      return r.json();
    })
    .then((body) => render(body.data.groups))
    .catch((error) => {
      root.replaceChildren(
        h('div', { class: 'm_66836ed3 mantine-Alert-root', role: 'alert' }, [
          `Error fetching rules: ${error.message}`,
        ]),
      );
    });
})();

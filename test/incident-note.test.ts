/**
 * The incident note: what a badge's popover shows, as Markdown an on-call person pastes into
 * an incident channel — checked as golden text, and against labels and values that try to
 * inject formatting or links.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeView } from '../lib/change-view';
import type { SubjectResult } from '../lib/correlate/wire';
import { code, incidentNote, type NoteInput, noteLabels } from '../lib/incident-note';
import { defaultSettings } from '../lib/settings';

const MIN = 60_000;
/** The alert started at 12:00 UTC; the note is copied at 12:10. */
const T = Date.UTC(2025, 0, 15, 12, 0, 0);
const NOW = T + 10 * MIN;

const view = (id: string, over: Partial<ChangeView> = {}): ChangeView => ({
  id,
  clusterId: 'rancher/c-m-eu1',
  clusterName: 'prod-eu-1',
  kind: 'Deployment',
  namespace: 'shop',
  name: 'cart',
  type: 'updated',
  at: T - 4 * MIN,
  windowStart: T - 5 * MIN,
  windowEnd: T - 4 * MIN,
  reportedAt: T - 4 * MIN,
  actor: { name: 'erin', kind: 'person', via: 'annotation fleet.example.com/changed-by' },
  mark: 'degraded',
  fields: [
    {
      path: 'containers[app].image',
      before: 'registry.example.com/shop/cart:1.9.0',
      after: 'registry.example.com/shop/cart:2.0.0',
    },
    { path: 'health', before: 'healthy', after: 'degraded' },
  ],
  changeCause: 'helm upgrade cart --set image.tag=2.0.0',
  link: 'https://rancher.example/dashboard/c/c-m-eu1/explorer/apps.deployment/shop/cart',
  userLink: 'https://rancher.example/dashboard/users/erin/jobs',
  ...over,
});

/** bob's rollout of checkout 1.4.2 to three clusters, 25 to 21 minutes before the alert. */
const rolled = (id: string, cluster: string, minutesBefore: number): ChangeView =>
  view(id, {
    clusterId: `rancher/${cluster}`,
    clusterName: cluster,
    name: 'checkout',
    at: T - minutesBefore * MIN,
    windowStart: T - (minutesBefore + 1) * MIN,
    windowEnd: T - minutesBefore * MIN,
    reportedAt: undefined,
    actor: { name: 'bob', kind: 'person' },
    mark: undefined,
    fields: [
      {
        path: 'containers[app].image',
        before: 'registry.example.com/shop/checkout:1.4.1',
        after: 'registry.example.com/shop/checkout:1.4.2',
      },
    ],
    changeCause: undefined,
    link: undefined,
    userLink: undefined,
  });

function input(): NoteInput {
  const result: SubjectResult = {
    key: 'k',
    watched: true,
    covered: [{ id: 'rancher/c-m-eu1', name: 'prod-eu-1' }],
    notWatched: [{ job: 'cart', cluster: 'staging-7' }],
    mode: 'alert',
    looked: {
      jobs: ['cart'],
      namespace: 'shop',
      clusterLabels: ['prod-eu-1', 'staging-7'],
      clusters: [{ id: 'rancher/c-m-eu1', name: 'prod-eu-1' }],
      from: T - 120 * MIN,
      to: T + 5 * MIN,
      startsAt: T,
    },
    ranked: [
      {
        id: 'a',
        relation: 'same-job-same-cluster',
        timing: 'before',
        offsetMs: 4 * MIN,
        reason: 'same job, same cluster, changed 4 min before the alert started',
      },
      {
        id: 'r1',
        relation: 'same-namespace',
        timing: 'before',
        offsetMs: 21 * MIN,
        reason: 'same cluster and namespace, other job, changed 21 min before the alert started',
      },
      { id: 'r2', relation: 'same-namespace', timing: 'before', offsetMs: 23 * MIN, reason: 'x' },
      { id: 'r3', relation: 'same-namespace', timing: 'before', offsetMs: 25 * MIN, reason: 'y' },
    ],
    total: 5,
    headline: {
      count: 4,
      afterCount: 0,
      level: 4,
      glyph: '!',
      mark: 'degraded',
      offsetMs: 4 * MIN,
      timing: 'before',
      actor: 'erin',
      relation: 'same-job-same-cluster',
    },
    blind: [
      {
        clusterId: 'rancher/c-m-eu1',
        clusterName: 'prod-eu-1',
        ms: 12 * MIN,
        from: T - 40 * MIN,
        to: T - 28 * MIN,
        reason: 'unreachable',
        message: 'timed out after 10 s',
        recovered: true,
      },
    ],
  };
  return {
    result,
    changes: {
      a: view('a'),
      r1: rolled('r1', 'prod-eu-1', 21),
      r2: rolled('r2', 'prod-eu-2', 23),
      r3: rolled('r3', 'prod-us-1', 25),
    },
    source: 'Alertmanager',
    labels: {
      alertname: 'KubeDeploymentReplicasMismatch',
      severity: 'critical',
      cluster: 'prod-eu-1',
      namespace: 'shop',
      deployment: 'cart',
    },
    pageUrl: 'http://127.0.0.1:9093/#/alerts?silenced=false',
    now: NOW,
  };
}

/** The text of a line outside its code spans (CommonMark: a run of n backticks closes at the next run of n). */
function outsideCode(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (line[i] !== '`') {
      out += line[i];
      i += 1;
      continue;
    }
    const run = /^`+/.exec(line.slice(i))?.[0] ?? '`';
    let j = i + run.length;
    let close = -1;
    while (j < line.length) {
      const next = /`+/.exec(line.slice(j));
      if (!next) break;
      const at = j + next.index;
      if (next[0].length === run.length) {
        close = at;
        break;
      }
      j = at + next[0].length;
    }
    if (close < 0) {
      out += run;
      i += run.length;
    } else i = close + run.length;
  }
  return out;
}

describe('incident note', () => {
  it('says what the popover says, as Markdown: the alert, each change, a rollout as one entry, gaps, and what Tattler does not know', () => {
    expect(incidentNote(input())).toBe(GOLDEN);
  });

  it('keeps remote text as text: a label, a name or a value cannot add formatting, headings or links', () => {
    const hostile = [
      '[click here](https://evil.example/x)',
      '**EVIL** _evil_ ~~evil~~',
      'evil`` `with ticks`',
      '`evil',
      'evil\n# Evil heading\n- evil item',
      '<img src=x onerror="alert(1)">evil',
      'www.evil.example and https://evil.example/y',
      'evil|table|',
    ];
    for (const h of hostile) {
      const base = input();
      const a = base.changes.a as ChangeView;
      const note = incidentNote({
        ...base,
        labels: { alertname: h, cluster: h },
        changes: {
          ...base.changes,
          a: {
            ...a,
            name: h,
            clusterName: h,
            actor: { name: h, kind: 'person', via: h },
            changeCause: h,
            fields: [{ path: h, before: h, after: [h, 'x'] }],
          },
        },
        result: { ...base.result, notWatched: [{ job: h, cluster: h }] },
      });
      const lines = note.split('\n');
      // No heading but the note's own; every line a list item, a heading, or the note's prose.
      expect(lines.filter((l) => l.startsWith('#')).map((l) => l.replace(/ .*/, ''))).toEqual([
        '##',
        '###',
        '###',
        '###',
      ]);
      for (const line of lines) {
        const plain = outsideCode(line);
        // The hostile text never appears outside a code span, so Markdown neither formats nor links it.
        expect(plain, `${JSON.stringify(h)} in ${line}`).not.toMatch(/evil|EVIL/i);
      }
      // The only links are Tattler's own, in angle brackets.
      const links = [...note.matchAll(/\]\(<([^>]*)>\)/g)].map((m) => m[1]);
      expect(links.every((u) => /^https?:\/\//.test(u ?? '') && !/evil/.test(u ?? ''))).toBe(true);
    }
  });

  it('puts a remote value in a code span whatever backticks or line breaks it holds', () => {
    expect(code('checkout')).toBe('`checkout`');
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`x')).toBe('`` `x ``');
    expect(code('a\n# b')).toBe('`a # b`');
    expect(code('  ')).toBe('(empty)');
    expect(outsideCode(`x ${code('a``b`c')} y`)).toBe('x  y');
  });

  it("keeps the labels that matter: the alert's name and severity, then those naming cluster, namespace and job", () => {
    expect(
      noteLabels(
        {
          instance: '10.0.0.1:8080',
          deployment: 'cart',
          cluster: 'prod-eu-1',
          'tattler/cluster': 'c-1',
          severity: 'critical',
          alertname: 'KubeDeploymentReplicasMismatch',
          namespace: 'shop',
        },
        defaultSettings().labels,
      ),
    ).toEqual({
      alertname: 'KubeDeploymentReplicasMismatch',
      severity: 'critical',
      cluster: 'prod-eu-1',
      namespace: 'shop',
      deployment: 'cart',
    });
  });

  it('says plainly when nothing changed where Tattler saw throughout, and times a console answer from the note', () => {
    const base = input();
    const quiet = incidentNote({
      ...base,
      result: { ...base.result, ranked: [], total: 0, blind: [], notWatched: [] },
      changes: {},
    });
    expect(quiet).toContain('### Changes\n\nNothing changed.\n');
    expect(quiet).toContain('### Coverage\n\n- Tattler saw `prod-eu-1` throughout.\n');

    const consoleNote = incidentNote({
      ...base,
      result: { ...base.result, mode: 'console', ranked: base.result.ranked.slice(0, 1), total: 1 },
    });
    expect(consoleNote).toContain('2025-01-15 11:56:00 UTC, 14 min before this note');
    expect(consoleNote).not.toContain('Alert started');
  });
});

const GOLDEN = `## \`KubeDeploymentReplicasMismatch\`: 4 changes before this alert (Tattler)

- Seen on: Alertmanager
- Alert started: 2025-01-15 12:00:00 UTC
- Labels: \`alertname="KubeDeploymentReplicasMismatch"\` \`severity="critical"\` \`cluster="prod-eu-1"\` \`namespace="shop"\` \`deployment="cart"\`
- Looked for: job \`cart\`, namespace \`shop\`, cluster \`prod-eu-1\`, from 2025-01-15 10:00:00 UTC to 12:05:00 UTC
- Page: [the alert page](<http://127.0.0.1:9093/#/alerts?silenced=false>)

### Changes

- \`Deployment shop/cart\` in \`prod-eu-1\`: **updated** (degraded the job) — 2025-01-15 11:56:00 UTC, 4 min before the alert
  - By \`erin\` (person, from \`annotation fleet.example.com/changed-by\`)
  - Why shown: same job, same cluster, changed 4 min before the alert started
  - \`containers[app].image\`: \`registry.example.com/shop/cart:1.9.0\` → \`registry.example.com/shop/cart:2.0.0\`
  - \`health\`: \`healthy\` → \`degraded\`
  - Cause: \`helm upgrade cart --set image.tag=2.0.0\`
  - [Open \`cart\` in its console](<https://rancher.example/dashboard/c/c-m-eu1/explorer/apps.deployment/shop/cart>) · [Open \`erin\`'s jobs](<https://rancher.example/dashboard/users/erin/jobs>)
- **Rollout** of \`Deployment shop/checkout\`: \`bob\` rolled \`checkout:1.4.2\` to 3 clusters, 11:35:00 UTC–11:39:00 UTC
  - Why shown: same cluster and namespace, other job, changed 21 min before the alert started (\`prod-eu-1\`)
  - \`prod-eu-1\`: **updated** — 2025-01-15 11:39:00 UTC, 21 min before the alert (seen between polls at 11:38:00 UTC and 11:39:00 UTC)
    - By \`bob\` (person)
    - \`containers[app].image\`: \`registry.example.com/shop/checkout:1.4.1\` → \`registry.example.com/shop/checkout:1.4.2\`
  - \`prod-eu-2\`: **updated** — 2025-01-15 11:37:00 UTC, 23 min before the alert (seen between polls at 11:36:00 UTC and 11:37:00 UTC)
    - By \`bob\` (person)
    - \`containers[app].image\`: \`registry.example.com/shop/checkout:1.4.1\` → \`registry.example.com/shop/checkout:1.4.2\`
  - \`prod-us-1\`: **updated** — 2025-01-15 11:35:00 UTC, 25 min before the alert (seen between polls at 11:34:00 UTC and 11:35:00 UTC)
    - By \`bob\` (person)
    - \`containers[app].image\`: \`registry.example.com/shop/checkout:1.4.1\` → \`registry.example.com/shop/checkout:1.4.2\`

1 more not listed (the badge shows the same).

### Coverage

- Could not see \`prod-eu-1\` for 12 min of the 2 h 5 min looked at (11:20:00 UTC–11:32:00 UTC): it was unreachable (\`timed out after 10 s\`). Its next poll compared its state, so what changed was caught; only when is less certain, and a change undone within that time would not show.

### What Tattler does not know

- Tattler does not watch \`cart\` in \`staging-7\`: it cannot say what changed to it there.
- Tattler sees only the jobs it watches and the fields it compares for them: changes elsewhere (config maps’ and secrets’ contents, nodes, the network, other teams’ jobs) are not in this note.
- Between two polls it sees only where a job ended up: a change undone before the next poll does not show, and a second change hides the first one’s actor.

_Copied from Tattler at 2025-01-15 12:10:00 UTC._
`;

/**
 * The default scenario: about ten minutes of simulated time (a minute and a half at speed 6).
 * Offsets are simulated seconds from the start; follow-up steps (rollout waves, fixes,
 * rollbacks, the end of the outage) are part of each event.
 */
export interface ScheduledEvent {
  /** Simulated seconds from the start of the scenario. */
  at: number;
  name: string;
}

export const DEFAULT_SCHEDULE: readonly ScheduledEvent[] = [
  { at: 20, name: 'rollout' }, // bob, checkout 1.4.2, one cluster every 15 s (to ~3:20)
  { at: 60, name: 'kubectl-edit' }, // dave edits pricing by hand
  { at: 100, name: 'burst' }, // carol, 7 edits 6 s apart; alert ~3:40; fix at 5:40
  { at: 120, name: 'argo-sync' }, // carol syncs cart into prod-eu-1 in Argo CD (when one deploys here)
  { at: 150, name: 'scale' }, // dave scales cart with kubectl scale
  { at: 190, name: 'double-change' }, // alice, two changes 4 s apart
  { at: 225, name: 'outage' }, // one cluster unreachable for 90 s
  { at: 260, name: 'recreate' }, // erin deletes and re-creates recommendations
  { at: 280, name: 'argo-sync' }, // carol again (a new image); the sync reverts dave's scale
  { at: 300, name: 'bad-rollout' }, // erin, cart 2.0.0; alert ~7:00; rollback at 9:00
  { at: 345, name: 'cluster-joins' }, // prod-ap-1
  { at: 390, name: 'ci-release' }, // ci-bot, staging
  { at: 420, name: 'argo-sync' }, // carol again, in the middle of erin's bad release
  { at: 435, name: 'cluster-leaves' }, // a staging cluster
  { at: 465, name: 'cronjob-suspend' }, // alice
  { at: 510, name: 'session-expiry' }, // everyone must log in again
];

/** The few sentences that say what Tattler does, shared by the popup's and the options page's first run. */
export function WhatTattlerDoes() {
  return (
    <>
      <p>
        Tattler watches the clusters your jobs run in and records every change to them — <strong>what</strong>{' '}
        changed, <strong>when</strong>, and <strong>who</strong> did it. When a page fires, the grid in this
        popup and badges on your alert pages show what changed just before.
      </p>
      <p class="fr-muted">
        It reads with your own browser session (GET only), keeps the history in this browser, and sends
        nothing anywhere else.
      </p>
    </>
  );
}

export function SetupSteps() {
  return (
    <ol class="fr-steps">
      <li>Add a source: your Rancher, Kubernetes API, Argo CD, Nomad or home-grown cluster manager.</li>
      <li>Log in to it in this browser, as you always do. Tattler says where a login is missing.</li>
      <li>Changes appear from the second poll on; the first one records what exists.</li>
    </ol>
  );
}

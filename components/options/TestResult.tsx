/**
 * What the Test button found: the clusters discovery listed and, for each cluster polled, the
 * jobs the owner filter matched — or the exact failure with a login link. Remote text (cluster
 * and job names, server messages) is rendered as text only; links are http(s) only.
 */
import { safeHttpUrl } from '../../lib/links';
import type { SourceTestResult, TestFailure } from '../../lib/source-test';

export type TestState =
  | { phase: 'idle' }
  | { phase: 'running'; what: string }
  | { phase: 'blocked'; message: string }
  | { phase: 'done'; result: SourceTestResult; at: number; note?: string };

const STATUS_WORDS: Record<TestFailure['status'], string> = {
  auth: 'Needs login',
  unreachable: 'Unreachable',
  error: 'Error',
  partial: 'Incomplete',
};

export function Failure({ error }: { error: TestFailure }) {
  const login = error.status === 'auth' ? safeHttpUrl(error.loginUrl) : undefined;
  return (
    <span class="failure">
      <strong>{STATUS_WORDS[error.status]}:</strong> {error.message}
      {login && (
        <>
          {' '}
          —{' '}
          <a href={login} target="_blank" rel="noopener noreferrer">
            log in at {login}
          </a>
        </>
      )}
    </span>
  );
}

export function TestResult({ state, id }: { state: TestState; id: string }) {
  // Rendered only with something to say: an empty live region would still be a "status".
  if (state.phase === 'idle') return null;
  return (
    <div class="test-result" id={id} role="status" aria-live="polite">
      {state.phase === 'running' && <p>{state.what}</p>}
      {state.phase === 'blocked' && (
        <p class="outcome error">
          <strong>Not tested:</strong> {state.message}
        </p>
      )}
      {state.phase === 'done' && <Done result={state.result} />}
      {state.phase === 'done' && state.note && <p class="muted">{state.note}</p>}
    </div>
  );
}

function Done({ result }: { result: SourceTestResult }) {
  const { discovery, polls } = result;
  const ok = polls.filter((p) => p.ok).length;
  const jobs = polls.reduce((n, p) => n + (p.ok ? p.jobs : 0), 0);
  const verdict =
    !discovery.ok && polls.length === 0
      ? 'The test failed.'
      : polls.length === 0
        ? 'No clusters to poll.'
        : ok === polls.length
          ? `Works: ${jobs} job${jobs === 1 ? '' : 's'} matched in ${ok} cluster${ok === 1 ? '' : 's'} polled.`
          : `${ok} of ${polls.length} clusters polled answered.`;
  return (
    <div class={`outcome ${!discovery.ok || ok < polls.length ? 'error' : 'ok'}`}>
      <p>
        <strong>{verdict}</strong> Nothing was stored.
      </p>
      <p>
        {discovery.ok ? (
          discovery.ran ? (
            <>
              Discovery found {discovery.clusters.length} cluster{discovery.clusters.length === 1 ? '' : 's'}
              {discovery.clusters.length > 0 && ': '}
              {discovery.clusters.map((c) => c.name).join(', ')}.
            </>
          ) : (
            <>Clusters listed by hand: {discovery.clusters.map((c) => c.name).join(', ') || 'none'}.</>
          )
        ) : (
          <>
            Discovery: <Failure error={discovery.error} />
          </>
        )}
      </p>
      {polls.length > 0 && (
        <table class="test-table">
          <caption class="visually-hidden">Poll of each cluster</caption>
          <thead>
            <tr>
              <th scope="col">Cluster</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {polls.map((p) => (
              <tr key={p.cluster.nativeId}>
                <th scope="row">{p.cluster.name}</th>
                <td>
                  {p.ok ? (
                    <>
                      {p.jobs} job{p.jobs === 1 ? '' : 's'} matched
                      {p.sample.length > 0 && (
                        <>
                          : {p.sample.join(', ')}
                          {p.jobs > p.sample.length ? ', …' : ''}
                        </>
                      )}
                    </>
                  ) : (
                    <Failure error={p.error} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.notPolled > 0 && (
        <p class="muted">
          {result.notPolled} more cluster{result.notPolled === 1 ? ' was' : 's were'} not polled by the test;
          the watcher polls all of them.
        </p>
      )}
    </div>
  );
}

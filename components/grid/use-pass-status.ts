/**
 * The background's pass: ask whether one is running (`{type:'status'}`), start one
 * (`{type:'poll-now'}`) and follow it until it ends. The background may be asleep or absent
 * (no receiver): that is reported, never thrown.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Request, StatusAnswer } from '../../lib/messages';

export type SendMessage = (message: Request) => Promise<unknown>;

export interface PassStatus {
  status?: StatusAnswer;
  /** A pass is running (ours or the alarm's). */
  busy: boolean;
  /**
   * Why the last "Poll now" did not run a pass of its own (the background's words: another pass
   * was running, holds the lease, the settings are invalid, the pass failed), or why the
   * background could not be reached.
   */
  error?: string;
  pollNow(): void;
}

const isStatus = (x: unknown): x is StatusAnswer =>
  typeof x === 'object' && x !== null && typeof (x as StatusAnswer).running === 'boolean';

export function usePassStatus(send: SendMessage, followEveryMs = 1000, maxFollowMs = 5 * 60_000): PassStatus {
  const [status, setStatus] = useState<StatusAnswer>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const alive = useRef(true);
  const following = useRef(false);

  const ask = useCallback(async (): Promise<StatusAnswer | undefined> => {
    const answer = await send({ type: 'status' });
    if (!isStatus(answer)) return undefined;
    if (alive.current) setStatus(answer);
    return answer;
  }, [send]);

  /** Polls `status` until the pass is over; one follower at a time. */
  const follow = useCallback(async () => {
    if (following.current) return;
    following.current = true;
    setBusy(true);
    const until = Date.now() + maxFollowMs;
    try {
      while (alive.current && Date.now() < until) {
        const answer = await ask();
        if (!answer?.running) break;
        await new Promise((r) => setTimeout(r, followEveryMs));
      }
    } catch (e) {
      if (alive.current) setError(`Background not answering: ${(e as Error).message ?? e}`);
    } finally {
      following.current = false;
      if (alive.current) setBusy(false);
    }
  }, [ask, followEveryMs, maxFollowMs]);

  useEffect(() => {
    alive.current = true;
    ask()
      .then((answer) => {
        if (answer?.running) void follow();
      })
      .catch(() => {
        // Asleep or not there yet: the header falls back to the poll runs in the database.
      });
    return () => {
      alive.current = false;
    };
  }, [ask, follow]);

  const pollNow = useCallback(() => {
    setError(undefined);
    setBusy(true);
    send({ type: 'poll-now' })
      .then((answer) => {
        if (alive.current && isStatus(answer) && answer.notStarted) setError(answer.notStarted.message);
        return follow();
      })
      .catch((e) => {
        if (!alive.current) return;
        setBusy(false);
        setError(`Could not start a pass: ${(e as Error).message ?? e}`);
      });
  }, [send, follow]);

  const out: PassStatus = { busy: busy || status?.running === true, pollNow };
  if (status) out.status = status;
  if (error) out.error = error;
  return out;
}

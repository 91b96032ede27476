/**
 * A beat on a timer while a pass runs. Each beat makes an extension API call — Chrome and
 * Firefox stop an extension's background 30 s after the last one, even while its fetches are
 * still pending — and renews the pass lease (lib/lease.ts), so a pass of any length keeps both
 * its background and its lease, and a killed one loses the lease within one TTL.
 */
export function startHeartbeat(beat: () => Promise<void>, everyMs: number): () => void {
  let beating = false;
  const timer = setInterval(() => {
    // A beat slower than the period (a busy IndexedDB) is not stacked on.
    if (beating) return;
    beating = true;
    beat()
      .catch((error) => console.warn('Tattler: heartbeat failed', error))
      .finally(() => {
        beating = false;
      });
  }, everyMs);
  return () => clearInterval(timer);
}

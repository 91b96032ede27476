/**
 * Runs `work` over `items` with at most `limit` in flight; results keep the input order.
 *
 * It always waits for every started item before it settles, even when one fails: a failure must
 * not leave work running behind the caller's back (a pass that "ended" while some of its clusters
 * were still being written is how an old state gets written over a newer one). The first error
 * is rethrown once everything has stopped; no new item starts after a failure.
 */
export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await work(items[i] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}

/**
 * The items of `source`, asking for the next one as soon as the current one is handed out, so that fetching page
 * n + 1 from Lengow overlaps with deciding page n instead of leaving the engine idle while Lengow builds it. At most
 * one item is held ahead. A failure of that early request surfaces where the caller would have met it: on the next
 * iteration, never as an unhandled rejection; leaving the loop early closes the source.
 */
export async function* prefetchNext<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  try {
    let next = iterator.next();
    for (;;) {
      const result = await next;
      if (result.done) {
        done = true;
        return;
      }
      next = iterator.next();
      // Marked as handled now; the `await` above re-throws it on the next turn of the loop.
      next.catch(() => undefined);
      yield result.value;
    }
  } catch (error) {
    done = true;
    throw error;
  } finally {
    if (!done) await iterator.return?.();
  }
}

import { prefetchNext } from './prefetch-next.js';

/** A source that logs when each item is asked for and handed out, and can fail at a given item. */
function source(count: number, log: string[], failAt?: number): AsyncIterable<number> & { closed: boolean } {
  const result = {
    closed: false,
    async *[Symbol.asyncIterator]() {
      try {
        for (let i = 0; i < count; i++) {
          log.push(`ask ${i}`);
          await new Promise((resolve) => setImmediate(resolve));
          if (i === failAt) throw new Error(`page ${i} failed`);
          yield i;
        }
      } finally {
        result.closed = true;
      }
    },
  };
  return result;
}

describe('prefetchNext', () => {
  it('asks for the next item while the current one is being handled, one ahead at most', async () => {
    const log: string[] = [];
    for await (const item of prefetchNext(source(3, log))) {
      await new Promise((resolve) => setImmediate(resolve));
      log.push(`handled ${item}`);
    }
    expect(log).toEqual(['ask 0', 'ask 1', 'handled 0', 'ask 2', 'handled 1', 'handled 2']);
  });

  it('hands out every item in order, and nothing for an empty source', async () => {
    const seen: number[] = [];
    for await (const item of prefetchNext(source(5, []))) seen.push(item);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    for await (const item of prefetchNext(source(0, []))) seen.push(item);
    expect(seen).toHaveLength(5);
  });

  it('raises a failed early request on the iteration that would have met it, after the items before it', async () => {
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of prefetchNext(source(4, [], 2))) {
          // Long enough for the request of item 2 to fail while item 1 is handled.
          await new Promise((resolve) => setTimeout(resolve, 20));
          seen.push(item);
        }
      })(),
    ).rejects.toThrow('page 2 failed');
    expect(seen).toEqual([0, 1]);
  });

  it('closes the source when the loop is left early', async () => {
    const pages = source(10, []);
    for await (const item of prefetchNext(pages)) if (item === 1) break;
    expect(pages.closed).toBe(true);
  });
});

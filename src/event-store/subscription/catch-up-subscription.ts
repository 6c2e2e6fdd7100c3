import type { Logger } from '../../logging/logger.js';
import type { EventFilter, GlobalPosition, RecordedEvent } from '../event-store.port.js';
import { checkCount, InvalidEventStoreInput } from '../event-ids.js';
import type { Doorbell } from './doorbell.js';

/** What a catch-up subscription needs from an adapter. */
export interface SubscriptionSource {
  /** Events strictly after `from`, in global order, at most `maxCount`; may throw on a transient failure. */
  read(from: GlobalPosition | null, maxCount: number, filter: EventFilter | undefined): Promise<RecordedEvent[]>;
  /** Rung after appends (in-process) or on a database notification. */
  doorbell: Doorbell;
  /** Called once when the subscription starts and once when it ends (e.g. to hold a LISTEN connection). */
  open?(): void;
  close?(): void;
}

export interface CatchUpOptions {
  from: GlobalPosition | null;
  filter?: EventFilter;
  batchSize?: number;
  signal?: AbortSignal;
  /** Ends every subscription of a store when the store closes. */
  storeSignal?: AbortSignal;
  /** Re-read at least this often while live, even without a ring (another process may append). */
  pollIntervalMs: number;
  /** First and largest pause after a failed read; doubles in between. */
  backoff?: { initialMs: number; maxMs: number };
  logger?: Logger;
}

export const DEFAULT_BATCH_SIZE = 500;

/**
 * Catch-up then live, as one loop: read a batch after the checkpoint, hand its events out one `next()` at a time, and
 * read the next batch only when the consumer asks for more, so a slow consumer slows the reads instead of filling
 * memory. An empty or short batch means "caught up": wait for a ring or the poll interval and read again. A failed
 * read is retried with exponential backoff for as long as the subscription lives; only the signal, the store closing
 * or the consumer leaving (`break`/`return()`) ends it.
 *
 * The checkpoint is the position of the last event the consumer took, so restarting from a stored checkpoint neither
 * repeats nor skips an event.
 */
export function catchUpSubscription(source: SubscriptionSource, options: CatchUpOptions): AsyncIterable<RecordedEvent> {
  const batchSize = checkCount('batchSize', options.batchSize) ?? DEFAULT_BATCH_SIZE;
  if (batchSize === 0) throw new InvalidEventStoreInput('batchSize must be at least 1');
  if (options.from !== null && typeof options.from !== 'string')
    throw new InvalidEventStoreInput('from must be a position string or null');
  const backoff = options.backoff ?? { initialMs: 100, maxMs: 5000 };

  return {
    [Symbol.asyncIterator]: () => run()[Symbol.asyncIterator](),
  };

  async function* run(): AsyncGenerator<RecordedEvent> {
    const { signal: stop, dispose } = anySignal([options.signal, options.storeSignal]);
    let checkpoint = options.from;
    let failures = 0;
    source.open?.();
    try {
      while (!stop.aborted) {
        const ticket = source.doorbell.ticket();
        let batch: RecordedEvent[];
        try {
          batch = await source.read(checkpoint, batchSize, options.filter);
          failures = 0;
        } catch (error) {
          // Bad arguments will not get better by retrying; everything else (dropped connection, busy database) might.
          if (error instanceof InvalidEventStoreInput) throw error;
          failures++;
          const pause = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures - 1, 20));
          options.logger?.warn(
            { err: errorSummary(error), attempt: failures, retryInMs: pause },
            'subscription read failed; retrying',
          );
          await sleep(pause, stop);
          continue;
        }
        for (const event of batch) {
          if (stop.aborted) return;
          // Defensive: never hand out an event at or before the checkpoint, whatever the source returned.
          if (checkpoint !== null && event.position <= checkpoint) continue;
          yield event;
          checkpoint = event.position;
        }
        if (batch.length < batchSize) await source.doorbell.wait(ticket, options.pollIntervalMs, stop);
      }
    } finally {
      dispose();
      source.close?.();
    }
  }
}

function errorSummary(error: unknown): { name: string; message: string; code?: unknown } {
  const e = error as { name?: string; message?: string; code?: unknown };
  return { name: e?.name ?? 'Error', message: e?.message ?? String(error), code: e?.code };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * A signal that aborts when any of the given ones does; `dispose` detaches it, so a long-lived store signal does not
 * keep a listener per finished subscription.
 */
function anySignal(signals: (AbortSignal | undefined)[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const attached = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  for (const signal of attached) {
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', abort, { once: true });
  }
  return {
    signal: controller.signal,
    dispose: () => attached.forEach((signal) => signal.removeEventListener('abort', abort)),
  };
}

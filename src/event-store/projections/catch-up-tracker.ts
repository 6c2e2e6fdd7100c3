import type { GlobalPosition } from '../event-store.port.js';

interface Waiter {
  position: GlobalPosition | undefined;
  /** Sequence number of the last read started before the wait began; an idle read after it counts. */
  afterRead: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

/**
 * Tracks how far one loop (a projection or a consumer) has got, and settles `waitUntilCaughtUp` calls.
 *
 * With a position: settled once the checkpoint reaches it. Loops scan every event (they filter in memory), so the
 * checkpoint is an exact "everything up to here is done". Without one: settled by the first read that *started after*
 * the call and found less than a full batch — everything committed before the call was then processed. A read already
 * in flight at the call may have missed the caller's last append, so it does not count.
 */
export class CatchUpTracker {
  private readsStarted = 0;
  private lastIdleRead = 0;
  private lastReadWasIdle = false;
  private failure?: Error;
  private readonly waiters = new Set<Waiter>();

  constructor(
    private checkpoint: GlobalPosition | null,
    /** Called when someone starts waiting, so the loop can skip the rest of its poll sleep. */
    private readonly onWait: () => void = () => undefined,
  ) {}

  get position(): GlobalPosition | null {
    return this.checkpoint;
  }

  /** Whether the last completed read found the end of the log. */
  get idle(): boolean {
    return this.lastReadWasIdle;
  }

  beginRead(): number {
    return ++this.readsStarted;
  }

  endRead(read: number, idle: boolean): void {
    this.lastReadWasIdle = idle;
    if (idle) this.lastIdleRead = Math.max(this.lastIdleRead, read);
    this.settle();
  }

  advance(position: GlobalPosition | null): void {
    this.checkpoint = position;
    this.settle();
  }

  /** Rejects current and future waits until `clear()`: a failed loop will not catch up by itself. */
  fail(error: Error): void {
    this.failure = error;
    for (const waiter of [...this.waiters]) this.finish(waiter, error);
  }

  clear(): void {
    this.failure = undefined;
  }

  wait(position?: GlobalPosition | null, timeoutMs?: number): Promise<void> {
    if (position === null) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { position, afterRead: this.readsStarted, resolve, reject };
      if (this.satisfied(waiter)) return resolve();
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          const target = position === undefined ? 'the end of the log' : `position ${position}`;
          this.finish(waiter, new Error(`not caught up to ${target} within ${timeoutMs} ms (at ${this.checkpoint})`));
        }, timeoutMs);
      }
      this.waiters.add(waiter);
      this.onWait();
    });
  }

  private satisfied(waiter: Waiter): boolean {
    if (waiter.position !== undefined) return this.checkpoint !== null && this.checkpoint >= waiter.position;
    return this.lastIdleRead > waiter.afterRead;
  }

  private settle(): void {
    for (const waiter of [...this.waiters]) if (this.satisfied(waiter)) this.finish(waiter);
  }

  private finish(waiter: Waiter, error?: Error): void {
    if (!this.waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    if (error) waiter.reject(error);
    else waiter.resolve();
  }
}

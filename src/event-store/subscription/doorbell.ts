/**
 * Wakes subscriptions when new events may be readable. A subscription takes a ticket before it reads and waits on
 * that ticket afterwards, so a ring that lands while it is reading is not lost.
 */
export class Doorbell {
  private rings = 0;
  private waiters: (() => void)[] = [];

  /** The current ticket; `wait(ticket)` resolves once a ring happens after it was taken. */
  ticket(): number {
    return this.rings;
  }

  ring(): void {
    this.rings++;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves at the first ring after `ticket`, after `timeoutMs`, or when `signal` aborts, whichever comes first. */
  wait(ticket: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.rings !== ticket || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters = this.waiters.filter((waiter) => waiter !== done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.push(done);
    });
  }
}

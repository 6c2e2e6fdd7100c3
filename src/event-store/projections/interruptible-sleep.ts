interface Sleeping {
  wakeable: boolean;
  finish: () => void;
}

/**
 * Sleeps that their owner can cut short: `wake()` ends poll-interval sleeps early (new work, a waiter), `abort()`
 * ends every sleep, present and future, so a stopping loop never waits out a long backoff. Backoff sleeps are not
 * wakeable, so a stream of waiters cannot turn a backoff into a busy retry loop. Several loops may sleep at once
 * (a projection's live loop and its rebuild).
 */
export class InterruptibleSleep {
  private aborted = false;
  private readonly sleeping = new Set<Sleeping>();

  sleep(ms: number, options: { wakeable: boolean }): Promise<void> {
    if (this.aborted || ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const entry: Sleeping = {
        wakeable: options.wakeable,
        finish: () => {
          clearTimeout(timer);
          this.sleeping.delete(entry);
          resolve();
        },
      };
      const timer = setTimeout(entry.finish, ms);
      this.sleeping.add(entry);
    });
  }

  wake(): void {
    for (const entry of [...this.sleeping]) if (entry.wakeable) entry.finish();
  }

  abort(): void {
    this.aborted = true;
    for (const entry of [...this.sleeping]) entry.finish();
  }

  get isAborted(): boolean {
    return this.aborted;
  }
}

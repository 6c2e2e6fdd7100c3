import type { EventStore, GlobalPosition } from '../event-store.port.js';

/**
 * Tells, from successive looks at a checkpoint another instance owns, when that instance has stopped working it off.
 * The instance at work writes the checkpoint as it goes, so events waiting behind a checkpoint that stays put for
 * `takeoverAfterMs` mean nobody handles them. A checkpoint that stays put with nothing after it proves nothing (an idle
 * reader writes none). The wait is measured from the first look that saw events waiting, not from the last checkpoint
 * write: otherwise the first event after a long quiet spell would look overdue and be taken from an instance that is
 * about to handle it. Shared by the standby of checkpointed consumers and of projections.
 */
export class StalledCheckpoint {
  private seen: GlobalPosition | null | undefined;
  private waitingSince: number | null = null;

  constructor(private readonly takeoverAfterMs: number) {}

  /** How long events have waited behind `stored` once that reached `takeoverAfterMs`; null while it has not. */
  observe(stored: GlobalPosition | null, eventsWaiting: boolean, now = Date.now()): number | null {
    if (stored !== this.seen || !eventsWaiting) this.waitingSince = null;
    this.seen = stored;
    if (!eventsWaiting) return null;
    this.waitingSince ??= now;
    const waited = now - this.waitingSince;
    return waited >= this.takeoverAfterMs ? waited : null;
  }
}

/** Whether the log holds an event after `position` (one indexed read of at most one event). */
export async function eventsAfter(store: EventStore, position: GlobalPosition | null): Promise<boolean> {
  return (await store.readAll({ fromPosition: position, maxCount: 1 })).length > 0;
}

import type { GlobalPosition } from '../../event-store/event-store.port.js';

/**
 * What a window run waits on so that it does not run far ahead of the reactions to its own orders (shop orders,
 * stock, merchant order ids). Unpaced, a 20 000-order backfill decided its last orders 25 s before their stock
 * was taken and their merchant order ids sent, a lag that grows with the backlog, while the shop went on showing
 * units already sold. Paced, each order's reactions follow within a few pages, and they find its state and stream
 * head still in their bounded caches instead of reading the stream back from the store (3.4 stream reads per order
 * down to 1 in that backfill; the throughput measured the same).
 */
export interface ReactionsPace {
  /** Where the log ends now. */
  mark(): Promise<GlobalPosition | null>;
  /**
   * Resolves once the running reactions have handled the log up to `mark`, or as soon as they stop making progress
   * (a reaction retrying a failing event, stopped or taken over): the pace never holds an import back for a reaction
   * that does not move.
   */
  keepUpWith(mark: GlobalPosition, signal?: AbortSignal): Promise<void>;
}

/** Provided by the reactions module when it is part of the app; the importer runs unpaced without it. */
export const REACTIONS_PACE = Symbol('REACTIONS_PACE');

/** How long one wait of the pace lasts before it looks whether what it waits for moved at all. */
export const PACE_STALL_MS = 1000;

/**
 * Waits (`wait`: one slice of at most PACE_STALL_MS) until it resolves, for as long as `progress` grows between slices:
 * whatever stops moving (retrying a failing event, failed, stopped) is not waited for any longer. Ends on `signal`.
 */
export async function waitWhileMoving(
  wait: () => Promise<void>,
  progress: () => number,
  signal?: AbortSignal,
): Promise<void> {
  let before = progress();
  while (!signal?.aborted) {
    try {
      await wait();
      return;
    } catch {
      // Not there yet, or it stopped meanwhile: wait on only while it moves.
    }
    const now = progress();
    if (now === before) return;
    before = now;
  }
}

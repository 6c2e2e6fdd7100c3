import type { GlobalPosition } from '../../event-store/event-store.port.js';

/**
 * What a window run waits on so that it does not run far ahead of the reactions to its own orders (shop orders,
 * stock, merchant order ids). Those reactions find each order's state and stream head in bounded caches that the
 * import has just filled; an importer thousands of orders ahead has them miss on every order and read every stream
 * back from the store, which on a 20 000-order backfill cost more than the wait.
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

import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '../commands/command-metadata.js';
import type { ActionType } from '../domain/marketplace-definition.js';

export type RequestLengowActionOutcome =
  | { readonly kind: 'recorded'; readonly events: readonly string[] }
  /** The domain says there is nothing to report (e.g. an order the marketplace ships itself). */
  | { readonly kind: 'not_applicable'; readonly reason: string }
  /**
   * What the request is built from could not be read (Lengow out, the settings unreadable): nothing was recorded, the
   * request is kept for another try (DeferredActionRequests).
   */
  | { readonly kind: 'deferred'; readonly reason: string; readonly attempts: number; readonly nextAttemptAt: string };

/**
 * A recorded shop change → `RequestShip` / `RequestCancel` / `RequestRefund`, with the marketplace definition and the
 * carrier mapping the domain builds the arguments from, and the merchant's choices the change carries (its reason).
 */
export class RequestLengowAction extends Command<RequestLengowActionOutcome> {
  constructor(
    readonly stream: string,
    readonly actionType: ActionType,
    readonly changeId: string,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

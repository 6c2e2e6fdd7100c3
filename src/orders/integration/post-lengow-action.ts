import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '../commands/command-metadata.js';

export type PostLengowActionOutcome =
  | { readonly kind: 'sent'; readonly lengowActionId: string; readonly via: 'posted' | 'adopted' }
  | { readonly kind: 'send_failed'; readonly transient: boolean; readonly message: string }
  /** Nothing to do: the attempt already has an outcome, or its next try is not due yet. */
  | { readonly kind: 'skipped'; readonly reason: 'not_open' | 'not_due' };

/** Posts one action attempt of an `ActionRequested` (duplicate guard first) and records what Lengow answered. */
export class PostLengowAction extends Command<PostLengowActionOutcome> {
  constructor(
    readonly stream: string,
    readonly attemptKey: string,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

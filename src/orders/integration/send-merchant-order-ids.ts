import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '../commands/command-metadata.js';

export type SendMerchantOrderIdsOutcome =
  | { readonly kind: 'sent'; readonly tries: number }
  | { readonly kind: 'failed'; readonly tries: number; readonly message: string }
  /** The request is no longer pending (already sent or failed). */
  | { readonly kind: 'skipped' };

/** PATCHes the shop order ids of one moi request (`merchantOrderIds.key` or a re-synchronisation key) to Lengow. */
export class SendMerchantOrderIds extends Command<SendMerchantOrderIdsOutcome> {
  constructor(
    readonly stream: string,
    readonly key: string,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '../commands/command-metadata.js';

/**
 * After a re-import, the shop orders it replaced go to "technical error" (lengow-api.md §11): out of every flow, stock
 * untouched (the new orders were created without taking stock, so the units stay counted once).
 */
export class RetireReplacedShopOrders extends Command<{ readonly changed: readonly string[] }> {
  constructor(
    readonly stream: string,
    readonly generation: number,
    readonly shopOrderIds: readonly string[],
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '../commands/command-metadata.js';

export interface AppliedShopState {
  readonly shopOrderId: string;
  readonly from: string;
  readonly to: string;
}

/** `LengowStatusChanged` → the shop orders' states, where the plugins move them (lengow-api.md §6). */
export class ApplyLengowStatusToShop extends Command<{ readonly applied: readonly AppliedShopState[] }> {
  constructor(
    readonly stream: string,
    readonly lengowStatus: string | null,
    readonly marketplaceStatus: string,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

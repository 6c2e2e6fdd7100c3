import { Command } from '@nestjs/cqrs';
import type { OrderCommand } from '../domain/order-commands.js';
import type { CommandMetadata } from './command-metadata.js';
import type { ExecuteOptions, OrderCommandResult } from './order-command-executor.js';

/**
 * The CommandBus message for every order-stream command: the domain command (a discriminated union, `RequestShip`,
 * `ImportOrder`…) travels inside, so the domain keeps its plain types and one handler serves them all.
 */
export class ExecuteOrderCommand extends Command<OrderCommandResult> {
  constructor(
    readonly command: OrderCommand,
    readonly metadata: CommandMetadata,
    readonly options: ExecuteOptions = {},
  ) {
    super();
  }
}

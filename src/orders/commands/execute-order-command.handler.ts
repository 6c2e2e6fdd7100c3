import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ExecuteOrderCommand } from './execute-order-command.js';
import { OrderCommandExecutor, type OrderCommandResult } from './order-command-executor.js';

@CommandHandler(ExecuteOrderCommand)
export class ExecuteOrderCommandHandler implements ICommandHandler<ExecuteOrderCommand, OrderCommandResult> {
  constructor(private readonly executor: OrderCommandExecutor) {}

  execute({ command, metadata, options }: ExecuteOrderCommand): Promise<OrderCommandResult> {
    return this.executor.execute(command, metadata, options);
  }
}

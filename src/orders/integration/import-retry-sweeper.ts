import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { LOGGER } from '../../app.tokens.js';
import { AsyncMutex } from '../../database/async-mutex.js';
import type { Logger } from '../../logging/logger.js';
import { deterministicId } from '../commands/order-event-ids.js';
import { ImportOneOrder } from '../import/commands/import-commands.js';
import { describeFailure } from './describe-failure.js';
import { FollowUpIndex } from './follow-up-index.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from './reactions-options.js';

export interface ImportRetryReport {
  /** Orders due whose one-order import was run again. */
  retried: number;
  /** Re-drives that failed this time (Lengow or the shop still unreachable): due again at the next sweep. */
  errors: number;
}

/**
 * Re-drives imports that failed transiently (the shop or Lengow unreachable) once their `nextAttemptAt` has passed:
 * the order is fetched again and imported in one-order mode (`ImportOneOrder`), so the retry does not depend on the
 * order still being inside the scheduled poll's window. The domain keeps the retry policy (attempt count, backoff,
 * parking after the budget): the sweep only notices that a retry is due.
 */
@Injectable()
export class ImportRetrySweeper {
  private readonly mutex = new AsyncMutex();

  constructor(
    private readonly commandBus: CommandBus,
    private readonly index: FollowUpIndex,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  sweepNow(): Promise<ImportRetryReport> {
    return this.mutex.runExclusive(async () => {
      const report: ImportRetryReport = { retried: 0, errors: 0 };
      for (const row of await this.index.dueImportRetries(this.options.clock().toISOString())) {
        const commandId = deterministicId(`import-retry:${row.stream}:${row.attempt}`);
        try {
          await this.commandBus.execute(
            new ImportOneOrder(
              { marketplace: row.marketplace, marketplaceOrderId: row.marketplaceOrderId },
              { commandId, correlationId: row.correlationId ?? commandId, causationId: commandId, actor: 'system' },
            ),
          );
          report.retried++;
        } catch (error) {
          report.errors++;
          this.logger.warn({ stream: row.stream, err: describeFailure(error) }, 'import retry failed');
        }
      }
      return report;
    });
  }
}

import type { EventStore } from '../../../event-store/event-store.port.js';
import { OrderCommandExecutor, type OrderCommandResult } from '../../commands/order-command-executor.js';
import { idempotencyKeys } from '../../domain/idempotency-keys.js';
import type { OrderCommand } from '../../domain/order-commands.js';
import type { OrderKey } from '../../domain/order-key.js';
import type { StockDecrementFailure } from '../../domain/stock-decrement-failure.js';
import { orderKeyOf } from '../../domain/order-key.js';
import { address, carrierMapping, definition, lookups, snapshot } from '../../domain/testing/order-fixtures.js';
import { importOrder, later, shipped } from '../../domain/testing/order-scenario.js';

/**
 * TEST SUPPORT. Writes realistic order streams through the real command path (OrderCommandExecutor: load → decide →
 * append with metadata), one story per back-office situation, for any order key.
 */
export type OrderStory =
  | 'pending'
  | 'imported'
  | 'not_imported'
  | 'ignored'
  | 'not_shipped'
  | 'ship_waiting'
  | 'shipped'
  | 'ship_refused'
  | 'canceled_by_marketplace'
  | 'stock_short'
  | 'stock_product_gone';

/**
 * The stories every read-side suite writes (counts in those suites depend on them); `stock_short` and
 * `stock_product_gone` are written on their own.
 */
export const ORDER_STORIES: readonly OrderStory[] = [
  'pending',
  'imported',
  'not_imported',
  'ignored',
  'not_shipped',
  'ship_waiting',
  'shipped',
  'ship_refused',
  'canceled_by_marketplace',
];

export interface StoryOrder {
  marketplace: string;
  marketplaceOrderId: string;
  customer?: { firstName: string; lastName: string };
  /** `marketplace_order_date` of the Lengow order (default: the fixture's). */
  orderDate?: string;
}

export interface StoryResult {
  key: OrderKey;
  stream: string;
  results: OrderCommandResult[];
}

export class OrderStoryWriter {
  private readonly executor: OrderCommandExecutor;
  private commands = 0;
  private lastStream: string | null = null;

  constructor(private readonly store: EventStore) {
    this.executor = new OrderCommandExecutor(store);
  }

  /**
   * Position of the last event written (stories run one after another, so it is the highest). Wait for it
   * explicitly: on PostgreSQL a read "to the end of the log" stops below transactions still open anywhere in the
   * database, so an idle read is not proof that this writer's events were seen.
   */
  async lastPosition(): Promise<string | null> {
    if (this.lastStream === null) return null;
    const [last] = await this.store.readStream(this.lastStream, { direction: 'backwards', maxCount: 1 });
    return last?.position ?? null;
  }

  /** Runs every command of `story` on one order. */
  async write(order: StoryOrder, story: OrderStory): Promise<StoryResult> {
    const key = orderKeyOf(order.marketplace, order.marketplaceOrderId);
    const results: OrderCommandResult[] = [];
    const run = async (command: OrderCommand) => {
      const result = await this.executor.execute(command, {
        commandId: `story-${++this.commands}-${key.marketplace}-${key.marketplaceOrderId}`,
        actor: 'operator:tester',
        correlationId: `story-${key.marketplaceOrderId}`,
      });
      results.push(result);
      this.lastStream = result.stream;
      return result;
    };
    const input = importInput(key, order);
    const created = (generation = 1) => ({
      type: 'RecordShopOrdersCreated' as const,
      data: {
        orderKey: key,
        generation,
        shopOrderIds: { [idempotencyKeys.shopOrder(key, 0, generation)]: `SO-${key.marketplaceOrderId}` },
        now: later(1),
      },
    });
    const actionInput = { orderKey: key, definition: input.definition!, carrierMapping: carrierMapping() };
    /** Imported and created, then the shop refused the planned decrement: "stock not decremented". */
    const stockFailed = async (failure: StockDecrementFailure) => {
      await run(importOrder(input));
      await run(created());
      await run({
        type: 'RecordStockDecrementFailed',
        data: { orderKey: key, key: idempotencyKeys.stockDecrement(key), failure, now: later(2) },
      });
    };
    const shipRequested = async (trackingNumber: string | null) => {
      await run(importOrder(input));
      await run(created());
      await run({
        type: 'RecordShopStatusChange',
        data: {
          orderKey: key,
          changeId: 'chg-ship',
          shopOrderId: `SO-${key.marketplaceOrderId}`,
          change: shipped(trackingNumber),
          now: later(10),
        },
      });
      const requested = await run({
        type: 'RequestShip',
        data: { ...actionInput, changeId: 'chg-ship', now: later(11) },
      });
      return requested.state.actionRequests
        .flatMap((request) => request.tries.flatMap((t) => t.attempts))
        .filter((attempt) => attempt.status === 'requested')
        .map((attempt) => attempt.attemptKey);
    };
    const sendAll = async (attempts: string[]) => {
      for (const [i, attemptKey] of attempts.entries()) {
        await run({
          type: 'RecordActionSent',
          data: { orderKey: key, attemptKey, lengowActionId: `${5000 + i}`, via: 'posted', now: later(12) },
        });
      }
    };

    switch (story) {
      case 'pending':
        await run(importOrder(input));
        break;
      case 'imported':
        await run(importOrder(input));
        await run(created());
        break;
      case 'not_imported':
        await run(importOrder({ ...input, lookups: lookups({ currencyAvailable: false }) }));
        break;
      case 'ignored':
        await run(importOrder({ ...input, snapshot: { ...input.snapshot, anonymized: true } }));
        break;
      case 'not_shipped':
        // No tracking number: the engine refuses the ship action before calling Lengow ("Not shipped").
        await shipRequested(null);
        break;
      case 'ship_waiting':
        await sendAll(await shipRequested('TRK-1'));
        break;
      case 'shipped': {
        const attempts = await shipRequested('TRK-1');
        await sendAll(attempts);
        for (const attemptKey of attempts) {
          await run({
            type: 'RecordActionOutcome',
            data: { orderKey: key, attemptKey, outcome: { kind: 'accepted' }, now: later(30) },
          });
        }
        break;
      }
      case 'ship_refused': {
        const attempts = await shipRequested('TRK-1');
        await sendAll(attempts);
        for (const attemptKey of attempts) {
          await run({
            type: 'RecordActionOutcome',
            data: {
              orderKey: key,
              attemptKey,
              outcome: { kind: 'refused', errors: ['Tracking number is not valid'] },
              now: later(30),
            },
          });
        }
        break;
      }
      case 'canceled_by_marketplace':
        await run(importOrder(input));
        await run(created());
        await run(
          importOrder({ ...input, snapshot: { ...input.snapshot, marketplaceStatus: 'Cancelled' }, now: later(60) }),
        );
        break;
      case 'stock_short':
        // The shop had one unit of the plan's first product, which the order asks two of.
        await stockFailed({ code: 'STOCK_SHORTFALL', shortfall: [{ productId: '1001_3', ordered: 2, inStock: 1 }] });
        break;
      case 'stock_product_gone':
        // The plan's first product was deleted from the shop catalogue after the import.
        await stockFailed({ code: 'PRODUCT_NOT_IN_SHOP', products: [{ productId: '1001_3', reason: 'missing' }] });
        break;
    }
    return { key, stream: results[0]!.stream, results };
  }
}

function importInput(key: OrderKey, order: StoryOrder) {
  const name = order.customer ?? { firstName: 'Anne', lastName: 'Martin' };
  const billing = address({
    firstName: name.firstName,
    lastName: name.lastName,
    fullName: `${name.firstName} ${name.lastName}`,
  });
  return importOrder({
    snapshot: snapshot({
      marketplace: key.marketplace,
      marketplaceOrderId: key.marketplaceOrderId,
      billingAddress: billing,
      ...(order.orderDate === undefined ? {} : { orderDate: order.orderDate }),
    }),
    definition: definition({ code: key.marketplace, label: key.marketplace }),
  }).data;
}

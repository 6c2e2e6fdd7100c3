import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LOGGER } from '../../app.tokens.js';
import type { Logger } from '../../logging/logger.js';
import type { OrderSettingsReader } from '../../settings/order-settings.port.js';
import { REACTIONS_SETTINGS } from './reactions-settings.js';
import { isShopError } from '../../shop/shop-error.js';
import { SHOP, type Shop } from '../../shop/shop.port.js';
import type { ShopCarrier as DomainShopCarrier } from '../domain/carrier-mapping.js';
import type { ImportFailure, ImportFailureKind } from '../domain/import-failure.js';
import type { StockTried } from '../domain/order-commands.js';
import type { StockDecrementPlan } from '../domain/plan-shop-orders.js';
import { ExecuteOrderCommand } from '../commands/execute-order-command.js';
import { OrderStreamReader } from '../commands/order-stream-reader.js';
import type { ShopCarrier } from '../../shop/shop-carrier.js';
import { CreateShopOrders, type CreateShopOrdersOutcome } from './create-shop-orders.js';
import { describeFailure } from './describe-failure.js';
import { followUpMetadata } from './reaction-metadata.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from './reactions-options.js';
import { takeOrderStock } from './take-order-stock.js';
import { toCreateShopOrdersInput } from './to-create-shop-orders-input.js';

const NUMERIC_ID = /^\d{1,15}$/;
const STOCK_OUTCOME = { decremented: 'taken', refused: 'refused' } as const;

/**
 * `OrderImportPlanned` → the shop. The whole plan goes in one idempotent call (all packages or none), so a redelivered
 * plan returns the orders created the first time. A refusal by the shop is a permanent import failure carrying the
 * shop's reasons; anything else (the shop's database unreachable…) is transient and retried with the settings' policy.
 * A first import's stock is taken in the same step (`tryStock`).
 */
@CommandHandler(CreateShopOrders)
export class CreateShopOrdersHandler implements ICommandHandler<CreateShopOrders, CreateShopOrdersOutcome> {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly orders: OrderStreamReader,
    @Inject(SHOP) private readonly shop: Shop,
    @Inject(REACTIONS_SETTINGS) private readonly settings: OrderSettingsReader,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: CreateShopOrders): Promise<CreateShopOrdersOutcome> {
    const { orderKey, plan } = command;
    const { state } = await this.orders.load(orderKey);
    // Only the pending plan may create orders: a redelivery after it was recorded (or superseded) does nothing.
    if (state.pendingImport?.plan.generation !== plan.generation) return { kind: 'stale' };

    const carriers = await this.carrierResolver(plan.shopOrders.map((order) => order.carrier));
    const mapped = toCreateShopOrdersInput(orderKey, plan, carriers);
    if (!mapped.ok) return this.fail(command, 'permanent', mapped.reasons);

    let created;
    try {
      created = await this.shop.createOrders(mapped.key, mapped.input);
    } catch (error) {
      if (isShopError(error))
        return this.fail(
          command,
          'permanent',
          error.problems.map((problem) => problem.message),
        );
      this.logger.warn({ key: mapped.key, err: describeFailure(error) }, 'shop unreachable while creating orders');
      return this.fail(command, 'transient', [`the shop could not be reached: ${describeFailure(error)}`]);
    }

    const byIndex = new Map(created.orders.map((order) => [order.packageIndex, String(order.id)]));
    const shopOrderIds: Record<string, string> = {};
    for (const planned of plan.shopOrders) {
      const id = byIndex.get(planned.packageIndex);
      // The shop answered for another set of packages than asked: a bug on one side, never papered over.
      if (id === undefined)
        throw new Error(`the shop returned no order for package ${planned.packageIndex} of ${mapped.key}`);
      shopOrderIds[planned.key] = id;
    }
    // A re-import takes no stock; nor does a plan without any (shipped by the marketplace, by the settings).
    const stockPlan = state.generation === 0 ? plan.stockDecrement : null;
    const stock = stockPlan ? await this.tryStock(stockPlan) : null;
    await this.commandBus.execute(
      new ExecuteOrderCommand(
        {
          type: 'RecordShopOrdersCreated',
          data: {
            orderKey,
            generation: plan.generation,
            shopOrderIds,
            ...(stock ? { stock } : {}),
            now: this.options.clock().toISOString(),
          },
        },
        followUpMetadata(command.metadata, 'created'),
      ),
    );
    return {
      kind: 'created',
      shopOrderIds,
      replayed: !created.created,
      stock: stock ? STOCK_OUTCOME[stock.outcome] : stockPlan ? 'left_to_saga' : 'not_planned',
    };
  }

  /**
   * A first import's stock is taken right after its orders are created and recorded with them: one step and one append
   * per order instead of a saga hop, a stream read and an append more. The decrement has its own key, so a redelivered
   * plan takes nothing twice. What the shop cannot answer now is left to the stock saga, which retries it, then parks.
   */
  private async tryStock(plan: StockDecrementPlan): Promise<StockTried | null> {
    try {
      const taken = await takeOrderStock(this.shop, this.settings, plan);
      return taken.kind === 'decremented'
        ? { outcome: 'decremented', key: plan.key }
        : { outcome: 'refused', key: plan.key, failure: taken.failure };
    } catch (error) {
      this.logger.warn(
        { key: plan.key, err: describeFailure(error) },
        'stock not taken with the orders: left to the saga',
      );
      return null;
    }
  }

  private async fail(
    command: CreateShopOrders,
    kind: ImportFailureKind,
    reasons: readonly string[],
  ): Promise<CreateShopOrdersOutcome> {
    const code = kind === 'permanent' ? 'SHOP_ERROR' : 'SHOP_UNAVAILABLE';
    const failures: ImportFailure[] = reasons.map((message) => ({ code, message }));
    const { import: importSettings } = await this.settings.current();
    await this.commandBus.execute(
      new ExecuteOrderCommand(
        {
          type: 'RecordImportFailure',
          data: {
            orderKey: command.orderKey,
            generation: command.plan.generation,
            kind,
            failures,
            retryPolicy: importSettings.retryPolicy,
            configurationRevision: command.configurationRevision,
            now: this.options.clock().toISOString(),
          },
        },
        followUpMetadata(command.metadata, `failed:${kind}`),
      ),
    );
    return { kind: 'failed', transient: kind === 'transient', reasons };
  }

  /**
   * Shop ids of the plan's carriers. The mapping may name a carrier by its shop id (any version: the shop resolves it
   * to the current one) or, for ids that are not the shop's, by its name; the carrier list is read only then.
   */
  private async carrierResolver(
    carriers: readonly DomainShopCarrier[],
  ): Promise<(carrier: DomainShopCarrier) => number | null> {
    let listed: ShopCarrier[] = [];
    if (carriers.some((carrier) => !NUMERIC_ID.test(String(carrier.id).trim())))
      listed = await this.shop.listCarriers();
    return (carrier) => {
      const id = String(carrier.id).trim();
      if (NUMERIC_ID.test(id)) return Number(id);
      const name = String(carrier.name ?? '')
        .trim()
        .toLowerCase();
      return listed.find((candidate) => candidate.name.trim().toLowerCase() === name)?.id ?? null;
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SQL_DATABASE, type SqlDatabase } from '../../database/sql-database.port.js';
import { OrderStreamReader } from '../commands/order-stream-reader.js';
import { OrderStreamsModule } from '../commands/order-streams.module.js';
import { ActionContextLoader } from '../integration/action-context.js';
import { ActionResultsPoller } from '../integration/action-results-poller.js';
import { ApplyLengowStatusToShopHandler } from '../integration/apply-lengow-status-to-shop.handler.js';
import { CreateShopOrdersHandler } from '../integration/create-shop-orders.handler.js';
import { ActionRequestRetrySweeper, DeferredActionRequests } from '../integration/deferred-action-requests.js';
import { DecrementStockHandler } from '../integration/decrement-stock.handler.js';
import { FollowUpIndex } from '../integration/follow-up-index.js';
import { ImportRetrySweeper } from '../integration/import-retry-sweeper.js';
import { MARK_SHOP_ORDER_HANDLERS, ShopCommandRunner } from '../integration/mark-shop-order-handlers.js';
import { PostLengowActionHandler } from '../integration/post-lengow-action.handler.js';
import {
  DEFAULT_ORDERS_REACTIONS_OPTIONS,
  ORDERS_REACTIONS_OPTIONS,
  type OrdersReactionsOptions,
} from '../integration/reactions-options.js';
import { appOrderSettings, REACTIONS_SETTINGS } from '../integration/reactions-settings.js';
import { RequestLengowActionHandler } from '../integration/request-lengow-action.handler.js';
import { ResendOrderActionHandler } from '../integration/resend-order-action.handler.js';
import { RetireReplacedShopOrdersHandler } from '../integration/retire-replaced-shop-orders.handler.js';
import { RetryOrderStockDecrementHandler } from '../integration/retry-order-stock-decrement.handler.js';
import { SendMerchantOrderIdsHandler } from '../integration/send-merchant-order-ids.handler.js';
import { ShopChangeFeedPoller } from '../integration/shop-change-feed-poller.js';
import { LengowActionSagas } from './lengow-action-sagas.js';
import { MerchantOrderIdsSaga } from './merchant-order-ids-saga.js';
import { OrdersReactions } from './orders-reactions.js';
import { ShopChangeSagas } from './shop-change-sagas.js';
import { ShopOrderSagas } from './shop-order-sagas.js';
import { REACTIONS_PACE } from '../import/reactions-pace.js';

/**
 * The order reactions: sagas (events → integration commands), the integration command handlers (shop and Lengow
 * calls, outcomes recorded on the order streams), the operator and merchant commands, and the pollers.
 *
 * Needs, from the app: the global EVENT_STORE, SQL_DATABASE, LOGGER (InfrastructureModule), LENGOW_API
 * (LengowModule), SHOP (ShopModule), ORDER_SETTINGS (SettingsModule); `CqrsModule.forRoot()`; the order command
 * handler (OrdersModule); CqrsInfrastructureModule (its DurableSagaRunner runs the sagas); and OrdersImportModule for
 * the import retry sweep (`ImportOneOrder`).
 */
@Module({})
export class OrdersReactionsModule {
  static register(options: Partial<OrdersReactionsOptions> = {}): DynamicModule {
    const resolved: OrdersReactionsOptions = {
      ...DEFAULT_ORDERS_REACTIONS_OPTIONS,
      ...options,
      moiRetry: { ...DEFAULT_ORDERS_REACTIONS_OPTIONS.moiRetry, ...options.moiRetry },
    };
    return {
      module: OrdersReactionsModule,
      imports: [OrderStreamsModule],
      providers: [
        { provide: ORDERS_REACTIONS_OPTIONS, useValue: resolved },
        { provide: REACTIONS_SETTINGS, inject: [ModuleRef], useFactory: appOrderSettings },
        {
          provide: FollowUpIndex,
          inject: [OrderStreamReader, SQL_DATABASE],
          useFactory: (orders: OrderStreamReader, db: SqlDatabase) => new FollowUpIndex(orders, db),
        },
        ActionContextLoader,
        CreateShopOrdersHandler,
        DecrementStockHandler,
        RetireReplacedShopOrdersHandler,
        SendMerchantOrderIdsHandler,
        RequestLengowActionHandler,
        PostLengowActionHandler,
        ApplyLengowStatusToShopHandler,
        ResendOrderActionHandler,
        RetryOrderStockDecrementHandler,
        ShopCommandRunner,
        ...MARK_SHOP_ORDER_HANDLERS,
        ShopChangeFeedPoller,
        ActionResultsPoller,
        ImportRetrySweeper,
        DeferredActionRequests,
        ActionRequestRetrySweeper,
        OrdersReactions,
        { provide: REACTIONS_PACE, useExisting: OrdersReactions },
        ShopOrderSagas,
        MerchantOrderIdsSaga,
        ShopChangeSagas,
        LengowActionSagas,
      ],
      exports: [
        OrdersReactions,
        REACTIONS_PACE,
        ShopChangeFeedPoller,
        ActionResultsPoller,
        ImportRetrySweeper,
        DeferredActionRequests,
      ],
    };
  }
}

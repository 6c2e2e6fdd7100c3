import { Injectable } from '@nestjs/common';
import { ofType, type IEvent } from '@nestjs/cqrs';
import { filter, map, merge, type Observable } from 'rxjs';
import { DurableSaga } from '../../cqrs/durable-saga.decorator.js';
import {
  OrderImportedEvent,
  OrderImportPlannedEvent,
  OrderReimportedEvent,
  StockDecrementRetryRequestedEvent,
} from '../events/order-event-classes.js';
import { CreateShopOrders } from '../integration/create-shop-orders.js';
import { DecrementStock } from '../integration/decrement-stock.js';
import { sagaMetadata } from '../integration/reaction-metadata.js';
import { RetireReplacedShopOrders } from '../integration/retire-replaced-shop-orders.js';

const SAGA = 'shop-orders';

/**
 * The import's side effects in the shop: create the planned orders, take the stock once (again when the operator
 * retries a failed decrement), and park the orders a re-import replaced (domain README, "import saga", "stock saga"
 * and operator rows).
 */
@Injectable()
export class ShopOrderSagas {
  @DurableSaga(OrderImportPlannedEvent)
  createPlannedOrders = (events$: Observable<IEvent>) =>
    events$.pipe(
      ofType(OrderImportPlannedEvent),
      map(
        (event) =>
          new CreateShopOrders(
            event.data.orderKey,
            event.data.plan,
            event.data.configurationRevision ?? null,
            sagaMetadata(event, SAGA, 'create'),
          ),
      ),
    );

  @DurableSaga(OrderImportedEvent, StockDecrementRetryRequestedEvent)
  decrementStock = (events$: Observable<IEvent>) =>
    merge(
      events$.pipe(
        ofType(OrderImportedEvent),
        // An import whose creation tried the stock recorded its outcome in the same append: nothing left to do here.
        filter(
          (event) =>
            event.data.stockDecrement !== null &&
            event.data.stockDecrement !== undefined &&
            event.data.stockDecrementTried !== true,
        ),
        map((event) => ({ event, key: event.data.stockDecrement!.key })),
      ),
      events$.pipe(
        ofType(StockDecrementRetryRequestedEvent),
        map((event) => ({ event, key: event.data.key })),
      ),
    ).pipe(map(({ event, key }) => new DecrementStock(event.stream, key, sagaMetadata(event, SAGA, 'stock'))));

  @DurableSaga(OrderReimportedEvent)
  retireReplacedOrders = (events$: Observable<IEvent>) =>
    events$.pipe(
      ofType(OrderReimportedEvent),
      filter((event) => (event.data.replacedShopOrderIds ?? []).length > 0),
      map(
        (event) =>
          new RetireReplacedShopOrders(
            event.stream,
            event.data.generation,
            event.data.replacedShopOrderIds,
            sagaMetadata(event, SAGA, 'retire'),
          ),
      ),
    );
}

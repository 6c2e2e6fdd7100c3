import { Injectable } from '@nestjs/common';
import { ofType, type IEvent } from '@nestjs/cqrs';
import { map, merge, type Observable } from 'rxjs';
import { DurableSaga } from '../../cqrs/durable-saga.decorator.js';
import {
  ShopOrderCanceledEvent,
  ShopOrderLineRefundedEvent,
  ShopOrderRefundedEvent,
  ShopOrderShippedEvent,
} from '../events/order-event-classes.js';
import type { ActionType } from '../domain/marketplace-definition.js';
import { sagaMetadata } from '../integration/reaction-metadata.js';
import { RequestLengowAction } from '../integration/request-lengow-action.js';

const SAGA = 'shop-changes';

/** What the merchant did in the shop → the Lengow action it calls for (lengow-api.md §11 "Triggers"). */
@Injectable()
export class ShopChangeSagas {
  @DurableSaga(ShopOrderShippedEvent, ShopOrderCanceledEvent, ShopOrderRefundedEvent, ShopOrderLineRefundedEvent)
  requestActions = (events$: Observable<IEvent>) =>
    merge(
      events$.pipe(
        ofType(ShopOrderShippedEvent),
        map((event) => ({ event, actionType: 'ship' as ActionType })),
      ),
      events$.pipe(
        ofType(ShopOrderCanceledEvent),
        map((event) => ({ event, actionType: 'cancel' as ActionType })),
      ),
      events$.pipe(
        ofType(ShopOrderRefundedEvent, ShopOrderLineRefundedEvent),
        map((event) => ({ event, actionType: 'refund' as ActionType })),
      ),
    ).pipe(
      map(
        ({ event, actionType }) =>
          new RequestLengowAction(event.stream, actionType, event.data.changeId, sagaMetadata(event, SAGA, actionType)),
      ),
    );
}
